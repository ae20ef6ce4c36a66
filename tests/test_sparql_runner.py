"""QueryRunner: worker processes, the hard deadline (SIGKILL), the row cap, and fresh data after writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import psutil
import pytest

from kg.config import Settings
from kg.errors import LoadError, QuerySyntaxError, QueryTimeoutError, UpdateFailedError
from kg.store import GraphStore
from kg.store.runner import QueryRequest, QueryRunner
from kg.terms import iri, literal

GRAPH = "http://example.org/graph/g1"
#: Four independent patterns over ~100 triples: 10^8 combinations, many seconds in any engine.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def fixture_store(size: int = 100) -> GraphStore:
    """A small in-memory store: `size` labelled things in one named graph."""
    store = GraphStore.in_memory()
    store.add_triples(
        [(iri(f"http://example.org/id/{i}"), iri("http://www.w3.org/2004/02/skos/core#prefLabel"),
          literal(f"实体{i}", lang="zh")) for i in range(size)],
        graph=GRAPH,
    )
    return store


def _wait_for(condition: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture(scope="module")
def runner() -> Iterator[QueryRunner]:
    settings = Settings(in_memory=True, query_timeout=1.0, max_rows=25, query_workers=2)
    query_runner = QueryRunner(fixture_store(), settings)
    yield query_runner
    query_runner.close()


def _count(body: bytes) -> int:
    return len(orjson.loads(body)["results"]["bindings"])


def test_runner_answers_select_in_requested_format(runner: QueryRunner) -> None:
    answer = runner.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", solutions_format="csv"))
    assert answer.kind == "solutions"
    assert answer.body.decode().splitlines()[0] == "s"
    assert answer.count == 3 and not answer.truncated


def test_runner_caps_rows_and_reports_truncation(runner: QueryRunner) -> None:
    answer = runner.run(QueryRequest("SELECT * WHERE { ?s ?p ?o }"))
    assert answer.truncated and answer.count == 25
    assert _count(answer.body) == 25
    assert orjson.loads(answer.body)["truncated"] is True


def test_runner_caps_construct_triples(runner: QueryRunner) -> None:
    answer = runner.run(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples"))
    assert answer.kind == "graph" and answer.truncated
    assert len(answer.body.decode().strip().splitlines()) == 25


def test_runner_reports_syntax_errors_with_line_and_column(runner: QueryRunner) -> None:
    with pytest.raises(QuerySyntaxError, match=r"2:\d+"):
        runner.run(QueryRequest("SELECT * WHERE {\n ?s ?p }"))


def test_runner_kills_worker_past_deadline_and_replaces_it(runner: QueryRunner) -> None:
    before = set(runner.worker_pids())
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="1 s"):
        runner.run(QueryRequest(SLOW_QUERY))
    assert time.monotonic() - started < 3.0
    killed = [pid for pid in before if _gone(pid)]
    assert len(killed) == 1
    assert _wait_for(lambda: len(runner.worker_pids()) == 2)
    assert runner.run(QueryRequest("ASK { ?s ?p ?o }")).body == b'{"head":{},"boolean":true}'


def test_runner_answers_cheap_query_while_slow_one_runs(runner: QueryRunner) -> None:
    assert _wait_for(lambda: len(runner.worker_pids()) == 2)
    errors: list[Exception] = []

    def slow() -> None:
        try:
            runner.run(QueryRequest(SLOW_QUERY))
        except QueryTimeoutError as exc:
            errors.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    answer = runner.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"))
    cheap_seconds = time.monotonic() - started
    thread.join()
    assert answer.count == 1 and cheap_seconds < 0.5
    assert len(errors) == 1


def test_in_memory_runner_sees_writes() -> None:
    store = fixture_store(3)
    settings = Settings(in_memory=True, query_timeout=5.0, max_rows=100, query_workers=1)
    query_runner = QueryRunner(store, settings)
    try:
        query = "SELECT ?o WHERE { <http://example.org/id/new> ?p ?o }"
        assert _count(query_runner.run(QueryRequest(query)).body) == 0
        store.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/id/new> "
                     "<http://example.org/p> 'fresh' } }")
        assert _count(query_runner.run(QueryRequest(query)).body) == 1
    finally:
        query_runner.close()


def test_on_disk_runner_reads_store_read_only_and_sees_writes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "store", ontology_dir=tmp_path / "none",
                        bundled_data_dir=tmp_path / "none", query_timeout=5.0, query_workers=1)
    store = GraphStore.open(settings)
    store.add_triples([(iri("http://example.org/id/a"), iri("http://example.org/p"), literal("1"))],
                      graph=GRAPH)
    query_runner = QueryRunner(store, settings)
    try:
        query = "SELECT * WHERE { ?s <http://example.org/p> ?o }"
        assert _count(query_runner.run(QueryRequest(query)).body) == 1
        store.add_triples([(iri("http://example.org/id/b"), iri("http://example.org/p"),
                            literal("2"))], graph=GRAPH)
        assert _count(query_runner.run(QueryRequest(query)).body) == 2
    finally:
        query_runner.close()


def test_closed_runner_leaves_no_worker_behind() -> None:
    query_runner = QueryRunner(fixture_store(3), Settings(in_memory=True, query_workers=2))
    pids = query_runner.worker_pids()
    query_runner.close()
    assert pids and all(_gone(pid) for pid in pids)


def test_runner_keeps_answering_after_a_write_that_failed() -> None:
    # A failed write must still resume the workers it paused (before: ServiceBusyError for ever).
    store = fixture_store(5)
    settings = Settings(in_memory=True, query_timeout=1.0, max_rows=25, query_workers=1)
    query_runner = QueryRunner(store, settings)
    try:
        generation = store.generation
        with pytest.raises(LoadError):
            store.load_bytes(b"<http://example.org/a> <http://example.org/p> .", fmt="ntriples")
        with pytest.raises(UpdateFailedError, match="does not exist"):
            store.update("DROP GRAPH <http://example.org/graph/none>")
        assert store.generation == generation
        answer = query_runner.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o }"))
        assert answer.count == 5
    finally:
        query_runner.close()
