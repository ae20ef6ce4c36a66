"""An inverse pair of relations is one relation wherever a graph is drawn.

The store may state a fact both ways (科创办 内设 科学平台处, 科学平台处 内设于 科创办: org:hasUnit and
org:unitOf). A drawn graph (the graph exports, the neighbourhood answer the web page draws) shows each
pair once, in its primary direction (`GraphView.folded`), so a relation filter that names one direction
of a pair must name the other too: hiding 内设于 on screen hides the statements drawn as 内设于, both ways.
"""

from __future__ import annotations

from dataclasses import replace

from kg.graphview import GraphView, PropertyFilter, Subgraph, TypeFilter


def kept(subgraph: Subgraph, relations: PropertyFilter) -> Subgraph:
    """The subgraph without the statements `relations` leaves out (its nodes all stay)."""
    if not (relations.follow or relations.avoid):
        return subgraph
    return replace(subgraph, edges=tuple(e for e in subgraph.edges if relations.allows(e.property)))


def drawn_neighbourhood(view: GraphView, iri: str, depth: int, *, limit: int,
                        relations: PropertyFilter | None = None,
                        types: TypeFilter | None = None) -> Subgraph:
    """The ego network of `iri` as a graph draws it: walked and filtered with each inverse pair as one
    relation, each pair one edge in its primary direction; raises EntityNotFoundError."""
    keep = relations.paired(view.projection().primary_of) if relations is not None else None
    return view.folded(view.neighbourhood(iri, depth, limit=limit, keep=keep, types=types))
