"""SparqlEndpoint over a store, without HTTP: every query goes through `GraphStore.run`, so protocol
queries and catalogue questions (kg.api.routes.catalogue) share the guard, the formats and the one
truncation flag."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from kg.config import Settings
from kg.errors import NotAcceptableError, QueryRefusedError
from kg.sparql.endpoint import SparqlEndpoint
from kg.sparql.protocol import ProtocolRequest
from kg.store import GraphStore
from kg.terms import iri, literal

GRAPH = "http://example.org/graph/g1"
SETTINGS = Settings(in_memory=True, query_workers=1, query_timeout=5.0, max_rows=5, allow_updates=True,
                    warm_up=False)
ALL = "SELECT ?s ?o WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SparqlEndpoint]:
    store = GraphStore.in_memory(SETTINGS)
    store.add_triples([(iri(f"http://example.org/id/{i}"), iri("http://example.org/p"), literal(f"v{i}"))
                       for i in range(8)], graph=GRAPH)
    yield SparqlEndpoint(store, SETTINGS)
    store.close()


def test_protocol_query_reports_the_row_cap(endpoint: SparqlEndpoint) -> None:
    answer = endpoint.query(ProtocolRequest(query=ALL), accept="application/sparql-results+json")
    assert answer.truncated is True and answer.media_type == "application/sparql-results+json"
    assert len(orjson.loads(answer.body)["results"]["bindings"]) == 5


def test_format_override_wins_and_the_flag_is_the_same_in_every_format(
        endpoint: SparqlEndpoint) -> None:
    answer = endpoint.query(ProtocolRequest(query=ALL, formats=("csv",)),
                            accept="application/sparql-results+json")
    assert (answer.media_type or "").startswith("text/csv") and answer.truncated is True
    assert answer.body.decode().splitlines()[0] == "s,o" and len(answer.body.decode().splitlines()) == 6
    small = endpoint.query(ProtocolRequest(query=ALL + " LIMIT 2"), accept="application/sparql-results+xml")
    assert small.media_type == "application/sparql-results+xml" and small.truncated is False
    with pytest.raises(NotAcceptableError):
        endpoint.query(ProtocolRequest(query=ALL), accept="text/turtle")


def test_a_query_passes_the_guard(endpoint: SparqlEndpoint) -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE"):
        endpoint.query(ProtocolRequest(
            query="SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"), accept=None)


def test_update_is_guarded_by_the_store(endpoint: SparqlEndpoint) -> None:
    with pytest.raises(QueryRefusedError, match="LOAD"):
        endpoint.update(ProtocolRequest(update="LOAD <http://example.org/data.ttl>"))
