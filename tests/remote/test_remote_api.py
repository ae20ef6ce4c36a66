"""The API over a remote SPARQL engine (oxigraph serve, Virtuoso) answers what the embedded store
answers: a representative request of every route, compared with the embedded reference over the same
files (JSON as parsed documents, SPARQL results as bags of solutions, RDF as isomorphic graphs).
Writes (Graph Store, SPARQL Update) go through the remote app and are seen by its next answers."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import Backend

pytestmark = pytest.mark.slow

SELECT_LABELS = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                 "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }")
#: Its own LIMIT keeps it under the row cap: passed through after reading only the head.
SELECT_LABELS_LIMITED = SELECT_LABELS + " ORDER BY ?s ?label LIMIT 25"
SELECT_STAR = "SELECT * WHERE { ?s a ?type ; ?p ?o FILTER(isIRI(?o)) } ORDER BY ?s ?type ?p ?o LIMIT 50"
CONSTRUCT = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
             "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s skos:prefLabel ?l }")

#: One or more requests per route: (path, query parameters, Accept).
READS: list[tuple[str, dict[str, Any], str | None]] = [
    ("/health", {}, None),
    ("/sparql", {"query": SELECT_LABELS}, "application/sparql-results+json"),
    ("/sparql", {"query": SELECT_LABELS}, "application/sparql-results+xml"),
    ("/sparql", {"query": SELECT_LABELS}, "text/csv"),
    ("/sparql", {"query": SELECT_LABELS}, "text/tab-separated-values"),
    ("/sparql", {"query": SELECT_LABELS_LIMITED}, "application/sparql-results+json"),
    ("/sparql", {"query": SELECT_STAR}, "application/sparql-results+json"),
    ("/sparql", {"query": "ASK { ?s ?p ?o }"}, "application/sparql-results+json"),
    ("/sparql", {"query": CONSTRUCT}, "text/turtle"),
    ("/sparql", {"query": CONSTRUCT}, "application/n-triples"),
    ("/sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
     "application/sparql-results+json"),
    ("/entities", {"q": "张江"}, None),
    ("/entities", {"q": "stc office", "limit": 3}, None),
    ("/entities/shanghai-stc-office", {}, None),
    ("/entities/shanghai-stc-office/neighbourhood", {}, None),
    ("/id/shanghai-stc-office", {}, "text/turtle"),
    ("/paths", {"source": "ndrc", "target": "科创办"}, None),
    ("/trace/up/shanghai-stc-office", {}, None),
    ("/trace/down/xi-2014-directive", {}, None),
    ("/timeline", {"entity": "shanghai-stc-office"}, None),
    ("/deployments", {"level": "national"}, None),
    ("/deployments/xi-2014-directive", {}, None),
    ("/analytics/centrality", {"measure": "pagerank", "limit": 5}, None),
    ("/analytics/components", {}, None),
    ("/export", {"format": "nodelink"}, None),
    ("/export", {"format": "ntriples", "scope": "neighbourhood", "entity": "shanghai-stc-office"}, None),
    ("/reconcile/preview", {"id": "shanghai-stc-office"}, None),
    ("/reconcile/1.0/suggest/entity", {"prefix": "张江", "limit": 2}, None),
    ("/browse", {}, "application/json"),
    ("/void", {}, "text/turtle"),
    ("/rdf-graphs", {"graph": "https://w3id.org/innokg/graph/zhangjiang-2020"}, "text/turtle"),
    ("/evidence/ev:zj2020-48608ee18f4e", {}, None),
    ("/queries", {}, None),
    ("/queries/cq01-entity-names", {}, "application/sparql-results+json"),
    ("/review", {}, None),
    ("/timeline", {}, None),
    ("/ontology", {}, "text/turtle"),
    ("/export", {"format": "graphml", "scope": "neighbourhood", "entity": "shanghai-stc-office"}, None),
]


#: Routes whose answers differ on Virtuoso 7.2 because its isLiteral() answers xsd:integer 1 rather
#: than xsd:boolean true (docs/engine-notes.md §5.2), which the relation graph's fact query
#: (kg.graphview) reads as "not a literal": dates and some labels go missing. A known gap.


def _comparable(response: Any) -> object:
    """The answer in a form that two engines' equal answers share (bnode labels, row order and the
    engine's extra JSON members aside)."""
    media = response.headers.get("content-type", "").split(";")[0]
    if media == "application/sparql-results+json":
        document = response.json()
        if "boolean" in document:
            return document["boolean"]
        rows = [json.dumps(_without_bnodes(b), sort_keys=True, ensure_ascii=False)
                for b in document["results"]["bindings"]]
        return document["head"]["vars"], Counter(rows), document.get("truncated", False)
    if media in ("text/turtle", "application/n-triples"):
        syntax = "nt" if "triples" in media else "turtle"
        return _Graph(rdflib.Graph().parse(data=response.content, format=syntax))
    if media in ("text/csv", "text/tab-separated-values", "application/sparql-results+xml"):
        lines = response.text.splitlines()
        return (lines[0], Counter(lines[1:])) if "xml" not in media else len(lines)
    if media == "application/json":
        return _sorted(response.json())
    return response.content


class _Graph:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Graph) and isomorphic(self.graph, other.graph)

    def __repr__(self) -> str:
        return f"<graph of {len(self.graph)} triples>"


def _without_bnodes(binding: dict[str, dict[str, str]]) -> dict[str, object]:
    return {k: ("_:b" if v["type"] == "bnode" else v) for k, v in binding.items()}


def _sorted(value: object) -> object:
    """JSON with lists of equal things in a canonical order (ties of a ranking may come either way)."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items() if k not in ("took_ms", "elapsed_ms")}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


@pytest.mark.parametrize(("path", "params", "accept"), READS,
                         ids=[f"{p}{'?' + next(iter(q)) if q else ''}:{a or ''}" for p, q, a in READS])
def test_remote_answers_as_the_embedded_store(backend: Backend, path: str, params: dict[str, Any],
                                              accept: str | None, request: pytest.FixtureRequest) -> None:
    headers = {"Accept": accept} if accept else {}
    remote = backend.client.get(path, params=params, headers=headers)
    embedded = backend.reference.get(path, params=params, headers=headers)
    assert remote.status_code == embedded.status_code == 200, remote.text[:500]
    if path == "/health":
        mine, theirs = remote.json(), embedded.json()
        assert (mine["store"], theirs["store"]) == ("sparql", "memory")
        assert mine["triples"] == theirs["triples"]
        assert mine["graphs"] == theirs["graphs"]
        return
    assert _comparable(remote) == _comparable(embedded)


def test_sparql_answer_past_the_row_cap_says_truncated(backend: Backend) -> None:
    from fastapi.testclient import TestClient

    from kg.api.app import create_app

    with TestClient(create_app(backend.engine.settings(max_rows=10))) as capped:
        for accept in ("application/sparql-results+json", "text/csv", "text/turtle"):
            query = CONSTRUCT if accept == "text/turtle" else SELECT_LABELS
            answer = capped.get("/sparql", params={"query": query}, headers={"Accept": accept})
            assert answer.status_code == 200
            assert answer.headers["KG-Truncated"] == "true"
            if accept == "application/sparql-results+json":
                assert answer.json()["truncated"] is True
                assert len(answer.json()["results"]["bindings"]) == 10
            elif accept == "text/csv":
                assert len(answer.text.splitlines()) == 11
            else:
                assert len(rdflib.Graph().parse(data=answer.text, format="turtle")) == 10


def test_errors_of_the_engine_are_the_projects(backend: Backend) -> None:
    syntax = backend.client.get("/sparql", params={"query": "SELEC * WHERE { ?s ?p ?o }"})
    assert syntax.status_code == 400 and syntax.json()["code"] == "query_syntax_error"
    assert len(syntax.json()["detail"]) < 600
    refused = backend.client.get("/sparql", params={
        "query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert refused.status_code == 400 and refused.json()["code"] == "query_refused"
    pragma = backend.client.get("/sparql", params={
        "query": 'DEFINE get:soft "replace" SELECT * WHERE { ?s ?p ?o } LIMIT 1'})
    assert pragma.status_code == 400 and pragma.json()["code"] in ("query_refused", "query_syntax_error")


G1 = "http://example.org/graph/remote-g1"


def test_graph_store_writes_are_seen_at_once(backend: Backend) -> None:
    client = backend.client
    before = client.get("/health").json()["triples"]
    turtle = b'@prefix ex: <http://example.org/> .\nex:a ex:p "one"@en ; ex:q [ ex:r ex:b ] .\n'
    put = client.put("/rdf-graphs", params={"graph": G1}, content=turtle,
                     headers={"Content-Type": "text/turtle"})
    assert put.status_code in (201, 204), put.text
    served = rdflib.Graph().parse(data=client.get("/rdf-graphs", params={"graph": G1},
                                                  headers={"Accept": "text/turtle"}).text)
    assert isomorphic(served, rdflib.Graph().parse(data=turtle, format="turtle"))
    post = client.post("/rdf-graphs", params={"graph": G1},
                       content=b'<http://example.org/c> <http://example.org/p> "two" .\n',
                       headers={"Content-Type": "application/n-triples"})
    assert post.status_code in (200, 204), post.text
    assert client.get("/health").json()["triples"] == before + 4
    assert G1 in client.get("/health").json()["graphs"]
    unauthorised = client.delete("/rdf-graphs", params={"graph": G1}, headers={"authorization": ""})
    assert unauthorised.status_code == 401
    assert client.delete("/rdf-graphs", params={"graph": G1}).status_code in (200, 204)
    assert client.get("/health").json()["triples"] == before
    assert client.get("/rdf-graphs", params={"graph": G1}).status_code == 404


def test_sparql_update_is_guarded_and_seen_by_lookup(backend: Backend) -> None:
    client = backend.client
    insert = ('PREFIX skos: <http://www.w3.org/2004/02/skos/core#> '
              f'INSERT DATA {{ GRAPH <{G1}> {{ <https://w3id.org/innokg/id/remote-test-body> '
              'a <https://w3id.org/innokg/ontology#GovernmentBody> ; '
              'skos:prefLabel "Quixotic remote office"@en } }')
    assert client.post("/sparql", data={"update": insert}).status_code in (200, 204)
    try:
        found = client.get("/entities", params={"q": "quixotic remote office"}).json()
        assert any("remote-test-body" in json.dumps(hit) for hit in found["results"])
        wide = client.post("/sparql", data={"update": "DROP ALL"})
        assert wide.status_code == 400 and wide.json()["code"] == "query_refused"
        load = client.post("/sparql", data={"update": "LOAD <http://example.org/x>"})
        assert load.status_code == 400 and load.json()["code"] == "query_refused"
    finally:
        client.post("/sparql", data={"update": f"DROP SILENT GRAPH <{G1}>"})
    found = client.get("/entities", params={"q": "quixotic remote office"}).json()
    assert not any("remote-test-body" in json.dumps(hit) for hit in found["results"])


def test_every_catalogue_question_answers_as_on_the_embedded_store(backend: Backend) -> None:
    names = [q["name"] for q in backend.reference.get("/queries").json()["queries"]]
    assert len(names) > 30
    accept = {"Accept": "application/sparql-results+json"}
    different = []
    for name in names:
        remote = backend.client.get(f"/queries/{name}", headers=accept)
        embedded = backend.reference.get(f"/queries/{name}", headers=accept)
        assert embedded.status_code == 200, (name, embedded.text[:300])
        if remote.status_code != 200 or _comparable(remote) != _comparable(embedded):
            different.append((name, remote.status_code, remote.text[:400]))
    # Virtuoso 7.2 answers transitive paths over alternatives with inverses, `(p|^q)+`, incompletely
    # (docs/engine-notes.md §5.10): those questions are refused there, saying why, never answered short.
    known = {"cq36-body-serves", "tr03-leading-group-chain"} if backend.name == "virtuoso" else set()
    assert {name for name, _, _ in different} == known, different
    for name, status, text in different:
        assert status == 501 and '"unsupported_by_engine"' in text and "(p|^q)+" in text, (name, text)
