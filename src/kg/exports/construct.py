"""A client's SPARQL CONSTRUCT run by the engine, and its result as a subgraph, so that graph formats
can draw any query's answer.

The query runs through `Engine.run` like any client text (guard, sandboxed worker, time limit, row
cap); its N-Triples answer is read back into terms by the store's sandboxed parser.
"""

from __future__ import annotations

from kg.graphview import EXCLUDED_PREDICATES, Edge, GraphView, Node, Subgraph
from kg.namespaces import RDF, RDFS, SKOS
from kg.naming import local_name
from kg.store import Engine, QueryRequest
from kg.terms import Triple

_LABELS = (str(SKOS.prefLabel), str(RDFS.label))


def _own_node(iri: str, triples: list[Triple]) -> Node:
    """A node for a resource the entity graph does not know, described by the result itself."""
    labels: dict[str, str] = {}
    types: list[str] = []
    for s, p, o in triples:
        if s.value != iri:
            continue
        if p.value == str(RDF.type) and o.is_iri:
            types.append(o.value)
        elif p.value in _LABELS and o.is_literal:
            slot = "en" if (o.lang or "").startswith("en") or not o.lang else "zh"
            labels.setdefault(slot, o.value)
    category = local_name(sorted(types)[0]) if types else "Resource"
    return Node(iri, labels.get("zh"), labels.get("en"), tuple(sorted(types)), category)


def construct_triples(store: Engine, query: str) -> tuple[list[Triple], bool]:
    """The triples of a client's CONSTRUCT or DESCRIBE query and whether the row cap cut them;
    raises the query's KGError (refused, syntax, timeout...)."""
    answer = store.run(QueryRequest(query, graph_format="ntriples"))
    return store.parse_triples(answer.body, fmt="ntriples", name="construct result"), answer.truncated


def construct_subgraph(view: GraphView, triples: list[Triple]) -> Subgraph:
    """Nodes and edges of the IRI-to-IRI triples of a result (types and labels describe the nodes)."""
    projection = view.projection()
    statements = sorted({
        (s.value, p.value, o.value) for s, p, o in triples
        if s.is_iri and o.is_iri and p.value not in EXCLUDED_PREDICATES
    })
    iris = sorted({iri for s, _, o in statements for iri in (s, o)}
                  | {s.value for s, _, _ in triples if s.is_iri})
    nodes = tuple(view.find_node(iri) or _own_node(iri, triples) for iri in iris)
    edges = []
    for s, p, o in statements:
        zh, en = projection.property_labels(p)
        edges.append(Edge(s, o, p, zh, en, view.citations(s, p, o)))
    return Subgraph(nodes, tuple(edges))
