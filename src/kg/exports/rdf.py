"""RDF exports with provenance: a subgraph's statements plus the evidence nodes that cite them.

The statements are read from the store (`kg.store.Engine`) (so literals keep their exact language tags and
datatypes); rdflib serialises the small result (it is the project's RDF toolkit, docs/engine-notes.md §1).
TriG keeps every statement in the named graph it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node as RdfNode

from kg.formats import RDF_FORMATS
from kg.namespaces import PREFIXES, RDF, SKOS
from kg.store import Engine
from kg.terms import Term, Triple, iri

if TYPE_CHECKING:
    from kg.graphview import Subgraph
    from kg.provenance import Provenance


#: Node statements an RDF export carries besides the relations: what each node is and is called.
_NODE_PREDICATES = (str(RDF.type), str(SKOS.prefLabel), str(SKOS.altLabel))

Quad = tuple[Term, Term, Term, str | None]


def _evidence_triples(store: Engine, evidence_iris: Iterable[str]) -> list[Triple]:
    triples: list[Triple] = []
    for evidence in sorted(set(evidence_iris)):
        triples.extend(store.triples(iri(evidence)))
    return triples


def subgraph_triples(store: Engine, subgraph: Subgraph, provenance: Provenance) -> list[Triple]:
    """The subgraph's statements (node types and labels, relations) and all their evidence nodes."""
    triples: list[Triple] = []
    evidence: list[str] = []
    for node in subgraph.nodes:
        for predicate in _NODE_PREDICATES:
            triples.extend(store.triples(iri(node.iri), iri(predicate)))
        evidence.extend(c.evidence for c in provenance.for_entity(node.iri))
    for edge in subgraph.edges:
        triples.append((iri(edge.source), iri(edge.property), iri(edge.target)))
        evidence.extend(c.evidence for c in edge.citations)
    triples.extend(_evidence_triples(store, evidence))
    return _unique(triples)


def statement_triples(store: Engine, triples: list[Triple], provenance: Provenance) -> list[Triple]:
    """Triples (e.g. of a CONSTRUCT) plus the evidence nodes of those that are cited."""
    evidence = [c.evidence for s, p, o in triples if s.is_iri and p.is_iri
                for c in provenance.for_statement(s.value, p.value, o)]
    return _unique([*triples, *_evidence_triples(store, evidence)])


def _unique(triples: list[Triple]) -> list[Triple]:
    return list(dict.fromkeys(triples))


def with_graphs(store: Engine, triples: list[Triple]) -> list[Quad]:
    """Each triple in every named graph that holds it; triples held by none go to the default graph."""
    graphs = store.named_graphs()
    quads: list[Quad] = []
    for s, p, o in triples:
        found: list[str | None] = [g for g in graphs
                                   if next(store.triples(s, p, o, graph=g), None) is not None]
        quads.extend((s, p, o, g) for g in found or [None])
    return quads


def to_rdflib(term: Term) -> RdfNode:
    """The rdflib form of an engine-neutral term."""
    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.lang:
        return Literal(term.value, lang=term.lang)
    return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)


def serialise(store: Engine, triples: list[Triple], fmt: str) -> bytes:
    """The triples in an RDF format (turtle, jsonld, ntriples, trig); TriG keeps source graphs."""
    serializer = RDF_FORMATS[fmt].rdflib
    if fmt == "trig":
        dataset = Dataset()
        _bind(dataset)
        for s, p, o, g in with_graphs(store, triples):
            context = dataset.graph(URIRef(g)) if g else dataset.default_graph
            context.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        return dataset.serialize(format="trig", encoding="utf-8")
    graph = Graph()
    _bind(graph)
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    if fmt == "jsonld":
        # A local context: the prefixes themselves, never a remote @context document.
        return graph.serialize(format=serializer, context=dict(PREFIXES), encoding="utf-8")
    return graph.serialize(format=serializer, encoding="utf-8")
