"""QueryRunner: client queries run in a pool of worker processes, with a hard deadline and a row cap.

The web process never runs a client's query itself: it hands the request to one of
`Settings.query_workers` processes (kg.store.worker) over a pipe and waits at most
`Settings.query_timeout` seconds. Past the deadline the worker gets SIGKILL, a replacement is started
in the background, and the caller gets `QueryTimeoutError` (503). A caller that finds every worker
busy for `Settings.query_queue_wait` seconds gets `ServiceBusyError` (503) rather than a queue as
long as the time limit.

Any write through the store makes the workers stale (`GraphStore.on_change`); stale workers are
drained and replaced, since a read-only store must not stay open while another process writes
(the write gate: writers and queries take turns). Workers of an on-disk store read a checkpoint (hard
links to the files of one moment) rather than the primary, which compacts under its readers.

`run` waits on the worker in the calling thread. `run_async` waits on the event loop instead (the
pipe's descriptor is watched with `loop.add_reader`), so a web request holds no thread while its query
runs. Both share the pool, the write gate and the deadline; a cancelled `run_async` hands its worker to
a thread that waits for the answer (or kills the worker at the deadline) before anyone reuses it.

Every request passes the guard (kg.store.guard) here, so no caller can skip it: it refuses SERVICE,
LOAD and updates, and reads the query's own LIMIT and dataset, which the worker needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol, TypeVar

from kg.config import Settings
from kg.errors import (
    KGError,
    NestingTooDeepError,
    NotAcceptableError,
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    SandboxError,
    ServiceBusyError,
)
from kg.store.engine import QueryAnswer, QueryRequest
from kg.store.guard import inspect as inspect_sparql
from kg.store.messages import Answer, Failure, Ready, Reply, Stop
from kg.store.sandboxed import forkserver
from kg.store.worker import worker_main

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: Seconds a new worker may take to open or seed its store before it counts as failed. Large
#: in-memory stores are re-parsed from N-Quads (about 4 s per million triples,
#: docs/engine-notes.md §1).
WORKER_START_TIMEOUT = 120.0
#: Seconds a closing runner waits for a worker to exit before killing it.
_EXIT_GRACE = 1.0
#: Seconds before a failed worker start is tried again (doubling up to the maximum).
_RESTART_DELAY = 0.1
_RESTART_DELAY_MAX = 5.0
#: Seconds between looks at the write gate while `run_async` waits for a write to end (writes are rare).
_GATE_POLL = 0.01


class PooledStore(Protocol):
    """What the pool needs of the store whose copies its workers read (kg.store.embedded.GraphStore)."""

    location: Path | None  # None: an in-memory store, whose workers are seeded with its N-Quads
    read_only: bool  # opened beside another process's writer: no checkpoints

    @property
    def generation(self) -> int:
        """A counter bumped by every write."""
        ...

    def snapshot_nquads(self) -> bytes:
        """The whole dataset as N-Quads."""
        ...

    def checkpoint(self, path: Path) -> None:
        """A consistent copy of the on-disk store at `path`."""
        ...

    def before_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` before every write."""
        ...

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every write, failed ones included."""
        ...


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
            self.conn.send(Stop())
        self.process.join(_EXIT_GRACE)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(_EXIT_GRACE)
        self.conn.close()


class _Waiter:
    """A caller waiting for a worker: the pool sets `worker`, then calls `wake` (under its lock)."""

    __slots__ = ("wake", "worker")

    def __init__(self, wake: Callable[[], object]) -> None:
        self.wake = wake
        self.worker: _Worker | None = None


class _Pool:
    """Idle workers, handed first come, first served to waiting threads and event-loop tasks alike;
    an idle worker is the one released last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[_Waiter] = deque()

    def put(self, worker: _Worker) -> None:
        """Hand `worker` to the longest waiting caller, or keep it idle."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                waiter.worker = worker
                try:
                    waiter.wake()
                    return
                except RuntimeError:  # its event loop is closed: that caller will never take it
                    waiter.worker = None
            self._idle.append(worker)

    def take_all(self) -> list[_Worker]:
        """Every idle worker, taken out of the pool."""
        with self._lock:
            workers = list(self._idle)
            self._idle.clear()
            return workers

    def take(self, timeout: float) -> _Worker | None:
        """A worker, waiting up to `timeout` seconds in this thread; None if none came."""
        event = threading.Event()
        worker, waiter = self._enqueue(event.set)
        if waiter is None:
            return worker
        event.wait(timeout)
        return self._give_up(waiter)

    async def take_async(self, timeout: float) -> _Worker | None:
        """A worker, awaited up to `timeout` seconds; None if none came."""
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()
        worker, waiter = self._enqueue(lambda: loop.call_soon_threadsafe(_resolve, woken, None))
        if waiter is None:
            return worker
        timer = loop.call_later(timeout, _resolve, woken, None)
        try:
            await woken
        except asyncio.CancelledError:
            handed = self._give_up(waiter)
            if handed is not None:  # it came as the caller went away: the next caller gets it
                self.put(handed)
            raise
        finally:
            timer.cancel()
        return self._give_up(waiter)

    def _enqueue(self, wake: Callable[[], object]) -> tuple[_Worker | None, _Waiter | None]:
        with self._lock:
            if self._idle:
                # The worker released last: its caches (CPU, the store's blocks) are the warmest.
                return self._idle.pop(), None
            waiter = _Waiter(wake)
            self._waiters.append(waiter)
            return None, waiter

    def _give_up(self, waiter: _Waiter) -> _Worker | None:
        # The worker handed over while the caller stopped waiting counts as taken.
        with self._lock:
            if waiter.worker is None:
                with contextlib.suppress(ValueError):  # already dropped by put()
                    self._waiters.remove(waiter)
            return waiter.worker


#: Times a worker is started before giving up when writes keep replacing its checkpoint.
START_ATTEMPTS = 3


class _CheckpointGoneError(Exception):
    """The checkpoint a starting worker was to open was replaced by a newer one (a write)."""


class QueryRunner:
    """A pool of query worker processes with a hard time limit and a row cap per query."""

    def __init__(self, store: PooledStore, settings: Settings) -> None:
        self._store = store
        self.timeout = settings.query_timeout
        self.max_rows = settings.max_rows
        self.size = settings.query_workers
        self.queue_wait = min(settings.query_queue_wait, settings.query_timeout)
        self.max_nesting = settings.max_nesting
        self.guard = settings.sparql_guard
        self._unsafe = settings.unsafe_network
        self._ctx = forkserver()
        self._idle = _Pool()
        # The loop's default executor may be full of blocking calls that wait up to the time limit;
        # killing a worker at its deadline or reading a big answer must not queue behind them. One
        # such task at most per worker is ever pending.
        self._helpers = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="kg-query-helper")
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._snapshot: tuple[int, bytes] | None = None
        self._checkpoint_at: tuple[int, str] | None = None  # (generation, directory) of on-disk stores
        self._closed = False
        # Writers and queries take turns: pyoxigraph leaves a read-only handle open during a write of
        # the primary undefined, so before a write every worker finishes and is stopped.
        self._gate = threading.Condition()
        self._active = 0
        self._writing = False
        store.before_change(self._store_changing)
        store.on_change(self._store_changed)
        try:
            for _ in range(self.size):
                self._add_worker()
        except BaseException:  # no half-started pool: the workers already running are stopped
            self.close()
            raise

    # -- pool management -----------------------------------------------------------------------

    def _seed(self, generation: int) -> bytes:
        with self._lock:
            if self._snapshot is None or self._snapshot[0] != generation:
                self._snapshot = (generation, self._store.snapshot_nquads())
            return self._snapshot[1]

    def _checkpoint(self, generation: int) -> str | None:
        """The directory the workers of `generation` read: a checkpoint of the on-disk store.

        A worker that opened the primary read-only raced its compaction after writes (docs/engine-notes.md
        §4.3: a file the manifest lists is deleted under it, and the open, or a later query, fails or hangs).
        A checkpoint is hard links to the files of one moment that nobody writes or compacts, so nothing can
        change under its readers. None for an in-memory store.
        """
        location = self._store.location
        if location is None:
            return None
        if self._store.read_only:
            # A read-only handle cannot make a checkpoint (its files may be compacted away by the
            # writer); its workers open the store read-only too, as the reader does.
            return str(location)
        with self._lock:
            if self._checkpoint_at is not None and self._checkpoint_at[0] == generation:
                return self._checkpoint_at[1]
            root = location.parent / f".{location.name}.checkpoints"
            if self._checkpoint_at is None:
                shutil.rmtree(root, ignore_errors=True)  # left behind by an earlier run
            root.mkdir(parents=True, exist_ok=True)
            path = root / f"{os.getpid()}-{generation}-{time.monotonic_ns()}"
            try:
                self._store.checkpoint(path)
            except KGError:
                # No room for the checkpoint's few new files (a full disk): read the primary.
                log.exception("no checkpoint for the query workers; they read the store itself")
                shutil.rmtree(path, ignore_errors=True)
                return str(location)
            previous, self._checkpoint_at = self._checkpoint_at, (generation, str(path))
        if previous is not None and previous[1] != str(location):
            # Its workers were stopped before the write that made it old.
            shutil.rmtree(previous[1], ignore_errors=True)
        return str(path)

    def _start(self) -> _Worker:
        """A worker that opened the checkpoint of the store's current generation. A write while it
        opened may replace that checkpoint (and delete it: `_checkpoint` keeps one): the worker then
        finds no store, and is started again on the new one (at most START_ATTEMPTS times)."""
        for attempt in range(1, START_ATTEMPTS + 1):
            generation = self._store.generation
            location = self._checkpoint(generation)
            try:
                return self._open_worker(generation, location)
            except _CheckpointGoneError:
                if attempt == START_ATTEMPTS:
                    break
                log.info("a query worker's checkpoint was replaced by a write while it opened; "
                         "starting it again (attempt %d)", attempt + 1)
        raise QueryFailedError("A query worker failed to open the store; see the server log.")

    def _open_worker(self, generation: int, location: str | None) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker_main, args=(child, location, self.max_rows, self.max_nesting, self._unsafe),
            name="kg-query-worker", daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent, generation)
        try:
            if location is None:
                parent.send_bytes(self._seed(generation))
            if not parent.poll(WORKER_START_TIMEOUT):
                worker.kill()
                log.error("a query worker did not open its store within %g s", WORKER_START_TIMEOUT)
                raise QueryFailedError("A query worker did not start in time; see the server log.")
            reply: Reply = parent.recv()
        except (EOFError, OSError) as exc:
            worker.kill()
            log.error("a query worker died while it started: %s", exc)
            raise QueryFailedError("A query worker failed to open the store; see the server log.") from exc
        if isinstance(reply, Ready):
            return worker
        worker.kill()
        if isinstance(reply, Failure) and reply.kind == "sandbox":
            raise SandboxError(f"A query worker could not apply the network sandbox: {reply.detail} "
                               "(KG_UNSAFE_NETWORK=true runs without it, behind an egress "
                               "firewall only).")
        if (isinstance(reply, Failure) and reply.kind == "open" and location is not None
                and generation != self._store.generation and not Path(location).exists()):
            raise _CheckpointGoneError(location)
        log.error("a query worker could not open the store: %s", reply)
        raise QueryFailedError("A query worker failed to open the store; see the server log.")

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
        self._refill()

    def _store_changing(self) -> None:
        with self._gate:
            self._writing = True
            # A running query ends within the time limit (it is killed at the deadline).
            self._gate.wait_for(lambda: self._active == 0, timeout=self.timeout + _EXIT_GRACE)
        for worker in self._idle.take_all():
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
        """Start one worker, retrying with backoff: a pool must never shrink for good because one
        start failed (e.g. the store was briefly unreadable after a write)."""
        delay = _RESTART_DELAY
        while not self._closed:
            try:
                self._add_worker()
                return
            except SandboxError:
                log.exception("could not start a query worker")
                return  # retrying cannot help: the kernel refuses the sandbox
            except KGError:
                if self._closed:  # a start cut short by close() is expected, not an error
                    return
                log.exception("could not start a query worker; retrying in %.1f s", delay)
            time.sleep(delay)
            delay = min(delay * 2, _RESTART_DELAY_MAX)

    def _usable(self, worker: _Worker) -> bool:
        """Whether `worker` may run a query now; a stale or dead one is replaced."""
        if worker.generation == self._store.generation and worker.process.is_alive():
            return True
        self._replace_later(worker, kill=not worker.process.is_alive())
        return False

    def _wait_left(self, started: float) -> float:
        """Seconds a caller who began waiting at `started` may still wait for a worker.

        Busy workers are waited for `queue_wait` seconds (then 503 at once, rather than a queue as
        long as the time limit); workers being (re)started, after a write or a kill, are waited for
        up to the time limit, since they come in a fraction of a second.
        """
        elapsed = time.monotonic() - started
        with self._lock:
            short = len(self._workers) < self.size and not self._closed
        return max((self.timeout if short else self.queue_wait) - elapsed, 0.0)

    def _acquire(self) -> _Worker:
        started = time.monotonic()
        while True:
            worker = self._idle.take(self._wait_left(started))
            if worker is None:
                if self._wait_left(started) > 0:
                    continue  # the pool shrank or refilled meanwhile: wait on
                raise self._busy()
            if self._usable(worker):
                return worker

    async def _acquire_async(self) -> _Worker:
        started = time.monotonic()
        while True:
            worker = await self._idle.take_async(self._wait_left(started))
            if worker is None:
                if self._wait_left(started) > 0:
                    continue
                raise self._busy()
            if self._usable(worker):
                return worker

    def _release(self, worker: _Worker) -> None:
        if worker.generation != self._store.generation or self._closed:
            self._replace_later(worker, kill=False)
        else:
            self._idle.put(worker)

    # -- the write gate ------------------------------------------------------------------------

    def _enter(self) -> None:
        with self._gate:
            if not self._gate.wait_for(lambda: not self._writing, timeout=self.timeout):
                raise ServiceBusyError("The store is being written; retry shortly.")
            self._active += 1

    async def _enter_async(self) -> None:
        # The gate's lock is only ever held for a few instructions, so taking it here does not block
        # the loop; a write in progress is waited out by polling (writes are rare and short).
        deadline = time.monotonic() + self.timeout
        while True:
            with self._gate:
                if not self._writing:
                    self._active += 1
                    return
            if time.monotonic() >= deadline:
                raise ServiceBusyError("The store is being written; retry shortly.")
            await asyncio.sleep(_GATE_POLL)

    def _leave(self) -> None:
        with self._gate:
            self._active -= 1
            self._gate.notify_all()

    # -- running -------------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> QueryAnswer:
        """Run one query in a worker; raises QueryRefusedError, QuerySyntaxError, NestingTooDeepError,
        NotAcceptableError, QueryTimeoutError, ServiceBusyError, QueryFailedError."""
        if self._closed:
            raise QueryFailedError("The query runner is closed.")
        request = read_by_guard(request, refuse=self.guard)
        self._enter()
        try:
            return self._run(request)
        finally:
            self._leave()

    def _run(self, request: QueryRequest) -> QueryAnswer:
        worker = self._acquire()
        try:
            worker.conn.send(request)
            reply = _receive(worker.conn) if worker.conn.poll(self.timeout) else None
        except (EOFError, OSError) as exc:
            self._replace_later(worker, kill=True)
            raise _died(exc) from exc
        except BaseException:  # mid-exchange (Ctrl-C, out of memory): the worker's state is unknown
            self._replace_later(worker, kill=True)
            raise
        if reply is None:
            self._replace_later(worker, kill=True)
            raise self._timed_out()
        self._release(worker)
        return _to_answer(reply)

    async def run_async(self, request: QueryRequest) -> QueryAnswer:
        """Like `run`, awaiting the worker on the running event loop instead of blocking a thread.

        The query text is lexed on the loop (about 0.2 µs a character): callers hand long texts to
        `run` in a thread instead. Raises what `run` raises.
        """
        if self._closed:
            raise QueryFailedError("The query runner is closed.")
        request = read_by_guard(request, refuse=self.guard)
        await self._enter_async()
        try:
            worker = await self._acquire_async()
        except BaseException:
            self._leave()
            raise
        return _to_answer(await self._ask_async(worker, request))

    async def _ask_async(self, worker: _Worker, request: QueryRequest) -> Answer | Failure:
        """The worker's reply to `request`; raises QueryTimeoutError, QueryFailedError (it died).

        Exactly one of _release+_leave, _kill_and_leave, _finish_reading or _settle gives the worker
        back and leaves the write gate, whatever happens to the awaiting task.
        """
        deadline = time.monotonic() + self.timeout
        try:
            worker.conn.send(request)
            ready = await _readable(worker.conn, self.timeout)
            reply: Answer | Failure | None = worker.conn.recv() if ready else None
        except asyncio.CancelledError:
            # The caller went away mid-query: the worker is busy until it answers or is killed.
            threading.Thread(target=self._settle, args=(worker, deadline), daemon=True,
                             name="kg-query-settle").start()
            raise
        except BaseException as exc:  # the worker's state is unknown: it must not be reused
            await self._in_thread(self._kill_and_leave, worker)
            if isinstance(exc, EOFError | OSError):
                raise _died(exc) from exc
            raise
        if reply is None:
            await self._in_thread(self._kill_and_leave, worker)
            raise self._timed_out()
        if isinstance(reply, Answer) and reply.body is None:  # a big body follows: read it off the loop
            return reply._replace(body=await self._in_thread(self._finish_reading, worker))
        self._release(worker)
        self._leave()
        return reply

    async def _in_thread(self, function: Callable[[_Worker], _T], worker: _Worker) -> _T:
        """`function(worker)` on a helper thread, run to its end even if the caller is cancelled."""
        loop = asyncio.get_running_loop()
        return await asyncio.shield(loop.run_in_executor(self._helpers, function, worker))

    def _kill_and_leave(self, worker: _Worker) -> None:
        try:
            self._replace_later(worker, kill=True)
        finally:
            self._leave()

    def _finish_reading(self, worker: _Worker) -> bytes:
        try:
            try:
                body = worker.conn.recv_bytes()
            except (EOFError, OSError) as exc:
                self._replace_later(worker, kill=True)
                raise _died(exc) from exc
            self._release(worker)
            return body
        finally:
            self._leave()

    def _settle(self, worker: _Worker, deadline: float) -> None:
        """Wait for the answer a cancelled caller left behind; kill the worker at the deadline."""
        try:
            with contextlib.suppress(EOFError, OSError):
                if worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                    _receive(worker.conn)
                    self._release(worker)
                    return
            self._replace_later(worker, kill=True)
        finally:
            self._leave()

    def _busy(self) -> ServiceBusyError:
        return ServiceBusyError(
            f"All {self.size} query workers stayed busy for {self.queue_wait:g} s "
            "(KG_QUERY_WORKERS, KG_QUERY_QUEUE_WAIT); retry shortly.", retry_after=1
        )

    def _timed_out(self) -> QueryTimeoutError:
        return QueryTimeoutError(
            f"The query ran past the time limit of {self.timeout:g} s (KG_QUERY_TIMEOUT) and "
            "was stopped; narrow it (more specific patterns, LIMIT) and try again."
        )

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.process.pid is not None)

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones by SIGKILL)."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        idle = set(self._idle.take_all())
        # The helper threads stay: an answer in flight still needs one to retire its worker (they
        # are started on demand and exit with the interpreter).
        for worker in workers:
            if worker in idle:
                worker.stop()
            else:
                worker.kill()
        if self._checkpoint_at is not None and self._store.location is not None:
            shutil.rmtree(Path(self._checkpoint_at[1]), ignore_errors=True)


def read_by_guard(request: QueryRequest, *, refuse: bool) -> QueryRequest:
    """The request with what the guard reads in its text: whether the query names its own dataset,
    and its own LIMIT (never the caller's say); raises QueryRefusedError.

    The lexer also refuses SERVICE, LOAD and updates here, so no caller can skip that check (the
    guard remembers recent texts, so a text the endpoint has just checked is not lexed twice).
    """
    operation = inspect_sparql(request.query, refuse=refuse)
    if operation.form == "UPDATE":
        raise QueryRefusedError("This is a SPARQL Update; only SELECT, ASK, CONSTRUCT and DESCRIBE "
                                "queries run here (updates go to the store's update).")
    # A protocol dataset overrides FROM anyway.
    own_dataset = bool(operation.dataset) and request.default_graphs is None and request.named_graphs is None
    if operation.limit == request.limit and own_dataset == request.query_dataset:
        return request
    return replace(request, query_dataset=own_dataset, limit=operation.limit)


def _receive(conn: Connection) -> Answer | Failure:
    """A worker's reply, with a body sent as a message of its own put back in its place."""
    reply: Answer | Failure = conn.recv()
    if isinstance(reply, Answer) and reply.body is None:
        return reply._replace(body=conn.recv_bytes())
    return reply


def _to_answer(reply: Answer | Failure) -> QueryAnswer:
    """The answer a worker sent, or the KGError its failure means to the client.

    Failures of the client's doing keep the engine's message (a syntax error's line and column);
    failures on the server's side are logged with their cause and reach the client as a plain
    QueryFailedError, never as the engine's text.
    """
    if isinstance(reply, Answer):
        # _receive and _ask_async put a body sent on its own back in its place.
        return QueryAnswer(reply.kind, reply.format, reply.body or b"", reply.truncated, reply.rows)
    kind, detail = reply.kind, reply.detail
    if kind == "syntax":
        raise QuerySyntaxError(f"SPARQL syntax error: {detail}")
    if kind == "nesting":
        raise NestingTooDeepError(detail)
    if kind == "unwritable":
        raise NotAcceptableError(detail)
    if "unreachable" in detail or "lookup address" in detail:
        raise QueryRefusedError("The query tried to reach the network (SERVICE), and this service's "
                                "query engine has no network access.")
    log.error("a query failed in its worker (%s): %s", kind, detail)
    raise QueryFailedError("The query failed in the store because of an error on the server's side "
                           "(logged there); try again later, or report it if it persists.")


def _died(cause: BaseException) -> QueryFailedError:
    log.error("a query worker died while it ran a query (%s: %s)", type(cause).__name__, cause)
    return QueryFailedError("The worker running this query died (out of memory?); simplify the query.")


def _resolve(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


async def _readable(conn: Connection, timeout: float) -> bool:
    """Whether `conn` has something to read (an answer, or EOF) within `timeout` seconds."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[bool] = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, _resolve, ready, True)
    timer = loop.call_later(timeout, _resolve, ready, False)
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)
        # uvloop (libuv) leaves a watched descriptor non-blocking; Connection.recv needs it blocking,
        # or a message longer than the pipe's buffer fails half-read with EAGAIN.
        os.set_blocking(fd, True)

