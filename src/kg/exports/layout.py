"""Positions computed on the server, so that an export opens laid out in Gephi, yEd, Cytoscape or D3.

`layout=dot` asks Graphviz's `dot` for its layered drawing (relations read left to right); `layout=spring`
is networkx's force-directed (Fruchterman-Reingold) layout with a fixed seed, so the same graph always
gets the same picture, and needs no Graphviz. Positions are in points, x to the right and y downwards
(`NodeView.x`, `NodeView.y`); each writer puts them where its readers look (kg.exports.*).
"""

from __future__ import annotations

import math
from dataclasses import replace

import networkx as nx

from kg.errors import BadRequestError
from kg.exports.graphviz import dot_positions, write_dot
from kg.exports.presentation import Presentation

#: The layouts an export can carry; "none" writes no positions.
LAYOUTS = ("none", "dot", "spring")
#: Seed of the spring layout: the same graph always gets the same positions.
SEED = 42
#: Points between neighbouring nodes the spring layout aims at (a label is about 100 points wide).
SPRING_SPACING = 60.0
#: Most nodes the spring layout places: networkx lays out larger graphs with a sparse solver that needs
#: SciPy, which the service does not install (and the dense one grows with the square of the nodes).
#: Larger exports use layout=dot, or Gephi's own layouts.
SPRING_MAX_NODES = 499


def check_layout(layout: str) -> str:
    """The layout itself; raises BadRequestError naming the parameter unless it is a known one."""
    if layout not in LAYOUTS:
        raise BadRequestError(f"Unknown layout={layout!r}; use none, dot (Graphviz's layered "
                              f"drawing) or spring (force-directed, seed {SEED}).")
    return layout


def lay_out(view: Presentation, layout: str) -> Presentation:
    """The presentation with every node placed by `layout`; raises BadRequestError, and for dot
    RendererMissingError or RenderFailedError."""
    check_layout(layout)
    if layout == "none" or not view.nodes:
        return view
    positions = dot_positions(write_dot(view)) if layout == "dot" else spring_positions(view)
    return replace(view, nodes=tuple(replace(n, x=positions[n.id][0], y=positions[n.id][1])
                                     for n in view.nodes))


def spring_positions(view: Presentation) -> dict[str, tuple[float, float]]:
    """{node id: (x, y)} of a seeded spring layout, all coordinates at least 0; raises BadRequestError
    past SPRING_MAX_NODES nodes."""
    if len(view.nodes) > SPRING_MAX_NODES:
        raise BadRequestError(f"layout=spring places at most {SPRING_MAX_NODES} nodes and this export "
                              f"has {len(view.nodes)}; use layout=dot, a smaller max_nodes or scope.")
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in view.nodes)  # in id order: the layout depends on it
    graph.add_edges_from((e.source, e.target) for e in view.edges if e.source != e.target)
    scale = SPRING_SPACING * math.sqrt(len(view.nodes))
    found = nx.spring_layout(graph, seed=SEED, scale=scale)
    return {node: (round(float(x) + scale, 2), round(float(y) + scale, 2))
            for node, (x, y) in found.items()}
