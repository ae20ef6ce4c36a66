"""RemoteStore: an existing SPARQL engine as the store (KG_BACKEND=sparql), the second `Engine`.

Everything goes over the SPARQL 1.1 Protocol, Update and (when KG_SPARQL_GSP_URL is set) the Graph
Store Protocol (kg.store.sparql_http); answers come back as `kg.terms` values or as the client's
bytes (kg.store.remote_answers). What differs from the embedded store, and why:

- **The dataset is always spelt out.** Engines disagree on what a query without a dataset reads
  (Virtuoso: every graph, its own system graphs included; `oxigraph serve`: the default graph only,
  unless started with --union-default-graph), docs/engine-notes.md §5.1. So every read sends the
  protocol's `default-graph-uri` / `named-graph-uri` with the store's own graphs (`named_graphs()`:
  the engine's graphs less its system graphs and this service's meta graph), and `union=True` means
  the same thing on every engine: the merge of those graphs.
- **The generation lives in the engine.** Several API workers share one engine, so the counter
  caches compare is a triple in the meta graph, written by every write through the service in the
  same update request as the write (a fresh value from the clock, so no worker has to read it
  first), and read at most every `GENERATION_TTL` seconds: a write through one worker is seen by all
  within a second. Writes that bypass the service are not seen; the result cache's TTL covers them.
- **Client text still passes the guard** (kg.store.guard) and the nesting check, and Virtuoso's
  pragmas (DEFINE) are refused; but the engine evaluates SERVICE itself, out of reach of this
  project's sandbox: its own egress must be blocked in production (README, "A remote SPARQL
  engine"). Client files are still parsed in the sandboxed parser process (kg.store.sandboxed).
- **Loads are streamed in batches** (`LOAD_BATCH` quads a request, with progress), so a load is not
  atomic as a whole: the file is parsed and checked completely before the first batch is sent, and
  a failure part-way says how many quads went in.
- **The engine's time limit is the engine's.** `run` gives up at KG_QUERY_TIMEOUT, but only the
  engine can stop its query (Virtuoso's MaxQueryExecutionTime, `oxigraph serve --timeout-s`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import (
    ForbiddenError,
    KGError,
    LoadError,
    NotAcceptableError,
    QueryFailedError,
    QueryRefusedError,
)
from kg.namespaces import CANDIDATE_GRAPHS, GRAPH, ONTOLOGY_GRAPH
from kg.store import guard
from kg.store.embedded import WriteLimits, format_for_path
from kg.store.engine import Engine, QueryAnswer, QueryRequest
from kg.store.remote_answers import (
    boolean_answer,
    graph_answer,
    parse_ntriples,
    read_json,
    rows_of,
    solutions_answer,
    values_of,
)
from kg.store.results import to_term
from kg.store.sandboxed import ENGINE_FORMATS, QUAD_FORMATS, shared_parser
from kg.store.sparql_http import (
    NTRIPLES,
    SPARQL_JSON,
    Dataset,
    Endpoints,
    SparqlHttp,
    UpdateTooLargeError,
)
from kg.store.untrusted import check_text_nesting, check_update_triple_terms
from kg.terms import Row, Term, Triple

log = logging.getLogger(__name__)

#: The graph this service keeps its own state in (the generation); never part of the dataset.
META_GRAPH = str(GRAPH["meta"])
_GENERATION = META_GRAPH + "#generation"
#: Graphs an engine keeps for itself, left out of `named_graphs()` and so of every dataset
#: (docs/engine-notes.md §5.1: Virtuoso's schema, LDP and service-description graphs).
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://www.w3.org/2002/07/owl#",
    "urn:activitystreams-owl:",
    "virtrdf-label",
)
#: A graph IRI that names nothing: the dataset of a store without graphs (an empty list would let
#: the engine fall back to its own default dataset).
_NO_GRAPH = "urn:x-innokg:no-graph"
#: Seconds the generation read from the engine is trusted before it is read again.
GENERATION_TTL = 0.5
#: Quads sent per request while loading a file (halved down to MIN_BATCH while the engine refuses
#: batches as too large).
LOAD_BATCH = 20_000
MIN_BATCH = 250
#: Update keywords followed by a target that would reach beyond the store's own graphs.
_WIDE_TARGETS = frozenset({"ALL", "NAMED", "DEFAULT"})
_GRAPH_OPERATIONS = frozenset({"CLEAR", "DROP"})


class RemoteStore:
    """The project's store over a remote SPARQL engine (see the module docstring)."""

    location: Path | None = None  # nothing of the store lives on this machine

    def __init__(self, settings: Settings, endpoints: Endpoints) -> None:
        self.settings = settings
        self.endpoints = endpoints
        self.limits = WriteLimits.of(settings)
        self._http = SparqlHttp(endpoints, timeout=settings.query_timeout,
                                connections=max(8, settings.query_workers * 4))
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._closed = False
        self._write_lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._before_listeners: list[Callable[[], None]] = []
        self._generation = 0
        self._generation_read = 0.0  # time.monotonic() of the last read (0: never)
        self._generation_lock = threading.Lock()
        self._graphs: tuple[int, tuple[str, ...]] | None = None
        self._count: tuple[int, int] | None = None
        self._batch = LOAD_BATCH  # quads a load sends per request (see _send_quads)

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings) -> RemoteStore:
        """The store over the configured engine, loaded with the bundled ontology and data when it
        holds none of the store's graphs; raises EngineUnavailableError when the engine is down."""
        if settings.sparql_query_url is None:  # Settings refuses this combination; kept for mypy
            raise QueryFailedError("KG_BACKEND=sparql needs KG_SPARQL_QUERY_URL.")
        password = settings.sparql_password.get_secret_value() if settings.sparql_password else None
        endpoints = Endpoints(settings.sparql_query_url, settings.sparql_update_url,
                              settings.sparql_gsp_url, settings.sparql_user, password,
                              settings.sparql_auth)
        store = cls(settings, endpoints)
        if store.is_empty() and store.writable:
            log.info("the SPARQL engine holds none of the store's graphs: loading the bundled graph")
            store.load_bundled(settings)
        return store

    @property
    def writable(self) -> bool:
        """Whether writes can go to the engine (an update URL is configured)."""
        return self.endpoints.update_url is not None

    def load_bundled(self, settings: Settings) -> None:
        """Load ontology/*.ttl into the ontology graph and data/*.trig|ttl into their graphs (the
        project's own files: parsed in this process, sent in batches)."""
        for path in sorted(settings.ontology_dir.glob("*.ttl")):
            self._load_own(path, graph=str(ONTOLOGY_GRAPH))
        for path in sorted(settings.bundled_data_dir.glob("*")):
            if path.suffix in {".trig", ".nq"}:
                self._load_own(path)
            elif path.suffix in {".ttl", ".nt"}:
                self._load_own(path, graph=str(GRAPH[path.stem]))

    def _load_own(self, path: Path, *, graph: str | None = None) -> None:
        fmt = format_for_path(path)
        to_graph = ox.NamedNode(graph) if graph and fmt not in QUAD_FORMATS else None
        scratch = ox.Store()
        with path.open("rb") as handle:
            try:
                scratch.load(handle, format=ENGINE_FORMATS[fmt], to_graph=to_graph)
            except SyntaxError as exc:
                raise LoadError(f"{path}: line {exc.lineno}: {exc.msg}", file=str(path),
                                line=exc.lineno, column=exc.offset) from exc
        self._send_quads(list(scratch), name=str(path), size=path.stat().st_size, progress=None)

    # -- the generation ---------------------------------------------------------------------------

    @property
    def state_id(self) -> None:
        """None: the engine may be written past this service, so no index is kept across restarts."""
        return None

    @property
    def generation(self) -> int:
        """The engine's write counter, read at most every GENERATION_TTL seconds (a read that fails
        keeps the last value: the next one tries again)."""
        if time.monotonic() - self._generation_read < GENERATION_TTL:
            return self._generation
        if not self._generation_lock.acquire(blocking=False):
            return self._generation  # another thread is reading it now
        try:
            self._generation = self._read_generation()
        except KGError:  # a failed read only delays staleness by one period
            log.warning("cannot read the store generation from the engine", exc_info=True)
        finally:
            self._generation_read = time.monotonic()
            self._generation_lock.release()
        return self._generation

    def _read_generation(self) -> int:
        query = f"SELECT ?n WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{_GENERATION}> ?n }} }}"
        values = values_of(read_json(self._http.query(query, accept=SPARQL_JSON, dataset=None).content))
        numbers = [int(v[0]) for v in values if v[0] is not None and v[0].lstrip("-").isdigit()]
        return max(numbers, default=0)

    def _bump(self) -> tuple[str, int]:
        """The update operations that set a new generation, and that value (from the clock: unique
        across workers without reading the old one, and growing)."""
        value = max(time.time_ns(), self._generation + 1)
        text = (f"CLEAR SILENT GRAPH <{META_GRAPH}> ;\n"
                f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{_GENERATION}> {value} }} }}")
        return text, value

    # -- reading: the project's own queries -------------------------------------------------------

    def named_graphs(self) -> list[str]:
        """IRIs of the store's named graphs, sorted (the engine's system graphs and the meta graph
        left out), remembered until the generation moves."""
        generation = self.generation
        cached = self._graphs
        if cached is not None and cached[0] == generation:
            return list(cached[1])
        query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        found = values_of(read_json(self._http.query(query, accept=SPARQL_JSON, dataset=None).content))
        graphs = sorted(g for (g,) in found if g is not None and _own_graph(g))
        self._graphs = (generation, tuple(graphs))
        return graphs

    def _dataset(self, union: bool) -> Dataset:
        """The store's graphs as the protocol's dataset: their merge as the default graph (union) or
        an empty default graph, and each as a named graph."""
        graphs = self.named_graphs() or [_NO_GRAPH]
        # Candidate graphs are named graphs outside the default graph (kg.namespaces.CANDIDATE_GRAPHS).
        default = [g for g in graphs if not g.startswith(CANDIDATE_GRAPHS)] or [_NO_GRAPH]
        return Dataset(default if union else [_NO_GRAPH], graphs)

    def _select(self, query: str, union: bool) -> dict[str, Any]:
        response = self._http.query(query, accept=SPARQL_JSON, dataset=self._dataset(union))
        return read_json(response.content)

    def __len__(self) -> int:
        generation = self.generation
        cached = self._count
        if cached is not None and cached[0] == generation:
            return cached[1]
        values = values_of(self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                        False))
        count = int(values[0][0] or 0) if values else 0
        self._count = (generation, count)
        return count

    def is_empty(self) -> bool:
        """Whether the engine holds no triple in the store's graphs."""
        return not self.named_graphs()

    def select(self, query: str, *, union: bool = True) -> list[Row]:
        """Rows of a trusted SELECT query; raises QuerySyntaxError, EngineUnavailableError."""
        return rows_of(self._select(query, union))

    def select_values(self, query: str, *, union: bool = True) -> list[tuple[str | None, ...]]:
        """Rows of a trusted SELECT query as lexical values (None if unbound)."""
        return values_of(self._select(query, union))

    def ask(self, query: str, *, union: bool = True) -> bool:
        """The answer of a trusted ASK query."""
        return bool(self._select(query, union).get("boolean"))

    def construct(self, query: str, *, union: bool = True) -> list[Triple]:
        """Triples of a trusted CONSTRUCT or DESCRIBE query."""
        response = self._http.query(query, accept=NTRIPLES, dataset=self._dataset(union))
        return parse_ntriples(response.content)

    def triples(self, subject: Term | None = None, predicate: Term | None = None,
                obj: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        """Triples matching a pattern, over the store's graphs unless `graph` names one (duplicates
        merged)."""
        if (subject is not None and subject.kind == "literal") or (
                predicate is not None and predicate.kind != "iri"):
            return iter(())
        if graph:
            Term("iri", graph).to_ntriples()  # a malformed IRI is a clear 400, not a broken query
        pattern = [(t, v) for t, v in ((subject, "s"), (predicate, "p"), (obj, "o"))]
        s, p, o = (t.to_ntriples() if t is not None else f"?{v}" for t, v in pattern)
        where = f"GRAPH <{graph}> {{ {s} {p} {o} }}" if graph else f"GRAPH ?g {{ {s} {p} {o} }}"
        unbound = [f"?{v}" for t, v in pattern if t is None]
        if not unbound:
            found = self.ask(f"ASK {{ {where} }}", union=False)
            return iter([(subject, predicate, obj)] if found else [])  # type: ignore[list-item]
        rows = self.select(f"SELECT DISTINCT {' '.join(unbound)} WHERE {{ {where} }}", union=False)
        return ((row.get("s", subject), row.get("p", predicate), row.get("o", obj))  # type: ignore[misc]
                for row in rows)

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The store (or one named graph) serialised in `fmt`; raises NotAcceptableError."""
        rdf_format = ENGINE_FORMATS[fmt]
        if graph is not None:
            quads = [ox.Quad(*_nodes(t), ox.DefaultGraph()) for t in self.triples(graph=graph)]
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
            return _serialize(triples, rdf_format, fmt)
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        if fmt in QUAD_FORMATS:
            return _serialize([ox.Quad(*_nodes((r["s"], r["p"], r["o"])), ox.NamedNode(r["g"].value))
                               for r in rows], rdf_format, fmt)
        unique = dict.fromkeys((r["s"], r["p"], r["o"]) for r in rows)
        return _serialize([ox.Triple(*_nodes(t)) for t in unique], rdf_format, fmt)

    # -- client queries ---------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> QueryAnswer:
        """A client's query guarded, sent to the engine with its dataset, and its answer written in
        the asked-for format under the row cap; raises QueryRefusedError, QuerySyntaxError,
        NestingTooDeepError, NotAcceptableError, QueryTimeoutError, EngineUnavailableError."""
        if self._closed:
            raise QueryFailedError("The store is closed; it runs no more queries.")
        request, form = self._guarded(request)
        text = request.query if request.base_iri is None else (
            f"BASE {Term('iri', request.base_iri).to_ntriples()}\n{request.query}")
        dataset = self._client_dataset(request)
        max_rows = self.settings.max_rows
        if form in ("CONSTRUCT", "DESCRIBE"):
            response = self._http.query(text, accept=NTRIPLES, dataset=dataset)
            return graph_answer(response.content, fmt=request.graph_format, max_rows=max_rows)
        response = self._http.query(text, accept=SPARQL_JSON, dataset=dataset)
        if form == "ASK":
            return boolean_answer(response.content, request.solutions_format)
        return solutions_answer(response.content, fmt=request.solutions_format, query=request.query,
                                max_rows=max_rows)

    async def run_async(self, request: QueryRequest) -> QueryAnswer:
        """Like `run`, on a thread of the store's own pool (the event loop is never blocked, and the
        pool bounds how many queries one worker sends the engine at once)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._query_threads(), self.run, request)

    def _query_threads(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=max(4, self.settings.query_workers * 4),
                                                    thread_name_prefix="kg-remote-query")
            return self._executor

    def _guarded(self, request: QueryRequest) -> tuple[QueryRequest, str]:
        """The request with what the guard reads in its text, and the query's form; raises
        QueryRefusedError (SERVICE, LOAD, an update, an engine pragma), NestingTooDeepError."""
        operation = guard.inspect(request.query, refuse=self.settings.sparql_guard)
        if operation.form == "UPDATE":
            raise QueryRefusedError("This is a SPARQL Update; only SELECT, ASK, CONSTRUCT and DESCRIBE "
                                    "queries run here (updates go to the store's update).")
        _refuse_pragmas(request.query)
        check_text_nesting(request.query, self.limits.max_nesting)
        own_dataset = (bool(operation.dataset) and request.default_graphs is None
                       and request.named_graphs is None)
        return replace(request, query_dataset=own_dataset, limit=operation.limit), operation.form

    def _client_dataset(self, request: QueryRequest) -> Dataset | None:
        """The protocol dataset of a client's query: the request's, the text's own (None: FROM in
        the text), or the union of the store's graphs, as the embedded store has it."""
        if request.default_graphs is None and request.named_graphs is None:
            return None if request.query_dataset else self._dataset(union=True)
        return Dataset(list(request.default_graphs or ()) or [_NO_GRAPH],
                       list(request.named_graphs or ()) or [_NO_GRAPH])

    @property
    def workers_started(self) -> bool:
        """Whether `start_workers` has checked that the engine answers."""
        return self._executor is not None

    def start_workers(self) -> None:
        """Check that the engine answers and make the query threads ready; raises
        EngineUnavailableError."""
        self._http.query("ASK { }", accept=SPARQL_JSON, dataset=None)
        self._query_threads()

    def stop_workers(self) -> None:
        """Let the query threads go (the next `run_async` starts new ones)."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    # -- writing ------------------------------------------------------------------------------

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every write through this store, failed ones included."""
        self._listeners.append(listener)

    def before_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` before every write through this store."""
        self._before_listeners.append(listener)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        if not self.writable:
            raise ForbiddenError("The SPARQL engine is read-only here: no KG_SPARQL_UPDATE_URL is "
                                 "configured.")
        with self._write_lock:
            for listener in self._before_listeners:
                listener()
            try:
                yield
            finally:
                self._generation_read = 0.0  # read the engine's value on the next look
                for listener in self._listeners:
                    listener()

    def _write(self, operations: str, *, using: Dataset | None = None) -> None:
        """`operations` and a new generation, in one update request."""
        bump, value = self._bump()
        self._http.update(f"{operations}\n;\n{bump}", using=using,
                          timeout=self.limits.update_timeout)
        self._generation, self._generation_read = value, time.monotonic()

    def _parse(self, *, data: bytes | None = None, path: Path | None = None, fmt: str,
               graph: str | None, name: str, timeout: float | None) -> bytes:
        """Client RDF as N-Quads, from the sandboxed parser (kg.store.sandboxed)."""
        if graph is not None:
            Term("iri", graph).to_ntriples()  # a clear 400 here, before any process reads the body
        parser = shared_parser(unsafe=self.limits.unsafe_network)
        return parser.to_nquads(data=data, path=str(path) if path else None, fmt=fmt, graph=graph,
                                name=name, max_nesting=self.limits.max_nesting, timeout=timeout)

    def load_file(self, path: Path, *, graph: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> None:
        """Load one RDF file (parsed in the sandbox, then sent in batches with progress); raises
        LoadError naming the file and line, or how much went in when the engine failed part-way."""
        fmt = format_for_path(path)
        if not path.is_file():
            raise LoadError(f"Cannot read {path}: no such file.", file=str(path))
        nquads = self._parse(path=path, fmt=fmt, graph=graph, name=str(path), timeout=None)
        self._send_quads(_quads(nquads), name=str(path), size=len(nquads), progress=progress)

    def load_bytes(self, data: bytes, *, fmt: str, graph: str | None = None,
                   name: str = "<input>") -> None:
        """Load RDF from bytes (parsed in the sandbox); raises LoadError naming the line."""
        if fmt not in ENGINE_FORMATS:
            raise LoadError(f"Unknown RDF format {fmt!r}; use one of {', '.join(ENGINE_FORMATS)}.")
        nquads = self._parse(data=data, fmt=fmt, graph=graph, name=name, timeout=self.limits.timeout)
        self._send_quads(_quads(nquads), name=name, size=len(nquads), progress=None)

    def _send_quads(self, quads: list[ox.Quad], *, name: str, size: int,
                    progress: Callable[[int, int], None] | None) -> None:
        """Insert `quads` in batches (`_batches`), halving the batch size when the engine refuses a
        batch as too large (Virtuoso caps the SQL one update compiles to, docs/engine-notes.md §5.3);
        raises LoadError saying how much went in when the engine fails part-way."""
        pending = deque(_batches(quads, self._batch))
        sent = 0
        with self._writing():
            while pending:
                batch = pending.popleft()
                try:
                    self._write(_insert_data(batch))
                except UpdateTooLargeError as exc:
                    if len(batch) <= MIN_BATCH:
                        raise _part_way(name, sent, len(quads), exc) from exc
                    self._batch = max(MIN_BATCH, len(batch) // 2)
                    pending.extendleft(reversed(list(_batches(batch, self._batch))))
                    continue
                except KGError as exc:
                    raise _part_way(name, sent, len(quads), exc) from exc
                sent += len(batch)
                if progress is not None:
                    progress(size * sent // max(len(quads), 1), size)

    def parse_graph(self, data: bytes, *, fmt: str, graph: str, name: str = "request body") -> bytes:
        """One graph's worth of client RDF as N-Triples, every triple put into `graph`; raises
        LoadError when it does not parse or names graphs of its own (JSON-LD, TriG)."""
        nquads = self._parse(data=data, fmt=fmt, graph=graph, name=name, timeout=self.limits.timeout)
        scratch = ox.Store()
        scratch.load(nquads, format=ox.RdfFormat.N_QUADS)
        if any(g != ox.NamedNode(graph) for g in scratch.named_graphs()):
            raise LoadError(f"{name}: it holds named graphs; a graph write takes one graph.", file=name)
        return scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""

    def parse_triples(self, data: bytes, *, fmt: str, name: str = "<input>") -> list[Triple]:
        """The triples of an RDF document (parsed in the sandbox), duplicates merged; raises LoadError."""
        nquads = self._parse(data=data, fmt=fmt, graph=None, name=name, timeout=self.limits.timeout)
        found = dict.fromkeys((q.subject, q.predicate, q.object) for q in _quads(nquads))
        return [(to_term(s), to_term(p), to_term(o)) for s, p, o in found]

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace a named graph's content with N-Triples from `parse_graph`, in one request."""
        # Built from the parser's canonical N-Triples, never from client text (as in the embedded
        # store): ground triples in INSERT DATA hold no SERVICE, LOAD or pattern.
        iri = Term("iri", graph).to_ntriples()
        with self._writing():
            self._write(f"DROP SILENT GRAPH {iri} ;\n{_in_graph(iri, ntriples.decode('utf-8'))}")

    def merge_graph(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples from `parse_graph` to a named graph, in one request."""
        iri = Term("iri", graph).to_ntriples()
        with self._writing():
            self._write(_in_graph(iri, ntriples.decode("utf-8")))

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> None:
        """Add triples to a named graph in one request."""
        lines = "\n".join(f"{s.to_ntriples()} {p.to_ntriples()} {o.to_ntriples()} ."
                          for s, p, o in triples)
        iri = Term("iri", graph).to_ntriples()
        with self._writing():
            self._write(_in_graph(iri, lines))

    def clear_graph(self, graph: str) -> None:
        """Remove every triple of one named graph."""
        with self._writing():
            self._write(f"DROP SILENT GRAPH {Term('iri', graph).to_ntriples()}")

    def update(self, sparql_update: str, *, base_iri: str | None = None) -> None:
        """Run a client's SPARQL Update, guarded, its WHERE clauses limited to the store's graphs;
        raises QueryRefusedError, QuerySyntaxError, UpdateFailedError, NestingTooDeepError."""
        guard.check_update(sparql_update, None, refuse=self.settings.sparql_guard)
        check_text_nesting(sparql_update, self.limits.max_nesting, what="update")
        check_update_triple_terms(sparql_update)
        _refuse_pragmas(sparql_update)
        _refuse_wide_targets(sparql_update)
        text = sparql_update if base_iri is None else (
            f"BASE {Term('iri', base_iri).to_ntriples()}\n{sparql_update}")
        # The protocol's using-graph-uri keeps a pattern's GRAPH ?g to the store's own graphs (not
        # the engine's system graphs); it may not be combined with the text's own USING or WITH.
        using = None if _names_dataset(sparql_update) else Dataset(
            self.named_graphs() or [_NO_GRAPH], self.named_graphs() or [_NO_GRAPH])
        with self._writing():
            self._write(text, using=using)

    # -- life cycle -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Nothing to do: the engine made each acknowledged write durable itself."""

    def close(self) -> None:
        """Stop running client queries and close the connections; the service's own reads and
        writes keep working (on new connections)."""
        self._closed = True
        self.stop_workers()
        self._http.close()


def _remote(store: RemoteStore) -> Engine:
    """Never called: mypy checks here that RemoteStore implements every member of Engine."""
    return store


# -- helpers ------------------------------------------------------------------------------------

def _own_graph(iri: str) -> bool:
    return iri != META_GRAPH and iri != _NO_GRAPH and not iri.startswith(SYSTEM_GRAPH_PREFIXES)


def _quads(nquads: bytes) -> list[ox.Quad]:
    return list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))


def _part_way(name: str, sent: int, total: int, exc: KGError) -> KGError:
    if sent == 0:
        return exc  # nothing went in: the engine's own error says it all
    return LoadError(f"{name}: the engine failed after {sent} of {total} quads went in "
                     f"({exc.detail}); clear the graph and load the file again.", file=name)


def _batches(quads: list[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """`quads` in lists of about `size`; quads that share a blank node stay in one list, since a
    blank node keeps its identity only within one request."""
    plain = [q for q in quads if not _has_blank(q)]
    for start in range(0, len(plain), size):
        yield plain[start:start + size]
    batch: list[ox.Quad] = []
    for component in _blank_components([q for q in quads if _has_blank(q)]):
        if batch and len(batch) + len(component) > size:
            yield batch
            batch = []
        batch.extend(component)
    if batch:
        yield batch


def _blank_components(quads: list[ox.Quad]) -> list[list[ox.Quad]]:
    """`quads` grouped so that two quads sharing a blank node are in one group (union-find)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for quad in quads:
        labels = [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        for other in labels[1:]:
            parent[root(other)] = root(labels[0])
    groups: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        first = quad.subject if isinstance(quad.subject, ox.BlankNode) else quad.object
        groups[root(first.value)].append(quad)  # type: ignore[union-attr]
    return list(groups.values())


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _insert_data(quads: list[ox.Quad]) -> str:
    """One INSERT DATA of `quads`, grouped by graph (pyoxigraph writes terms in N-Triples syntax,
    which SPARQL reads as it is)."""
    by_graph: dict[str, list[str]] = defaultdict(list)
    for quad in quads:
        by_graph[str(quad.graph_name)].append(f"{quad.subject} {quad.predicate} {quad.object} .")
    blocks = (f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}" for graph, lines in by_graph.items())
    return _insert("\n".join(blocks), blank=any(_has_blank(q) for q in quads))


def _insert(body: str, *, blank: bool) -> str:
    """An insert of ground quad blocks: INSERT DATA, or, when they hold blank nodes, the same as a
    template over one empty solution (Virtuoso refuses blank nodes in INSERT DATA, docs/engine-notes.md
    §5.3; a template's blank nodes are one fresh node per label, as a load's are)."""
    if blank:
        return f"INSERT {{\n{body}\n}} WHERE {{ }}"
    return f"INSERT DATA {{\n{body}\n}}"


def _in_graph(iri: str, ntriples: str) -> str:
    """An insert of N-Triples into one graph (see `_insert`)."""
    return _insert(f"GRAPH {iri} {{\n{ntriples}\n}}", blank="_:" in ntriples)


def _nodes(triple: Triple) -> tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode,
                                    ox.NamedNode | ox.BlankNode | ox.Literal]:
    s, p, o = triple
    subject = ox.BlankNode(s.value) if s.kind == "bnode" else ox.NamedNode(s.value)
    if o.kind == "iri":
        obj: ox.NamedNode | ox.BlankNode | ox.Literal = ox.NamedNode(o.value)
    elif o.kind == "bnode":
        obj = ox.BlankNode(o.value)
    elif o.lang:
        obj = ox.Literal(o.value, language=o.lang)
    else:
        obj = ox.Literal(o.value, datatype=ox.NamedNode(o.datatype) if o.datatype else None)
    return subject, ox.NamedNode(p.value), obj


def _serialize(items: list[ox.Triple] | list[ox.Quad], rdf_format: ox.RdfFormat, fmt: str) -> bytes:
    try:
        return ox.serialize(items, format=rdf_format) or b""
    except (OSError, ValueError) as exc:
        raise NotAcceptableError(f"The data cannot be written as {fmt} ({exc}); ask for Turtle, "
                                 "N-Triples, N-Quads or TriG.") from exc


def _words(text: str) -> Iterator[str]:
    return (value.upper() for kind, value in guard.tokens(text) if kind == "word")


def _refuse_pragmas(text: str) -> None:
    """Refuse Virtuoso's DEFINE pragmas (not SPARQL; one of them makes the engine fetch documents
    from the web), which the guard's reading of standard SPARQL does not name."""
    if "DEFINE" in _words(text):
        raise QueryRefusedError("DEFINE pragmas are not SPARQL and are refused here; remove them.")


def _refuse_wide_targets(text: str) -> None:
    """Refuse CLEAR/DROP of ALL, NAMED or DEFAULT: on an engine they would reach its own system
    graphs (Virtuoso's schema) and this service's state; drop the store's graphs one by one."""
    previous = ""
    for word in _words(text):
        if previous in _GRAPH_OPERATIONS and word == "SILENT":
            continue
        if previous in _GRAPH_OPERATIONS and word in _WIDE_TARGETS:
            raise QueryRefusedError(
                f"{previous} {word} is refused over a remote SPARQL engine (it would reach the "
                "engine's own graphs); name the graphs: DROP GRAPH <iri> ; DROP GRAPH <iri2>."
            )
        previous = word


def _names_dataset(text: str) -> bool:
    return any(word in ("USING", "WITH") for word in _words(text))

