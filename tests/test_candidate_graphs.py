"""Candidate graphs (what `kg ingest` extracted, before a curator accepts it) are outside the default
graph: lookup, entity pages, paths and SPARQL's default graph do not see them; GRAPH reaches them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.config import Settings
from kg.namespaces import CANDIDATE_GRAPHS
from kg.review import load_candidates
from kg.store import GraphStore, QueryRequest
from kg.terms import iri
from support import FIXTURES

CANDIDATE = "https://w3id.org/innokg/id/c-c3e87f27477d-2bda71c3"  # 合肥科创办, only in the candidate graph
LABEL = "合肥科创办"


@pytest.fixture(scope="module")
def store() -> Iterator[GraphStore]:
    settings = Settings(in_memory=True, query_workers=1, query_timeout=10.0, warm_up=False)
    graph_store = GraphStore.open(settings)
    load_candidates(graph_store, (FIXTURES / "review" / "candidates.trig").read_bytes())
    yield graph_store
    graph_store.close()


def test_the_candidate_graph_is_loaded_but_not_in_the_default_graph(store: GraphStore) -> None:
    assert any(g.startswith(CANDIDATE_GRAPHS) for g in store.named_graphs())
    subject = f"<{CANDIDATE}>"
    assert not store.ask(f"ASK {{ {subject} ?p ?o }}")
    assert store.ask(f"ASK {{ GRAPH ?g {{ {subject} ?p ?o }} }}")
    assert list(store.triples(iri(CANDIDATE))) == []
    assert list(store.triples(iri(CANDIDATE), graph=next(
        g for g in store.named_graphs() if g.startswith(CANDIDATE_GRAPHS))))
    assert CANDIDATE.encode() not in store.dump("ntriples")


def test_client_queries_see_candidates_only_by_graph(store: GraphStore) -> None:
    def rows(query: str) -> list[object]:
        return json.loads(store.run(QueryRequest(query)).body)["results"]["bindings"]

    assert rows(f"SELECT ?p WHERE {{ <{CANDIDATE}> ?p ?o }}") == []
    assert rows(f"SELECT ?p WHERE {{ GRAPH ?g {{ <{CANDIDATE}> ?p ?o }} }}")
    graph = next(g for g in store.named_graphs() if g.startswith(CANDIDATE_GRAPHS))
    assert rows(f"SELECT ?p FROM <{graph}> WHERE {{ <{CANDIDATE}> ?p ?o }}")  # FROM still names it


def test_lookup_and_entity_pages_do_not_take_a_candidate_for_a_fact(store: GraphStore) -> None:
    with TestClient(create_app(Settings(in_memory=True, warm_up=False), store=store)) as client:
        hits = client.get("/entities", params={"q": LABEL}).json()["results"]
        assert CANDIDATE not in {hit["iri"] for hit in hits}
        assert client.get("/entities/c-c3e87f27477d-2bda71c3").status_code == 404
        listed = client.get("/review").json()
        assert CANDIDATE in json.dumps(listed)  # the review still lists it
