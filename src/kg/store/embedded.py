"""GraphStore: pyoxigraph, embedded, persistent by default, in memory for tests; the `Engine`.

The service's own queries run in this process. A client's query runs in the store's pool of
sandboxed worker processes (kg.store.pool), started on the first `run` or by `start_workers`, and a
client's update or upload in a sandboxed process of its own (kg.store.sandboxed).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import (
    BadRequestError,
    InsufficientStorageError,
    KGError,
    LoadError,
    NotAcceptableError,
    QueryFailedError,
    QuerySyntaxError,
)
from kg.formats import RDF_FORMATS, by_extension
from kg.namespaces import CANDIDATE_GRAPHS, GRAPH, ONTOLOGY_GRAPH
from kg.store import guard
from kg.store.engine import Engine, QueryAnswer, QueryRequest
from kg.store.pool import QueryRunner, read_by_guard
from kg.store.results import distinct_triples, one_graph, to_term
from kg.store.sandboxed import (
    ENGINE_FORMATS,
    QUAD_FORMATS,
    StoreInUseError,
    open_store,
    progress_reader,
    run_update,
    shared_parser,
)
from kg.terms import Row, Term, Triple

log = logging.getLogger(__name__)

def format_for_path(path: Path) -> str:
    """The RDF format name of a file, from its extension (kg.formats); raises LoadError for unknown
    ones."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in {".gz"}]
    found = by_extension(suffixes[-1]) if suffixes else None
    if found is None:
        known = sorted(f".{e}" for f in RDF_FORMATS.values() for e in f.extensions)
        raise LoadError(
            f"Cannot tell the RDF format of {path.name!r} from its extension; use one of "
            f"{', '.join(known)}.", file=str(path)
        )
    return found.name


def to_node(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph form of an engine-neutral term; raises BadRequestError for an invalid IRI."""
    try:
        return _to_node(term)
    except ValueError as exc:
        raise BadRequestError(f"Not a valid RDF term {term.value!r}: {exc}.") from None


def _subject(term: Term) -> ox.NamedNode | ox.BlankNode:
    node = to_node(term)
    if isinstance(node, ox.Literal):
        raise BadRequestError(f"A literal ({term.value!r}) cannot be the subject of a triple.")
    return node


def _predicate(term: Term) -> ox.NamedNode:
    node = to_node(term)
    if not isinstance(node, ox.NamedNode):
        raise BadRequestError(f"The predicate of a triple must be an IRI, not {term.value!r}.")
    return node


def _to_node(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype) if term.datatype else None)


@dataclass(frozen=True)
class WriteLimits:
    """What bounds a write of client input: nesting depth, time, and whether the sandbox may fail."""

    max_nesting: int = 256
    timeout: float | None = 60.0  # seconds an upload's parse may take; None: no limit
    update_timeout: float = 10.0  # seconds an update may take (readers of an on-disk store wait)
    unsafe_network: bool = False

    @classmethod
    def of(cls, settings: Settings) -> WriteLimits:
        """The limits the settings give: an update gets the query time limit, a parse six times it."""
        return cls(settings.max_nesting, settings.query_timeout * 6, settings.query_timeout,
                   settings.unsafe_network)


class _Handle:
    """The engine handle, which an update of an on-disk store takes away for a moment (the update's
    process must open the store itself); readers wait meanwhile, and never hold it across calls.

    If the store cannot be opened for writing again (a full disk: RocksDB writes when it opens), it is
    opened read-only, so that reads go on; `writable` says which, and the next write tries again.
    """

    def __init__(self, store: ox.Store) -> None:
        self.store: ox.Store | None = store
        self.writable = True
        self.failure: KGError | None = None  # set when the store could not be opened at all
        self._cond = threading.Condition()
        self._readers = 0

    @contextmanager
    def reading(self) -> Iterator[ox.Store]:
        with self._cond:
            self._cond.wait_for(lambda: self.store is not None or self.failure is not None)
            if self.store is None:
                raise cast(KGError, self.failure)  # the wait ends on a store or a failure
            self._readers += 1
            store = self.store
        try:
            yield store
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def away(self, location: str) -> Iterator[None]:
        """Let go of the store (after the readers in flight), and take it back afterwards."""
        with self._cond:
            self._cond.wait_for(lambda: self._readers == 0)
            self.store = None  # the last reference: RocksDB closes and releases its lock
        try:
            yield
        finally:
            self._take_back(location)

    def _take_back(self, location: str) -> None:
        store, writable, failure = None, True, None
        try:
            store = open_store(location, tries=20)
        except KGError as exc:
            log.error("cannot open the store for writing again (%s); opening it read-only", exc.detail)
            writable = False
            try:
                store = open_store(location, read_only=True, tries=20)
            except KGError as again:
                log.exception("cannot open the store at all")
                failure = again
        with self._cond:
            self.store, self.writable, self.failure = store, writable, failure
            self._cond.notify_all()


class GraphStore:
    """The project's RDF store: bundled graph loaded on first start, generation counter bumped on write.

    Client input never reaches this process's engine: queries run in the worker pool, uploads are
    parsed into N-Quads and SPARQL updates applied by sandboxed processes (kg.store.sandboxed). What
    runs here is the service's own queries, pattern reads, N-Quads from the parser, and the project's
    own bundled files.
    """

    def __init__(self, store: ox.Store, *, location: Path | None, limits: WriteLimits | None = None,
                 settings: Settings | None = None) -> None:
        self._handle = _Handle(store)
        self.location = location
        #: The query workers' limits (time, rows, pool size) and the guard's switch come from here.
        self.settings = settings if settings is not None else Settings(in_memory=location is None)
        self.limits = limits or WriteLimits.of(self.settings)
        self._runner: QueryRunner | None = None
        self._runner_lock = threading.Lock()
        self._closed = False
        self._generation = 0
        self._write_lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._before_listeners: list[Callable[[], None]] = []
        self._count: tuple[int, int] | None = None
        self._graphs: tuple[int, tuple[str, ...]] | None = None
        self._state_id: str | None = None
        #: Opened beside another process that holds the store for writing (`Settings.read_only`):
        #: this process sees the store as it was when opened, and refuses writes.
        self.read_only = False

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings) -> GraphStore:
        """Open the configured store, loading the bundled ontology and data when it is empty."""
        if settings.in_memory:
            graph_store = cls(ox.Store(), location=None, settings=settings)
        elif settings.read_only:
            graph_store = cls(_open_reader(settings.data_dir), location=settings.data_dir,
                              settings=settings)
            graph_store._handle.writable = False
            graph_store.read_only = True
            graph_store._read_state()
        else:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            store, writable = _open_at_start(str(settings.data_dir))
            graph_store = cls(store, location=settings.data_dir, settings=settings)
            graph_store._handle.writable = writable
            graph_store._read_state()
        if graph_store.is_empty() and graph_store._handle.writable:
            graph_store.load_bundled(settings)
        return graph_store

    @classmethod
    def open_replica(cls, settings: Settings, state: Path, state_id: str | None = None) -> GraphStore:
        """A read-only store over a published checkpoint of the leader's (kg.store.replicas), which
        `switch_to` moves on to the next one; `state_id` is the leader's id of that state."""
        graph_store = cls(_open_reader(state), location=state, settings=settings)
        graph_store._handle.writable = False
        graph_store.read_only = True
        graph_store._state_id = state_id
        return graph_store

    def switch_to(self, state: Path, state_id: str | None = None) -> None:
        """Answer from another checkpoint from now on, as after a write: the generation moves, the
        listeners hear it (caches empty, query workers of the old state are replaced). Reads in
        flight finish on the old handle. Raises the open's KGError, and then nothing changed."""
        if not self.read_only:
            raise StoreInUseError("Only a read-only replica switches to another state.")
        opened = _open_reader(state)
        with self._writing():
            with self._handle._cond:
                self._handle.store = opened
            self.location = state
        self._state_id = state_id

    @classmethod
    def in_memory(cls, settings: Settings | None = None) -> GraphStore:
        """An empty in-memory store (tests, scratch work); `settings` give its query limits (KG_*
        settings when omitted); nothing bundled is loaded."""
        return cls(ox.Store(), location=None, settings=settings)

    def load_bundled(self, settings: Settings) -> None:
        """Load ontology/*.ttl into the ontology graph and data/*.trig|ttl into their graphs.

        These are the project's own files, so they are loaded in this process (no parser round trip).
        """
        for path in sorted(settings.ontology_dir.glob("*.ttl")):
            self._load_own(path, graph=str(ONTOLOGY_GRAPH))
        for path in sorted(settings.bundled_data_dir.glob("*")):
            if path.suffix in {".trig", ".nq"}:
                self._load_own(path)
            elif path.suffix in {".ttl", ".nt"}:
                self._load_own(path, graph=str(GRAPH[path.stem]))

    # -- reading -------------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """A counter bumped by every write: caches compare it to know they are stale."""
        return self._generation

    def is_empty(self) -> bool:
        """Whether the store holds no quad at all."""
        with self._handle.reading() as store:
            return next(iter(store.quads_for_pattern(None, None, None, None)), None) is None

    def __len__(self) -> int:
        # Counting walks the whole store (0.2 s at 1M triples): once per generation is enough.
        cached = self._count
        if cached is not None and (cached[0] == self._generation or self._handle.store is None):
            return cached[1]  # current, or the last known while an update holds the store
        with self._handle.reading() as store:
            generation, count = self._generation, len(store)
        self._count = (generation, count)
        return count

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted (remembered until the next write, so that /health and
        the protocol's checks answer without waiting while an update holds the store)."""
        cached = self._graphs
        if cached is not None and (cached[0] == self._generation or self._handle.store is None):
            return list(cached[1])  # current, or the last known while an update holds the store
        with self._handle.reading() as store:
            generation = self._generation
            graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        self._graphs = (generation, tuple(graphs))
        return graphs

    def default_graphs(self) -> tuple[str, ...] | None:
        """The named graphs whose union is the default graph, or None for all of them: candidate
        graphs (kg.namespaces.CANDIDATE_GRAPHS) are left out, so that nothing a curator has not
        accepted reads as a fact of the graph (lookup, entity pages, paths, SPARQL's default graph)."""
        graphs = self.named_graphs()
        if not any(g.startswith(CANDIDATE_GRAPHS) for g in graphs):
            return None  # the common case: the engine's own union, its fastest path
        return tuple(g for g in graphs if not g.startswith(CANDIDATE_GRAPHS))

    def _run(self, store: ox.Store, query: str, union: bool) -> object:
        try:
            if union and (graphs := self.default_graphs()) is not None:
                return store.query(query, default_graph=[ox.NamedNode(g) for g in graphs])
            return store.query(query, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from exc

    def select(self, query: str, *, union: bool = True) -> list[Row]:
        """Rows of a SELECT query, materialised in the calling thread; raises QuerySyntaxError."""
        with self._handle.reading() as store:
            solutions = self._run(store, query, union)
            names = list(enumerate(v.value for v in solutions.variables))  # type: ignore[attr-defined]
            rows: list[Row] = []
            for solution in solutions:  # type: ignore[attr-defined]
                row = {}
                for position, name in names:
                    value = solution[position]
                    if value is not None:
                        row[name] = to_term(value)
                rows.append(row)
            return rows

    def select_values(self, query: str, *, union: bool = True) -> list[tuple[str | None, ...]]:
        """Rows of a SELECT query as tuples of lexical values (None if unbound); raises QuerySyntaxError."""
        # For bulk reads (indexes, projections): no Term objects are built. Ask SPARQL for what the
        # lexical value leaves out, e.g. `(LANG(?label) AS ?lang)`.
        with self._handle.reading() as store:
            solutions = self._run(store, query, union)
            width = range(len(solutions.variables))  # type: ignore[attr-defined]
            return [
                tuple(None if (term := solution[i]) is None else term.value for i in width)
                for solution in solutions  # type: ignore[attr-defined]
            ]

    def ask(self, query: str, *, union: bool = True) -> bool:
        """The answer of an ASK query."""
        with self._handle.reading() as store:
            return bool(self._run(store, query, union))

    def construct(self, query: str, *, union: bool = True) -> list[Triple]:
        """Triples of a CONSTRUCT or DESCRIBE query."""
        with self._handle.reading() as store:
            return [
                (to_term(t.subject), to_term(t.predicate), to_term(t.object))
                for t in self._run(store, query, union)  # type: ignore[attr-defined]
            ]

    def triples(self, subject: Term | None = None, predicate: Term | None = None,
                obj: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        """Triples matching a pattern, over all graphs unless `graph` names one (duplicates merged)."""
        if (subject is not None and subject.kind == "literal") or (
                predicate is not None and predicate.kind != "iri"):
            return iter(())  # no triple has a literal subject or a non-IRI predicate
        pattern = (_subject(subject) if subject else None, _predicate(predicate) if predicate else None,
                   to_node(obj) if obj else None, ox.NamedNode(graph) if graph else None)
        hidden = graph is None and self.default_graphs() is not None
        # Read all under the handle, so that no caller holds the store while it consumes them.
        with self._handle.reading() as store:
            found = dict.fromkeys((q.subject, q.predicate, q.object)
                                  for q in store.quads_for_pattern(*pattern)
                                  if not (hidden and _is_candidate(q.graph_name)))
        return ((to_term(s), to_term(p), to_term(o)) for s, p, o in found)

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The store (or one named graph) serialised in `fmt` (a RDF_FORMATS name); raises
        NotAcceptableError when the format cannot hold the data (RDF 1.2 triple terms in JSON-LD)."""
        rdf_format = ENGINE_FORMATS[fmt]
        try:
            with self._handle.reading() as store:
                if graph is not None:
                    return store.dump(format=rdf_format, from_graph=ox.NamedNode(graph)) or b""
                if fmt not in QUAD_FORMATS:  # the default graph: the union, candidates left out
                    hidden = self.default_graphs() is not None
                    triples = (ox.Triple(q.subject, q.predicate, q.object)
                               for q in store.quads_for_pattern(None, None, None, None)
                               if not (hidden and _is_candidate(q.graph_name)))
                    return ox.serialize(triples, format=rdf_format) or b""
                return store.dump(format=rdf_format) or b""
        except (OSError, ValueError) as exc:  # the writer's refusal, e.g. "JSON-LD does not support RDF 1.2"
            raise NotAcceptableError(f"The data cannot be written as {fmt} ({exc}); ask for Turtle, "
                                     "N-Triples, N-Quads or TriG.") from exc

    # -- client queries ------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> QueryAnswer:
        """A client's query guarded, run in a sandboxed worker, serialised and capped (the workers
        start on first use); raises QueryRefusedError, QuerySyntaxError, NestingTooDeepError,
        NotAcceptableError, QueryTimeoutError, ServiceBusyError, QueryFailedError."""
        if self._runner is None:
            # Refusals first: a cold store answers a refused query without starting its workers.
            read_by_guard(request, refuse=self.settings.sparql_guard)
        return self._query_runner().run(self._with_default_graphs(request))

    def _with_default_graphs(self, request: QueryRequest) -> QueryRequest:
        graphs = self.default_graphs()
        return request if graphs is None else replace(request, union_graphs=graphs)

    async def run_async(self, request: QueryRequest) -> QueryAnswer:
        """Like `run`, awaited on the running event loop: no thread is held while the query runs."""
        if len(request.query) > guard.MEMO_CHARS:
            # The guard's lexer is linear in the text (~0.2 µs a character): not on the event loop.
            return await asyncio.to_thread(self.run, request)
        runner = self._runner
        if runner is None:
            # Refusals first (a cold service refuses without starting anything); then the workers
            # start in a thread, and the query waits for one on the loop like every other, so that
            # a flood on a cold service meets the same admission (503 service_busy) as on a warm one.
            read_by_guard(request, refuse=self.settings.sparql_guard)
            await asyncio.to_thread(self.start_workers)
            runner = self._query_runner()
        return await runner.run_async(self._with_default_graphs(request))

    @property
    def workers_started(self) -> bool:
        """Whether the query workers are running (False until `start_workers` or the first `run`)."""
        return self._runner is not None

    def start_workers(self) -> None:
        """Start the query worker processes now rather than on the first `run` (the warm-up);
        raises SandboxError, QueryFailedError."""
        self._query_runner()

    def worker_pids(self) -> list[int]:
        """Process ids of the live query workers (for tests and monitoring)."""
        runner = self._runner
        return runner.worker_pids() if runner is not None else []

    def _query_runner(self) -> QueryRunner:
        runner = self._runner
        if runner is not None:
            return runner
        with self._runner_lock:  # two first queries at once must not start two pools
            if self._closed:
                raise QueryFailedError("The store is closed; it runs no more queries.")
            if self._runner is None:
                self._runner = QueryRunner(self, self.settings)
            return self._runner

    # -- writing -------------------------------------------------------------------------------

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every write, failed ones included (compare `generation`)."""
        self._listeners.append(listener)

    def before_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` before every write, under the write lock (readers of the files let go)."""
        self._before_listeners.append(listener)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        # Listeners hear the end of every write, failed ones included: the query runner pauses its
        # workers before a write and must resume them even when the write raised. Only a write
        # that succeeded bumps the generation (a failed one changed nothing).
        with self._write_lock:
            for listener in self._before_listeners:
                listener()
            previous = self._state_id
            self._set_state(None)  # a write under way: no index file matches a half-known state
            try:
                yield
                self._generation += 1
                self._set_state(secrets.token_hex(12))
            except BaseException:
                self._set_state(previous)  # writes are atomic: a failed one changed nothing
                raise
            finally:
                for listener in self._listeners:
                    listener()

    # -- the state's identity across restarts ----------------------------------------------------

    @property
    def engine_name(self) -> str:
        """`embedded`: pyoxigraph in this process."""
        return "embedded"

    @property
    def state_id(self) -> str | None:
        """An id of the store's content that survives restarts (None for an in-memory store, or while
        a write is under way): what persisted indexes are keyed by (kg.store.index_files). It changes
        with every write, and is kept in a file beside the store."""
        return self._state_id

    def _state_file(self) -> Path | None:
        if self.location is None or self.read_only:
            return None
        return self.location.parent / f".{self.location.name}.state"  # as stored_state_id reads it

    def _set_state(self, state: str | None) -> None:
        if self.location is None:
            return  # in memory: nothing survives a restart, so nothing is keyed by a state
        self._state_id = state
        path = self._state_file()
        if path is None:
            return
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        try:
            temporary.write_text(state or _WRITING, encoding="ascii")
            os.replace(temporary, path)  # atomic: a reader sees the old state or the new one
        except OSError as exc:
            # A full disk: no state is better than a wrong one (removing a file needs no space), and
            # the write itself goes on to its own answer (507 when it cannot fit either).
            log.warning("cannot record the store's state (%s); its indexes will be rebuilt at the "
                        "next start", exc)
            self._state_id = None
            for leftover in (temporary, path):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)

    def _read_state(self) -> None:
        """At open: the state id the file beside the store names, or a new one (forgetting any index
        files) when there is none or a write was cut short."""
        found = stored_state_id(self.location) if self.location is not None else None
        if found is not None:
            self._state_id = found
        elif not self.read_only and self.location is not None:
            self._set_state(secrets.token_hex(12))

    def _parse(self, *, data: bytes | None = None, path: Path | None = None, fmt: str,
               graph: str | None, name: str, timeout: float | None) -> bytes:
        """Client RDF as N-Quads, from the sandboxed parser; raises LoadError, NestingTooDeepError,
        BadRequestError (a graph name that is no IRI)."""
        if graph is not None:
            to_node(Term("iri", graph))  # a clear 400 here, before any process reads the body
        parser = shared_parser(unsafe=self.limits.unsafe_network)
        return parser.to_nquads(data=data, path=str(path) if path else None, fmt=fmt, graph=graph,
                                name=name, max_nesting=self.limits.max_nesting, timeout=timeout)

    def load_file(self, path: Path, *, graph: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> None:
        """Load one RDF file atomically (parsed in the sandbox, no time limit); raises LoadError
        naming the file and line."""
        fmt = format_for_path(path)
        if not path.is_file():
            raise LoadError(f"Cannot read {path}: no such file.", file=str(path))
        nquads = self._parse(path=path, fmt=fmt, graph=graph, name=str(path), timeout=None)
        self._load_nquads(nquads, name=str(path), progress=progress)

    def load_bytes(self, data: bytes, *, fmt: str, graph: str | None = None,
                   name: str = "<input>") -> None:
        """Load RDF from bytes atomically (parsed in the sandbox); raises LoadError naming the line."""
        if fmt not in ENGINE_FORMATS:
            raise LoadError(f"Unknown RDF format {fmt!r}; use one of {', '.join(ENGINE_FORMATS)}.")
        nquads = self._parse(data=data, fmt=fmt, graph=graph, name=name, timeout=self.limits.timeout)
        self._load_nquads(nquads, name=name)

    def parse_graph(self, data: bytes, *, fmt: str, graph: str, name: str = "request body") -> bytes:
        """One graph's worth of client RDF as N-Triples, every triple put into `graph`; raises
        LoadError when it does not parse or names graphs of its own (JSON-LD, TriG)."""
        nquads = self._parse(data=data, fmt=fmt, graph=graph, name=name, timeout=self.limits.timeout)
        return one_graph(nquads, graph, name)

    def parse_triples(self, data: bytes, *, fmt: str, name: str = "<input>") -> list[Triple]:
        """The triples of an RDF document (parsed in the sandbox, like any client input), in any
        graph, duplicates merged; raises LoadError naming the line."""
        return distinct_triples(self._parse(data=data, fmt=fmt, graph=None, name=name,
                                            timeout=self.limits.timeout))

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace a named graph's content with N-Triples from `parse_graph`, in one transaction."""
        # The text is built from the parser's canonical N-Triples, not from client text: ground
        # triples in INSERT DATA, which can hold no SERVICE, LOAD or pattern.
        update = (f"DROP SILENT GRAPH <{graph}> ;\nCREATE SILENT GRAPH <{graph}> ;\n"
                  f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode('utf-8')}}} }}")
        self._writable()
        with self._writing(), self._handle.reading() as store:
            try:
                store.update(update)
            except OSError as exc:
                raise _storage_error(exc, "request body") from exc
            self._flush(store)

    def merge_graph(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples from `parse_graph` to a named graph, in one transaction."""
        self._writable()
        with self._writing(), self._handle.reading() as store:
            try:
                store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
            except OSError as exc:
                raise _storage_error(exc, "request body") from exc
            self._flush(store)

    def _load_nquads(self, nquads: bytes, *, name: str,
                     progress: Callable[[int, int], None] | None = None) -> None:
        self._writable()
        with self._writing(), self._handle.reading() as store:
            try:
                # Both load paths are all-or-nothing in pyoxigraph 0.5.
                if self.location is None:
                    store.load(progress_reader(nquads, progress), format=ox.RdfFormat.N_QUADS)
                else:
                    store.bulk_load(progress_reader(nquads, progress), format=ox.RdfFormat.N_QUADS)
                self._flush(store)
            except (SyntaxError, ValueError) as exc:  # not expected: the parser wrote these N-Quads
                raise LoadError(f"{name}: {exc}", file=name) from exc
            except OSError as exc:
                raise _storage_error(exc, name) from exc

    def _load_own(self, path: Path, *, graph: str | None = None) -> None:
        """Load one of the project's own files in this process (bundled ontology and data)."""
        fmt = format_for_path(path)
        to_graph = ox.NamedNode(graph) if graph and fmt not in QUAD_FORMATS else None
        with self._writing(), self._handle.reading() as store, path.open("rb") as handle:
            try:
                store.load(handle, format=ENGINE_FORMATS[fmt], to_graph=to_graph)
            except SyntaxError as exc:
                raise LoadError(f"{path}: line {exc.lineno}: {exc.msg}", file=str(path),
                                line=exc.lineno, column=exc.offset) from exc
            self._flush(store)

    def update(self, sparql_update: str, *, base_iri: str | None = None) -> None:
        """Run a client's SPARQL Update atomically in a sandboxed process, after the guard, its
        relative IRIs resolved against `base_iri`; raises QueryRefusedError (SERVICE, LOAD, or it
        tried the network), QuerySyntaxError, UpdateFailedError, NestingTooDeepError,
        InsufficientStorageError."""
        # Here, not in the callers, so that no update text reaches the engine unguarded (the guard
        # remembers recent texts: one a caller has just checked is not lexed twice).
        guard.check_update(sparql_update, None, refuse=self.settings.sparql_guard)
        limits = self.limits
        with self._writing():
            if self.location is None:
                result = run_update(sparql_update, location=None, snapshot=self.snapshot_nquads,
                                    max_nesting=limits.max_nesting, timeout=limits.update_timeout,
                                    unsafe=limits.unsafe_network, base_iri=base_iri)
                store = ox.Store()
                store.bulk_load(result or b"", format=ox.RdfFormat.N_QUADS)
                self._handle.store = store
                return
            location = str(self.location)
            with self._handle.away(location):
                run_update(sparql_update, location=location, snapshot=None,
                           max_nesting=limits.max_nesting, timeout=limits.update_timeout,
                           unsafe=limits.unsafe_network, base_iri=base_iri)

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> None:
        """Add triples to a named graph in one transaction."""
        g = ox.NamedNode(graph)
        quads = [ox.Quad(_subject(s), _predicate(p), to_node(o), g) for s, p, o in triples]
        self._writable()
        with self._writing(), self._handle.reading() as store:
            store.extend(quads)

    def clear_graph(self, graph: str) -> None:
        """Remove every triple of one named graph."""
        self._writable()
        with self._writing(), self._handle.reading() as store:
            store.remove_graph(ox.NamedNode(graph))
            self._flush(store)

    def _flush(self, store: ox.Store) -> None:
        # The write is committed (in RocksDB's log) before the flush: a flush that fails, on a full
        # disk, loses nothing acknowledged, so it is logged rather than reported as a failed write.
        if self.location is not None:
            try:
                store.flush()
            except OSError as exc:
                log.error("flushing the store failed (%s); the write itself is committed", exc)

    def _writable(self) -> None:
        """Before a write in this process: reopen a store left read-only, or raise
        InsufficientStorageError."""
        if self._handle.writable or self.location is None:
            return
        if self.read_only:
            raise StoreInUseError(
                f"The store at {self.location} is open read-only (another process, e.g. a running "
                "`kg serve`, holds it for writing); stop that process, or send the write to its API.")
        with self._handle.away(str(self.location)):
            pass
        if not self._handle.writable:
            raise InsufficientStorageError("The store is read-only since the disk filled up; free "
                                           "some space and send the write again.")

    def flush(self) -> None:
        """Make writes durable (against power loss, not only process death)."""
        if self.read_only:
            return  # nothing was written, and a read-only RocksDB handle cannot flush
        with self._handle.reading() as store:
            self._flush(store)

    def stop_workers(self) -> None:
        """Stop the query workers; the next `run` starts new ones. For an app over a store it did not
        open: its shutdown ends its workers, not the store."""
        with self._runner_lock:
            runner, self._runner = self._runner, None
        if runner is not None:
            self._forget_listeners_of(runner)
            runner.close()

    def _forget_listeners_of(self, owner: object) -> None:
        def kept(listeners: list[Callable[[], None]]) -> list[Callable[[], None]]:
            return [f for f in listeners if getattr(f, "__self__", None) is not owner]

        self._listeners, self._before_listeners = kept(self._listeners), kept(self._before_listeners)

    def close(self) -> None:
        """Stop the query workers (for good: `run` raises QueryFailedError afterwards) and flush;
        the service's own reads and writes keep working."""
        with self._runner_lock:
            self._closed = True
        self.stop_workers()
        self.flush()

    def release(self) -> None:
        """Close, and let go of the engine's files (RocksDB's lock), so that this process (or another)
        can open the same store again; every later use raises QueryFailedError."""
        self.close()
        with self._handle._cond:
            self._handle.store = None
            self._handle.failure = QueryFailedError("The store was released.")
            self._handle._cond.notify_all()

    def checkpoint(self, path: Path) -> None:
        """A consistent copy of the on-disk store at `path`, made of hard links (milliseconds), for
        readers in other processes; raises InsufficientStorageError or QueryFailedError."""
        with self._handle.reading() as store:
            try:
                store.backup(str(path))
            except OSError as exc:
                raise _storage_error(exc, "checkpoint") from exc

    def snapshot_nquads(self) -> bytes:
        """The whole dataset as N-Quads (used to seed worker processes of an in-memory store)."""
        with self._handle.reading() as store:
            return store.dump(format=ox.RdfFormat.N_QUADS) or b""


def _embedded(store: GraphStore) -> Engine:
    """Never called: mypy checks here that GraphStore implements every member of Engine."""
    return store


def _open_at_start(location: str) -> tuple[ox.Store, bool]:
    """The store at `location` and whether it is writable: read-only (with a logged error) when the
    disk is full, so that a restart on a full disk still serves reads. A few tries only: another
    process holding the store (a running server) will not let go."""
    try:
        return open_store(location, tries=5), True
    except InsufficientStorageError as exc:
        log.error("%s Serving it read-only until there is space.", exc.detail)
        return open_store(location, read_only=True, tries=5), False


class StoreNotFoundError(KGError):
    """A read-only open found no store where it was told to look."""

    code = "store_not_found"
    status = 503


#: What the state file says while a write is under way.
_WRITING = "writing"


def stored_state_id(data_dir: Path) -> str | None:
    """The state id recorded beside the on-disk store at `data_dir` (None: none, or a write was under
    way), as `GraphStore.state_id` will read it when the store is opened."""
    try:
        found = (data_dir.parent / f".{data_dir.name}.state").read_text(encoding="ascii").strip()
    except OSError:
        return None
    return found if found and found != _WRITING and found.isalnum() else None


def _is_candidate(graph: object) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value.startswith(CANDIDATE_GRAPHS)


def _open_reader(location: Path) -> ox.Store:
    """The store at `location` opened read-only (raises StoreNotFoundError where there is none: a
    read-only open cannot create and load it)."""
    if not (location / "CURRENT").is_file():
        raise StoreNotFoundError(f"There is no store at {location} to open read-only; load one first "
                                 "(`kg load`, or start `kg serve` once).")
    return open_store(str(location), read_only=True, tries=20)


def _storage_error(exc: OSError, name: str) -> KGError:
    if exc.errno == errno.ENOSPC or "No space left" in str(exc):
        return InsufficientStorageError("The disk is full: the write was refused and nothing was "
                                        "changed; free some space and send it again.")
    return LoadError(f"{name}: {exc}", file=name)
