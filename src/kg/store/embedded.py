"""GraphStore: pyoxigraph, embedded, persistent by default, in memory for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import BadRequestError, LoadError, QuerySyntaxError, UpdateFailedError
from kg.namespaces import GRAPH, ONTOLOGY_GRAPH
from kg.terms import Row, Term, Triple

#: Media-type-free names of the RDF formats the store reads and writes.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_EXTENSIONS = {
    ".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig", ".rdf": "rdfxml",
    ".owl": "rdfxml", ".xml": "rdfxml", ".jsonld": "jsonld",
}
#: Formats whose documents carry their own graph names.
QUAD_FORMATS = frozenset({"nquads", "trig"})


def format_for_path(path: Path) -> str:
    """The RDF format name of a file, from its extension; raises LoadError for unknown ones."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in {".gz"}]
    name = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if name is None:
        raise LoadError(
            f"Cannot tell the RDF format of {path.name!r} from its extension; use one of "
            f"{', '.join(sorted(_EXTENSIONS))}.", file=str(path)
        )
    return name


def to_term(node: object) -> Term:
    """The engine-neutral form of a pyoxigraph term."""
    kind = type(node)  # exact type checks: this runs once per term of every answer
    if kind is ox.NamedNode:
        return Term("iri", node.value)  # type: ignore[attr-defined]
    if kind is ox.Literal:
        return Term("literal", node.value, node.datatype.value, node.language)  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        return Term("bnode", node.value)  # type: ignore[attr-defined]
    return Term("triple", str(node))


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


def _refuse_doctype(data: bytes, fmt: str, name: str) -> None:
    # An entity-expansion document of under 1 KB exhausts memory (design.md §3): refuse before parsing.
    if fmt == "rdfxml" and b"<!DOCTYPE" in data[:65536].upper():
        raise LoadError(f"{name}: RDF/XML with a DOCTYPE is refused (entity expansion risk).", file=name)


class GraphStore:
    """The project's RDF store: bundled graph loaded on first start, generation counter bumped on write."""

    def __init__(self, store: ox.Store, *, location: Path | None) -> None:
        self._store = store
        self.location = location
        self._generation = 0
        self._write_lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._before_listeners: list[Callable[[], None]] = []
        self._count: tuple[int, int] | None = None

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings) -> GraphStore:
        """Open the configured store, loading the bundled ontology and data when it is empty."""
        if settings.in_memory:
            graph_store = cls(ox.Store(), location=None)
        else:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            graph_store = cls(ox.Store(str(settings.data_dir)), location=settings.data_dir)
        if graph_store.is_empty():
            graph_store.load_bundled(settings)
        return graph_store

    @classmethod
    def in_memory(cls) -> GraphStore:
        """An empty in-memory store (tests, scratch work)."""
        return cls(ox.Store(), location=None)

    def load_bundled(self, settings: Settings) -> None:
        """Load ontology/*.ttl into the ontology graph and data/*.trig|ttl into their graphs."""
        for path in sorted(settings.ontology_dir.glob("*.ttl")):
            self.load_file(path, graph=str(ONTOLOGY_GRAPH))
        for path in sorted(settings.bundled_data_dir.glob("*")):
            if path.suffix in {".trig", ".nq"}:
                self.load_file(path)
            elif path.suffix in {".ttl", ".nt"}:
                self.load_file(path, graph=str(GRAPH[path.stem]))

    # -- reading -------------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """A counter bumped by every write: caches compare it to know they are stale."""
        return self._generation

    def is_empty(self) -> bool:
        """Whether the store holds no quad at all."""
        return next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None

    def __len__(self) -> int:
        # Counting walks the whole store (0.2 s at 1M triples): once per generation is enough.
        cached = self._count
        if cached is not None and cached[0] == self._generation:
            return cached[1]
        generation, count = self._generation, len(self._store)
        self._count = (generation, count)
        return count

    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def _run(self, query: str, union: bool) -> object:
        try:
            return self._store.query(query, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}") from None

    def select(self, query: str, *, union: bool = True) -> list[Row]:
        """Rows of a SELECT query, materialised in the calling thread; raises QuerySyntaxError."""
        solutions = self._run(query, union)
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
        solutions = self._run(query, union)
        width = range(len(solutions.variables))  # type: ignore[attr-defined]
        return [
            tuple(None if (term := solution[i]) is None else term.value for i in width)
            for solution in solutions  # type: ignore[attr-defined]
        ]

    def ask(self, query: str, *, union: bool = True) -> bool:
        """The answer of an ASK query."""
        return bool(self._run(query, union))

    def construct(self, query: str, *, union: bool = True) -> list[Triple]:
        """Triples of a CONSTRUCT or DESCRIBE query."""
        return [
            (to_term(t.subject), to_term(t.predicate), to_term(t.object))
            for t in self._run(query, union)  # type: ignore[attr-defined]
        ]

    def triples(self, subject: Term | None = None, predicate: Term | None = None,
                obj: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        """Triples matching a pattern, over all graphs unless `graph` names one (duplicates merged)."""
        if (subject is not None and subject.kind == "literal") or (
                predicate is not None and predicate.kind != "iri"):
            return  # no triple has a literal subject or a non-IRI predicate
        g = ox.NamedNode(graph) if graph else None
        seen: set[tuple[object, object, object]] = set()
        for quad in self._store.quads_for_pattern(
            _subject(subject) if subject else None, _predicate(predicate) if predicate else None,
            to_node(obj) if obj else None, g,
        ):
            key = (quad.subject, quad.predicate, quad.object)
            if key in seen:
                continue
            seen.add(key)
            yield to_term(quad.subject), to_term(quad.predicate), to_term(quad.object)

    def dump(self, fmt: str, *, graph: str | None = None) -> bytes:
        """The store (or one named graph) serialised in `fmt` (a RDF_FORMATS name)."""
        rdf_format = RDF_FORMATS[fmt]
        if graph is not None:
            return self._store.dump(format=rdf_format, from_graph=ox.NamedNode(graph)) or b""
        if fmt not in QUAD_FORMATS:
            triples = (ox.Triple(q.subject, q.predicate, q.object)
                       for q in self._store.quads_for_pattern(None, None, None, None))
            return ox.serialize(triples, format=rdf_format) or b""
        return self._store.dump(format=rdf_format) or b""

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
            try:
                yield
                self._generation += 1
            finally:
                for listener in self._listeners:
                    listener()

    def load_file(self, path: Path, *, graph: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> None:
        """Load one RDF file atomically; raises LoadError naming the file and line."""
        fmt = format_for_path(path)
        try:
            size = path.stat().st_size
            with path.open("rb") as handle:
                head = handle.read(65536)
        except OSError as exc:
            raise LoadError(f"Cannot read {path}: {exc.strerror}.", file=str(path)) from None
        _refuse_doctype(head, fmt, str(path))
        with path.open("rb") as handle:
            # The progress reader has the read() the engine calls, not all of IO's methods.
            reader = cast(IO[bytes], _ProgressReader(handle, size, progress)) if progress else handle
            self._load(reader, fmt, graph=graph, name=str(path))

    def load_bytes(self, data: bytes, *, fmt: str, graph: str | None = None,
                   name: str = "<input>") -> None:
        """Load RDF from bytes atomically; raises LoadError naming the line."""
        if fmt not in RDF_FORMATS:
            raise LoadError(f"Unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}.")
        _refuse_doctype(data, fmt, name)
        self._load(data, fmt, graph=graph, name=name)

    def _load(self, source: bytes | IO[bytes], fmt: str, *, graph: str | None, name: str) -> None:
        to_graph = ox.NamedNode(graph) if graph and fmt not in QUAD_FORMATS else None
        with self._writing():
            try:
                # Both load paths are all-or-nothing in pyoxigraph 0.5: a parse error changes nothing.
                if self.location is None:
                    self._store.load(source, format=RDF_FORMATS[fmt], to_graph=to_graph)
                else:
                    self._store.bulk_load(source, format=RDF_FORMATS[fmt], to_graph=to_graph)
                    self._store.flush()
            except SyntaxError as exc:
                raise LoadError(f"{name}: line {exc.lineno}: {exc.msg}", file=name,
                                line=exc.lineno, column=exc.offset) from None
            except (ValueError, OSError) as exc:
                raise LoadError(f"{name}: {exc}", file=name) from None

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL Update atomically; raises QuerySyntaxError or UpdateFailedError."""
        with self._writing():
            try:
                self._store.update(sparql_update)
            except SyntaxError as exc:
                raise QuerySyntaxError(f"SPARQL Update syntax error: {exc}") from None
            except (RuntimeError, ValueError) as exc:
                # pyoxigraph's own refusals, e.g. "The graph <g> does not exist" (no SILENT).
                raise UpdateFailedError(f"The update failed and changed nothing: {exc}.") from None
            if self.location is not None:
                self._store.flush()

    def add_triples(self, triples: Iterable[Triple], *, graph: str) -> None:
        """Add triples to a named graph in one transaction."""
        g = ox.NamedNode(graph)
        quads = [ox.Quad(_subject(s), _predicate(p), to_node(o), g) for s, p, o in triples]
        with self._writing():
            self._store.extend(quads)

    def clear_graph(self, graph: str) -> None:
        """Remove every triple of one named graph."""
        with self._writing():
            self._store.remove_graph(ox.NamedNode(graph))

    def flush(self) -> None:
        """Make writes durable (against power loss, not only process death)."""
        if self.location is not None:
            self._store.flush()

    def snapshot_nquads(self) -> bytes:
        """The whole dataset as N-Quads (used to seed worker processes of an in-memory store)."""
        return self._store.dump(format=ox.RdfFormat.N_QUADS) or b""


class _ProgressReader:
    """A binary reader that reports bytes read (for a progress bar on large files)."""

    def __init__(self, handle: IO[bytes], total: int, report: Callable[[int, int], None]) -> None:
        self._handle = handle
        self._total = total
        self._done = 0
        self._report = report

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        self._done += len(chunk)
        self._report(self._done, self._total)
        return chunk

    def readable(self) -> bool:
        return True
