"""The entity view on a hand-written graph with evidence, and over HTTP on the bundled graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.entities import EntityViews
from kg.errors import BadRequestError, EntityNotFoundError
from kg.namespaces import SKOS
from kg.store import GraphStore
from kg.terms import iri
from support import services_over

SOURCE_TEXT = "国家发改委牵头推动科创办工作。科创办位于张江科学城,设立50亿元基金。"

FIXTURE_TRIG = """
@prefix ikg: <https://w3id.org/innokg/ontology#> .
@prefix id: <https://w3id.org/innokg/id/> .
@prefix ev: <https://w3id.org/innokg/id/ev/> .
@prefix graph: <https://w3id.org/innokg/graph/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

graph:ontology {
  ikg:GovernmentBody a owl:Class ; rdfs:subClassOf org:Organization ;
      rdfs:label "政府机构"@zh , "government body"@en .
  ikg:CoordinationOffice a owl:Class ; rdfs:subClassOf org:Organization ;
      rdfs:label "推进办公室"@zh , "coordination office"@en .
  ikg:InnovationArea a owl:Class ; rdfs:label "创新区域"@zh , "innovation area"@en .
  ikg:leads a owl:ObjectProperty ; rdfs:label "牵头"@zh , "leads"@en .
  ikg:locatedIn a owl:ObjectProperty ; rdfs:label "位于"@zh , "located in"@en .
}

graph:fixture {
  id:office a ikg:CoordinationOffice ;
      skos:prefLabel "上海推进科技创新中心建设办公室"@zh , "Shanghai STC Office"@en ;
      skos:altLabel "科创办"@zh ; skos:hiddenLabel "上海 科创办"@zh ;
      ikg:locatedIn id:zhangjiang ; ikg:amount id:office-fund-amount ;
      ikg:itemCount 22 ; dcterms:date "2018-05"^^xsd:gYearMonth .
  id:office-fund-amount a schema:MonetaryAmount ;
      schema:value "5000000000"^^xsd:decimal ; schema:currency "CNY" .
  id:ndrc a ikg:GovernmentBody ;
      skos:prefLabel "国家发展和改革委员会"@zh , "National Development and Reform Commission"@en ;
      skos:altLabel "国家发改委"@zh , "NDRC"@en ; ikg:leads id:office .
  id:zhangjiang a ikg:InnovationArea ; skos:prefLabel "张江科学城"@zh , "Zhangjiang Science City"@en .
  id:office-director a org:Post ; skos:prefLabel "科创办主任"@zh ; org:postIn id:office .
  id:report a ikg:Report ; dcterms:title "测试报告"@zh ; ikg:sourceFile "fixture.txt" .
  id:s1 a ikg:Section ; ikg:sectionNumber "一" ; dcterms:title "组织架构"@zh ; dcterms:isPartOf id:report .

  ev:leads a ikg:Evidence ; rdf:subject id:ndrc ; rdf:predicate ikg:leads ; rdf:object id:office ;
      prov:wasDerivedFrom id:report ; ikg:inSection id:s1 ; oa:start 0 ; oa:end 14 .
  ev:located a ikg:Evidence ; rdf:subject id:office ; rdf:predicate ikg:locatedIn ;
      rdf:object id:zhangjiang ; prov:wasDerivedFrom id:report ; ikg:inSection id:s1 ;
      oa:start 15 ; oa:end 25 .
  ev:office-type a ikg:Evidence ; rdf:subject id:office ; rdf:predicate rdf:type ;
      rdf:object ikg:CoordinationOffice ; prov:wasDerivedFrom id:report ; ikg:inSection id:s1 ;
      oa:start 9 ; oa:end 12 .
  ev:amount a ikg:Evidence ; rdf:subject id:office ; rdf:predicate ikg:amount ;
      rdf:object id:office-fund-amount ; prov:wasDerivedFrom id:report ; ikg:inSection id:s1 ;
      oa:start 28 ; oa:end 35 .
}
"""

OFFICE = "https://w3id.org/innokg/id/office"
NDRC = "https://w3id.org/innokg/id/ndrc"


def fixture_store() -> GraphStore:
    """A fresh in-memory store holding FIXTURE_TRIG."""
    store = GraphStore.in_memory()
    store.load_bytes(FIXTURE_TRIG.encode("utf-8"), fmt="trig", name="fixture.trig")
    return store


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sources")
    (directory / "fixture.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def views(sources: Path) -> EntityViews:
    return services_over(fixture_store(), sources).entity_views


def _facts(facts: object) -> dict[str, object]:
    return {f["property"]["curie"]: f for f in facts}  # type: ignore[attr-defined]


def test_entity_view_has_labels_aliases_and_labelled_types(views: EntityViews) -> None:
    view = views.get_entity("office").to_dict()
    assert view["label"] == {"zh": "上海推进科技创新中心建设办公室", "en": "Shanghai STC Office"}
    assert view["aliases"] == [{"value": "科创办", "lang": "zh", "kind": "alt"},
                               {"value": "上海 科创办", "lang": "zh", "kind": "hidden"}]
    assert view["types"] == [{"iri": "https://w3id.org/innokg/ontology#CoordinationOffice",
                              "curie": "ikg:CoordinationOffice",
                              "label": {"zh": "推进办公室", "en": "coordination office"}}]


def test_entity_view_relations_both_directions_with_cited_text(views: EntityViews) -> None:
    view = views.get_entity("office").to_dict()
    located = _facts(view["outgoing"])["ikg:locatedIn"]
    assert located["value"] == {"iri": "https://w3id.org/innokg/id/zhangjiang", "id": "zhangjiang",
                                "label": {"zh": "张江科学城", "en": "Zhangjiang Science City"}}
    assert [c["text"] for c in located["citations"]] == [SOURCE_TEXT[15:25]]
    leads = _facts(view["incoming"])["ikg:leads"]
    assert leads["value"]["iri"] == NDRC and leads["property"]["label"]["zh"] == "牵头"
    citation = leads["citations"][0]
    assert (citation["section"], citation["start"], citation["end"], citation["text"]) == (
        "一", 0, 14, SOURCE_TEXT[0:14])


def test_entity_view_literals_keep_datatypes_and_amounts_expand(views: EntityViews) -> None:
    facts = _facts(views.get_entity("office").to_dict()["outgoing"])
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert facts["ikg:itemCount"]["value"] == {"literal": "22", "datatype": xsd + "integer", "lang": None}
    assert facts["dcterms:date"]["value"]["datatype"] == xsd + "gYearMonth"
    amount = facts["ikg:amount"]
    assert amount["value"] == {"literal": "5000000000", "datatype": xsd + "decimal", "lang": None,
                               "currency": "CNY"}
    assert amount["citations"][0]["text"] == SOURCE_TEXT[28:35]


def test_entity_view_cites_the_type_statement_and_skips_evidence_nodes(views: EntityViews) -> None:
    view = views.get_entity("office").to_dict()
    assert [c["text"] for c in view["citations"]] == ["科创办"]
    sources = {f["value"].get("iri") for f in view["incoming"]}
    assert sources == {NDRC, "https://w3id.org/innokg/id/office-director"}
    assert not {"rdf:type", "skos:prefLabel", "skos:altLabel"} & set(_facts(view["outgoing"]))


@pytest.mark.parametrize("identifier", ["ndrc", "id:ndrc", NDRC])
def test_entity_view_accepts_slug_curie_and_iri(views: EntityViews, identifier: str) -> None:
    assert views.get_entity(identifier).name.iri == NDRC


@pytest.mark.parametrize("identifier", ["nobody", "id:nobody", "https://example.org/x", "no-such-id"])
def test_entity_view_unknown_id_raises_not_found(views: EntityViews, identifier: str) -> None:
    with pytest.raises(EntityNotFoundError, match=r"nobody|example|no-such-id"):
        views.get_entity(identifier)


def test_entity_view_of_blank_text_asks_for_an_entity(views: EntityViews) -> None:
    with pytest.raises(BadRequestError, match="entity is required"):
        views.get_entity(" ")


# -- over HTTP, on the bundled graph ------------------------------------------------------------


def test_entity_endpoint_returns_both_directions_with_citations(client: TestClient) -> None:
    response = client.get("/entities/shanghai-stc-office")
    assert response.status_code == 200
    body = response.json()
    assert body["curie"] == "id:shanghai-stc-office" and body["label"]["zh"]
    assert body["outgoing"] and body["incoming"]
    cited = [f for f in body["outgoing"] + body["incoming"] if f["citations"]]
    assert cited and all(c["start"] < c["end"] for f in cited for c in f["citations"])


ENCODED_NDRC = "https%3A%2F%2Fw3id.org%2Finnokg%2Fid%2Fndrc"


@pytest.mark.parametrize("path", ["/entities/id:ndrc", f"/entities/{ENCODED_NDRC}"])
def test_entity_endpoint_accepts_curie_and_encoded_iri(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.json()["id"] == "ndrc"


def test_entity_endpoint_unknown_id_is_404_naming_it(client: TestClient) -> None:
    response = client.get("/entities/no-such-body")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "entity_not_found" and body["status"] == 404
    assert "no-such-body" in body["detail"]


def test_entity_view_citations_carry_the_curators_note(client: TestClient) -> None:
    body = client.get("/entities/shanghai-stc-office").json()
    implements = [f for f in body["outgoing"] if f["property"]["curie"] == "ikg:implements"
                  and f["value"]["id"] == "xi-2014-directive"]
    assert len(implements) == 1
    note = implements[0]["citations"][0]["note"]
    assert note["zh"] and "2014-05 directive" in note["en"]
    plain = [f for f in body["outgoing"] if f["property"]["curie"] == "ikg:executiveBodyOf"]
    assert plain and plain[0]["citations"][0]["note"] is None


def test_every_property_and_class_an_entity_view_shows_has_zh_and_en_labels(
        bundled_store: GraphStore) -> None:
    views = services_over(bundled_store).entity_views
    entities = {s.value for s, _, _ in bundled_store.triples(
        None, iri(str(SKOS.prefLabel)), None, graph="https://w3id.org/innokg/graph/zhangjiang-2020")}
    unlabelled = set()
    for entity in sorted(entities):
        view = views.get_entity(entity)
        shown = [*view.types, *(f.property for f in view.outgoing + view.incoming)]
        unlabelled |= {n.curie for n in shown if not (n.label_zh and n.label_en)}
    assert len(entities) > 100 and unlabelled == set()
