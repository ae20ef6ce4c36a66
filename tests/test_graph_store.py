"""/rdf-graphs: the SPARQL 1.1 Graph Store HTTP Protocol through the app factory (reads, negotiation,
errors, and writes when enabled: atomic, size-capped, seen by SPARQL queries)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from kg.api.app import create_app
from kg.api.routes import graph_store as graph_store_routes
from kg.auth import token_digest
from kg.config import Settings
from kg.namespaces import GRAPH, ONTOLOGY_GRAPH
from kg.store import GraphStore
from kg.terms import XSD_STRING, Term, iri, literal

DATA_GRAPH = str(GRAPH["zhangjiang-2020"])
G1 = "http://example.org/graph/g1"
EX = "http://example.org/"
TURTLE_G1 = b'@prefix ex: <http://example.org/> .\nex:a ex:p "one"@en ; ex:q ex:b .\n'
WRITE_TOKEN = "graph-store-writer"


def _app(settings: Settings, store: GraphStore) -> FastAPI:
    app = create_app(settings, store=store)
    # Until kg.api.routes registers this router, include it here (a no-op once it is registered).
    if not any(getattr(route, "path", None) == graph_store_routes.PATH for route in app.routes):
        app.include_router(graph_store_routes.router)
    return app


def _rdflib(term: Term) -> rdflib.term.Node:
    if term.kind == "iri":
        return rdflib.URIRef(term.value)
    if term.kind == "bnode":
        return rdflib.BNode(term.value)
    # rdflib reads "x" without a datatype, not as "x"^^xsd:string: compare in its terms.
    plain = term.lang or term.datatype in (None, XSD_STRING)
    return rdflib.Literal(term.value, lang=term.lang,
                          datatype=None if plain else rdflib.URIRef(term.datatype or ""))


def _graph_of(store: GraphStore, graph: str | None) -> rdflib.Graph:
    """The store's triples (of one graph, or of all) as an rdflib graph, read without HTTP."""
    result = rdflib.Graph()
    for triple in store.triples(graph=graph):
        result.add(tuple(_rdflib(t) for t in triple))  # type: ignore[arg-type]
    return result


def _error(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["code"] == code
    return body


@pytest.fixture(scope="module")
def api(settings: Settings, bundled_store: GraphStore) -> Iterator[TestClient]:
    """The read-only app (the default settings) over the bundled graph."""
    with TestClient(_app(settings, bundled_store)) as client:
        yield client


def _small_store() -> GraphStore:
    store = GraphStore.in_memory()
    store.add_triples([(iri(EX + "old"), iri(EX + "p"), literal("old"))], graph=G1)
    return store


@pytest.fixture()
def writable() -> Iterator[tuple[TestClient, GraphStore]]:
    """An app with writes enabled and a small body cap, over a fresh one-graph store; the client
    sends a write token with every request."""
    store = _small_store()
    settings = Settings(in_memory=True, allow_updates=True, max_body_bytes=4096, query_workers=1,
                        query_timeout=5.0, write_tokens=token_digest(WRITE_TOKEN))
    with TestClient(_app(settings, store), headers={"authorization": f"Bearer {WRITE_TOKEN}"}) as client:
        yield client, store


# -- reading -----------------------------------------------------------------------------------

def test_get_named_graph_as_turtle_is_that_graph(api: TestClient, bundled_store: GraphStore) -> None:
    response = api.get("/rdf-graphs", params={"graph": DATA_GRAPH}, headers={"accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Accept" in response.headers["vary"]
    served = rdflib.Graph().parse(data=response.content, format="turtle")
    assert isomorphic(served, _graph_of(bundled_store, DATA_GRAPH))


@pytest.mark.parametrize(("accept", "media", "rdflib_format"), [
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("text/turtle;q=0.2, application/n-triples", "application/n-triples", "nt"),
])
def test_get_graph_negotiates_rdf_formats(api: TestClient, bundled_store: GraphStore, accept: str,
                                          media: str, rdflib_format: str) -> None:
    response = api.get("/rdf-graphs", params={"graph": str(ONTOLOGY_GRAPH)}, headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    served = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    assert isomorphic(served, _graph_of(bundled_store, str(ONTOLOGY_GRAPH)))


def test_format_parameter_overrides_accept(api: TestClient) -> None:
    response = api.get("/rdf-graphs", params={"graph": str(ONTOLOGY_GRAPH), "format": "nt"},
                       headers={"accept": "text/turtle"})
    assert response.headers["content-type"].startswith("application/n-triples")


def test_named_graph_as_nquads_keeps_its_name(api: TestClient, bundled_store: GraphStore) -> None:
    for accept, fmt in (("application/n-quads", "nquads"), ("application/trig", "trig")):
        response = api.get("/rdf-graphs", params={"graph": DATA_GRAPH}, headers={"accept": accept})
        dataset = rdflib.Dataset()
        dataset.parse(data=response.content, format=fmt)
        names = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert names == {DATA_GRAPH}, fmt
        assert isomorphic(dataset.graph(rdflib.URIRef(DATA_GRAPH)), _graph_of(bundled_store, DATA_GRAPH))


def test_default_graph_is_the_union_of_every_graph(api: TestClient, bundled_store: GraphStore) -> None:
    response = api.get("/rdf-graphs?default", headers={"accept": "application/n-triples"})
    assert response.status_code == 200
    served = rdflib.Graph().parse(data=response.content, format="nt")
    assert isomorphic(served, _graph_of(bundled_store, None))
    assert len(served) > len(_graph_of(bundled_store, DATA_GRAPH))


def test_default_graph_as_nquads_is_the_whole_dataset(api: TestClient) -> None:
    response = api.get("/rdf-graphs?default", headers={"accept": "application/n-quads"})
    dataset = rdflib.Dataset()
    dataset.parse(data=response.content, format="nquads")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert {DATA_GRAPH, str(ONTOLOGY_GRAPH)} <= names


def test_head_sends_the_headers_of_get_without_a_body(api: TestClient) -> None:
    params = {"graph": str(ONTOLOGY_GRAPH)}
    get = api.get("/rdf-graphs", params=params, headers={"accept": "text/turtle"})
    head = api.head("/rdf-graphs", params=params, headers={"accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) == len(get.content)


def test_unknown_graph_is_404_graph_not_found(api: TestClient) -> None:
    response = api.get("/rdf-graphs", params={"graph": "http://example.org/no-such-graph"})
    assert "no-such-graph" in str(_error(response, 404, "graph_not_found")["detail"])
    assert api.head("/rdf-graphs", params={"graph": "http://example.org/no-such-graph"}).status_code == 404


@pytest.mark.parametrize("query", [
    "", "default&graph=http%3A%2F%2Fexample.org%2Fg", "graph=a&graph=b", "graph=not-an-iri",
    "graph=http%3A%2F%2Fx%3E%20%7D%20%7D%20DROP%20ALL", "graph=",
])
def test_graph_parameters_other_than_one_graph_or_default_are_400(api: TestClient, query: str) -> None:
    _error(api.get(f"/rdf-graphs?{query}"), 400, "bad_request")


def test_unacceptable_format_is_406(api: TestClient) -> None:
    response = api.get("/rdf-graphs?default", headers={"accept": "image/png"})
    _error(response, 406, "not_acceptable")


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_writes_are_forbidden_on_a_read_only_service(api: TestClient, bundled_store: GraphStore,
                                                     method: str) -> None:
    size = len(bundled_store)
    response = api.request(method, "/rdf-graphs", params={"graph": DATA_GRAPH}, content=TURTLE_G1,
                           headers={"content-type": "text/turtle"})
    _error(response, 403, "forbidden")
    assert len(bundled_store) == size


# -- writing -----------------------------------------------------------------------------------

def _put(client: TestClient, graph: str, body: bytes, content_type: str = "text/turtle") -> object:
    return client.put("/rdf-graphs", params={"graph": graph}, content=body,
                      headers={"content-type": content_type})


def _served(client: TestClient, graph: str) -> rdflib.Graph:
    response = client.get("/rdf-graphs", params={"graph": graph}, headers={"accept": "text/turtle"})
    assert response.status_code == 200, response.text
    return rdflib.Graph().parse(data=response.content, format="turtle")


def test_put_creates_then_replaces_a_graph(writable: tuple[TestClient, GraphStore]) -> None:
    client, _ = writable
    new = "http://example.org/graph/new"
    assert _put(client, new, TURTLE_G1).status_code == 201  # type: ignore[attr-defined]
    assert isomorphic(_served(client, new), rdflib.Graph().parse(data=TURTLE_G1, format="turtle"))
    replacement = b"<http://example.org/c> <http://example.org/p> <http://example.org/d> .\n"
    response = _put(client, new, replacement, "application/n-triples")
    assert response.status_code == 204  # type: ignore[attr-defined]
    assert isomorphic(_served(client, new), rdflib.Graph().parse(data=replacement, format="nt"))


def test_put_of_an_empty_body_leaves_an_empty_graph(writable: tuple[TestClient, GraphStore]) -> None:
    client, store = writable
    assert _put(client, G1, b"").status_code == 204  # type: ignore[attr-defined]
    assert G1 in store.named_graphs() and len(_served(client, G1)) == 0


def test_post_merges_into_a_graph_and_creates_a_missing_one(
        writable: tuple[TestClient, GraphStore]) -> None:
    client, _ = writable
    response = client.post("/rdf-graphs", params={"graph": G1}, content=TURTLE_G1,
                           headers={"content-type": "text/turtle; charset=utf-8"})
    assert response.status_code == 204
    served = _served(client, G1)
    assert (rdflib.URIRef(EX + "old"), rdflib.URIRef(EX + "p"), rdflib.Literal("old")) in served
    assert (rdflib.URIRef(EX + "a"), rdflib.URIRef(EX + "q"), rdflib.URIRef(EX + "b")) in served
    created = client.post("/rdf-graphs", params={"graph": EX + "graph/other"}, content=TURTLE_G1,
                          headers={"content-type": "text/turtle"})
    assert created.status_code == 201


def test_delete_removes_a_graph(writable: tuple[TestClient, GraphStore]) -> None:
    client, store = writable
    assert client.delete("/rdf-graphs", params={"graph": G1}).status_code == 204
    assert G1 not in store.named_graphs()
    _error(client.get("/rdf-graphs", params={"graph": G1}), 404, "graph_not_found")
    _error(client.delete("/rdf-graphs", params={"graph": G1}), 404, "graph_not_found")


def test_writes_are_seen_by_sparql_queries(writable: tuple[TestClient, GraphStore]) -> None:
    client, _ = writable
    ask = f"ASK {{ GRAPH <{G1}> {{ <{EX}a> <{EX}q> <{EX}b> }} }}"

    def answer() -> bool:
        response = client.get("/sparql", params={"query": ask},
                              headers={"accept": "application/sparql-results+json"})
        return bool(response.json()["boolean"])

    assert answer() is False
    _put(client, G1, TURTLE_G1)
    assert answer() is True
    client.delete("/rdf-graphs", params={"graph": G1})
    assert answer() is False


def test_a_body_that_does_not_parse_is_400_with_line_and_column_and_changes_nothing(
        writable: tuple[TestClient, GraphStore]) -> None:
    client, store = writable
    before = _served(client, G1)
    generation = store.generation
    bad = b'@prefix ex: <http://example.org/> .\nex:a ex:p "fine" .\nex:b ex:p "unterminated .\n'
    for method in ("PUT", "POST"):
        response = client.request(method, "/rdf-graphs", params={"graph": G1}, content=bad,
                                  headers={"content-type": "text/turtle"})
        body = _error(response, 400, "load_error")
        assert body["line"] == 3 and isinstance(body["column"], int)
    assert store.generation == generation
    assert isomorphic(_served(client, G1), before)


def test_rdfxml_with_a_doctype_is_refused(writable: tuple[TestClient, GraphStore]) -> None:
    client, store = writable
    generation = store.generation
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa">]>\n'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    response = _put(client, G1, body, "application/rdf+xml")
    assert "DOCTYPE" in str(_error(response, 400, "load_error")["detail"])
    assert store.generation == generation


def test_jsonld_naming_other_graphs_is_refused(writable: tuple[TestClient, GraphStore]) -> None:
    client, store = writable
    body = (b'{"@id": "http://example.org/graph/elsewhere", "@graph": '
            b'[{"@id": "http://example.org/x", "http://example.org/p": "v"}]}')
    for method in ("PUT", "POST"):
        response = client.request(method, "/rdf-graphs", params={"graph": G1}, content=body,
                                  headers={"content-type": "application/ld+json"})
        _error(response, 400, "load_error")
    assert store.named_graphs() == [G1]


def test_jsonld_body_is_loaded_into_the_named_graph(writable: tuple[TestClient, GraphStore]) -> None:
    client, _ = writable
    body = b'{"@id": "http://example.org/x", "http://example.org/p": "v"}'
    assert _put(client, G1, body, "application/ld+json").status_code == 204  # type: ignore[attr-defined]
    assert set(_served(client, G1)) == {
        (rdflib.URIRef(EX + "x"), rdflib.URIRef(EX + "p"), rdflib.Literal("v"))}


def test_a_body_over_the_cap_is_413(writable: tuple[TestClient, GraphStore]) -> None:
    client, store = writable
    generation = store.generation
    line = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    big = line * (4096 // len(line) + 1)
    _error(_put(client, G1, big, "application/n-triples"), 413, "payload_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap is counted while reading
        yield from (big[i:i + 1000] for i in range(0, len(big), 1000))

    response = client.put("/rdf-graphs", params={"graph": G1}, content=chunks(),
                          headers={"content-type": "application/n-triples"})
    _error(response, 413, "payload_too_large")
    assert store.generation == generation


@pytest.mark.parametrize("content_type", [None, "text/html", "application/n-quads",
                                          "text/turtle; charset=latin-1"])
def test_a_body_that_is_not_a_graph_format_is_415(writable: tuple[TestClient, GraphStore],
                                                  content_type: str | None) -> None:
    client, _ = writable
    headers = {"content-type": content_type} if content_type else {}
    response = client.put("/rdf-graphs", params={"graph": G1}, content=TURTLE_G1, headers=headers)
    _error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_the_union_default_graph_is_read_only(writable: tuple[TestClient, GraphStore],
                                              method: str) -> None:
    client, store = writable
    size = len(store)
    response = client.request(method, "/rdf-graphs?default", content=TURTLE_G1,
                              headers={"content-type": "text/turtle"})
    _error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, HEAD"
    assert len(store) == size
