"""Names of a report link to the entities already in the store (the bundled graph), through the
shared lookup index: spellings, abbreviations and English names of one body meet one IRI."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import rdflib

from kg.config import Settings
from kg.ingest.pipeline import ingest_source
from kg.ingest.source import ReportSource
from kg.services import Services
from kg.store import GraphStore

NDRC = "https://w3id.org/innokg/id/ndrc"


@pytest.fixture(scope="module")
def services(settings: Settings, bundled_store: GraphStore) -> Services:
    return Services(settings, bundled_store)


@pytest.mark.parametrize("name", ["国家发展改革委", "国家发改委", "NDRC", "国家发展和改革委员会"])
def test_spellings_of_the_ndrc_link_to_one_iri(services: Services, name: str) -> None:
    link = services.linker(name, "ikg:GovernmentBody")
    assert link is not None and link.iri == NDRC
    assert link.how in ("label", "alias", "abbreviation") and 0.7 <= link.confidence <= 1


def test_a_name_the_store_does_not_have_makes_no_link(services: Services) -> None:
    assert services.linker("合肥综合性国家科学中心建设领导小组", "ikg:LeadingGroup") is None


def test_a_place_does_not_link_to_a_body(services: Services) -> None:
    link = services.linker("国家发改委", "schema:AdministrativeArea")
    assert link is None or link.confidence < 0.95


def test_linked_entities_keep_their_iri_and_are_not_repeated(services: Services) -> None:
    text = ("一、国家层面部署安排情况\n\n2017年1月,国家发改委、科技部批复同意建设合肥综合性国家科学中心。"
            "由国家发展改革委和安徽省共同牵头,成立合肥科学中心建设领导小组。" * 3 + "报告如下。" * 40)
    result = ingest_source(ReportSource(text, "linked.txt"), datetime(2021, 1, 1, tzinfo=UTC),
                           linker=services.linker, known=services.linker.known)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=result.trig, format="trig")
    ndrc = rdflib.URIRef(NDRC)
    assert (ndrc, rdflib.URIRef("https://w3id.org/innokg/ontology#linkedBy"), None) in dataset
    # its type and preferred label are in the store already: not repeated in the candidate graph
    assert (ndrc, rdflib.RDF.type, None) not in dataset
    assert (ndrc, rdflib.SKOS.prefLabel, None) not in dataset
    name = rdflib.Literal("合肥综合性国家科学中心", lang="zh")
    center = list(dataset.subjects(rdflib.SKOS.prefLabel, name))
    assert len(center) == 1 and (ndrc, rdflib.URIRef("https://w3id.org/innokg/ontology#approves"),
                                 center[0]) in dataset
