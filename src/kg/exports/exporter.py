"""The export service: pick the scope's subgraph (or statements), then write it in a format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kg.errors import ExportScopeError
from kg.exports.construct import construct_subgraph, construct_triples
from kg.exports.formats import IMAGE, RDF, ExportFormat, get_format
from kg.exports.gexf import write_gexf
from kg.exports.graphml import write_graphml
from kg.exports.graphviz import render, write_dot
from kg.exports.jsongraph import write_cytoscape, write_nodelink
from kg.exports.presentation import Presentation, check_lang, present
from kg.exports.rdf import serialise, statement_triples, subgraph_triples
from kg.exports.scope import ExportScope, file_stem
from kg.exports.tables import write_csv_edges, write_csv_nodes
from kg.graphview import GraphView, Node, Subgraph
from kg.naming import entity_id
from kg.paths import PathFinder, PathQuery
from kg.provenance import Provenance
from kg.store import GraphStore
from kg.store.guard import check_query
from kg.terms import Triple
from kg.trace import trace


@dataclass(frozen=True)
class ExportRequest:
    """What to export, in which format and label language."""

    format: str
    scope: ExportScope = field(default_factory=ExportScope)
    lang: str = "zh"
    bom: bool = False


@dataclass(frozen=True)
class ExportFile:
    """One export, ready to download."""

    content: bytes
    media_type: str
    filename: str
    truncated: bool


_GRAPH_WRITERS: dict[str, Callable[[Presentation], bytes]] = {
    "graphml": write_graphml, "gexf": write_gexf, "cytoscape": write_cytoscape, "dot": write_dot,
    "nodelink": write_nodelink,
}


def write_graph(fmt: ExportFormat, view: Presentation, *, bom: bool = False) -> bytes:
    """The presentation written in a graph or image format; raises the renderer's errors for images."""
    if fmt.family == IMAGE:
        return render(write_dot(view), fmt.name)
    if fmt.name == "csv-nodes":
        return write_csv_nodes(view, bom=bom)
    if fmt.name == "csv-edges":
        return write_csv_edges(view, bom=bom)
    return _GRAPH_WRITERS[fmt.name](view)


def cap(subgraph: Subgraph, max_nodes: int) -> Subgraph:
    """The subgraph cut to its first `max_nodes` nodes (and the edges among them), marked truncated."""
    if len(subgraph.nodes) <= max_nodes:
        return subgraph
    kept = subgraph.nodes[:max_nodes]
    iris = {n.iri for n in kept}
    edges = tuple(e for e in subgraph.edges if e.source in iris and e.target in iris)
    return Subgraph(kept, edges, truncated=True)


class Exporter:
    """Writes any scope of the graph in any export format."""

    def __init__(self, store: GraphStore, view: GraphView, provenance: Provenance, *,
                 finder: PathFinder, max_nodes: int) -> None:
        self._store = store
        self._view = view
        self._provenance = provenance
        self._max_nodes = max_nodes
        self._finder = finder

    def export(self, request: ExportRequest) -> ExportFile:
        """The export file; raises the scope, format, entity, query or renderer KGError."""
        fmt = get_format(request.format)
        lang = check_lang(request.lang)
        scope = request.scope.checked()
        if scope.kind == "construct" and fmt.family == RDF:
            triples, truncated = self._construct(scope)
            triples = statement_triples(self._store, triples, self._provenance)
            return ExportFile(serialise(self._store, triples, fmt.name), fmt.media_type,
                              f"{file_stem(scope)}.{fmt.extension}", truncated)
        subgraph, ids = self.select(scope)
        subgraph = cap(subgraph, self._max_nodes)
        if fmt.family == RDF:
            content = serialise(self._store, subgraph_triples(self._store, subgraph, self._provenance),
                                fmt.name)
        else:
            content = write_graph(fmt, present(subgraph, lang), bom=request.bom)
        return ExportFile(content, fmt.media_type, f"{file_stem(scope, *ids)}.{fmt.extension}",
                          subgraph.truncated)

    def select(self, scope: ExportScope) -> tuple[Subgraph, list[str]]:
        """The subgraph of a checked scope and its ids; raises the entity, limit or query KGError."""
        if scope.kind == "all":
            return self._view.whole(), []
        if scope.kind == "construct":
            triples, truncated = self._construct(scope)
            return replace(construct_subgraph(self._view, triples), truncated=truncated), []
        if scope.kind == "path":
            result = self._finder.find_paths(PathQuery(scope.source or "", scope.target or "",
                                                       k=scope.k, max_hops=self._finder.settings.max_hops))
            ends = (result.source.node, result.target.node)
            subgraph = self._view.path_subgraph([p.iris() for p in result.paths])
            return _including(subgraph, ends, result.truncated), [entity_id(n.iri) for n in ends]
        node = self._finder.resolve(scope.entity or "").node
        if scope.kind == "neighbourhood":
            limit = self._finder.settings.max_hops
            if scope.depth > limit:
                raise ExportScopeError(f"depth={scope.depth} is out of range; use 1 to {limit} "
                                       "(KG_MAX_HOPS).")
            subgraph = self._view.neighbourhood(node.iri, scope.depth, limit=self._max_nodes)
            return subgraph, [entity_id(node.iri)]
        traced = trace(self._finder, node.iri, scope.direction)
        subgraph = self._view.path_subgraph([c.iris() for c in traced.chains])
        return _including(subgraph, (node,), traced.truncated), [entity_id(node.iri)]

    def _construct(self, scope: ExportScope) -> tuple[list[Triple], bool]:
        """A client's CONSTRUCT, run by the store's workers (never in this process, kg.store.engine)."""
        query = scope.query or ""
        # The form, and FROM graphs limited to the store's own (an export promises them). SERVICE and
        # LOAD are refused by the store's guard in `run`, as KG_SPARQL_GUARD says (switched off, the
        # engine's own refusal must come through, tests/security/test_sandbox.py).
        form = check_query(query, self._store.named_graphs(), refuse=False)
        if form not in {"CONSTRUCT", "DESCRIBE"}:
            raise ExportScopeError(f"scope=construct needs a CONSTRUCT or DESCRIBE query, not {form}.")
        return construct_triples(self._store, query)


def _including(subgraph: Subgraph, ends: tuple[Node, ...], truncated: bool) -> Subgraph:
    """The subgraph with `ends` as nodes even when no path or chain reached them."""
    nodes = {n.iri: n for n in (*subgraph.nodes, *ends)}
    return Subgraph(tuple(nodes[i] for i in sorted(nodes)), subgraph.edges,
                    subgraph.truncated or truncated)
