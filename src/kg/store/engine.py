"""Engine: the one interface through which the rest of the project reaches an RDF engine.

Two kinds of SPARQL meet the engine. The project's own queries (built by model code from its own
vocabulary) are trusted: `select`, `ask`, `construct`, `triples` answer them in the calling thread,
as engine-neutral `kg.terms` values. A client's text is not: it goes through `run` / `run_async`
only, one pipeline of guard (kg.store.guard) → evaluation where it cannot reach the network or stall
the service → serialisation in the asked-for format → the row cap, whose `QueryAnswer.truncated` is
the only way an answer says a cap cut it. Writes of client input (uploads, updates) are parsed and
checked by the engine too, never handed over raw.

`kg.store.embedded.GraphStore` (pyoxigraph, in memory or on disk) implements it; the interface is
kept narrow enough that an engine over the SPARQL 1.1 Protocol (a remote store) fits behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kg.terms import Row, Term, Triple


@dataclass(frozen=True)
class QueryRequest:
    """One client query: the text, the two candidate formats, the dataset and the base IRI."""

    query: str
    solutions_format: str = "json"  # json | xml | csv | tsv (SELECT and ASK)
    graph_format: str = "turtle"  # a kg.formats.RDF_FORMATS name (CONSTRUCT and DESCRIBE)
    default_graphs: tuple[str, ...] | None = None  # None: the union of all graphs
    named_graphs: tuple[str, ...] | None = None  # None: every named graph
    query_dataset: bool = False  # the query's own FROM / FROM NAMED define its dataset
    limit: int | None = None  # the query's own LIMIT (set from the guard's reading of the text)
    base_iri: str | None = None  # resolves the text's relative IRIs (None: they are syntax errors)
    #: The graphs whose union is the default graph when the request names no dataset (None: all);
    #: set by the store, which leaves candidate graphs out (kg.namespaces.CANDIDATE_GRAPHS).
    union_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer: its kind (solutions|boolean|graph), format name, body and cap flag."""

    kind: str
    format: str
    body: bytes
    truncated: bool  # the row cap (Settings.max_rows) cut the answer
    count: int | None  # None: the engine wrote the answer itself, and does not count rows


class Engine(Protocol):
    """What the project may ask of an RDF engine (see the module docstring for the two kinds of text)."""

    # -- reading: the project's own queries and patterns ------------------------------------------

    @property
    def generation(self) -> int:
        """A counter bumped by every write: caches compare it to know they are stale."""
        ...

    @property
    def engine_name(self) -> str:
        """Which engine answers: `embedded`, or a remote engine's product (`oxigraph`, `virtuoso`,
        from its Server header; `sparql` when it gives none), for what is known of its limits."""
        ...

    @property
    def state_id(self) -> str | None:
        """An id of the store's content that survives restarts, or None when there is none (in
        memory, a write under way, an engine written by others): persisted indexes are keyed by it."""
        ...

    def __len__(self) -> int: ...

    def is_empty(self) -> bool:
        """Whether the store holds no quad at all."""
        ...

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...

    def select(self, query: str, *, union: bool = True) -> list[Row]:
        """Rows of a trusted SELECT query; raises QuerySyntaxError."""
        ...

    def select_values(self, query: str, *, union: bool = True) -> list[tuple[str | None, ...]]:
        """Rows of a trusted SELECT query as lexical values (None if unbound); raises QuerySyntaxError."""
        ...

    def ask(self, query: str, *, union: bool = True) -> bool:
        """The answer of a trusted ASK query."""
        ...

    def construct(self, query: str, *, union: bool = True) -> list[Triple]:
        """Triples of a trusted CONSTRUCT or DESCRIBE query."""
        ...

    def triples(self, subject: Term | None = None, predicate: Term | None = None,
                obj: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        """Triples matching a pattern, over all graphs unless `graph` names one."""
        ...

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The store (or one named graph) serialised in `fmt`; raises NotAcceptableError."""
        ...

    # -- client queries ---------------------------------------------------------------------------

    def run(self, request: QueryRequest) -> QueryAnswer:
        """A client's query guarded, evaluated, serialised and capped; raises QueryRefusedError,
        QuerySyntaxError, NestingTooDeepError, NotAcceptableError, QueryTimeoutError,
        ServiceBusyError, QueryFailedError."""
        ...

    async def run_async(self, request: QueryRequest) -> QueryAnswer:
        """Like `run`, awaited on the running event loop without blocking it."""
        ...

    @property
    def workers_started(self) -> bool:
        """Whether `run` is ready to go (False until `start_workers` or the first `run`)."""
        ...

    def start_workers(self) -> None:
        """Make `run` ready now rather than on first use; raises SandboxError, QueryFailedError."""
        ...

    def stop_workers(self) -> None:
        """Release what `run` holds (worker processes, connections); the next `run` starts again."""
        ...

    # -- writing ----------------------------------------------------------------------------------

    def load_file(self, path: Path, *, graph: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> None:
        """Load one RDF file atomically; raises LoadError naming the file and line."""
        ...

    def load_bytes(self, data: bytes, *, fmt: str, graph: str | None = None,
                   name: str = "<input>") -> None:
        """Load RDF from bytes atomically; raises LoadError naming the line."""
        ...

    def parse_graph(self, data: bytes, *, fmt: str, graph: str, name: str = "request body") -> bytes:
        """One graph's worth of client RDF as N-Triples, every triple put into `graph`; raises LoadError."""
        ...

    def parse_triples(self, data: bytes, *, fmt: str, name: str = "<input>") -> list[Triple]:
        """The triples of an RDF document, duplicates merged; raises LoadError."""
        ...

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace a named graph's content with N-Triples from `parse_graph`, in one transaction."""
        ...

    def merge_graph(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples from `parse_graph` to a named graph, in one transaction."""
        ...

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> None:
        """Add triples to a named graph in one transaction."""
        ...

    def clear_graph(self, graph: str) -> None:
        """Remove every triple of one named graph."""
        ...

    def update(self, sparql_update: str, *, base_iri: str | None = None) -> None:
        """Run a client's SPARQL Update, guarded, atomically; raises QueryRefusedError,
        QuerySyntaxError, UpdateFailedError, NestingTooDeepError, InsufficientStorageError."""
        ...

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every write, failed ones included."""
        ...

    def before_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` before every write."""
        ...

    # -- life cycle -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Make writes durable."""
        ...

    def close(self) -> None:
        """Stop what `run` started and flush; reads of the project's own queries keep working."""
        ...
