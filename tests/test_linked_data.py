"""Linked data: entity descriptions in every format (parsed back with rdflib), negotiation, 404/406, VoID."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.errors import NotAcceptableError
from kg.formats import Format, negotiate
from kg.linked_data import PAGE_OFFERS, RDF_OFFERS, serialise
from kg.terms import iri, literal
from test_entities import FIXTURE_TRIG, SOURCE_TEXT, fixture_store

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
IKG = rdflib.Namespace("https://w3id.org/innokg/ontology#")
ID = rdflib.Namespace("https://w3id.org/innokg/id/")

#: What /id/zhangjiang must say: its own statements, the statement pointing at it, the evidence of
#: that statement, and the names of everything linked (class, office, property, report, section).
EXPECTED_ZHANGJIANG = """
@prefix ikg: <https://w3id.org/innokg/ontology#> .
@prefix id: <https://w3id.org/innokg/id/> .
@prefix ev: <https://w3id.org/innokg/id/ev/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

id:zhangjiang a ikg:InnovationArea ; skos:prefLabel "张江科学城"@zh , "Zhangjiang Science City"@en .
id:office ikg:locatedIn id:zhangjiang ;
    skos:prefLabel "上海推进科技创新中心建设办公室"@zh , "Shanghai STC Office"@en .
ev:located a ikg:Evidence ; rdf:subject id:office ; rdf:predicate ikg:locatedIn ;
    rdf:object id:zhangjiang ; prov:wasDerivedFrom id:report ; ikg:inSection id:s1 ;
    oa:start 15 ; oa:end 25 .
ikg:InnovationArea rdfs:label "创新区域"@zh , "innovation area"@en .
ikg:locatedIn rdfs:label "位于"@zh , "located in"@en .
id:report dcterms:title "测试报告"@zh .
id:s1 ikg:sectionNumber "一" ; dcterms:title "组织架构"@zh .
"""

FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
           "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def fixture_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from kg.api.app import create_app

    sources: Path = tmp_path_factory.mktemp("sources")
    (sources / "fixture.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    settings = Settings(in_memory=True, sources_dir=sources, query_workers=1)
    with TestClient(create_app(settings, store=fixture_store())) as test_client:
        yield test_client


def _parse(body: bytes, rdflib_format: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=rdflib_format)


@pytest.mark.parametrize(("media", "rdflib_format"), FORMATS.items())
def test_entity_iri_dereferences_to_its_description(fixture_client: TestClient, media: str,
                                                    rdflib_format: str) -> None:
    response = fixture_client.get("/id/zhangjiang", headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "accept" in response.headers["vary"].lower()
    expected = rdflib.Graph().parse(data=EXPECTED_ZHANGJIANG, format="turtle")
    assert isomorphic(_parse(response.content, rdflib_format), expected)


def test_jsonld_embeds_a_local_context(fixture_client: TestClient) -> None:
    body = fixture_client.get("/id/office", headers={"Accept": "application/ld+json"}).json()
    assert isinstance(body["@context"], dict)
    assert body["@context"]["ikg"] == str(IKG)
    context = fixture_client.get("/context.jsonld")
    assert context.status_code == 200 and context.json()["@context"]["id"] == str(ID)


def test_description_includes_amount_node_and_incoming_statements(fixture_client: TestClient) -> None:
    graph = _parse(fixture_client.get("/id/office?format=nt").content, "nt")
    amount = ID["office-fund-amount"]
    assert (amount, rdflib.URIRef("https://schema.org/currency"), rdflib.Literal("CNY")) in graph
    assert (ID.ndrc, IKG.leads, ID.office) in graph
    assert (ID["office-director"], rdflib.URIRef("http://www.w3.org/ns/org#postIn"), ID.office) in graph


def test_html_page_shows_facts_with_cited_text_and_ui_link(fixture_client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,*/*;q=0.8"
    response = fixture_client.get("/id/office", headers={"Accept": browser})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "上海推进科技创新中心建设办公室" in page and SOURCE_TEXT[15:25] in page
    assert 'href="/ui/#/entity/office"' in page and 'href="/id/zhangjiang"' in page
    assert "<script" not in page


def test_format_parameter_overrides_accept(fixture_client: TestClient) -> None:
    response = fixture_client.get("/id/office?format=jsonld", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("application/ld+json")


def test_unacceptable_media_type_is_406(fixture_client: TestClient) -> None:
    response = fixture_client.get("/id/office", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


def test_unknown_entity_iri_is_404_json_or_html(fixture_client: TestClient) -> None:
    as_rdf = fixture_client.get("/id/nobody", headers={"Accept": "text/turtle"})
    assert as_rdf.status_code == 404 and as_rdf.json()["code"] == "entity_not_found"
    as_html = fixture_client.get("/id/nobody", headers={"Accept": "text/html"})
    assert as_html.status_code == 404 and as_html.headers["content-type"].startswith("text/html")


def _pick(accept: str | None, fmt: str | None = None, offers: tuple[Format, ...] = PAGE_OFFERS) -> str:
    return negotiate(accept, [fmt] if fmt else [], offers).name


def test_negotiate_prefers_higher_quality_then_server_order() -> None:
    assert _pick("application/ld+json;q=0.9, text/turtle;q=0.5") == "jsonld"
    assert _pick("*/*") == "turtle"
    assert _pick("text/html;q=0, */*;q=0.1") == "turtle"
    assert _pick("text/*") == "turtle"
    assert _pick(None, "nt") == "ntriples"


def test_negotiate_refuses_what_cannot_be_served() -> None:
    with pytest.raises(NotAcceptableError):
        _pick("image/png, application/pdf")
    with pytest.raises(NotAcceptableError):
        _pick("text/html", offers=RDF_OFFERS)
    with pytest.raises(NotAcceptableError, match="pdf"):
        _pick("text/turtle", "pdf")


def test_rdfxml_is_offered_by_media_type_and_format_name_but_never_preferred_to_turtle() -> None:
    assert _pick("application/rdf+xml") == "rdfxml"
    assert _pick("application/rdf+xml;q=0.9, text/turtle;q=0.5") == "rdfxml"
    assert _pick(None, "rdfxml") == _pick(None, "xml") == "rdfxml"
    assert _pick("application/*") == "jsonld"  # server order among equals: RDF/XML is last


def test_description_that_rdfxml_cannot_write_is_406_naming_the_other_formats() -> None:
    # RDF/XML writes a predicate as an XML element name; an IRI ending in "/" has none.
    triples = [(iri("https://w3id.org/innokg/id/x"), iri("http://example.org/p/"), literal("v"))]
    with pytest.raises(NotAcceptableError, match="Turtle"):
        serialise(triples, "rdfxml")
    assert b"http://example.org/p/" in serialise(triples, "turtle")


def test_ontology_is_negotiable(fixture_client: TestClient) -> None:
    graph = _parse(fixture_client.get("/ontology", headers={"Accept": "text/turtle"}).content, "turtle")
    assert (IKG.leads, rdflib.RDFS.label, rdflib.Literal("牵头", lang="zh")) in graph
    assert (ID.office, None, None) not in graph
    assert "推进办公室" in fixture_client.get("/ontology", headers={"Accept": "text/html"}).text
    as_xml = fixture_client.get("/ontology", headers={"Accept": "application/rdf+xml"})
    assert as_xml.headers["content-type"].startswith("application/rdf+xml")
    assert isomorphic(_parse(as_xml.content, "xml"), graph)


def test_void_counts_match_the_data(fixture_client: TestClient) -> None:
    response = fixture_client.get("/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    void = _parse(response.content, "turtle")
    dataset = next(void.subjects(rdflib.RDF.type, VOID.Dataset))
    data = rdflib.Dataset()
    data.parse(data=FIXTURE_TRIG, format="trig")
    triples = {(s, p, o) for s, p, o, _ in data.quads((None, None, None, None))}
    assert int(void.value(dataset, VOID.triples)) == len(triples)
    assert int(void.value(dataset, VOID.properties)) == len({p for _, p, _ in triples})
    assert void.value(dataset, VOID.uriSpace) == rdflib.Literal(str(ID))
    assert str(void.value(dataset, VOID.sparqlEndpoint)).endswith("/sparql")
    assert (dataset, rdflib.DCTERMS.source, ID.report) in void
    offices = [p for p in void.objects(dataset, VOID.classPartition)
               if void.value(p, VOID["class"]) == IKG.CoordinationOffice]
    assert len(offices) == 1 and int(void.value(offices[0], VOID.entities)) == 1


def test_well_known_void_and_example_resources_on_bundled_graph(client: TestClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    void = _parse(response.content, "nt")
    assert (None, VOID.exampleResource, ID["shanghai-stc-office"]) in void
    assert client.get("/void", headers={"Accept": "text/html"}).status_code == 406
