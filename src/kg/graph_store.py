"""The SPARQL 1.1 Graph Store HTTP Protocol over the store: which graph a request names, in which format.

Indirect graph identification: `?graph=<IRI>` names a named graph, `?default` the default graph. The
service's default graph is the union of every graph (as for SPARQL queries), so it is read-only here:
writes name a graph. Reads serialise through `Engine.dump`; writes go through `Engine` methods
(`load_bytes`, `update`, `clear_graph`), so the query workers and every cache see them.

A body is parsed by the store's sandboxed parser first (`Engine.parse_graph`): a body that does
not parse, or names graphs of its own, changes nothing. A replacing write (PUT) is then one
transaction (`Engine.replace_graph`), so readers never see the graph emptied but not yet refilled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.errors import (
    BadRequestError,
    DefaultGraphReadOnlyError,
    ForbiddenError,
    GraphNotFoundError,
    UnsupportedMediaTypeError,
)
from kg.formats import GRAPH_FORMATS, RDF_FORMATS, by_media_type
from kg.store import Engine

# An absolute IRI without the characters IRIs exclude (RFC 3987); the IRI is also written into a
# SPARQL Update, so this check is what keeps `>` and `}` out of it.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*")


@dataclass(frozen=True)
class GraphTarget:
    """The graph a request names: a named graph's IRI, or None for the default graph."""

    iri: str | None

    @property
    def is_default(self) -> bool:
        """Whether the request named the default graph (`?default`)."""
        return self.iri is None

    def describe(self) -> str:
        """The target as a message shows it."""
        return "the default graph" if self.iri is None else f"graph <{self.iri}>"


def target_of(params: Sequence[tuple[str, str]]) -> GraphTarget:
    """The graph named by `?graph=<IRI>` or `?default`; raises BadRequestError unless exactly one, valid."""
    graphs = [value for key, value in params if key == "graph"]
    default = any(key == "default" for key, _ in params)
    if default and graphs:
        raise BadRequestError("The request has both ?default and ?graph=; name one graph.")
    if not default and not graphs:
        raise BadRequestError("Name a graph: ?graph=<IRI> for a named graph or ?default for the "
                              "default graph.")
    if default:
        return GraphTarget(None)
    if len(graphs) > 1:
        raise BadRequestError(f"The request has {len(graphs)} 'graph' parameters; send exactly one.")
    if not _ABSOLUTE_IRI.fullmatch(graphs[0]):
        raise BadRequestError(f"graph={graphs[0]!r} is not an absolute IRI; send the full graph IRI, "
                              "URL-encoded (see GET /health for the graphs).")
    return GraphTarget(graphs[0])


def body_format(media_type: str, charset: str | None) -> str:
    """The store's format name for a write body's media type; raises UnsupportedMediaTypeError."""
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"Charset {charset!r} is not supported; send UTF-8.")
    # Dataset formats are not taken: the body of a graph write is one graph.
    found = by_media_type(media_type, GRAPH_FORMATS.values())
    if found is None:
        shown = repr(media_type) if media_type else "no Content-Type"
        raise UnsupportedMediaTypeError(
            f"A graph body must be Turtle, N-Triples, JSON-LD or RDF/XML, not {shown}; set "
            "Content-Type to text/turtle, application/n-triples, application/ld+json or "
            "application/rdf+xml."
        )
    return found.name


class GraphStoreService:
    """Read, replace, merge and delete graphs of one store (the Graph Store Protocol's operations)."""

    def __init__(self, store: Engine, *, allow_updates: bool) -> None:
        self._store = store
        self._allow_updates = allow_updates

    def exists(self, target: GraphTarget) -> bool:
        """Whether the target graph exists (the default graph always does)."""
        return target.iri is None or target.iri in self._store.named_graphs()

    def _require(self, target: GraphTarget) -> None:
        if not self.exists(target):
            raise GraphNotFoundError(
                f"There is no graph <{target.iri}> in this store; GET /health lists the graphs."
            )

    def read(self, target: GraphTarget, fmt: str) -> bytes:
        """The target graph in `fmt` (a RDF_FORMATS name); raises GraphNotFoundError."""
        # The default graph in N-Quads or TriG is the whole dataset, graph names included; one
        # named graph in them keeps its name.
        self._require(target)
        if target.iri is None:
            return self._store.dump(fmt)
        if not RDF_FORMATS[fmt].quads:
            return self._store.dump(fmt, graph=target.iri)
        return _name_graph(self._store.dump("ntriples", graph=target.iri), target.iri, fmt)

    def check_updates_allowed(self) -> None:
        """Raise ForbiddenError when the service is read-only (checked before a body is read)."""
        if not self._allow_updates:
            raise ForbiddenError(
                "Graph Store writes are switched off on this service (set KG_ALLOW_UPDATES=true)."
            )

    def _check_writable(self, target: GraphTarget) -> str:
        self.check_updates_allowed()
        if target.iri is None:
            raise DefaultGraphReadOnlyError(
                "The default graph is the union of every graph and cannot be written; write to a "
                "named graph with ?graph=<IRI>."
            )
        return target.iri

    def replace(self, target: GraphTarget, body: bytes, fmt: str) -> bool:
        """Replace the target graph (PUT), True if new; raises Forbidden/DefaultGraphReadOnly/LoadError."""
        graph = self._check_writable(target)
        triples = self._store.parse_graph(body, fmt=fmt, graph=graph)
        created = not self.exists(target)
        self._store.replace_graph(graph, triples)
        return created

    def merge(self, target: GraphTarget, body: bytes, fmt: str) -> bool:
        """Merge the body into the target graph (POST), True if created; raises as `replace` does."""
        graph = self._check_writable(target)
        triples = self._store.parse_graph(body, fmt=fmt, graph=graph)
        created = not self.exists(target)
        self._store.merge_graph(graph, triples)
        return created

    def delete(self, target: GraphTarget) -> None:
        """Remove the target graph (DELETE); raises Forbidden/DefaultGraphReadOnly/GraphNotFoundError."""
        graph = self._check_writable(target)
        self._require(target)
        self._store.clear_graph(graph)


def _name_graph(ntriples: bytes, graph: str, fmt: str) -> bytes:
    """N-Triples lines as N-Quads or TriG of one named graph."""
    if fmt == "trig":
        return b"<" + graph.encode() + b"> {\n" + ntriples + b"}\n"
    name = b" <" + graph.encode() + b"> .\n"
    # N-Triples escapes line breaks inside literals, so every line is one triple ending in " .".
    return b"".join(line[:-2] + name for line in ntriples.splitlines() if line.endswith(b" ."))
