"""Network analytics over the governance network (the entity projection): who is central, which
bodies cluster together, which parts are disconnected. They count facts, not statements: a fact
stated both ways (org:hasUnit and org:unitOf) is one link (`Projection.fact_graph`).

Every result is deterministic (seeded algorithms, ties broken by IRI) and cached per store
generation, so a store change recomputes it. Work is bounded on big graphs: betweenness is estimated
from a fixed-seed sample of sources above `BETWEENNESS_EXACT_NODES`, and communities fall back from
Louvain to label propagation above `LOUVAIN_MAX_NODES`; answers say when they are estimates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import networkx as nx

from kg.errors import BadRequestError
from kg.graphview import GraphView, Node, Projection

#: Seed of every randomised algorithm (sampling, Louvain, label propagation).
SEED = 42
#: Graphs up to this many nodes get exact betweenness; above it, sampled sources.
BETWEENNESS_EXACT_NODES = 5_000
#: Budget of sampled betweenness, in node+edge visits (samples = budget / (nodes + edges)).
BETWEENNESS_WORK = 2_500_000
#: Fewest sources a sampled betweenness uses, however large the graph.
BETWEENNESS_MIN_SAMPLES = 4
#: Louvain runs up to this many nodes; larger graphs use (fast) label propagation.
LOUVAIN_MAX_NODES = 20_000
PAGERANK_ALPHA = 0.85
PAGERANK_TOLERANCE = 1.0e-8
PAGERANK_MAX_ITERATIONS = 100
MEASURES = ("degree", "betweenness", "pagerank")


@dataclass(frozen=True)
class Ranked:
    """An entity and its score."""

    node: Node
    score: float

    def to_dict(self) -> dict[str, object]:
        """The entity with its score."""
        return {**self.node.to_dict(), "score": self.score}


@dataclass(frozen=True)
class Centrality:
    """Entities ranked by one centrality measure."""

    measure: str
    results: tuple[Ranked, ...]
    nodes: int
    edges: int
    method: str  # how it was computed, e.g. "exact" or "sampled 10 sources (seed 42)"

    def to_dict(self) -> dict[str, object]:
        """The ranking as JSON-ready values."""
        return {"measure": self.measure, "method": self.method, "nodes": self.nodes,
                "edges": self.edges, "results": [r.to_dict() for r in self.results]}


@dataclass(frozen=True)
class Group:
    """A set of entities (a community or a connected component)."""

    size: int
    members: tuple[Node, ...]  # up to the member limit, most connected first
    truncated: bool

    def to_dict(self, number: int) -> dict[str, object]:
        """The group as JSON-ready values."""
        return {"id": number, "size": self.size, "members": [m.to_dict() for m in self.members],
                "truncated": self.truncated}


@dataclass(frozen=True)
class Grouping:
    """Communities or components, largest first."""

    kind: str
    method: str
    groups: tuple[Group, ...]
    total: int
    truncated: bool

    def to_dict(self) -> dict[str, object]:
        """The grouping as JSON-ready values."""
        return {"kind": self.kind, "method": self.method, "total": self.total,
                "groups": [g.to_dict(n) for n, g in enumerate(self.groups, start=1)],
                "truncated": self.truncated}


def _undirected(projection: Projection) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(len(projection.iris)))
    graph.add_edges_from((u, v) for u, v in projection.fact_graph.edges() if u != v)
    return graph


def _degree(projection: Projection) -> tuple[dict[int, float], str]:
    return ({i: float(d) for i, d in projection.fact_graph.degree()},
            "statements per entity (a statement and its inverse, org:hasUnit / org:unitOf, count once)")


def _betweenness(projection: Projection) -> tuple[dict[int, float], str]:
    graph = _undirected(projection)
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    if n <= BETWEENNESS_EXACT_NODES:
        return nx.betweenness_centrality(graph, normalized=True), "exact (Brandes)"
    samples = max(BETWEENNESS_MIN_SAMPLES, min(n, BETWEENNESS_WORK // max(n + m, 1)))
    scores = nx.betweenness_centrality(graph, k=samples, normalized=True, seed=SEED)
    return scores, f"estimated from {samples} sampled sources (seed {SEED}); graph has {n} nodes"


def pagerank(graph: nx.MultiDiGraph) -> dict[int, float]:
    """PageRank by power iteration (statements as links, dangling mass spread evenly)."""
    nodes = list(graph.nodes())
    n = len(nodes)
    if n == 0:
        return {}
    out_degree = {u: graph.out_degree(u) for u in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    links = [(u, v) for u, v in graph.edges()]
    for _ in range(PAGERANK_MAX_ITERATIONS):
        dangling = sum(rank[u] for u in nodes if out_degree[u] == 0)
        base = (1.0 - PAGERANK_ALPHA) / n + PAGERANK_ALPHA * dangling / n
        following = dict.fromkeys(nodes, base)
        for u, v in links:
            following[v] += PAGERANK_ALPHA * rank[u] / out_degree[u]
        change = sum(abs(following[u] - rank[u]) for u in nodes)
        rank = following
        if change < n * PAGERANK_TOLERANCE:
            break
    return rank


def _pagerank(projection: Projection) -> tuple[dict[int, float], str]:
    return pagerank(projection.fact_graph), f"power iteration, alpha {PAGERANK_ALPHA}"


_MEASURES: dict[str, Callable[[Projection], tuple[dict[int, float], str]]] = {
    "degree": _degree, "betweenness": _betweenness, "pagerank": _pagerank,
}


class Analytics:
    """Centrality, communities and components of a GraphView, cached per store generation."""

    def __init__(self, view: GraphView) -> None:
        self.view = view
        self._lock = threading.Lock()
        self._cache: dict[tuple[int, str], tuple[object, str]] = {}

    def _cached(self, projection: Projection, name: str,
                compute: Callable[[Projection], tuple[object, str]]) -> tuple[object, str]:
        key = (projection.generation, name)
        with self._lock:
            if key not in self._cache:
                self._cache = {k: v for k, v in self._cache.items() if k[0] == projection.generation}
                self._cache[key] = compute(projection)
            return self._cache[key]

    def centrality(self, measure: str = "degree", *, limit: int = 20) -> Centrality:
        """The `limit` most central entities by `measure`; raises BadRequestError."""
        if measure not in _MEASURES:
            raise BadRequestError(f"Unknown measure {measure!r}; use one of {', '.join(MEASURES)}.")
        _check_limit(limit)
        projection = self.view.projection()
        scores, method = self._cached(projection, measure, _MEASURES[measure])
        by_node = cast(dict[int, float], scores)
        ranked = sorted(by_node.items(), key=lambda item: (-item[1], item[0]))[:limit]
        projection.prefetch(i for i, _ in ranked)
        results = tuple(Ranked(projection.node(i), round(score, 10)) for i, score in ranked)
        graph = projection.fact_graph
        return Centrality(measure, results, graph.number_of_nodes(), graph.number_of_edges(), method)

    def communities(self, *, limit: int = 20, members: int = 50) -> Grouping:
        """Communities of the undirected projection, largest first; raises BadRequestError."""
        _check_limit(limit)
        _check_limit(members)
        projection = self.view.projection()
        groups, method = self._cached(projection, "communities", _communities)
        return _grouping("communities", method, groups, projection, limit, members)

    def components(self, *, limit: int = 20, members: int = 50) -> Grouping:
        """Weakly connected components, largest first; raises BadRequestError."""
        _check_limit(limit)
        _check_limit(members)
        projection = self.view.projection()
        groups, method = self._cached(projection, "components", _components)
        return _grouping("components", method, groups, projection, limit, members)


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise BadRequestError(f"limit={limit} must be at least 1.")


def _communities(projection: Projection) -> tuple[list[list[int]], str]:
    graph = _undirected(projection)
    if graph.number_of_nodes() <= LOUVAIN_MAX_NODES:
        found = nx.community.louvain_communities(graph, seed=SEED)
        method = f"Louvain modularity (seed {SEED})"
    else:
        found = nx.community.fast_label_propagation_communities(graph, seed=SEED)
        method = f"fast label propagation (seed {SEED}); graph too large for Louvain"
    return _ordered(projection, found), method


def _components(projection: Projection) -> tuple[list[list[int]], str]:
    return _ordered(projection, nx.weakly_connected_components(projection.fact_graph)), "weakly connected"


def _ordered(projection: Projection, groups: object) -> list[list[int]]:
    """Groups largest first (ties by smallest IRI), members most connected first (ties by IRI)."""
    degree = projection.degree
    ordered = [sorted(g, key=lambda i: (-degree[i], i)) for g in groups]  # type: ignore[attr-defined]
    ordered.sort(key=lambda g: (-len(g), min(g)))
    return ordered


def _grouping(kind: str, method: str, groups: object, projection: Projection, limit: int,
              members: int) -> Grouping:
    every: list[list[int]] = cast(list[list[int]], groups)
    chosen: Sequence[list[int]] = every[:limit]
    projection.prefetch(i for g in chosen for i in g[:members])
    out = tuple(
        Group(len(g), tuple(projection.node(i) for i in g[:members]), len(g) > members)
        for g in chosen
    )
    return Grouping(kind, method, out, len(every), len(every) > limit)
