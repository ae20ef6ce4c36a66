"""Client text and bytes meet the engine only in sandboxed processes: uploads parsed, updates applied.

Two kinds of process, both forked from the forkserver and both network-less (`kg.store.sandbox`)
before they read a byte of client input:

- The **parser** (one per service, kept alive, replaced when it dies or overruns its deadline) turns
  an uploaded RDF document (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML; bytes or a file path)
  into canonical N-Quads, after the checks of `kg.store.untrusted` (nesting, DOCTYPE, well-formed
  XML). The web process then loads those N-Quads into its own store: N-Quads have no keywords, no
  remote contexts and no nesting beyond what the parser checked, so nothing a client wrote reaches
  the web process's engine. A parse error, a crash or a deadline changes nothing.
- An **update** process applies one SPARQL Update. An update needs the data (DELETE WHERE ...), so
  for an on-disk store the web process lets go of the store (readers wait), the update process opens
  it read-write, applies the update, flushes and exits, and the web process opens the store again
  (about 0.1 s in all, measured at 10k and 1M triples). For an in-memory store the process gets the
  dataset as N-Quads and sends the result back. A crash or the deadline (SIGKILL) leaves the store
  as it was: pyoxigraph commits an update atomically (docs/engine-notes.md §3.5).

Messages on the pipes are tuples whose first item names them: `("ok", ...)`, `("error", class name,
detail, file, line, column)`, `("progress", done, total)`, and `Failure("sandbox", detail)`
(kg.store.messages, shared with the query workers; a named tuple, so it reads as `("sandbox", detail)`).
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from kg import errors
from kg.errors import (
    InsufficientStorageError,
    KGError,
    LoadError,
    NestingTooDeepError,
    QueryFailedError,
    QueryRefusedError,
    QuerySyntaxError,
    SandboxError,
    UpdateFailedError,
)
from kg.formats import RDF_FORMATS
from kg.store.messages import Failure
from kg.store.sandbox import deny_network
from kg.store.untrusted import (
    MAX_TRIPLE_TERM_DEPTH,
    check_rdf,
    check_text_nesting,
    check_update_triple_terms,
    triple_term_depth,
)

log = logging.getLogger(__name__)

#: kg.formats' RDF format names -> the engine's formats.
ENGINE_FORMATS: dict[str, ox.RdfFormat] = {
    f.name: getattr(ox.RdfFormat, f.engine) for f in RDF_FORMATS.values()
}
#: Formats whose documents carry their own graph names.
QUAD_FORMATS = frozenset(f.name for f in RDF_FORMATS.values() if f.quads)
#: Seconds a sandboxed process may take to start (fork, sandbox, open or seed the store).
START_TIMEOUT = 120.0
#: Seconds between tries to open a store another process has just let go of.
_OPEN_RETRY = 0.05
_OPEN_TRIES = 60
_EXIT_GRACE = 1.0
#: Errors that come back from a sandboxed process by name (anything else is a QueryFailedError).
_ERRORS: dict[str, type[KGError]] = {cls.__name__: cls for cls in (
    LoadError, QuerySyntaxError, UpdateFailedError, QueryRefusedError, InsufficientStorageError,
    NestingTooDeepError, errors.BadRequestError, SandboxError,
)}


def forkserver() -> Any:
    """The multiprocessing context every engine process is started from (preloaded, so a process
    starts in milliseconds rather than paying a fresh interpreter and the pyoxigraph import)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", "kg.store.worker", __name__])
    return context


# -- inside the sandboxed processes ------------------------------------------------------------

def enter_sandbox(conn: Connection, *, unsafe: bool) -> bool:
    """Deny this process the network; on failure tell the parent (unless `unsafe`) and say False."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent owns the lifecycle (Ctrl-C)
    try:
        deny_network()
    except SandboxError as exc:
        if not unsafe:
            with contextlib.suppress(OSError):
                conn.send(Failure("sandbox", exc.detail))
            return False
        log.warning("KG_UNSAFE_NETWORK=true: engine process without the network sandbox: %s", exc.detail)
    return True


def _engine_error(exc: Exception, what: str) -> KGError:
    """A foreign error of the engine as the KGError a client should see."""
    if isinstance(exc, SyntaxError):
        where = f"line {exc.lineno}: " if exc.lineno else ""
        return LoadError(f"{what}: {where}{exc.msg}", file=what, line=exc.lineno,
                         column=exc.offset) if what != "update" else QuerySyntaxError(
            f"SPARQL Update syntax error: {exc}")
    text = str(exc)
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left" in text:
        return InsufficientStorageError("The disk is full: the write was refused and nothing was "
                                        "changed; free some space and send it again.")
    if "unreachable" in text or "lookup address" in text or "Network" in text:
        return QueryRefusedError(
            f"The {what} tried to reach the network (SERVICE, LOAD or a remote document), and this "
            "service's engine has no network access; nothing was changed."
        )
    if what == "update":
        return UpdateFailedError(f"The update failed and changed nothing: {text}.")
    return LoadError(f"{what}: {text}", file=what)


def _send_error(conn: Connection, exc: KGError) -> None:
    conn.send(("error", type(exc).__name__, exc.detail, getattr(exc, "file", None),
               getattr(exc, "line", None), getattr(exc, "column", None)))


def _to_nquads(data: bytes, fmt: str, graph: str | None, name: str, max_nesting: int) -> bytes:
    """Check and parse one RDF document; its quads as N-Quads (triples put into `graph`)."""
    check_rdf(data, fmt, max_nesting, name=name)
    scratch = ox.Store()
    try:
        to_graph = ox.NamedNode(graph) if graph and fmt not in QUAD_FORMATS else None
        scratch.load(data, format=ENGINE_FORMATS[fmt], to_graph=to_graph)
    except (SyntaxError, ValueError, OSError) as exc:
        raise _engine_error(exc, name) from exc
    _check_triple_terms(scratch, name)
    return scratch.dump(format=ox.RdfFormat.N_QUADS) or b""


def _check_triple_terms(store: ox.Store, name: str) -> None:
    """Refuse triple terms nested deeper than MAX_TRIPLE_TERM_DEPTH, read from the parsed quads (the
    web process later reads what is stored, and deep terms overflow its stack)."""
    if not store.query("ASK { ?s ?p ?o FILTER(isTRIPLE(?s) || isTRIPLE(?o)) }",
                       use_default_graph_as_union=True):
        return  # the common case: no triple terms at all, found by the engine without a Python loop
    for quad in store.quads_for_pattern(None, None, None, None):
        if max(triple_term_depth(quad.subject), triple_term_depth(quad.object)) > MAX_TRIPLE_TERM_DEPTH:
            raise NestingTooDeepError(
                f"{name}: triple terms nest deeper than {MAX_TRIPLE_TERM_DEPTH} levels; nothing was "
                "loaded."
            )


def _parser_main(conn: Connection, unsafe: bool) -> None:
    """The parser's loop: one ("parse", data|None, path|None, fmt, graph, name, max_nesting) at a
    time until None; answers ("ok",) followed by the N-Quads as bytes, or an error message."""
    if not enter_sandbox(conn, unsafe=unsafe):
        return
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        _, data, path, fmt, graph, name, max_nesting = message
        try:
            if data is None:
                data = _read_file(path)
            nquads = _to_nquads(data, fmt, graph, name, max_nesting)
        except KGError as exc:
            _send_error(conn, exc)
            continue
        conn.send(("ok",))
        conn.send_bytes(nquads)


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise LoadError(f"Cannot read {path}: {exc.strerror}.", file=path) from exc


def _update_main(conn: Connection, location: str | None, text: str, max_nesting: int,
                 unsafe: bool, base_iri: str | None) -> None:
    """Apply one update to the store at `location` (or to the N-Quads the parent sends) and exit."""
    if not enter_sandbox(conn, unsafe=unsafe):
        return
    try:
        check_text_nesting(text, max_nesting, what="update")
        store = _open_for_update(location, conn)
        try:
            store.update(text, base_iri=base_iri)
        except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
            raise _engine_error(exc, "update") from exc
        if location is None:
            conn.send(("ok", store.dump(format=ox.RdfFormat.N_QUADS) or b""))
        else:
            _flush(store)
            conn.send(("ok", None))
    except KGError as exc:
        _send_error(conn, exc)


def _flush(store: ox.Store) -> None:
    # The update is committed (in RocksDB's log) before the flush; a flush failing on a full disk
    # loses nothing, so the update is still acknowledged.
    with contextlib.suppress(OSError):
        store.flush()


def _open_for_update(location: str | None, conn: Connection) -> ox.Store:
    if location is None:
        store = ox.Store()
        store.bulk_load(conn.recv_bytes(), format=ox.RdfFormat.N_QUADS)
        return store
    return open_store(location)


def open_store(location: str, *, read_only: bool = False, tries: int = _OPEN_TRIES) -> ox.Store:
    """Open the on-disk store, retrying while another process lets go of it or compacts it
    (docs/engine-notes.md §4.3: a read-only open can race a writer's compaction); raises QueryFailedError."""
    failure: Exception = QueryFailedError("not tried")
    for attempt in range(tries):
        try:
            return ox.Store.read_only(location) if read_only else ox.Store(location)
        except OSError as exc:  # pyoxigraph reports RocksDB's lock and IO errors as OSError
            failure = exc
        except RuntimeError as exc:  # ... and "Corruption: ... .sst: No such file" as RuntimeError
            failure = exc
        if "No space left" in str(failure):
            break  # not a race that passes: waiting will not free the disk
        if read_only and not os.path.isdir(location):
            break  # gone (a query worker's checkpoint a write replaced): its parent starts it anew
        time.sleep(_OPEN_RETRY * min(attempt + 1, 10))
    if "No space left" in str(failure):
        raise InsufficientStorageError("The disk is full: the store cannot be opened for writing, "
                                       "and nothing was changed; free some space.") from failure
    if "lock" in str(failure).lower():
        raise StoreInUseError(
            f"The store at {location} is in use by another process (a running `kg serve`?); stop "
            "it, or use another --data-dir, or --memory."
        ) from failure
    raise QueryFailedError(f"Could not open the store at {location}: {failure}") from failure


class StoreInUseError(KGError):
    """Another process holds the on-disk store open for writing."""

    code = "store_in_use"
    status = 503


# -- the parent side ---------------------------------------------------------------------------

def _raise_reply(reply: tuple[Any, ...]) -> None:
    """Raise the error a sandboxed process sent back (its reply's tag is not "ok")."""
    tag = reply[0]
    if tag == "sandbox":
        raise SandboxError(
            f"The network sandbox could not be applied to an engine process: {reply[1]} "
            "(KG_UNSAFE_NETWORK=true runs without it, behind an egress firewall only)."
        )
    if tag != "error":
        raise QueryFailedError(f"An engine process answered {tag!r}; see the server log.")
    _, name, detail, file, line, column = reply
    cls = _ERRORS.get(name, QueryFailedError)
    if cls is LoadError:
        raise LoadError(detail, file=file, line=line, column=column)
    raise cls(detail)


class Parser:
    """A sandboxed parser process: uploads in, N-Quads out, one at a time (see `shared_parser`)."""

    def __init__(self, *, unsafe: bool) -> None:
        self._unsafe = unsafe
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None

    def to_nquads(self, *, data: bytes | None = None, path: str | None = None, fmt: str,
                  graph: str | None = None, name: str = "<input>", max_nesting: int,
                  timeout: float | None) -> bytes:
        """The document's quads as N-Quads (waiting at most `timeout` seconds, None: no limit);
        raises LoadError, NestingTooDeepError, QueryFailedError."""
        with self._lock:
            conn = self._connection()
            try:
                conn.send(("parse", data, path, fmt, graph, name, max_nesting))
                if not conn.poll(timeout):
                    self._kill()
                    raise LoadError(f"{name}: parsing took longer than {timeout:g} s and was "
                                    "stopped; send a smaller document.", file=name)
                return self._receive(conn, name)
            except (EOFError, OSError) as exc:
                self._kill()
                raise LoadError(f"{name}: the parser process died reading it (too deeply nested "
                                "or too large?); nothing was loaded.", file=name) from exc

    def _receive(self, conn: Connection, name: str) -> bytes:
        reply = conn.recv()
        if reply[0] != "ok":
            _raise_reply(reply)
        return conn.recv_bytes()

    def _connection(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._kill()
        parent: Connection
        parent, child = forkserver().Pipe()
        process = forkserver().Process(target=_parser_main, args=(child, self._unsafe),
                                       name="kg-parser", daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent
        if not parent.poll(START_TIMEOUT):
            self._kill()
            raise QueryFailedError("The parser process did not start in time; see the server log.")
        reply = parent.recv()
        if reply[0] != "ready":
            self._kill()
            _raise_reply(reply)
        return parent

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(_EXIT_GRACE)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def close(self) -> None:
        """Stop the parser process."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.send(None)
            if self._process is not None:
                self._process.join(_EXIT_GRACE)
            self._kill()


_parsers: dict[bool, Parser] = {}
_parsers_lock = threading.Lock()


def shared_parser(*, unsafe: bool) -> Parser:
    """The process-wide parser (one process serves every store of this process; uploads are rare)."""
    with _parsers_lock:
        parser = _parsers.get(unsafe)
        if parser is None:
            parser = _parsers[unsafe] = Parser(unsafe=unsafe)
        return parser


def run_update(text: str, *, location: str | None, snapshot: Callable[[], bytes] | None,
               max_nesting: int, timeout: float, unsafe: bool,
               base_iri: str | None = None) -> bytes | None:
    """Apply `text` in a one-shot sandboxed process: to the store at `location` (which the caller
    has let go of), or to `snapshot()`'s N-Quads, whose result comes back; relative IRIs resolve
    against `base_iri`. Raises QuerySyntaxError, UpdateFailedError, QueryRefusedError,
    NestingTooDeepError, InsufficientStorageError."""
    check_text_nesting(text, max_nesting, what="update")  # a clear 400 before any process starts
    check_update_triple_terms(text)
    context = forkserver()
    parent, child = context.Pipe()
    process = context.Process(target=_update_main,
                              args=(child, location, text, max_nesting, unsafe, base_iri),
                              name="kg-update", daemon=True)
    process.start()
    child.close()
    try:
        if location is None and snapshot is not None:
            parent.send_bytes(snapshot())
        if not parent.poll(timeout):
            process.kill()
            raise UpdateFailedError(f"The update ran past the time limit of {timeout:g} s "
                                    "(KG_QUERY_TIMEOUT) and was stopped; nothing was changed.")
        reply = parent.recv()
    except (EOFError, OSError) as exc:
        raise UpdateFailedError("The process applying the update died (too deeply nested or too "
                                "large?); nothing was changed.") from exc
    finally:
        process.join(START_TIMEOUT)
        if process.is_alive():
            process.kill()
            process.join(_EXIT_GRACE)
        parent.close()
    if reply[0] != "ok":
        _raise_reply(reply)
    result: bytes | None = reply[1]
    return result


def progress_reader(data: bytes, report: Callable[[int, int], None] | None) -> IO[bytes]:
    """`data` as a binary reader that reports the bytes read so far (for a progress bar)."""
    return cast(IO[bytes], _ProgressReader(data, report) if report else io.BytesIO(data))


class _ProgressReader(io.BufferedIOBase):
    def __init__(self, data: bytes, report: Callable[[int, int], None]) -> None:
        self._buffer = io.BytesIO(data)
        self._total = len(data)
        self._report = report

    def read(self, size: int | None = -1) -> bytes:
        chunk = self._buffer.read(size)
        self._report(self._buffer.tell(), self._total)
        return chunk

    def readable(self) -> bool:
        return True
