"""The export service: pick the scope's subgraph (or statements), then write it in a format.

Graph formats draw each inverse pair of relations once, in its primary direction (`GraphView.folded`:
org:unitOf, not org:unitOf and org:hasUnit), so that Gephi or igraph count a fact once; RDF formats
keep every statement as the store holds it, with its evidence. A relation filter (`ExportScope.relations`)
leaves a relation out with its inverse (kg.exports.relations), in every format; a path search takes it
exactly as GET /paths does, so the export holds the paths the page shows.

Every export is capped at `max_nodes` (at most Settings.max_export_nodes); a cut export says so in
`ExportFile.truncated` (the `KG-Truncated` header) and, where the format has room, in the file itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kg.errors import BadRequestError, ExportScopeError
from kg.exports.construct import construct_subgraph, construct_triples
from kg.exports.formats import IMAGE, RDF, ExportFormat, get_format
from kg.exports.gexf import write_gexf
from kg.exports.graphml import write_graphml
from kg.exports.graphviz import render, write_dot
from kg.exports.jsongraph import write_cytoscape, write_nodelink
from kg.exports.layout import check_layout, lay_out
from kg.exports.presentation import Presentation, check_lang, present
from kg.exports.rdf import serialise, statement_triples, subgraph_triples
from kg.exports.relations import kept
from kg.exports.scope import ExportScope, file_stem
from kg.exports.tables import write_csv_edges, write_csv_nodes
from kg.graphview import GraphView, Node, PropertyFilter, Subgraph
from kg.naming import entity_id
from kg.paths import DEFAULT_MAX_HOPS, PathFinder, PathQuery
from kg.provenance import Provenance
from kg.store import Engine
from kg.store.guard import check_query
from kg.terms import Triple
from kg.trace import trace


@dataclass(frozen=True)
class ExportRequest:
    """What to export, in which format, label language and layout, with how many nodes at most."""

    format: str
    scope: ExportScope = field(default_factory=ExportScope)
    lang: str = "zh"
    bom: bool = False
    layout: str = "none"  # none | dot | spring (kg.exports.layout)
    max_nodes: int | None = None  # None: Settings.max_export_nodes


@dataclass(frozen=True)
class ExportFile:
    """One export, ready to download."""

    content: bytes
    media_type: str
    filename: str
    truncated: bool
    max_nodes: int | None = None  # the node cap the export was made with
    total_nodes: int | None = None  # nodes of the scope before the cap, when known


@dataclass(frozen=True)
class Selection:
    """The subgraph a scope picks, the ids it names (for the download name), and how many nodes the
    whole scope has when a cap may have cut it and the count is known."""

    subgraph: Subgraph
    ids: tuple[str, ...] = ()
    total_nodes: int | None = None


#: Graph formats that can carry positions (GraphML x/y, GEXF viz:position, Cytoscape position,
#: node-link x/y, DOT pos; SVG and PNG are drawn at them).
POSITIONED = frozenset({"graphml", "gexf", "cytoscape", "nodelink", "dot", "svg", "png"})


_GRAPH_WRITERS: dict[str, Callable[[Presentation], bytes]] = {
    "graphml": write_graphml, "gexf": write_gexf, "cytoscape": write_cytoscape, "dot": write_dot,
    "nodelink": write_nodelink,
}


def write_graph(fmt: ExportFormat, view: Presentation, *, bom: bool = False) -> bytes:
    """The presentation written in a graph or image format; raises the renderer's errors for images."""
    if fmt.family == IMAGE:
        return render(write_dot(view), fmt.name, pinned=view.laid_out)
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

    def __init__(self, store: Engine, view: GraphView, provenance: Provenance, *,
                 finder: PathFinder, max_nodes: int) -> None:
        self._store = store
        self._view = view
        self._provenance = provenance
        self._max_nodes = max_nodes  # the ceiling of every request's max_nodes (KG_MAX_EXPORT_NODES)
        self._finder = finder

    @property
    def max_nodes(self) -> int:
        """The most nodes any export holds (Settings.max_export_nodes)."""
        return self._max_nodes

    def node_cap(self, requested: int | None) -> int:
        """The node cap of one export: `requested`, or the ceiling when None; raises BadRequestError
        naming max_nodes when it is out of range."""
        if requested is None:
            return self._max_nodes
        if not 1 <= requested <= self._max_nodes:
            raise BadRequestError(f"max_nodes={requested} is out of range; use 1 to {self._max_nodes} "
                                  "(KG_MAX_EXPORT_NODES).")
        return requested

    def export(self, request: ExportRequest) -> ExportFile:
        """The export file; raises the scope, format, layout, entity, query or renderer KGError."""
        fmt = get_format(request.format)
        lang = check_lang(request.lang)
        layout = check_layout(request.layout)
        max_nodes = self.node_cap(request.max_nodes)
        if layout != "none" and fmt.name not in POSITIONED:
            raise BadRequestError(f"layout={layout}: format={fmt.name} carries no positions; use one of "
                                  f"{', '.join(sorted(POSITIONED))}, or layout=none.")
        scope = request.scope.checked()
        if scope.kind == "construct" and fmt.family == RDF:
            triples, truncated = self._construct(scope)
            triples = statement_triples(self._store, triples, self._provenance)
            return ExportFile(serialise(self._store, triples, fmt.name), fmt.media_type,
                              f"{file_stem(scope)}.{fmt.extension}", truncated, max_nodes)
        selection = self.select(scope, max_nodes=max_nodes)
        subgraph = cap(selection.subgraph, max_nodes)
        if fmt.family == RDF:
            content = serialise(self._store, subgraph_triples(self._store, subgraph, self._provenance),
                                fmt.name)
        else:
            view = present(self._view.folded(subgraph), lang, total_nodes=selection.total_nodes,
                           max_nodes=max_nodes)
            content = write_graph(fmt, lay_out(view, layout), bom=request.bom)
        return ExportFile(content, fmt.media_type,
                          f"{file_stem(scope, *selection.ids)}.{fmt.extension}", subgraph.truncated,
                          max_nodes, selection.total_nodes)

    def select(self, scope: ExportScope, *, max_nodes: int | None = None) -> Selection:
        """The subgraph of a checked scope (at most `max_nodes` nodes where the scope is walked or
        listed; the ceiling when None) and its ids; raises the entity, limit or query KGError."""
        limit = self._max_nodes if max_nodes is None else max_nodes
        relations = scope.relations.paired(self._view.projection().primary_of)
        if scope.kind == "all":
            whole = kept(self._view.whole(limit=limit), relations)
            return Selection(whole, (), len(self._view.projection().iris))
        if scope.kind == "construct":
            triples, truncated = self._construct(scope)
            drawn = construct_subgraph(self._view, triples)
            return Selection(replace(drawn, truncated=truncated), (), len(drawn.nodes))
        if scope.kind == "nodes":
            return self._chosen(scope.nodes, limit, relations)
        if scope.kind == "path":
            return self._paths(scope)
        node = self._finder.resolve(scope.entity or "").node
        if scope.kind == "neighbourhood":
            hops = self._finder.settings.max_hops
            if scope.depth > hops:
                raise ExportScopeError(f"depth={scope.depth} is out of range; use 1 to {hops} "
                                       "(KG_MAX_HOPS).")
            subgraph = self._view.neighbourhood(node.iri, scope.depth, limit=limit, keep=relations,
                                                types=scope.types)
            return Selection(subgraph, (entity_id(node.iri),))
        traced = trace(self._finder, node.iri, scope.direction)
        subgraph = self._view.path_subgraph([c.iris() for c in traced.chains])
        return Selection(_including(subgraph, (node,), traced.truncated), (entity_id(node.iri),))

    def _paths(self, scope: ExportScope) -> Selection:
        """The k shortest paths of a path scope, searched as GET /paths searches them (same options,
        same defaults), and the statements along them the relation filter allows; raises the entity or
        limit KGError."""
        settings = self._finder.settings
        hops = min(DEFAULT_MAX_HOPS, settings.max_hops) if scope.max_hops is None else scope.max_hops
        result = self._finder.find_paths(PathQuery(
            scope.source or "", scope.target or "", k=scope.k, max_hops=hops, directed=scope.directed,
            properties=scope.relations, types=scope.types))
        ends = (result.source.node, result.target.node)
        subgraph = kept(self._view.path_subgraph([p.iris() for p in result.paths]), scope.relations)
        return Selection(_including(subgraph, ends, result.truncated), tuple(entity_id(n.iri) for n in ends))

    def _chosen(self, texts: tuple[str, ...], limit: int, relations: PropertyFilter) -> Selection:
        """The entities named by `texts` (any form kg.naming reads) and every relation among them that
        `relations` allows; raises ExportScopeError past `limit` distinct entities, EntityNotFoundError
        for an unknown one."""
        projection = self._view.projection()
        members = {projection.index[self._finder.resolve(text).node.iri] for text in dict.fromkeys(texts)}
        if len(members) > limit:
            raise ExportScopeError(f"scope=nodes names {len(members)} entities; an export holds at most "
                                   f"{limit} (max_nodes, at most KG_MAX_EXPORT_NODES): send fewer node= "
                                   "values, or a larger max_nodes.")
        subgraph = self._view.subgraph(projection, members, relations)
        return Selection(subgraph, tuple(sorted(entity_id(n.iri) for n in subgraph.nodes)), len(members))

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
