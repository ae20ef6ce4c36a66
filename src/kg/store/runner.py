"""QueryRunner: user SPARQL queries run in worker processes with a hard deadline and a row cap.

Neither pyoxigraph nor rdflib can cancel a query from Python; the only hard stop is killing the
process that runs it (design.md §3). So the web process never runs a user query itself: it hands the
text to one of `Settings.query_workers` processes over a pipe and waits at most
`Settings.query_timeout` seconds. Past the deadline the worker gets SIGKILL, a replacement is started
in the background, and the caller gets `QueryTimeoutError` (503).

A worker holds its own copy of the store: the on-disk store opened read-only, or, for an in-memory
store, a copy seeded from `GraphStore.snapshot_nquads()`. Any write through the service makes the
workers stale (`GraphStore.on_change`); stale workers are drained and replaced, since a read-only
store must not stay open while another process writes. The worker runs the query AND serialises the
answer to bytes in its own thread (pyoxigraph results are bound to the thread that made them),
stopping at `Settings.max_rows` (+1 to know the cap was hit). One request and one answer cross the
pipe per query: a small tuple each way, the answer's body as one bytes object.

Workers are forked from a forkserver preloaded with this module, so a replacement starts in
milliseconds rather than paying a fresh interpreter and the pyoxigraph import.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import (
    KGError,
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    ServiceBusyError,
)
from kg.namespaces import PREFIXES
from kg.sparql.guard import inspect as inspect_sparql
from kg.sparql.results import bindings_to_json, term_to_json, write_boolean, write_solutions
from kg.store.embedded import RDF_FORMATS, GraphStore
from kg.terms import Term

log = logging.getLogger(__name__)

#: Seconds a new worker may take to open or seed its store before it counts as failed. Large
#: in-memory stores are re-parsed from N-Quads (about 4 s per million triples, design.md §2).
WORKER_START_TIMEOUT = 120.0
_MISSING = object()
_PREFIXED_FORMATS = frozenset({"turtle", "trig", "rdfxml"})
#: Seconds a closing runner waits for a worker to exit before killing it.
_EXIT_GRACE = 1.0


@dataclass(frozen=True)
class QueryRequest:
    """One query for a worker: the text, the two candidate formats, and the dataset."""

    query: str
    solutions_format: str = "json"  # json | xml | csv | tsv (SELECT and ASK)
    graph_format: str = "turtle"  # a RDF_FORMATS name (CONSTRUCT and DESCRIBE)
    default_graphs: tuple[str, ...] | None = None  # None: the union of all graphs
    named_graphs: tuple[str, ...] | None = None  # None: every named graph
    query_dataset: bool = False  # the query's own FROM / FROM NAMED define its dataset


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer: its kind (solutions|boolean|graph), format name, body and cap flag."""

    kind: str
    format: str
    body: bytes
    truncated: bool
    count: int


# -- the worker process ------------------------------------------------------------------------

def _to_term(node: Any) -> Term | None:
    kind = type(node)
    if kind is ox.NamedNode:
        return Term("iri", node.value)
    if kind is ox.Literal:
        return Term("literal", node.value, node.datatype.value, node.language)
    if kind is ox.BlankNode:
        return Term("bnode", node.value)
    if node is None:
        return None
    return Term("triple", str(node))


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The project prefixes whose namespace some IRI of `triples` is in (a short Turtle header)."""
    namespaces = set()
    for triple in triples:
        for node in (triple.subject, triple.predicate, triple.object):
            if type(node) is ox.NamedNode:
                value = node.value
                namespaces.add(value[: max(value.rfind("#"), value.rfind("/")) + 1])
    return {p: ns for p, ns in PREFIXES.items() if ns in namespaces}


def _dataset_options(request: QueryRequest) -> dict[str, Any]:
    if request.default_graphs is None and request.named_graphs is None:
        # pyoxigraph lets use_default_graph_as_union override the query's own FROM clauses.
        return {} if request.query_dataset else {"use_default_graph_as_union": True}
    options: dict[str, Any] = {
        "default_graph": [ox.NamedNode(g) for g in request.default_graphs or ()],
        "named_graphs": [ox.NamedNode(g) for g in request.named_graphs or ()],
    }
    return options


def _execute(store: ox.Store, request: QueryRequest, max_rows: int) -> QueryAnswer:
    result = store.query(request.query, **_dataset_options(request))
    if isinstance(result, ox.QueryBoolean):
        fmt = request.solutions_format
        return QueryAnswer("boolean", fmt, write_boolean(fmt, bool(result)), False, 1)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        if request.solutions_format == "json":
            return _json_answer(result, variables, max_rows)
        width = range(len(variables))
        # Terms repeat across rows (predicates, classes, graph IRIs): convert each one once.
        seen: dict[Any, Term | None] = {None: None}

        def term(node: Any) -> Term | None:
            found = seen.get(node, _MISSING)
            if found is _MISSING:
                found = seen[node] = _to_term(node)
            return found  # type: ignore[return-value]

        rows = [[term(s[i]) for i in width] for s in islice(result, max_rows + 1)]
        truncated = len(rows) > max_rows
        del rows[max_rows:]
        fmt = request.solutions_format
        return QueryAnswer("solutions", fmt, write_solutions(fmt, variables, rows, truncated),
                           truncated, len(rows))
    triples = list(islice(result, max_rows + 1))
    truncated = len(triples) > max_rows
    del triples[max_rows:]
    fmt = request.graph_format
    prefixes = _used_prefixes(triples) if fmt in _PREFIXED_FORMATS else None
    body = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes) or b""
    return QueryAnswer("graph", fmt, body, truncated, len(triples))


def _json_answer(solutions: Any, variables: list[str], max_rows: int) -> QueryAnswer:
    """SPARQL JSON straight from engine terms: the most asked-for format skips the Term step."""
    encoded: dict[Any, dict[str, str]] = {}
    columns = list(enumerate(variables))
    bindings = []
    for solution in islice(solutions, max_rows + 1):
        row = {}
        for position, name in columns:
            node = solution[position]
            if node is not None:
                value = encoded.get(node)
                if value is None:
                    value = encoded[node] = term_to_json(_to_term(node))  # type: ignore[arg-type]
                row[name] = value
        bindings.append(row)
    truncated = len(bindings) > max_rows
    del bindings[max_rows:]
    return QueryAnswer("solutions", "json", bindings_to_json(variables, bindings, truncated),
                       truncated, len(bindings))


def _open_worker_store(location: str | None, conn: Connection) -> ox.Store:
    if location is not None:
        return ox.Store.read_only(location)
    store = ox.Store()
    store.bulk_load(conn.recv_bytes(), format=ox.RdfFormat.N_QUADS)
    return store


def _worker_main(conn: Connection, location: str | None, max_rows: int) -> None:
    """Worker loop: open the store, say ready, then answer one request at a time until None."""
    # The parent owns the lifecycle: Ctrl-C in a terminal must not kill workers mid-answer.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = _open_worker_store(location, conn)
        conn.send("ready")
    except (EOFError, BrokenPipeError):
        return  # the parent went away while this worker started (shutdown): nothing to report
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return  # the parent closed the pipe without a goodbye (it exited): stop quietly
        if request is None:
            return
        try:
            conn.send(("ok", _execute(store, request, max_rows)))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except (OSError, ValueError, RuntimeError) as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


# -- the parent side ---------------------------------------------------------------------------

class _Worker:
    """The parent's handle on one worker process."""

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection,
                 generation: int) -> None:
        self.process = process
        self.conn = conn
        self.generation = generation

    def kill(self) -> None:
        """SIGKILL the process and reap it."""
        self.process.kill()
        self.process.join(_EXIT_GRACE)
        self.conn.close()

    def stop(self) -> None:
        """Ask the process to exit; kill it if it does not."""
        with contextlib.suppress(OSError):  # already gone: nothing to ask
            self.conn.send(None)
        self.process.join(_EXIT_GRACE)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(_EXIT_GRACE)
        self.conn.close()


class QueryRunner:
    """A pool of query worker processes with a hard time limit and a row cap per query."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self._store = store
        self.timeout = settings.query_timeout
        self.max_rows = settings.max_rows
        self.size = settings.query_workers
        self._ctx = multiprocessing.get_context("forkserver")
        # Preloading __main__ too spares each worker re-importing the main script (spawn semantics).
        self._ctx.set_forkserver_preload(["__main__", __name__])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._snapshot: tuple[int, bytes] | None = None
        self._closed = False
        # Writers and queries take turns: pyoxigraph leaves a read-only handle open during a write of
        # the primary undefined, so before a write every worker finishes and is stopped.
        self._gate = threading.Condition()
        self._active = 0
        self._writing = False
        store.before_change(self._store_changing)
        store.on_change(self._store_changed)
        for _ in range(self.size):
            self._add_worker()

    # -- pool management -----------------------------------------------------------------------

    def _seed(self, generation: int) -> bytes:
        with self._lock:
            if self._snapshot is None or self._snapshot[0] != generation:
                self._snapshot = (generation, self._store.snapshot_nquads())
            return self._snapshot[1]

    def _start(self) -> _Worker:
        generation = self._store.generation
        parent, child = self._ctx.Pipe()
        location = str(self._store.location) if self._store.location is not None else None
        process = self._ctx.Process(target=_worker_main, args=(child, location, self.max_rows),
                                    name="kg-query-worker", daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent, generation)
        try:
            if location is None:
                parent.send_bytes(self._seed(generation))
            if not parent.poll(WORKER_START_TIMEOUT):
                worker.kill()
                raise QueryFailedError("A query worker did not start in time; see the server log.")
            parent.recv()
        except (EOFError, OSError):
            worker.kill()
            raise QueryFailedError("A query worker failed to open the store; see the server log.") from None
        return worker

    def _add_worker(self) -> None:
        worker = self._start()
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._workers.add(worker)
        self._idle.put(worker)

    def _replace_later(self, worker: _Worker, *, kill: bool) -> None:
        """Retire `worker` and start its replacement on a background thread (callers do not wait)."""
        with self._lock:
            self._workers.discard(worker)
        if kill:
            worker.kill()
        threading.Thread(target=self._retire_and_add, args=(worker, kill), daemon=True,
                         name="kg-query-worker-restart").start()

    def _retire_and_add(self, worker: _Worker, killed: bool) -> None:
        if not killed:
            worker.stop()
        if self._closed:
            return
        try:
            self._add_worker()
        except KGError:
            if not self._closed:  # a start cut short by close() is expected, not an error
                log.exception("could not start a query worker")

    def _store_changing(self) -> None:
        with self._gate:
            self._writing = True
            # A running query ends within the time limit (it is killed at the deadline).
            self._gate.wait_for(lambda: self._active == 0, timeout=self.timeout + _EXIT_GRACE)
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            with self._lock:
                self._workers.discard(worker)
            worker.stop()

    def _store_changed(self) -> None:
        with self._gate:
            self._writing = False
            self._gate.notify_all()
        with self._lock:
            missing = 0 if self._closed else self.size - len(self._workers)
        for _ in range(missing):
            threading.Thread(target=self._refill, daemon=True, name="kg-query-worker-start").start()

    def _refill(self) -> None:
        try:
            self._add_worker()
        except KGError:
            if not self._closed:
                log.exception("could not start a query worker")

    def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                raise ServiceBusyError(
                    f"All {self.size} query workers stayed busy for {self.timeout:g} s "
                    "(KG_QUERY_WORKERS); retry shortly."
                ) from None
            if worker.generation == self._store.generation and worker.process.is_alive():
                return worker
            self._replace_later(worker, kill=not worker.process.is_alive())

    def _release(self, worker: _Worker) -> None:
        if worker.generation != self._store.generation or self._closed:
            self._replace_later(worker, kill=False)
        else:
            self._idle.put(worker)

    # -- running -------------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> QueryAnswer:
        """Run one query in a worker; raises QuerySyntaxError, QueryTimeoutError, ServiceBusyError."""
        if self._closed:
            raise QueryFailedError("The query runner is closed.")
        request = _with_query_dataset(request)
        with self._gate:
            if not self._gate.wait_for(lambda: not self._writing, timeout=self.timeout):
                raise ServiceBusyError("The store is being written; retry shortly.")
            self._active += 1
        try:
            return self._run(request)
        finally:
            with self._gate:
                self._active -= 1
                self._gate.notify_all()

    def _run(self, request: QueryRequest) -> QueryAnswer:
        worker = self._acquire()
        try:
            worker.conn.send(request)
            ready = worker.conn.poll(self.timeout)
            reply = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            self._replace_later(worker, kill=True)
            raise QueryFailedError(
                "The worker running this query died (out of memory?); simplify the query."
            ) from None
        if reply is None:
            self._replace_later(worker, kill=True)
            raise QueryTimeoutError(
                f"The query ran past the time limit of {self.timeout:g} s (KG_QUERY_TIMEOUT) and "
                "was stopped; narrow it (more specific patterns, LIMIT) and try again."
            )
        self._release(worker)
        return _unpack(reply)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones by SIGKILL)."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        idle = set()
        while True:
            try:
                idle.add(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in workers:
            if worker in idle:
                worker.stop()
            else:
                worker.kill()


def _with_query_dataset(request: QueryRequest) -> QueryRequest:
    """The request, marked when the query names its own dataset; raises QueryRefusedError.

    The lexer also refuses SERVICE, LOAD and updates here, so no caller can skip that check.
    """
    operation = inspect_sparql(request.query)
    if operation.form == "UPDATE":
        raise QueryRefusedError("The query runner runs SELECT, ASK, CONSTRUCT and DESCRIBE only.")
    if request.default_graphs is not None or request.named_graphs is not None:
        return request  # a protocol dataset overrides FROM anyway
    return replace(request, query_dataset=True) if operation.dataset else request


def _unpack(reply: tuple[str, Any]) -> QueryAnswer:
    status, payload = reply
    if status == "ok":
        return payload
    if status == "syntax":
        raise QuerySyntaxError(f"SPARQL syntax error: {payload}")
    raise QueryFailedError(f"The query failed in the store: {payload}")


def run_query(runner: QueryRunner, query: str, *, solutions_format: str = "json",
              graph_format: str = "turtle", default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> QueryAnswer:
    """Convenience: build a QueryRequest and run it (see QueryRunner.run for the errors)."""
    return runner.run(QueryRequest(
        query, solutions_format, graph_format,
        tuple(default_graphs) if default_graphs is not None else None,
        tuple(named_graphs) if named_graphs is not None else None,
    ))


__all__ = ["QueryAnswer", "QueryFailedError", "QueryRequest", "QueryRunner", "ServiceBusyError",
           "run_query"]
