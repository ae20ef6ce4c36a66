"""SPARQLWrapper and rdflib's SPARQLStore / SPARQLUpdateStore against real `kg serve` processes, used the
way scripts and notebooks use them: their own Accept headers and extra parameters, rdflib's ~30
PREFIX lines, updates with a bearer token in a custom header.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.error import HTTPError
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import Unauthorized

from interop.conftest import GRAPH_PREFIX, WRITE_TOKEN, MakeRelay, served_graph
from live import LiveServer

pytestmark = pytest.mark.e2e

ID = "https://w3id.org/innokg/id/"
GRAPH = f"{GRAPH_PREFIX}python:"
#: A researcher looked up by the Chinese name, answering the English one.
RESEARCHER = (f"PREFIX skos: <{SKOS}>\nSELECT ?person ?en WHERE {{ ?person skos:prefLabel \"李祖兴\"@zh ; "
              "skos:prefLabel ?en FILTER(lang(?en) = \"en\") }")
ANSWER = {"person": f"{ID}li-zuxing", "en": "Li Zuxing"}
AUTH = {"Authorization": f"Bearer {WRITE_TOKEN}"}


def _rows(document: Any) -> list[dict[str, str]]:
    """The bindings of a SPARQL JSON results document as {variable: value}."""
    return [{name: term["value"] for name, term in row.items()} for row in document["results"]["bindings"]]


def _wrapper(server: LiveServer, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


# -- SPARQLWrapper -----------------------------------------------------------------------------

def test_sparqlwrapper_select_json(readonly_server: LiveServer) -> None:
    assert _rows(_wrapper(readonly_server, RESEARCHER, JSON).queryAndConvert()) == [ANSWER]


def test_sparqlwrapper_select_xml(readonly_server: LiveServer) -> None:
    document = _wrapper(readonly_server, RESEARCHER, XML).queryAndConvert()
    assert isinstance(document, Document)
    bindings = {b.getAttribute("name"): b.firstChild.firstChild.data  # type: ignore[union-attr]
                for b in document.getElementsByTagName("binding")}
    assert bindings == ANSWER


def test_sparqlwrapper_select_csv(readonly_server: LiveServer) -> None:
    text = _wrapper(readonly_server, RESEARCHER, CSV).queryAndConvert()
    assert isinstance(text, bytes)
    assert list(csv.DictReader(io.StringIO(text.decode("utf-8")))) == [ANSWER]


def test_sparqlwrapper_construct_turtle(readonly_server: LiveServer) -> None:
    query = (f"PREFIX skos: <{SKOS}>\nCONSTRUCT {{ ?p skos:prefLabel ?l }} WHERE "
             "{ ?p skos:altLabel \"Xuehua Yan\"@en ; skos:prefLabel ?l }")
    turtle = _wrapper(readonly_server, query, TURTLE).queryAndConvert()
    assert isinstance(turtle, bytes)
    expected = Graph()
    for label in (Literal("闫雪花", lang="zh"), Literal("Yan Xuehua", lang="en")):
        expected.add((URIRef(f"{ID}yan-xuehua"), SKOS.prefLabel, label))
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), expected)


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_post_query(readonly_server: LiveServer, relay: MakeRelay, request_method: str) -> None:
    wire = relay(readonly_server.url)
    client = SPARQLWrapper(f"{wire.url}/sparql")
    client.setQuery(RESEARCHER)
    client.setReturnFormat(JSON)
    client.setMethod(POST)
    client.setRequestMethod(request_method)
    assert _rows(client.queryAndConvert()) == [ANSWER]
    (post,) = wire.requests("POST")
    expected = ("application/x-www-form-urlencoded" if request_method == URLENCODED
                else "application/sparql-query")
    assert (post.header("content-type") or "").startswith(expected)


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_update_with_bearer_header(writable_server: LiveServer, request_method: str) -> None:
    graph = f"{GRAPH}sparqlwrapper-{request_method}"

    def update(text: str, *, token: bool = True) -> int:
        client = SPARQLWrapper(f"{writable_server.url}/sparql")
        client.setMethod(POST)
        client.setRequestMethod(request_method)
        if token:
            client.addCustomHttpHeader("Authorization", AUTH["Authorization"])
        client.setQuery(text)
        return int(client.query().response.status)

    insert = (f"PREFIX skos: <{SKOS}>\nINSERT DATA {{ GRAPH <{graph}> "
              "{ <urn:x-notebook> skos:note \"张江科学城笔记\"@zh } }")
    with pytest.raises(Unauthorized):
        update(insert, token=False)
    assert served_graph(writable_server, graph) is None
    assert update(insert) in (200, 204)
    written = served_graph(writable_server, graph)
    assert written is not None and '"张江科学城笔记"@zh' in written
    assert update(f"DROP GRAPH <{graph}>") in (200, 204)
    assert served_graph(writable_server, graph) is None


# -- rdflib ------------------------------------------------------------------------------------

#: The Accept header of rdflib's SPARQLStore in about half of all processes: rdflib builds it from a
#: set, so the order follows the hash seed; this is the order that puts RDF/XML before results XML.
RDFLIB_ACCEPT = "application/rdf+xml, application/sparql-results+xml"


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_sends_prefixes_and_rdfxml_first(
        readonly_server: LiveServer, relay: MakeRelay, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    wire = relay(readonly_server.url)
    store = SPARQLStore(query_endpoint=f"{wire.url}/sparql", method=method)
    assert set(store.response_mime_types().split(", ")) == set(RDFLIB_ACCEPT.split(", "))
    monkeypatch.setattr(store, "response_mime_types", lambda: RDFLIB_ACCEPT)
    graph = Graph(store=store)
    # skos: is not declared in the text: rdflib prepends a PREFIX line for each namespace it binds.
    rows = list(graph.query('SELECT ?person WHERE { ?person skos:altLabel "Zhe Xu"@en }'))
    assert rows == [(URIRef(f"{ID}xu-zhe"),)]
    assert graph.query('ASK { ?person skos:prefLabel "胥喆"@zh }').askAnswer is True
    constructed = graph.query('CONSTRUCT { ?p skos:prefLabel ?l } WHERE '
                              '{ ?p skos:prefLabel "胥喆"@zh ; skos:prefLabel ?l }').graph
    assert constructed is not None and set(constructed.objects()) == {
        Literal("胥喆", lang="zh"), Literal("Xu Zhe", lang="en")}

    requests = wire.requests()
    assert [r.method for r in requests] == [method.removesuffix("_FORM")] * 3
    assert all(r.header("accept") == RDFLIB_ACCEPT for r in requests)
    assert wire.sent().count(b"PREFIX") >= 3 * 25  # every query carried rdflib's prefixes


def test_rdflib_sparqlupdatestore_with_bearer_header(writable_server: LiveServer) -> None:
    endpoint = f"{writable_server.url}/sparql"
    graph_iri = f"{GRAPH}rdflib"
    store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint, headers=dict(AUTH))
    graph = Graph(store=store, identifier=URIRef(graph_iri))
    subject = URIRef(f"{graph_iri}#office")
    graph.add((subject, SKOS.prefLabel, Literal("上海科创办", lang="zh")))  # INSERT DATA { GRAPH … }
    graph.add((subject, SKOS.altLabel, Literal("kechuangban")))
    written = served_graph(writable_server, graph_iri)
    assert written is not None and '"上海科创办"@zh' in written and '"kechuangban"' in written
    assert set(graph.objects(subject, SKOS.prefLabel)) == {Literal("上海科创办", lang="zh")}

    graph.remove((subject, SKOS.altLabel, None))  # WITH <g> DELETE { … } WHERE { … }
    written = served_graph(writable_server, graph_iri)
    assert written is not None and "kechuangban" not in written

    anonymous = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
    with pytest.raises(HTTPError) as refused:
        anonymous.update(f"DROP GRAPH <{graph_iri}>")
    assert refused.value.code == 401
    refused.value.close()  # the error holds the refused response and its connection
    assert served_graph(writable_server, graph_iri) is not None

    store.update(f"DROP GRAPH <{graph_iri}>")
    assert served_graph(writable_server, graph_iri) is None
