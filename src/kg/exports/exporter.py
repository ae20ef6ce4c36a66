"""The export service: pick the scope's subgraph (or statements), then write it in a format."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from kg.errors import EntityNotFoundError
from kg.exports.construct import construct_subgraph
from kg.exports.errors import ExportScopeError
from kg.exports.formats import IMAGE, RDF, ExportFormat, get_format
from kg.exports.gexf import write_gexf
from kg.exports.graphml import write_graphml
from kg.exports.graphviz import render, write_dot
from kg.exports.jsongraph import write_cytoscape, write_nodelink
from kg.exports.presentation import Presentation, check_lang, present
from kg.exports.rdf import serialise, statement_triples, subgraph_triples
from kg.exports.scope import ExportScope, file_stem
from kg.exports.tables import write_csv_edges, write_csv_nodes
from kg.graphview import GraphView, Node, Subgraph, entity_id
from kg.namespaces import ID, from_curie
from kg.provenance import Provenance
from kg.sparql.guard import check_query
from kg.store import GraphStore
from kg.terms import Triple

#: Runs a checked CONSTRUCT/DESCRIBE query and returns its triples (the SPARQL runner, with its
#: time limit, in the service; GraphStore.construct otherwise).
ConstructRunner = Callable[[str], list[Triple]]


class PathSearch(Protocol):
    """The path finder the path and trace scopes use (the paths module provides it)."""

    def find_paths(self, source: str, target: str, k: int) -> list[Sequence[str]]:
        """Up to `k` paths from `source` to `target`, each a sequence of node IRIs."""

    def trace(self, iri: str, direction: str) -> list[Sequence[str]]:
        """Chains of nodes from `iri` upwards or downwards, each a sequence of node IRIs."""


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
                 max_nodes: int, run_construct: ConstructRunner | None = None,
                 paths: PathSearch | None = None) -> None:
        self._store = store
        self._view = view
        self._provenance = provenance
        self._max_nodes = max_nodes
        self._run_construct = run_construct or store.construct
        self._paths = paths

    def export(self, request: ExportRequest) -> ExportFile:
        """The export file; raises ExportScopeError, UnknownExportFormatError, EntityNotFoundError,
        QueryRefusedError/QuerySyntaxError (construct) or a renderer error (svg, png)."""
        fmt = get_format(request.format)
        lang = check_lang(request.lang)
        scope = request.scope.checked()
        if scope.kind == "construct" and fmt.family == RDF:
            triples = statement_triples(self._store, self._construct(scope), self._provenance)
            return ExportFile(serialise(self._store, triples, fmt.name), fmt.media_type,
                              f"{file_stem(scope)}.{fmt.extension}", truncated=False)
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
        """The subgraph of a checked scope and the ids naming it; raises EntityNotFoundError."""
        if scope.kind == "all":
            return self._view.whole(), []
        if scope.kind == "neighbourhood":
            node = self.resolve(scope.entity or "")
            return self._view.neighbourhood(node.iri, scope.depth, limit=self._max_nodes), [
                entity_id(node.iri)]
        if scope.kind == "construct":
            return construct_subgraph(self._view, self._construct(scope)), []
        paths = self._need_paths()
        if scope.kind == "path":
            source, target = self.resolve(scope.source or ""), self.resolve(scope.target or "")
            found = paths.find_paths(source.iri, target.iri, scope.k)
            return self._view.path_subgraph(found), [entity_id(source.iri), entity_id(target.iri)]
        node = self.resolve(scope.entity or "")
        chains = paths.trace(node.iri, scope.direction)
        return self._with_start(self._view.path_subgraph(chains), node), [entity_id(node.iri)]

    @staticmethod
    def _with_start(subgraph: Subgraph, node: Node) -> Subgraph:
        # A trace with no chain is still about its entity: keep it as a lone node.
        if any(n.iri == node.iri for n in subgraph.nodes):
            return subgraph
        return replace(subgraph, nodes=tuple(sorted((*subgraph.nodes, node), key=lambda n: n.iri)))

    def _need_paths(self) -> PathSearch:
        if self._paths is None:
            raise ExportScopeError("Path and trace exports need the path finder, which this "
                                   "installation lacks; export a neighbourhood instead.")
        return self._paths

    def _construct(self, scope: ExportScope) -> list[Triple]:
        query = scope.query or ""
        form = check_query(query, self._store.named_graphs())
        if form not in {"CONSTRUCT", "DESCRIBE"}:
            raise ExportScopeError(f"scope=construct needs a CONSTRUCT or DESCRIBE query, not {form}.")
        return self._run_construct(query)

    def resolve(self, name: str) -> Node:
        """The entity named by an id (slug), CURIE or IRI; raises EntityNotFoundError."""
        for iri in _candidate_iris(name.strip()):
            node = self._view.find_node(iri)
            if node is not None:
                return node
        raise EntityNotFoundError(
            f"No entity {name!r}; give its id (e.g. shanghai-stc-office), CURIE or IRI "
            "(GET /entities?q=... finds ids)."
        )


def _candidate_iris(name: str) -> Iterable[str]:
    if name.startswith(("http://", "https://", "urn:")):
        yield name
    curie = from_curie(name)
    if curie:
        yield curie
    yield str(ID) + name
