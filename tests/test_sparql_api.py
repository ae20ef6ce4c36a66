"""The /sparql endpoint through the app factory: protocol forms, formats, errors, limits, updates."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyoxigraph
import pytest
import rdflib
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.namespace import RDF
from rdflib.query import Result

from kg.api.app import create_app
from kg.auth import token_digest
from kg.config import Settings
from kg.namespaces import SD
from kg.sparql.protocol import is_absolute_iri
from kg.store import GraphStore
from kg.terms import iri, literal

G1 = "http://example.org/graph/g1"
G2 = "http://example.org/graph/g2"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
WRITE_TOKEN = "sparql-api-writer"
#: Settings of a writable app: updates on, and the token above allowed to write.
WRITABLE: dict[str, object] = {"allow_updates": True, "write_tokens": token_digest(WRITE_TOKEN)}
WRITER = {"authorization": f"Bearer {WRITE_TOKEN}"}


def _store(settings: Settings) -> GraphStore:
    store = GraphStore.in_memory(settings)  # the store's workers take its time limit and row cap
    store.add_triples([(iri(f"http://example.org/id/{i}"), iri(SKOS_PREF), literal(f"实体{i}", lang="zh"))
                       for i in range(100)], graph=G1)
    store.add_triples([(iri("http://example.org/id/only-g2"), iri(SKOS_PREF), literal("two"))], graph=G2)
    return store


def _app_client(**overrides: object) -> TestClient:
    options: dict[str, object] = {"in_memory": True, "query_timeout": 1.5, "max_rows": 50,
                                  "query_workers": 2, **overrides}
    settings = Settings(**options)  # type: ignore[arg-type]
    return TestClient(create_app(settings, store=_store(settings)))


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    with _app_client() as test_client:
        yield test_client


def _bindings(response: object) -> list[dict[str, dict[str, str]]]:
    return response.json()["results"]["bindings"]  # type: ignore[attr-defined, no-any-return]


def _error(response: object, status: int, code: str) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"status", "code", "detail"} and body["status"] == status
    assert body["code"] == code
    return str(body["detail"])


LABEL_QUERY = f"SELECT ?label WHERE {{ <http://example.org/id/7> <{SKOS_PREF}> ?label }}"


def test_get_query_answers_sparql_json(api: TestClient) -> None:
    response = api.get("/sparql", params={"query": LABEL_QUERY})
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert _bindings(response) == [{"label": {"type": "literal", "value": "实体7", "xml:lang": "zh"}}]
    assert response.headers["kg-truncated"] == "false"


def test_post_form_and_sparql_query_bodies_answer_like_get(api: TestClient) -> None:
    form = api.post("/sparql", data={"query": LABEL_QUERY})
    for content_type in ("application/sparql-query", "application/sparql-query;charset=utf-8",
                         "application/sparql-query; charset=UTF-8"):
        direct = api.post("/sparql", content=LABEL_QUERY.encode(),
                          headers={"content-type": content_type})
        assert direct.status_code == 200 and _bindings(direct) == _bindings(form)


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
    ("text/csv", "csv", "text/csv"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
    ("application/rdf+xml, application/sparql-results+xml", "xml", "application/sparql-results+xml"),
])
def test_select_answers_each_result_format(api: TestClient, accept: str, fmt: str, media: str) -> None:
    response = api.get("/sparql", params={"query": LABEL_QUERY}, headers={"accept": accept})
    assert response.headers["content-type"].startswith(media)
    rows = list(Result.parse(io.BytesIO(response.content), format=fmt))
    assert [str(row[0]) for row in rows] == ["实体7"]


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"), ("application/n-quads", "nquads"), ("application/trig", "trig"),
])
def test_construct_answers_each_rdf_format(api: TestClient, accept: str, fmt: str) -> None:
    query = f"CONSTRUCT {{ ?s <{SKOS_PREF}> ?o }} WHERE {{ ?s <{SKOS_PREF}> ?o FILTER(lang(?o) = 'zh') }}"
    response = api.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert response.status_code == 200, response.text
    graph = rdflib.Dataset() if fmt in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=response.content, format=fmt)
    assert len(graph) == 50 and response.headers["kg-truncated"] == "true"


def test_format_parameter_overrides_accept_and_extra_parameters_are_ignored(api: TestClient) -> None:
    params = [("query", LABEL_QUERY), ("format", "xml"), ("output", "xml"), ("results", "xml"),
              ("timeout", "0"), ("debug", "on")]
    response = api.get("/sparql", params=params, headers={"accept": "application/json"})
    assert response.headers["content-type"] == "application/sparql-results+xml"


def test_ask_answers_boolean(api: TestClient) -> None:
    response = api.get("/sparql", params={"query": "ASK { ?s ?p 'two' }"})
    assert response.json() == {"head": {}, "boolean": True}


def test_union_default_graph_and_protocol_dataset(api: TestClient) -> None:
    query = f"SELECT ?s WHERE {{ ?s <{SKOS_PREF}> 'two' }}"
    assert len(_bindings(api.get("/sparql", params={"query": query}))) == 1
    only_g1 = api.get("/sparql", params={"query": query, "default-graph-uri": G1})
    assert _bindings(only_g1) == []
    only_g2 = api.get("/sparql", params=[("query", query), ("default-graph-uri", G2)])
    assert len(_bindings(only_g2)) == 1
    named = api.get("/sparql", params=[
        ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), ("named-graph-uri", G2)])
    assert [b["g"]["value"] for b in _bindings(named)] == [G2]


def test_dataset_graph_not_in_the_store_is_an_empty_graph(api: TestClient) -> None:
    # SPARQL 1.1 Protocol: the dataset names graphs; the engine never fetches one, so a graph the
    # store does not hold is empty, whatever its scheme.
    everything = "SELECT ?s WHERE { ?s ?p ?o }"
    unknown = api.get("/sparql", params={"query": everything, "default-graph-uri": "http://127.0.0.1:9/g"})
    assert unknown.status_code == 200 and _bindings(unknown) == []
    named = api.get("/sparql", params=[("query", "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                       ("named-graph-uri", "file:///etc/passwd"), ("named-graph-uri", G2)])
    assert {b["g"]["value"] for b in _bindings(named)} == {G2}
    for query in ("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
                  "SELECT * FROM NAMED <http://127.0.0.1:9/g> { GRAPH ?g { ?s ?p ?o } }"):
        answer = api.get("/sparql", params={"query": query})
        assert answer.status_code == 200 and _bindings(answer) == [], answer.text


def test_protocol_dataset_overrides_from_in_the_query(api: TestClient) -> None:
    query = f"SELECT ?s FROM <http://127.0.0.1:9/g> WHERE {{ ?s <{SKOS_PREF}> 'two' }}"
    assert _bindings(api.get("/sparql", params={"query": query})) == []
    overridden = api.get("/sparql", params={"query": query, "default-graph-uri": G2})
    assert [b["s"]["value"] for b in _bindings(overridden)] == ["http://example.org/id/only-g2"]


@pytest.mark.parametrize("value", ["g1", "graph/g1", "http://a:b/", "http://x/a b", "http://x/%zz",
                                   "urn:x#a#b"])
def test_dataset_parameter_that_is_no_absolute_iri_is_400_naming_it(api: TestClient, value: str) -> None:
    for name in ("default-graph-uri", "named-graph-uri"):
        detail = _error(api.get("/sparql", params={"query": "ASK {}", name: value}), 400, "bad_request")
        assert name in detail and repr(value) in detail


_IRI_PIECES = st.sampled_from(["http://", "https://a", "urn:", "file:///", "x+y.z-1:", "1a:", "a", "b",
                               ":", "/", "//", "?", "#", "%", "%4F", "%zz", "@", "[", "]", "[::1]",
                               "[v7.x]", ":80", ":8a", " ", "<", "\\", "é", "\ue000", "\x85", "\ufffe"])


@settings(max_examples=2000, deadline=None)
@given(pieces=st.lists(_IRI_PIECES, max_size=8))
def test_dataset_iri_check_agrees_with_the_engine(pieces: list[str]) -> None:
    # What the endpoint accepts must never fail in the query worker (a 500), and what the engine
    # accepts must not be refused.
    text = "".join(pieces)
    try:
        pyoxigraph.NamedNode(text)
        engine_accepts = True
    except ValueError:
        engine_accepts = False
    assert is_absolute_iri(text) == engine_accepts


def test_relative_iris_resolve_against_the_endpoint_url(api: TestClient) -> None:
    headers = {"content-type": "application/sparql-query", "accept": "application/n-triples"}
    answer = api.post("/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.text.startswith("<http://testserver/s> <http://testserver/p> ")
    own_base = api.get("/sparql", params={"query": "BASE <http://example.org/b/> SELECT ?x "
                                                   "WHERE { BIND(<x> AS ?x) }"})
    assert _bindings(own_base) == [{"x": {"type": "uri", "value": "http://example.org/b/x"}}]


def test_relative_iris_resolve_against_the_public_base_url() -> None:
    with _app_client(base_url="https://kg.example.org/api/") as api:
        answer = api.get("/sparql", params={"query": "SELECT ?x WHERE { BIND(<x> AS ?x) }"})
        assert _bindings(answer) == [{"x": {"type": "uri", "value": "https://kg.example.org/api/x"}}]


def test_cap_hit_is_reported_in_header_and_json(api: TestClient) -> None:
    response = api.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.headers["kg-truncated"] == "true"
    assert response.json()["truncated"] is True and len(_bindings(response)) == 50


@pytest.mark.parametrize(("request_args", "status", "code"), [
    ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "bad_request"),
    ({"method": "POST", "content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415,
     "unsupported_media_type"),
    ({"method": "POST", "content": b"ASK {}"}, 415, "unsupported_media_type"),
    ({"method": "GET", "params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, "query_syntax_error"),
    ({"method": "GET", "params": {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, 400,
     "query_refused"),
    ({"method": "GET", "params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> {} }"}}, 400,
     "query_refused"),
    ({"method": "GET", "params": {"query": "ASK {}"}, "headers": {"accept": "image/png"}}, 406,
     "not_acceptable"),
    ({"method": "POST", "content": b"INSERT DATA { <a:a> <a:b> <a:c> }",
      "headers": {"content-type": "application/sparql-update"}}, 403, "forbidden"),
    ({"method": "POST", "data": {"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, 403, "forbidden"),
    ({"method": "POST", "data": {"update": "CLEAR ALL"}, "headers": WRITER}, 403, "forbidden"),
    ({"method": "GET", "params": {"update": "CLEAR ALL"}}, 400, "bad_request"),
    ({"method": "GET", "params": {"query": "ASK {}"}, "content": b"ASK {}"}, 400, "bad_request"),
])
def test_protocol_error_cases_answer_the_json_error_shape(api: TestClient, request_args: dict[str, object],
                                                          status: int, code: str) -> None:
    _error(api.request(url="/sparql", **request_args), status, code)  # type: ignore[arg-type]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_get_with_a_body_is_400_saying_to_post_it(api: TestClient, framing: str) -> None:
    # SPARQL 1.1 Protocol: a query sent by GET has no body; one with a body is not silently ignored.
    body = b"query=ASK%20%7B%7D"
    content: bytes | Iterator[bytes] = body if framing == "content-length" else iter([body])
    response = api.request("GET", "/sparql", content=content,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert "POST" in _error(response, 400, "bad_request")
    assert api.request("GET", "/sparql", params={"query": "ASK {}"},
                       headers={"content-length": "0"}).status_code == 200


def test_syntax_error_detail_names_line_and_column(api: TestClient) -> None:
    detail = _error(api.post("/sparql", data={"query": "SELECT *\nWHERE { ?s ?p }"}), 400,
                    "query_syntax_error")
    assert "2:" in detail


def test_slow_query_is_stopped_with_503_naming_the_limit(api: TestClient) -> None:
    detail = _error(api.get("/sparql", params={"query": SLOW_QUERY}), 503, "query_timeout")
    assert "1.5 s" in detail


def test_service_description_without_query(api: TestClient) -> None:
    response = api.get("/sparql")
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    assert str(graph.value(service, SD.endpoint)) == "http://testserver/sparql"
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert names == {G1, G2}
    jsonld = api.get("/sparql", headers={"accept": "application/ld+json"})
    assert len(rdflib.Graph().parse(data=jsonld.content, format="json-ld")) == len(graph)


def test_failed_update_is_a_client_error_and_queries_keep_running() -> None:
    # Before: the engine's error escaped as a 500 and the worker pool stayed paused for the write.
    with _app_client(**WRITABLE, query_timeout=3.0) as api:
        detail = _error(api.post("/sparql", content="DROP GRAPH <http://example.org/graph/none>",
                                 headers={"content-type": "application/sparql-update", **WRITER}),
                        400, "update_failed")
        assert "http://example.org/graph/none" in detail
        response = api.get("/sparql", params={"query": LABEL_QUERY})
        assert response.status_code == 200, response.text
        assert _bindings(response)[0]["label"]["value"] == "实体7"


def test_updates_run_when_enabled_and_queries_see_them() -> None:
    with _app_client(**WRITABLE) as api:
        update = f"INSERT DATA {{ GRAPH <{G1}> {{ <http://example.org/id/new> <{SKOS_PREF}> 'new' }} }}"
        response = api.post("/sparql", content=update,
                            headers={"content-type": "application/sparql-update", **WRITER})
        assert response.status_code == 204
        query = "ASK { <http://example.org/id/new> ?p 'new' }"
        assert api.get("/sparql", params={"query": query}).json()["boolean"] is True
        _error(api.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/x.ttl>"}, headers=WRITER),
               400, "query_refused")
        description = api.get("/sparql", params={"format": "ntriples"}).text
        assert str(SD.SPARQL11Update) in description


def test_update_resolves_relative_iris_and_refuses_using_graph_parameters() -> None:
    with _app_client(**WRITABLE) as api:
        headers = {"content-type": "application/sparql-update", **WRITER}
        update = f"INSERT DATA {{ GRAPH <{G1}> {{ <new> <{SKOS_PREF}> 'relative' }} }}"
        assert api.post("/sparql", content=update, headers=headers).status_code == 204
        found = api.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p 'relative' }"})
        assert _bindings(found) == [{"s": {"type": "uri", "value": "http://testserver/new"}}]
        using = "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
        for parameter in ("using-graph-uri", "using-named-graph-uri"):
            detail = _error(api.post(f"/sparql?{parameter}={G1}", content=using, headers=headers),
                            400, "query_refused")
            assert "USING" in detail and "pyoxigraph" in detail
        assert len(_bindings(api.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"}))) > 0


def test_bundled_graph_answers_through_shared_client(client: TestClient) -> None:
    response = client.get("/sparql", params={
        "query": "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                 "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:prefLabel ?l }"})
    assert response.status_code == 200
    assert int(_bindings(response)[0]["n"]["value"]) > 0


def test_from_clause_restricts_the_default_graph(client) -> None:  # type: ignore[no-untyped-def]
    ontology = "https://w3id.org/innokg/graph/ontology"
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}"
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ontology}> {{ ?s ?p ?o }} }}"
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def count(q: str) -> int:
        body = client.get("/sparql", params={"query": q},
                          headers={"Accept": "application/sparql-results+json"})
        return int(body.json()["results"]["bindings"][0]["n"]["value"])

    assert count(query) == count(in_graph) < count(everything)


@pytest.mark.parametrize("padding", [0, 40_000])
def test_long_and_short_query_bodies_are_checked_and_answered_alike(api: TestClient, padding: int) -> None:
    # Past 16 KB a body is parsed and lexed in a thread rather than on the event loop: same rules.
    comment = "#" + "x" * padding + "\n" if padding else ""
    headers = {"content-type": "application/sparql-query"}
    answered = api.post("/sparql", content=(comment + LABEL_QUERY).encode(), headers=headers)
    assert _bindings(answered)[0]["label"]["value"] == "实体7"
    refused = api.post("/sparql", headers=headers,
                       content=(comment + "SELECT * { SERVICE <http://127.0.0.1:9/> {} }").encode())
    _error(refused, 400, "query_refused")
    form = api.post("/sparql", data={"query": comment + LABEL_QUERY})
    assert _bindings(form)[0]["label"]["value"] == "实体7"
