"""GraphStore.run and its worker pool: the hard deadline (SIGKILL), the row cap, fresh data after
writes, the named worker messages, and the life cycle (lazy start, close)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import orjson
import psutil
import pytest
import uvloop

from kg.config import Settings
from kg.errors import (
    LoadError,
    NestingTooDeepError,
    NotAcceptableError,
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    UpdateFailedError,
)
from kg.store import GraphStore, QueryRequest
from kg.store import pool as pool_module
from kg.store.messages import Answer, Failure
from kg.terms import iri, literal

T = TypeVar("T")
GRAPH = "http://example.org/graph/g1"
#: Four independent patterns over ~100 triples: 10^8 combinations, many seconds in any engine.
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def fixture_store(size: int = 100, settings: Settings | None = None) -> GraphStore:
    """A small in-memory store: `size` labelled things in one named graph."""
    store = GraphStore.in_memory(settings or Settings(in_memory=True, query_workers=1))
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
def store() -> Iterator[GraphStore]:
    """A store whose two workers are started, with a 1 s time limit and a cap of 25 rows."""
    store = fixture_store(settings=Settings(in_memory=True, query_timeout=1.0, max_rows=25, query_workers=2))
    store.start_workers()
    yield store
    store.close()


def _count(body: bytes) -> int:
    return len(orjson.loads(body)["results"]["bindings"])


def test_run_answers_select_in_requested_format(store: GraphStore) -> None:
    answer = store.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", solutions_format="csv"))
    assert answer.kind == "solutions"
    assert answer.body.decode().splitlines()[0] == "s"
    assert answer.count == 3 and not answer.truncated


def test_run_caps_rows_and_reports_truncation(store: GraphStore) -> None:
    answer = store.run(QueryRequest("SELECT * WHERE { ?s ?p ?o }"))
    assert answer.truncated and answer.count == 25
    assert _count(answer.body) == 25
    assert orjson.loads(answer.body)["truncated"] is True


def test_run_caps_construct_triples(store: GraphStore) -> None:
    answer = store.run(QueryRequest("CONSTRUCT WHERE { ?s ?p ?o }", graph_format="ntriples"))
    assert answer.kind == "graph" and answer.truncated
    assert len(answer.body.decode().strip().splitlines()) == 25


def test_run_reports_syntax_errors_with_line_and_column(store: GraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match=r"2:\d+"):
        store.run(QueryRequest("SELECT * WHERE {\n ?s ?p }"))


def test_run_kills_worker_past_deadline_and_replaces_it(store: GraphStore) -> None:
    before = set(store.worker_pids())
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="1 s"):
        store.run(QueryRequest(SLOW_QUERY))
    assert time.monotonic() - started < 3.0
    killed = [pid for pid in before if _gone(pid)]
    assert len(killed) == 1
    assert _wait_for(lambda: len(store.worker_pids()) == 2)
    assert store.run(QueryRequest("ASK { ?s ?p ?o }")).body == b'{"head":{},"boolean":true}'


def test_run_answers_cheap_query_while_slow_one_runs(store: GraphStore) -> None:
    assert _wait_for(lambda: len(store.worker_pids()) == 2)
    errors: list[Exception] = []

    def slow() -> None:
        try:
            store.run(QueryRequest(SLOW_QUERY))
        except QueryTimeoutError as exc:
            errors.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    answer = store.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"))
    cheap_seconds = time.monotonic() - started
    thread.join()
    assert _count(answer.body) == 1 and cheap_seconds < 0.5
    assert len(errors) == 1


def test_in_memory_store_runs_queries_in_workers_that_see_writes() -> None:
    store = fixture_store(3, Settings(in_memory=True, query_timeout=5.0, max_rows=100, query_workers=1))
    try:
        query = "SELECT ?o WHERE { <http://example.org/id/new> ?p ?o }"
        assert _count(store.run(QueryRequest(query)).body) == 0
        store.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/id/new> "
                     "<http://example.org/p> 'fresh' } }")
        assert _count(store.run(QueryRequest(query)).body) == 1
    finally:
        store.close()


def _on_disk(tmp_path: Path, **options: Any) -> GraphStore:
    return GraphStore.open(Settings(data_dir=tmp_path / "store", ontology_dir=tmp_path / "none",
                                    bundled_data_dir=tmp_path / "none", **options))


def test_on_disk_store_runs_queries_on_a_read_only_checkpoint_that_sees_writes(tmp_path: Path) -> None:
    store = _on_disk(tmp_path, query_timeout=5.0, query_workers=1)
    store.add_triples([(iri("http://example.org/id/a"), iri("http://example.org/p"), literal("1"))],
                      graph=GRAPH)
    try:
        query = "SELECT * WHERE { ?s <http://example.org/p> ?o }"
        assert _count(store.run(QueryRequest(query)).body) == 1
        store.add_triples([(iri("http://example.org/id/b"), iri("http://example.org/p"),
                            literal("2"))], graph=GRAPH)
        assert _count(store.run(QueryRequest(query)).body) == 2
        assert _on_uvloop(store.run_async(QueryRequest(query))).count == 2
    finally:
        store.close()
    assert not list((tmp_path / ".store.checkpoints").iterdir())  # the workers' checkpoint is gone


def test_run_resolves_relative_iris_against_the_request_s_base_iri(store: GraphStore) -> None:
    query = "CONSTRUCT { <s> <p> 1 } WHERE {}"
    answer = store.run(QueryRequest(query, graph_format="ntriples", base_iri="http://example.org/sparql"))
    assert answer.body.decode().startswith("<http://example.org/s> <http://example.org/p> ")
    on_loop = _on_uvloop(store.run_async(QueryRequest(query, graph_format="ntriples",
                                                       base_iri="https://kg.example/api/sparql")))
    assert on_loop.body.decode().startswith("<https://kg.example/api/s> ")
    with pytest.raises(QuerySyntaxError):  # no base: a relative IRI does not parse
        store.run(QueryRequest(query, graph_format="ntriples"))


@pytest.mark.parametrize("on_disk", [False, True])
def test_update_resolves_relative_iris_against_its_base_iri(tmp_path: Path, on_disk: bool) -> None:
    settings = Settings(data_dir=tmp_path / "store", ontology_dir=tmp_path / "none",
                        bundled_data_dir=tmp_path / "none", in_memory=not on_disk, query_workers=1)
    store = GraphStore.open(settings)
    store.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <s> <p> <o> }} }}", base_iri="http://example.org/base/")
    assert store.ask("ASK { <http://example.org/base/s> <http://example.org/base/p> "
                     "<http://example.org/base/o> }")
    with pytest.raises(QuerySyntaxError):
        store.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <s> <p> <o> }} }}")


def test_closed_store_leaves_no_worker_behind_and_runs_no_more_queries() -> None:
    store = fixture_store(3, Settings(in_memory=True, query_workers=2))
    store.start_workers()
    pids = store.worker_pids()
    store.close()
    assert len(pids) == 2 and all(_gone(pid) for pid in pids)
    with pytest.raises(QueryFailedError, match="closed"):
        store.run(QueryRequest("ASK { ?s ?p ?o }"))
    assert store.ask("ASK { ?s ?p ?o }")  # the service's own reads go on in this process


def test_run_keeps_answering_after_a_write_that_failed() -> None:
    # A failed write must still resume the workers it paused (before: ServiceBusyError for ever).
    store = fixture_store(5, Settings(in_memory=True, query_timeout=1.0, max_rows=25, query_workers=1))
    store.start_workers()
    try:
        generation = store.generation
        with pytest.raises(LoadError):
            store.load_bytes(b"<http://example.org/a> <http://example.org/p> .", fmt="ntriples")
        with pytest.raises(UpdateFailedError, match="does not exist"):
            store.update("DROP GRAPH <http://example.org/graph/none>")
        assert store.generation == generation
        answer = store.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o }"))
        assert answer.count == 5
    finally:
        store.close()


# -- run_async: the event-loop path the web route takes ------------------------------------------

def _on_uvloop(coroutine: Coroutine[Any, Any, T]) -> T:
    # The service runs on uvloop (uvicorn[standard]), whose add_reader differs from asyncio's.
    return uvloop.run(coroutine)


@pytest.fixture(scope="module")
def big_store() -> Iterator[GraphStore]:
    store = fixture_store(4000, Settings(in_memory=True, query_timeout=1.0, max_rows=10_000, query_workers=1))
    store.start_workers()
    yield store
    store.close()


def test_run_async_answers_big_bodies_and_leaves_the_worker_usable_for_run(big_store: GraphStore) -> None:
    # ~80 KB (longer than a pipe's buffer, read inline) and ~400 KB (sent as a message of its own).
    small, big = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000", "SELECT * WHERE { ?s ?p ?o }"

    async def both() -> tuple[int, int]:
        first = await big_store.run_async(QueryRequest(small))
        second = await big_store.run_async(QueryRequest(big))
        assert len(second.body) > 256 * 1024
        return _count(first.body), _count(second.body)

    assert _on_uvloop(both()) == (1000, 4000)
    # The same (only) worker, now read by a blocking thread: its pipe must be blocking again.
    assert _count(big_store.run(QueryRequest(big)).body) == 4000


def test_run_async_stops_a_slow_query_at_the_deadline_and_replaces_the_worker(store: GraphStore) -> None:
    assert _wait_for(lambda: len(store.worker_pids()) == 2)
    before = set(store.worker_pids())
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="1 s"):
        _on_uvloop(store.run_async(QueryRequest(SLOW_QUERY)))
    assert time.monotonic() - started < 3.0
    assert len([pid for pid in before if _gone(pid)]) == 1
    assert _wait_for(lambda: len(store.worker_pids()) == 2)


def test_run_async_stops_at_the_deadline_while_the_default_executor_is_busy(store: GraphStore) -> None:
    # Blocking calls elsewhere in the app may fill the loop's executor for many seconds; the kill at
    # the deadline must not wait for a thread there.
    assert _wait_for(lambda: len(store.worker_pids()) == 2)

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=2))
        blockers = [loop.run_in_executor(None, time.sleep, 3.0) for _ in range(2)]
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError):
            await store.run_async(QueryRequest(SLOW_QUERY))
        elapsed = time.monotonic() - started
        await asyncio.gather(*blockers)
        return elapsed

    assert _on_uvloop(scenario()) < 2.5
    assert _wait_for(lambda: len(store.worker_pids()) == 2)


def test_run_async_serves_more_callers_than_workers(store: GraphStore) -> None:
    assert _wait_for(lambda: len(store.worker_pids()) == 2)

    async def many() -> list[int]:
        answers = await asyncio.gather(*(
            store.run_async(QueryRequest(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n}"))
            for n in range(1, 9)))
        return [_count(answer.body) for answer in answers]

    assert _on_uvloop(many()) == list(range(1, 9))


def test_cancelled_run_async_keeps_its_worker_out_of_use_until_the_deadline() -> None:
    # A client that goes away mid-query must not hand a busy worker to the next caller, nor leave
    # the write gate counting a query that nobody waits for.
    store = fixture_store(100, Settings(in_memory=True, query_timeout=1.0, max_rows=25, query_workers=2))
    store.start_workers()
    try:
        busy = set(store.worker_pids())

        async def cancel_slow_then_ask() -> float:
            slow = asyncio.ensure_future(store.run_async(QueryRequest(SLOW_QUERY)))
            await asyncio.sleep(0.2)
            slow.cancel()
            with pytest.raises(asyncio.CancelledError):
                await slow
            started = time.monotonic()
            for _ in range(3):  # each on the idle worker, none waiting for the busy one
                answer = await store.run_async(QueryRequest("ASK { ?s ?p ?o }"))
                assert answer.body == b'{"head":{},"boolean":true}'
            return time.monotonic() - started

        assert _on_uvloop(cancel_slow_then_ask()) < 0.5
        assert _wait_for(lambda: any(_gone(pid) for pid in busy), 3.0)  # killed at the deadline
        store.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/id/x> "
                     "<http://example.org/p> 'after' } }")  # the gate opens for the writer
        answer = store.run(QueryRequest("SELECT ?o WHERE { <http://example.org/id/x> ?p ?o }"))
        assert answer.count == 1
    finally:
        store.close()


def test_cancelled_cheap_run_async_gives_its_worker_back() -> None:
    store = fixture_store(10, Settings(in_memory=True, query_timeout=5.0, max_rows=25, query_workers=1))
    store.start_workers()
    try:
        pids = store.worker_pids()

        async def cancel_at_once() -> None:
            task = asyncio.ensure_future(store.run_async(QueryRequest("ASK { ?s ?p ?o }")))
            await asyncio.sleep(0)  # sent, not yet answered
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        _on_uvloop(cancel_at_once())
        # The answer is drained, the worker reused, not killed.
        assert store.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o }")).count == 10
        assert store.worker_pids() == pids
    finally:
        store.close()


def test_query_with_its_own_limit_under_the_cap_is_written_by_the_engine(store: GraphStore) -> None:
    answer = store.run(QueryRequest("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o LIMIT 7"))
    assert answer.count is None and not answer.truncated  # the engine's writer does not count
    assert _count(answer.body) == 7
    ours = store.run(QueryRequest("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o LIMIT 7 OFFSET 0",
                                   solutions_format="xml"))
    assert ours.count == 7  # other formats: the project's writers, which count


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 26",  # its own LIMIT is above the cap of 25
    "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 } ?x ?y ?z }",  # a subquery's LIMIT
])
def test_row_cap_still_applies_without_a_limit_under_it(store: GraphStore, query: str) -> None:
    answer = store.run(QueryRequest(query))
    assert answer.truncated and answer.count == 25 and _count(answer.body) == 25


def test_caller_cannot_claim_a_limit_the_query_lacks(store: GraphStore) -> None:
    # The limit is what the guard reads in the text, whatever the request says.
    answer = store.run(QueryRequest("SELECT * WHERE { ?s ?p ?o }", limit=3))
    assert answer.truncated and _count(answer.body) == 25


def test_unexpected_error_mid_exchange_retires_the_worker(store: GraphStore,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert _wait_for(lambda: len(store.worker_pids()) == 2)
    before = set(store.worker_pids())

    def broken(conn: object) -> tuple[object, ...]:
        raise RuntimeError("reply lost")

    monkeypatch.setattr(pool_module, "_receive", broken)
    with pytest.raises(RuntimeError, match="reply lost"):
        store.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"))
    monkeypatch.undo()
    # The worker in an unknown state is killed and replaced; the pool is whole again.
    assert _wait_for(lambda: len(store.worker_pids()) == 2 and set(store.worker_pids()) != before)
    assert len(set(store.worker_pids()) & before) == 1
    assert _count(store.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")).body) == 2


def test_run_refuses_a_limit_the_engine_would_read_as_a_string(store: GraphStore) -> None:
    # The lexer alone would see `LIMIT 3` here; the engine compares ?o with the string 'x>}LIMIT 3'.
    with pytest.raises(QueryRefusedError):
        store.run(QueryRequest("SELECT * WHERE { ?s ?p ?o FILTER(?o<'x>}LIMIT 3' || true) }"))


# -- the worker protocol: named messages -------------------------------------------------------

def test_worker_replies_are_named_messages(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    replies: list[object] = []
    receive = pool_module._receive

    def spy(conn: Any) -> Answer | Failure:
        reply = receive(conn)
        replies.append(reply)
        return reply

    monkeypatch.setattr(pool_module, "_receive", spy)
    store.run(QueryRequest("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"))
    with pytest.raises(QuerySyntaxError):
        store.run(QueryRequest("SELECT * WHERE { ?s ?p }"))
    answer, failure = replies
    assert isinstance(answer, Answer) and answer.kind == "solutions" and answer.rows is None
    assert isinstance(failure, Failure) and failure.kind == "syntax" and "1:" in failure.detail


def test_a_server_side_failure_is_logged_and_reaches_the_client_without_the_engine_s_text(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("ERROR", logger="kg.store.pool"), pytest.raises(QueryFailedError) as caught:
        pool_module._to_answer(Failure("engine", "OSError: IO error: /srv/kg/store/000123.sst missing"))
    assert "/srv/kg" not in caught.value.detail and "server" in caught.value.detail
    assert "/srv/kg/store/000123.sst" in caplog.text


@pytest.mark.parametrize(("failure", "error", "detail"), [
    (Failure("syntax", "1:10: expected '}'"), QuerySyntaxError, "1:10: expected '}'"),
    (Failure("nesting", "Nested 300 deep (KG_MAX_NESTING)"), NestingTooDeepError, "KG_MAX_NESTING"),
    (Failure("unwritable", "The answer cannot be written as jsonld"), NotAcceptableError, "jsonld"),
    (Failure("engine", "OSError: Network is unreachable (os error 101)"), QueryRefusedError, "SERVICE"),
])
def test_client_side_failures_keep_a_message_the_user_can_act_on(
        failure: Failure, error: type[Exception], detail: str) -> None:
    with pytest.raises(error, match=re.escape(detail)):
        pool_module._to_answer(failure)


def test_a_graph_the_format_cannot_hold_is_not_acceptable(store: GraphStore) -> None:
    query = "CONSTRUCT { <http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> } WHERE {}"
    with pytest.raises(NotAcceptableError, match="Turtle"):
        store.run(QueryRequest(query, graph_format="jsonld"))
    assert b"<<(" in store.run(QueryRequest(query, graph_format="ntriples")).body


# -- GraphStore.run: one pipeline, its life cycle ----------------------------------------------

def test_run_applies_the_guard_whatever_the_caller(store: GraphStore) -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE is refused"):
        store.run(QueryRequest("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    with pytest.raises(QueryRefusedError, match="SPARQL Update"):
        store.run(QueryRequest("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"))
    with pytest.raises(QueryRefusedError, match="SERVICE is refused"):
        _on_uvloop(store.run_async(QueryRequest("ASK { SERVICE <http://example.org/sparql> {} }")))


def test_workers_start_once_on_the_first_runs_even_when_they_come_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = fixture_store(5, Settings(in_memory=True, query_workers=2))
    started: list[object] = []
    pool_class = pool_module.QueryRunner

    def counting(*args: Any) -> pool_module.QueryRunner:
        started.append(args)
        return pool_class(*args)

    monkeypatch.setattr("kg.store.embedded.QueryRunner", counting)
    try:
        assert not store.workers_started and store.worker_pids() == []
        with ThreadPoolExecutor(max_workers=4) as threads:
            answers = list(threads.map(lambda _: store.run(QueryRequest("ASK { ?s ?p ?o }")), range(4)))
        assert all(a.body == b'{"head":{},"boolean":true}' for a in answers)
        assert len(started) == 1 and store.workers_started and len(store.worker_pids()) == 2
        store.start_workers()  # already running: nothing more starts
        assert len(started) == 1
    finally:
        store.close()


def test_run_async_starts_the_workers_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    store = fixture_store(5, Settings(in_memory=True, query_workers=1))
    started_in: list[int] = []
    pool_class = pool_module.QueryRunner

    def recording(*args: Any) -> pool_module.QueryRunner:
        started_in.append(threading.get_ident())
        return pool_class(*args)

    monkeypatch.setattr("kg.store.embedded.QueryRunner", recording)

    async def first_query() -> int:
        answer = await store.run_async(QueryRequest("SELECT ?s WHERE { ?s ?p ?o }"))
        return answer.count or 0

    try:
        assert _on_uvloop(first_query()) == 5
        assert len(started_in) == 1 and started_in[0] != threading.get_ident()  # not the loop's thread
    finally:
        store.close()


def _racing_checkpoints(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Make the first checkpoint a starting worker is given be replaced, as a write does while the
    worker opens it (seen in CI: 'No such file or directory: …/CURRENT', a 500 for the query)."""
    original = pool_module.QueryRunner._checkpoint
    given: list[str | None] = []

    def racing(runner: pool_module.QueryRunner, generation: int) -> str | None:
        location = original(runner, generation)
        given.append(location)
        if len(given) == 1 and location is not None:
            store.add_triples([(iri("http://example.org/id/b"), iri("http://example.org/p"), literal("2"))],
                              graph=GRAPH)
            shutil.rmtree(location)  # what the next generation's checkpoint does to this one
        return location

    monkeypatch.setattr(pool_module.QueryRunner, "_checkpoint", racing)
    return given


def test_a_worker_whose_checkpoint_a_write_replaced_is_started_on_the_new_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _on_disk(tmp_path, query_timeout=5.0, query_workers=1)
    store.add_triples([(iri("http://example.org/id/a"), iri("http://example.org/p"), literal("1"))],
                      graph=GRAPH)
    given = _racing_checkpoints(store, monkeypatch)
    try:
        query = "SELECT * WHERE { ?s <http://example.org/p> ?o }"
        assert _count(store.run(QueryRequest(query)).body) == 2  # the write made while it started
        assert len(given) >= 2 and given[0] != given[-1]
    finally:
        store.close()


def test_without_a_second_start_the_replaced_checkpoint_fails_the_query(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The race above is real: with one attempt only, the query fails as it did in CI.
    store = _on_disk(tmp_path, query_timeout=5.0, query_workers=1)
    monkeypatch.setattr(pool_module, "START_ATTEMPTS", 1)
    _racing_checkpoints(store, monkeypatch)
    try:
        with pytest.raises(QueryFailedError, match="failed to open the store"):
            store.run(QueryRequest("ASK { ?s ?p ?o }"))
    finally:
        store.close()
