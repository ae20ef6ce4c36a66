"""What the remote backend does per engine beyond the protocol's minimum, on real engines: oxigraph
serve's union default graph used while it is the store's default graph (and answers the same as the
embedded store's), graph writes through the Graph Store Protocol with their fallbacks, and bulk
reads paged past Virtuoso's row cap (the indexes, and so lookup and paths, as over the embedded
store)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic
from test_remote_api import _comparable

from conftest import CAPPED_ROWS, Backend, Engine, _backend, free_port
from kg.config import Settings
from kg.namespaces import CANDIDATE_GRAPHS
from kg.store import GraphStore, QueryRequest
from kg.store.remote import GENERATION_GRAPHS, RemoteStore
from kg.store.remote_answers import solutions_answer
from kg.store.sparql_http import EngineUnavailableError
from kg.terms import Triple, iri, literal

pytestmark = pytest.mark.slow
G3 = "http://example.org/graph/remote-features"
G4 = "http://example.org/graph/remote-features-b"
CANDIDATE = f"{CANDIDATE_GRAPHS}remote-features"
S, P = iri("http://example.org/twice"), iri("http://example.org/p")
#: Client queries whose answers depend on how the default graph is made.
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/twice> ?p ?o }",
    "SELECT ?g ?o WHERE { GRAPH ?g { <http://example.org/twice> ?p ?o } } ORDER BY ?g ?o",
    "SELECT ?o WHERE { <http://example.org/twice> <http://example.org/p>+ ?o } ORDER BY ?o",
    "ASK { <http://example.org/twice> <http://example.org/p> \"candidate\" }",
    "ASK { GRAPH ?g { <http://example.org/twice> <http://example.org/p> \"candidate\" } }",
    f"ASK {{ <{GENERATION_GRAPHS}1> ?p ?o }}",
]


def _answers(store: RemoteStore | GraphStore) -> list[bytes]:
    return [store.run(QueryRequest(query)).body for query in QUERIES]


def test_oxigraph_uses_its_union_only_while_it_is_the_stores_default_graph(
        oxigraph_engine: Engine) -> None:
    remote = RemoteStore.open(oxigraph_engine.settings())
    embedded = GraphStore.in_memory(Settings(in_memory=True, query_workers=1, query_timeout=10.0))
    same: list[Triple] = [(S, P, literal("x")), (S, P, iri("http://example.org/next"))]
    try:
        for store in (remote, embedded):
            store.add_triples(same, graph=G3)
            store.add_triples(same[:1], graph=G4)  # one triple in two graphs: merged once
        dataset = remote._dataset(union=True)
        assert dataset is not None and dataset.union
        assert _answers(remote) == _answers(embedded)
        # A candidate graph is outside the default graph: the union no longer is it.
        for store in (remote, embedded):
            store.add_triples([(S, P, literal("candidate"))], graph=CANDIDATE)
        dataset = remote._dataset(union=True)
        assert dataset is not None and not dataset.union and CANDIDATE not in dataset.default
        assert _answers(remote) == _answers(embedded)
        remote.clear_graph(CANDIDATE)
        dataset = remote._dataset(union=True)
        assert dataset is not None and dataset.union
        # The generation is an empty graph: in no triple pattern, and not one of the store's graphs.
        assert not any(g.startswith(GENERATION_GRAPHS) for g in remote.named_graphs())
        assert remote.ask("ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "
                          f"\"{GENERATION_GRAPHS}\")) }}", union=False) is False
    finally:
        for graph in (G3, G4, CANDIDATE):
            remote.clear_graph(graph)
        remote.close()
        embedded.close()


def test_graph_writes_go_through_the_graph_store_endpoint_when_one_is_set(
        oxigraph_engine: Engine) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}/store"
    store = RemoteStore.open(oxigraph_engine.settings(sparql_gsp_url=nowhere))
    fallback = RemoteStore.open(oxigraph_engine.settings(sparql_gsp_url=None))
    body = b'<http://example.org/a> <http://example.org/p> "one" .\n'
    try:
        with pytest.raises(EngineUnavailableError, match=nowhere):
            store.replace_graph(G3, body)
        # Durations never go to a Graph Store endpoint (Virtuoso would store them as numbers).
        duration = (b'<http://example.org/a> <http://example.org/every> '
                    b'"P1M"^^<http://www.w3.org/2001/XMLSchema#duration> .\n')
        store.replace_graph(G3, duration)
        fallback.merge_graph(G3, body)
        assert len(list(fallback.triples(graph=G3))) == 2
    finally:
        fallback.clear_graph(G3)
        store.close()
        fallback.close()


@pytest.mark.parametrize("authenticated", [False, True], ids=["anonymous-granted", "digest"])
def test_virtuoso_graph_store_endpoints(virtuoso_engine: Engine, authenticated: bool) -> None:
    settings = virtuoso_engine.settings()
    if authenticated:
        auth = virtuoso_engine.query_url.replace("/sparql", "/sparql-auth")
        settings = virtuoso_engine.settings(
            sparql_query_url=auth, sparql_update_url=auth, sparql_user="dba", sparql_password="dba",
            sparql_auth="digest", sparql_gsp_url=f"{virtuoso_engine.gsp_url}-auth")
    store = RemoteStore.open(settings)
    turtle = (b'@prefix ex: <http://example.org/> .\n'
              b'ex:a ex:p "one"@en, 2 ; ex:q [ ex:r ex:b ; ex:s [ ex:t "deep" ] ] .\n')
    try:
        store.replace_graph(G3, store.parse_graph(turtle, fmt="turtle", graph=G3))
        store.merge_graph(G3, b'<http://example.org/c> <http://example.org/p> "two" .\n')
        served = rdflib.Graph().parse(data=store.dump("turtle", graph=G3), format="turtle")
        expected = rdflib.Graph().parse(data=turtle, format="turtle")
        expected.add((rdflib.URIRef("http://example.org/c"), rdflib.URIRef("http://example.org/p"),
                      rdflib.Literal("two")))
        assert isomorphic(served, expected)
        assert G3 in store.named_graphs()
        store.clear_graph(G3)
        assert G3 not in store.named_graphs() and list(store.triples(graph=G3)) == []
        store.load_bytes(turtle, fmt="turtle", graph=G4)  # a load: batches POSTed
        assert len(list(store.triples(graph=G4))) == 6
    finally:
        store.clear_graph(G3)
        store.clear_graph(G4)
        store.close()


def test_bulk_reads_are_paged_past_the_engines_row_cap(capped_virtuoso_engine: Engine) -> None:
    store = RemoteStore.open(capped_virtuoso_engine.settings())
    query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    try:
        graphs = store.named_graphs()
        raw = httpx.post(capped_virtuoso_engine.query_url,
                         data={"query": query, "named-graph-uri": graphs},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30.0)
        assert len(raw.json()["results"]["bindings"]) == CAPPED_ROWS  # the engine does cut it
        everything = store.select_values(query, union=False)
        assert len(everything) == len(set(everything)) == len(store) > 3 * CAPPED_ROWS
        prefixed = store.select_values(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT ?s (SAMPLE(?l) AS ?label) WHERE { ?s skos:prefLabel ?l } GROUP BY ?s")
        assert len(prefixed) == len({s for s, _ in prefixed})
        labelled = store.select_values("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { "
                                       "?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }")
        assert len(prefixed) == int(labelled[0][0] or 0)
    finally:
        store.close()


@pytest.fixture(scope="module")
def capped(capped_virtuoso_engine: Engine) -> Iterator[Backend]:
    reference = Settings(in_memory=True, bundled_data_dir=capped_virtuoso_engine.data_dir,
                         query_timeout=10.0, query_workers=1, warm_up=False)
    yield from _backend(capped_virtuoso_engine, reference)


#: Routes built on the bulk reads (lookup index, relation graph, evidence index).
INDEXED: list[tuple[str, dict[str, str | int]]] = [
    ("/entities", {"q": "张江"}),
    ("/entities", {"q": "science and technology commission", "limit": 5}),
    ("/entities/shanghai-stc-office", {}),
    ("/paths", {"source": "ndrc", "target": "科创办"}),
    ("/trace/up/shanghai-stc-office", {}),
    ("/analytics/components", {}),
    ("/export", {"format": "nodelink"}),
]


@pytest.mark.parametrize(("path", "params"), INDEXED,
                         ids=[f"{p}{'?' + json.dumps(q, ensure_ascii=False) if q else ''}"
                              for p, q in INDEXED])
def test_indexes_over_a_capped_engine_answer_as_the_embedded_store(
        capped: Backend, path: str, params: dict[str, str | int]) -> None:
    remote = capped.client.get(path, params=params)
    embedded = capped.reference.get(path, params=params)
    assert remote.status_code == embedded.status_code == 200, remote.text[:500]
    assert _comparable(remote) == _comparable(embedded)


def test_an_answer_under_its_own_limit_passes_through_after_reading_its_head() -> None:
    body = (b'{"head":{"vars":["s","n"]},"results":{"bindings":['
            b'{"s":{"type":"uri","value":"http://example.org/a"},'
            b'"n":{"type":"literal","value":"1","datatype":"http://www.w3.org/2001/XMLSchema#integer"}}'
            b']}}')
    kept = solutions_answer(body, fmt="json", query="SELECT ?s ?n WHERE { ?s ?p ?n } LIMIT 5",
                            max_rows=10, limit=5)
    assert (kept.body, kept.count, kept.truncated) == (body, None, False)
    # SELECT * whose columns come in the text's order (not the engine's), or a LIMIT past the row
    # cap: the rows are read and the answer re-written.
    reordered = solutions_answer(body, fmt="json", query="SELECT * WHERE { ?n ?p ?s } LIMIT 5",
                                 max_rows=10, limit=5)
    assert json.loads(reordered.body)["head"]["vars"] == ["n", "s"] and reordered.count == 1
    past_cap = solutions_answer(body, fmt="json", query="SELECT ?s ?n WHERE { ?s ?p ?n } LIMIT 50",
                                max_rows=10, limit=50)
    assert past_cap.count == 1


def test_a_client_answer_cut_by_the_engines_row_cap_says_truncated(capped: Backend) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    cut = capped.client.get("/sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"},
                            headers=accept)
    assert cut.status_code == 200 and cut.headers["KG-Truncated"] == "true"
    assert cut.json()["truncated"] is True
    assert len(cut.json()["results"]["bindings"]) == CAPPED_ROWS
    whole = capped.client.get("/sparql", params={
        "query": f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {CAPPED_ROWS}"}, headers=accept)
    assert whole.headers["KG-Truncated"] == "false" and "truncated" not in whole.json()
    assert len(whole.json()["results"]["bindings"]) == CAPPED_ROWS


def test_a_construct_the_engine_cut_at_its_row_cap_says_truncated(capped: Backend) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    answer = capped.client.get("/sparql", params={"query": query},
                               headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200, answer.text
    kept = len(rdflib.Graph().parse(data=answer.text, format="nt"))
    whole = len(rdflib.Graph().parse(data=capped.reference.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/n-triples"}).text, format="nt"))
    assert CAPPED_ROWS <= kept < whole  # the engine cut it (at its cap of solutions) ...
    assert answer.headers["KG-Truncated"] == "true"  # ... and the answer says so
