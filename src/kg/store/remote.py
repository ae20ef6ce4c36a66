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
  On `oxigraph serve`, whose union default graph is the embedded store's own (the same engine),
  a read sends only the engine's `union-default-graph` flag while every graph the engine holds is
  one of the store's graphs outside the candidates and its own default graph is empty: an explicit
  graph list makes the engine evaluate each pattern graph by graph (property paths 2x slower,
  docs/engine-notes.md §5.6).
- **The generation lives in the engine.** Several API workers share one engine, so the counter
  caches compare is written by every write through the service in the same update request as the
  write (a fresh value from the clock, so no worker has to read it first), and read at most every
  `GENERATION_TTL` seconds: a write through one worker is seen by all within a second. Writes that
  bypass the service are not seen; the result cache's TTL covers them. On Virtuoso it is a triple
  in the meta graph; on `oxigraph serve` it is the name of an empty graph under the meta graph
  (`GENERATION_GRAPHS`), so that no triple of the service's own is in the union default graph; one
  query there reads the generation, the store's graphs and whether the union may be used.
- **Big reads are paged.** An engine may cut answers at a row cap of its own (Virtuoso's
  ResultSetMaxRows, which it reports in a header): a trusted SELECT cut there is read again in pages
  of that size, ordered by every column (docs/engine-notes.md §5.8), so the indexes see everything.
- **Graph writes use the Graph Store Protocol** when KG_SPARQL_GSP_URL is set (PUT, POST, DELETE of
  one graph; loads POST N-Triples batches), each followed by an update that sets the generation;
  data holding xsd:duration literals still goes through updates, which Virtuoso refuses with a
  clear error rather than storing a number (docs/engine-notes.md §5.3, §5.7).
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
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
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
    bindings_of,
    boolean_answer,
    graph_answer,
    parse_ntriples,
    read_json,
    rows_of,
    solutions_answer,
    values_of,
    variables_of,
)
from kg.store.results import distinct_triples, one_graph
from kg.store.sandboxed import ENGINE_FORMATS, QUAD_FORMATS, shared_parser
from kg.store.sparql_http import (
    MAX_ROWS_HEADER,
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
#: On `oxigraph serve`: the generation is the number ending the name of an empty graph here.
GENERATION_GRAPHS = META_GRAPH + "/generation/"
#: One read of an oxigraph serve's state: every graph it holds, whether each holds a triple, and
#: (?g unbound) whether its own default graph does. Per-graph EXISTS, not DISTINCT over all quads:
#: 2 ms rather than 60 ms at 100k triples (docs/engine-notes.md §5.6).
_STATE_QUERY = ("SELECT ?g ?full WHERE { { GRAPH ?g { } BIND(EXISTS { GRAPH ?g { ?s ?p ?o } } AS ?full) }"
                " UNION { BIND(EXISTS { ?s ?p ?o } AS ?full) } }")
#: The graphs holding a triple, on other engines: grouping rather than DISTINCT, which Virtuoso answers
#: 4-5x faster (0.08 s against 0.35-0.45 s at 100k triples, docs/engine-notes.md §5.11).
_GRAPHS_QUERY = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_GENERATION_QUERY = (f"SELECT ?n WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{_GENERATION}> ?n }} }}")
#: How an xsd:duration literal ends in N-Triples (see `_graph_store`).
_DURATION = b"XMLSchema#duration>"
#: Answers longer than this are read and re-written in a thread, off the event loop.
_INLINE_ANSWER = 256 * 1024
#: PREFIX and BASE declarations at the head of a query (they stay in front when it is paged).
_PROLOGUE = re.compile(r"\A(?:\s|#[^\n]*\n|(?:PREFIX\s+[^\s:]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>))*",
                       re.IGNORECASE)
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
        self._started = False
        self._closed = False
        self._write_lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._before_listeners: list[Callable[[], None]] = []
        self._generation = 0
        self._generation_read = 0.0  # time.monotonic() of the last read (0: never)
        self._generation_lock = threading.Lock()
        self._graphs: tuple[int, tuple[str, ...]] | None = None
        #: oxigraph serve: whether its union default graph is the store's default graph right now,
        #: and the generation graphs last seen (a write drops them).
        self._union = False
        self._generation_graphs: tuple[str, ...] = ()
        self._count: tuple[int, int] | None = None
        self._batch = LOAD_BATCH  # quads a load sends per request (see _send_quads)
        #: The engine's row cap, once an answer reported it (docs/engine-notes.md §5.8).
        self._row_cap: int | None = None

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
    def engine_name(self) -> str:
        """The engine's product from its Server header (`oxigraph`, `virtuoso`…), `sparql` if unknown."""
        product = self._http.server.split("/")[0].strip().lower()
        return product if product and product != "unknown" else "sparql"

    @property
    def state_id(self) -> None:
        """None: the engine may be written past this service, so no index is kept across restarts."""
        return None

    @property
    def _oxigraph(self) -> bool:
        """Whether the engine is `oxigraph serve` (its `Server` header), whose union default graph
        and empty named graphs this store relies on (module docstring)."""
        if not self._http.server:
            self._http.query("ASK { }", accept=SPARQL_JSON, dataset=None)
        return self._http.server.startswith("Oxigraph/")

    @property
    def generation(self) -> int:
        """The engine's write counter, read at most every GENERATION_TTL seconds (a read that fails
        keeps the last value: the next one tries again)."""
        if time.monotonic() - self._generation_read < GENERATION_TTL:
            return self._generation
        if not self._generation_lock.acquire(blocking=False):
            return self._generation  # another thread is reading it now
        try:
            if self._oxigraph:
                self._apply_state(self._values(_STATE_QUERY))
            else:
                self._generation = _generation_of(self._values(_GENERATION_QUERY))
        except KGError:  # a failed read only delays staleness by one period
            log.warning("cannot read the store generation from the engine", exc_info=True)
        finally:
            self._generation_read = time.monotonic()
            self._generation_lock.release()
        return self._generation

    async def _refresh_async(self) -> None:
        """What `generation` and `named_graphs` read, read with the async client when it is due, so
        that a client's query never waits on a blocking read on the event loop."""
        if time.monotonic() - self._generation_read < GENERATION_TTL:
            return
        if not self._generation_lock.acquire(blocking=False):
            return
        try:
            if self._oxigraph:
                self._apply_state(await self._values_async(_STATE_QUERY))
            else:
                generation = _generation_of(await self._values_async(_GENERATION_QUERY))
                cached = self._graphs
                if cached is None or cached[0] != generation:
                    graphs = _own_graphs(await self._values_async(_GRAPHS_QUERY))
                    self._graphs = (generation, graphs)
                self._generation = generation
        except KGError:
            log.warning("cannot read the store generation from the engine", exc_info=True)
        finally:
            self._generation_read = time.monotonic()
            self._generation_lock.release()

    def _values(self, query: str) -> list[tuple[str | None, ...]]:
        return values_of(read_json(self._http.query(query, accept=SPARQL_JSON, dataset=None).content))

    async def _values_async(self, query: str) -> list[tuple[str | None, ...]]:
        response = await self._http.aquery(query, accept=SPARQL_JSON, dataset=None)
        return values_of(read_json(response.content))

    def _apply_state(self, rows: list[tuple[str | None, ...]]) -> None:
        """Take in the answer of `_STATE_QUERY` (oxigraph serve): generation, graphs, union."""
        generations: list[int] = []
        full: list[str] = []
        default_full = False
        for graph, filled in rows:
            holds = filled in ("true", "1")
            if graph is None:
                default_full = holds
                continue
            tail = graph[len(GENERATION_GRAPHS):] if graph.startswith(GENERATION_GRAPHS) else ""
            if tail.isdigit():
                generations.append(int(tail))
            if holds:
                full.append(graph)
        generation = max(generations, default=0)
        self._generation_graphs = tuple(f"{GENERATION_GRAPHS}{n}" for n in generations)
        self._graphs = (generation, tuple(sorted(g for g in full if _own_graph(g))))
        # The engine's union is the store's default graph only when it holds nothing else.
        self._union = not default_full and all(
            _own_graph(g) and not g.startswith(CANDIDATE_GRAPHS) for g in full)
        self._generation = generation

    def _bump(self) -> tuple[str, int]:
        """The update operations that set a new generation, and that value (from the clock: unique
        across workers without reading the old one, and growing)."""
        value = max(time.time_ns(), self._generation + 1)
        if self._oxigraph:  # an empty graph named by the value; the older ones this worker saw go
            drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n"
                            for g in (*self._generation_graphs, META_GRAPH))
            return f"{drops}CREATE SILENT GRAPH <{GENERATION_GRAPHS}{value}>", value
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
        if self._oxigraph:  # one state read gives the graphs with the generation
            self._apply_state(self._values(_STATE_QUERY))
            self._generation_read = time.monotonic()
            return list(self._graphs[1]) if self._graphs else []
        graphs = _own_graphs(self._values(_GRAPHS_QUERY))
        self._graphs = (generation, graphs)
        return list(graphs)

    def _dataset(self, union: bool) -> Dataset | None:
        """The store's graphs as the protocol's dataset: their merge as the default graph (union) or
        an empty default graph, and each as a named graph; on oxigraph serve, while its own union
        is the same thing, only its union flag (union) or no dataset at all (module docstring)."""
        graphs = self.named_graphs() or [_NO_GRAPH]
        if self._union:
            return Dataset(union=True) if union else None
        # Candidate graphs are named graphs outside the default graph (kg.namespaces.CANDIDATE_GRAPHS).
        default = [g for g in graphs if not g.startswith(CANDIDATE_GRAPHS)] or [_NO_GRAPH]
        return Dataset(default if union else [_NO_GRAPH], graphs)

    def _select(self, query: str, union: bool) -> dict[str, Any]:
        """A trusted SELECT's answer, read again page by page when the engine's row cap cut it."""
        dataset = self._dataset(union)
        response = self._http.query(query, accept=SPARQL_JSON, dataset=dataset)
        document = read_json(response.content)
        cap = self._cap(response.headers.get(MAX_ROWS_HEADER), len(bindings_of(document)))
        return document if cap is None else self._paged(query, dataset, document, cap)

    def _cap(self, header: str | None, rows: int) -> int | None:
        """The engine's row cap when an answer of `rows` rows may have been cut by it (the engine
        said so, or the answer is exactly as long as a cap it reported before), else None."""
        if header is not None and header.strip().isdigit():
            self._row_cap = int(header)
        cap = self._row_cap
        return cap if cap is not None and cap > 0 and rows >= cap else None

    def _paged(self, query: str, dataset: Dataset | None, first: dict[str, Any],
               cap: int) -> dict[str, Any]:
        """Every row of `query`, read in pages of `cap` rows: the query as a subquery, ordered by
        every column it projects, sliced outside (Virtuoso sorts at most 10,000 rows for an
        ORDER BY with OFFSET at the top, but not in a subquery: docs/engine-notes.md §5.8)."""
        columns = variables_of(first)
        match = _PROLOGUE.match(query)
        prologue, body = (query[:match.end()], query[match.end():]) if match else ("", query)
        order = " ".join(f"?{name}" for name in columns)
        rows: list[dict[str, dict[str, str]]] = []
        while True:
            page_query = (f"{prologue}\nSELECT * WHERE {{ {{ SELECT * WHERE {{ {{ {body} }} }} "
                          f"ORDER BY {order} }} }} LIMIT {cap} OFFSET {len(rows)}")
            response = self._http.query(page_query, accept=SPARQL_JSON, dataset=dataset)
            page = bindings_of(read_json(response.content))
            rows.extend(page)
            if len(page) < cap:
                break
        log.info("read %d rows in pages of %d (the engine's row cap)", len(rows), cap)
        return {"head": {"vars": columns}, "results": {"bindings": rows}}

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
            if subject is None and predicate is None and obj is None and self._graph_store():
                return iter(self._graph_triples(graph))
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
            triples = [ox.Triple(*_nodes(t)) for t in self.triples(graph=graph)]
            return _serialize(triples, rdf_format, fmt)
        rows = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        if fmt in QUAD_FORMATS:
            return _serialize([ox.Quad(*_nodes((r["s"], r["p"], r["o"])), ox.NamedNode(r["g"].value))
                               for r in rows], rdf_format, fmt)
        unique = dict.fromkeys((r["s"], r["p"], r["o"]) for r in rows)
        return _serialize([ox.Triple(*_nodes(t)) for t in unique], rdf_format, fmt)

    def _graph_triples(self, graph: str) -> list[Triple]:
        """Every triple of one graph, by a Graph Store GET (an unknown graph: none), duplicates of
        the engine's answer merged."""
        response = self._http.graph_store("GET", graph)
        if response.status_code == 404:
            return []
        return list(dict.fromkeys(parse_ntriples(response.content)))

    # -- client queries ---------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> QueryAnswer:
        """A client's query guarded, sent to the engine with its dataset, and its answer written in
        the asked-for format under the row cap; raises QueryRefusedError, QuerySyntaxError,
        NestingTooDeepError, NotAcceptableError, QueryTimeoutError, EngineUnavailableError."""
        request, form, text, accept, dataset = self._prepared(request)
        response = self._http.query(text, accept=accept, dataset=dataset)
        return self._answer(request, form, response.content, _engine_cap(response))

    async def run_async(self, request: QueryRequest) -> QueryAnswer:
        """Like `run`, awaited on the event loop with its async client (no thread hop for the round
        trip, docs/engine-notes.md §5.6); a long answer is re-written in a thread."""
        await self._refresh_async()  # the generation and graph list, if due, without blocking
        request, form, text, accept, dataset = self._prepared(request)
        response = await self._http.aquery(text, accept=accept, dataset=dataset)
        body, cap = response.content, _engine_cap(response)
        if len(body) > _INLINE_ANSWER:
            return await asyncio.to_thread(self._answer, request, form, body, cap)
        return self._answer(request, form, body, cap)

    def _prepared(self, request: QueryRequest) -> tuple[QueryRequest, str, str, str, Dataset | None]:
        """The guarded request, its form, the text sent, the media type asked and the dataset."""
        if self._closed:
            raise QueryFailedError("The store is closed; it runs no more queries.")
        request, form = self._guarded(request)
        text = request.query if request.base_iri is None else (
            f"BASE {Term('iri', request.base_iri).to_ntriples()}\n{request.query}")
        accept = NTRIPLES if form in ("CONSTRUCT", "DESCRIBE") else SPARQL_JSON
        return request, form, text, accept, self._client_dataset(request)

    def _answer(self, request: QueryRequest, form: str, body: bytes,
                engine_cap: int | None = None) -> QueryAnswer:
        """The client's answer from the engine's; one the engine's own row cap may have cut says
        `truncated` (a client's query is not paged: docs/engine-notes.md §5.8)."""
        max_rows = self.settings.max_rows
        if form in ("CONSTRUCT", "DESCRIBE"):
            return graph_answer(body, fmt=request.graph_format, max_rows=max_rows,
                                engine_cap=engine_cap or self._row_cap)
        if form == "ASK":
            return boolean_answer(body, request.solutions_format)
        return solutions_answer(body, fmt=request.solutions_format, query=request.query,
                                max_rows=max_rows, limit=request.limit, engine_cap=engine_cap)

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
        return self._started

    def start_workers(self) -> None:
        """Check that the engine answers; raises EngineUnavailableError."""
        self._http.query("ASK { }", accept=SPARQL_JSON, dataset=None)
        self._started = True

    def stop_workers(self) -> None:
        """Nothing runs here between queries: only forget that the engine was checked."""
        self._started = False

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
        """`operations` and a new generation, in one update request (no operations: only the new
        generation, after a Graph Store write)."""
        bump, value = self._bump()
        text = f"{operations}\n;\n{bump}" if operations else bump
        self._http.update(text, using=using, timeout=self.limits.update_timeout)
        self._generation, self._generation_read = value, time.monotonic()

    def _graph_store(self, ntriples: bytes | str = b"") -> bool:
        """Whether a graph write of `ntriples` goes through the Graph Store endpoint: one is set,
        and the data holds no xsd:duration, which Virtuoso's endpoint stores as a number without a
        word while its update refuses it clearly (docs/engine-notes.md §5.3)."""
        data = ntriples.encode("utf-8") if isinstance(ntriples, str) else ntriples
        return self.endpoints.gsp_url is not None and _DURATION not in data

    def _gsp_write(self, method: str, graph: str, ntriples: bytes | None = None) -> None:
        """One Graph Store request, then the new generation (a separate update: after the write,
        so that no answer read before it is kept under the new generation)."""
        try:
            self._http.graph_store(method, graph, body=ntriples, timeout=self.limits.timeout)
        finally:
            self._write("")

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
                    self._send_batch(batch)
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

    def _send_batch(self, batch: list[ox.Quad]) -> None:
        """One batch of a load: POSTed graph by graph to the Graph Store endpoint when it may take
        it (named graphs only), else one INSERT DATA."""
        by_graph: dict[str, list[str]] = defaultdict(list)
        for quad in batch:
            if not isinstance(quad.graph_name, ox.NamedNode):
                by_graph.clear()
                break
            by_graph[quad.graph_name.value].append(
                f"{quad.subject} {quad.predicate} {quad.object} .")
        bodies = {graph: "\n".join(lines).encode("utf-8") + b"\n" for graph, lines in by_graph.items()}
        if not bodies or not all(self._graph_store(body) for body in bodies.values()):
            self._write(_insert_data(batch))
            return
        try:
            for graph, body in bodies.items():
                self._http.graph_store("POST", graph, body=body, timeout=self.limits.timeout)
        finally:
            self._write("")

    def parse_graph(self, data: bytes, *, fmt: str, graph: str, name: str = "request body") -> bytes:
        """One graph's worth of client RDF as N-Triples, every triple put into `graph`; raises
        LoadError when it does not parse or names graphs of its own (JSON-LD, TriG)."""
        nquads = self._parse(data=data, fmt=fmt, graph=graph, name=name, timeout=self.limits.timeout)
        return one_graph(nquads, graph, name)

    def parse_triples(self, data: bytes, *, fmt: str, name: str = "<input>") -> list[Triple]:
        """The triples of an RDF document (parsed in the sandbox), duplicates merged; raises LoadError."""
        return distinct_triples(self._parse(data=data, fmt=fmt, graph=None, name=name,
                                            timeout=self.limits.timeout))

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace a named graph's content with N-Triples from `parse_graph`, in one request."""
        # Built from the parser's canonical N-Triples, never from client text (as in the embedded
        # store): ground triples in INSERT DATA hold no SERVICE, LOAD or pattern.
        iri = Term("iri", graph).to_ntriples()
        with self._writing():
            if self._graph_store(ntriples):
                self._gsp_write("PUT", graph, ntriples)
                return
            self._write(f"DROP SILENT GRAPH {iri} ;\n{_in_graph(iri, ntriples.decode('utf-8'))}")

    def merge_graph(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples from `parse_graph` to a named graph, in one request."""
        iri = Term("iri", graph).to_ntriples()
        with self._writing():
            if self._graph_store(ntriples):
                self._gsp_write("POST", graph, ntriples)
                return
            self._write(_in_graph(iri, ntriples.decode("utf-8")))

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> None:
        """Add triples to a named graph in one request."""
        lines = "\n".join(f"{s.to_ntriples()} {p.to_ntriples()} {o.to_ntriples()} ."
                          for s, p, o in triples)
        iri = Term("iri", graph).to_ntriples()
        with self._writing():
            if self._graph_store(lines):
                self._gsp_write("POST", graph, lines.encode("utf-8") + b"\n")
                return
            self._write(_in_graph(iri, lines))

    def clear_graph(self, graph: str) -> None:
        """Remove every triple of one named graph."""
        iri = Term("iri", graph).to_ntriples()
        with self._writing():
            if self._graph_store():
                self._gsp_write("DELETE", graph)
                return
            self._write(f"DROP SILENT GRAPH {iri}")

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
    return not iri.startswith(META_GRAPH) and iri != _NO_GRAPH and not iri.startswith(
        SYSTEM_GRAPH_PREFIXES)


def _own_graphs(rows: list[tuple[str | None, ...]]) -> tuple[str, ...]:
    return tuple(sorted(g for (g,) in rows if g is not None and _own_graph(g)))


def _engine_cap(response: httpx.Response) -> int | None:
    """The row cap the engine says it applied to this answer (Virtuoso's header), if any."""
    value = response.headers.get(MAX_ROWS_HEADER, "").strip()
    return int(value) if value.isdigit() else None


def _generation_of(rows: list[tuple[str | None, ...]]) -> int:
    numbers = [int(v[0]) for v in rows if v[0] is not None and v[0].lstrip("-").isdigit()]
    return max(numbers, default=0)


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

