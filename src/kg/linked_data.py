"""Linked data: entity descriptions in several RDF formats and HTML, the ontology, and a VoID description.

`describe` gathers a CBD-like neighbourhood of an entity: its outgoing and incoming statements, the
evidence nodes about those statements (with the labels of their sections and documents), monetary
amount nodes, and the labels of every linked node. `PAGE_OFFERS` are the representations a resource
is negotiated among (kg.formats.negotiate); `serialise` writes triples with rdflib and a local JSON-LD
context.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote

import rdflib

from kg.entities import EntityView, EntityViews, Fact, Name
from kg.errors import NotAcceptableError
from kg.formats import HTML, RDF_FORMATS, Format
from kg.namespaces import (
    BASE,
    DCTERMS,
    EV,
    ID,
    IKG,
    ONTOLOGY_GRAPH,
    ORG,
    PREFIXES,
    RDF,
    RDFS,
    SDO,
    SKOS,
    VOID,
    XSD,
    to_curie,
)
from kg.naming import entity_id
from kg.pages import render
from kg.provenance import Citation
from kg.store import Engine
from kg.terms import XSD_STRING, Term, Triple, iri, literal

#: Representations of a resource, in the server's order of preference for a wildcard Accept (*/*:
#: Turtle, the most readable RDF for command-line clients; browsers name text/html explicitly).
PAGE_OFFERS: tuple[Format, ...] = (RDF_FORMATS["turtle"], HTML, RDF_FORMATS["jsonld"],
                                   RDF_FORMATS["ntriples"], RDF_FORMATS["rdfxml"])
#: The same without the page (VoID).
RDF_OFFERS: tuple[Format, ...] = tuple(f for f in PAGE_OFFERS if f is not HTML)
#: Properties that name a node: copied for every node a description links to.
_NAMING = (str(SKOS.prefLabel), str(RDFS.label), str(DCTERMS.title), str(IKG.sectionNumber))
_EVIDENCE_PREDICATES = (str(RDF.subject), str(RDF.object))
#: Entities shown as void:exampleResource when present.
EXAMPLE_RESOURCES = ("shanghai-stc-office", "ndrc", "zhangjiang-science-city", "national-stc-leading-group")


def jsonld_context() -> dict[str, object]:
    """The local JSON-LD context: the project's prefixes (served at /context.jsonld, embedded in answers)."""
    return {"@context": dict(PREFIXES)}


# -- descriptions ----------------------------------------------------------------------------------


def describe(store: Engine, entity_iri: str) -> list[Triple]:
    """The entity's neighbourhood: its statements both ways, their evidence, amounts, linked labels."""
    subject = iri(entity_iri)
    outgoing = list(store.triples(subject))
    incoming = [t for t in store.triples(obj=subject)
                if t[1].value not in _EVIDENCE_PREDICATES and not t[0].value.startswith(str(EV))]
    amounts = [t for _, p, o in outgoing if p.value == str(IKG.amount) for t in store.triples(o)]
    evidence = list(_evidence(store, entity_iri))
    linked = {o for _, _, o in outgoing + amounts + evidence if not o.is_literal}
    linked |= {s for s, _, _ in incoming}
    linked.discard(subject)
    names = [t for node in sorted(linked, key=lambda n: n.value) for p in _NAMING
             for t in store.triples(node, iri(p))]
    return _unique(outgoing + incoming + amounts + evidence + names)


def _evidence(store: Engine, entity_iri: str) -> Iterator[Triple]:
    """Every triple of the evidence nodes whose statement has the entity as subject or object."""
    node = iri(entity_iri)
    nodes = {s for p in _EVIDENCE_PREDICATES for s, _, _ in store.triples(None, iri(p), node)}
    for evidence_node in sorted(nodes, key=lambda n: n.value):
        yield from store.triples(evidence_node)


def _unique(triples: Iterable[Triple]) -> list[Triple]:
    return list(dict.fromkeys(triples))


def ontology_triples(store: Engine) -> list[Triple]:
    """The ontology graph."""
    return list(store.triples(graph=str(ONTOLOGY_GRAPH)))


# -- serialisation ---------------------------------------------------------------------------------


def _to_rdflib(term: Term) -> rdflib.term.Node:
    if term.kind == "iri":
        return rdflib.URIRef(term.value)
    if term.kind == "bnode":
        return rdflib.BNode(term.value)
    if term.lang:
        return rdflib.Literal(term.value, lang=term.lang)
    if not term.datatype or term.datatype == XSD_STRING:
        return rdflib.Literal(term.value)  # RDF 1.1: a simple literal is an xsd:string
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype))


def to_graph(triples: Iterable[Triple]) -> rdflib.Graph:
    """An rdflib graph of the triples, with the project's prefixes bound."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for s, p, o in triples:
        graph.add((_to_rdflib(s), _to_rdflib(p), _to_rdflib(o)))
    return graph


def serialise(triples: Iterable[Triple], fmt: str) -> bytes:
    """Triples as Turtle, JSON-LD (local context embedded, never a remote one), N-Triples or RDF/XML;
    raises NotAcceptableError when RDF/XML cannot write a predicate."""
    graph = to_graph(triples)
    if fmt == "jsonld":
        text = graph.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
    elif fmt == "rdfxml":
        try:
            text = graph.serialize(format="xml")
        except ValueError as exc:
            # RDF/XML writes each predicate as an XML element name, which an IRI ending in `/`, `#` or
            # a digit does not split into; the other formats write any IRI.
            raise NotAcceptableError(f"This description cannot be written as RDF/XML ({exc}); ask for "
                                     "Turtle, JSON-LD or N-Triples.") from exc
    else:
        text = graph.serialize(format=RDF_FORMATS[fmt].rdflib)
    return text.encode("utf-8")


# -- VoID ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetStatistics:
    """Counts of the whole dataset, computed from the store."""

    triples: int
    entities: int
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, int] = field(default_factory=dict)
    distinct_subjects: int = 0
    distinct_objects: int = 0
    sources: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    events: int = 0
    amounts: int = 0

    def to_dict(self) -> dict[str, object]:
        """The counts as JSON-ready values (classes and properties as CURIEs)."""
        return {
            "triples": self.triples, "entities": self.entities,
            "distinct_subjects": self.distinct_subjects, "distinct_objects": self.distinct_objects,
            "graphs": dict(sorted(self.graphs.items())), "events": self.events, "amounts": self.amounts,
            "classes": {to_curie(k): v for k, v in sorted(self.classes.items(), key=lambda kv: -kv[1])},
            "properties": {to_curie(k): v
                           for k, v in sorted(self.properties.items(), key=lambda kv: -kv[1])},
            "sources": list(self.sources),
        }


def _count(store: Engine, query: str) -> int:
    rows = store.select(query)
    return int(rows[0]["n"].value) if rows and "n" in rows[0] else 0


def _counts(store: Engine, query: str) -> dict[str, int]:
    return {row["k"].value: int(row["n"].value) for row in store.select(query) if "k" in row}


def dataset_statistics(store: Engine) -> DatasetStatistics:
    """Triple, entity, class, property and graph counts of the store (a few aggregate queries)."""
    in_space = f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))'
    examples = tuple(s for s in EXAMPLE_RESOURCES if next(store.triples(iri(str(ID[s]))), None))
    return DatasetStatistics(
        triples=_count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        entities=_count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o {in_space} }}"),
        classes=_counts(store, "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?k } GROUP BY ?k"),
        properties=_counts(store, "SELECT ?k (COUNT(*) AS ?n) WHERE { ?s ?k ?o } GROUP BY ?k"),
        graphs=_counts(store, "SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH ?k { ?s ?p ?o } } GROUP BY ?k"),
        distinct_subjects=_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        sources=tuple(sorted(s.value for s, _, _ in store.triples(None, iri(str(RDF.type)),
                                                                  iri(str(IKG.Report))))),
        examples=tuple(str(ID[s]) for s in examples),
        events=_count(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?c {{ <{IKG.Event}> "
                             f"<{ORG.ChangeEvent}> }} ?e a/<{RDFS.subClassOf}>* ?c }}"),
        amounts=_count(store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{SDO.MonetaryAmount}> }}"),
    )


def _vocabularies(iris: Iterable[str]) -> list[str]:
    used = set()
    for item in iris:
        curie = to_curie(item)
        if curie != item:
            used.add(PREFIXES[curie.split(":", 1)[0]])
    return sorted(used - {str(ID), str(EV)})


def void_triples(stats: DatasetStatistics, *, base_url: str) -> list[Triple]:
    """A VoID description of the dataset (void:Dataset with counts, partitions, endpoint, sources)."""
    dataset = iri(BASE + "void#dataset")
    base = base_url.rstrip("/")

    def integer(n: int) -> Term:
        return literal(str(n), datatype=str(XSD.integer))

    def node(kind: str, term_iri: str) -> Term:
        # Named after the CURIE, so a partition keeps its IRI when other classes come and go.
        return iri(BASE + "void#" + kind + "-" + quote(to_curie(term_iri).replace(":", "-"), safe=""))

    out: list[Triple] = [
        (dataset, iri(str(RDF.type)), iri(str(VOID.Dataset))),
        (dataset, iri(str(DCTERMS.title)), literal("创新治理知识图谱", lang="zh")),
        (dataset, iri(str(DCTERMS.title)), literal("innokg: innovation-governance graph", lang="en")),
        (dataset, iri(str(VOID.sparqlEndpoint)), iri(f"{base}/sparql")),
        (dataset, iri(str(VOID.uriSpace)), literal(str(ID))),
        (dataset, iri(str(VOID.uriLookupEndpoint)), iri(f"{base}/entities?q=")),
        (dataset, iri(str(VOID.dataDump)), iri(f"{base}/export?format=trig")),
        (dataset, iri(str(VOID.triples)), integer(stats.triples)),
        (dataset, iri(str(VOID.entities)), integer(stats.entities)),
        (dataset, iri(str(VOID.classes)), integer(len(stats.classes))),
        (dataset, iri(str(VOID.properties)), integer(len(stats.properties))),
        (dataset, iri(str(VOID.distinctSubjects)), integer(stats.distinct_subjects)),
        (dataset, iri(str(VOID.distinctObjects)), integer(stats.distinct_objects)),
    ]
    for fmt in ("Turtle", "N-Triples", "JSON-LD", "TriG"):
        out.append((dataset, iri(str(VOID.feature)), iri(f"http://www.w3.org/ns/formats/{fmt}")))
    out += [(dataset, iri(str(VOID.exampleResource)), iri(e)) for e in stats.examples]
    out += [(dataset, iri(str(DCTERMS.source)), iri(s)) for s in stats.sources]
    out += [(dataset, iri(str(VOID.vocabulary)), iri(v))
            for v in _vocabularies([*stats.classes, *stats.properties])]
    for cls, n in sorted(stats.classes.items()):
        part = node("class", cls)
        out += [(dataset, iri(str(VOID.classPartition)), part), (part, iri(str(VOID["class"])), iri(cls)),
                (part, iri(str(VOID.entities)), integer(n))]
    for prop, n in sorted(stats.properties.items()):
        part = node("property", prop)
        out += [(dataset, iri(str(VOID.propertyPartition)), part), (part, iri(str(VOID.property)), iri(prop)),
                (part, iri(str(VOID.triples)), integer(n))]
    for graph_iri, n in sorted(stats.graphs.items()):
        out += [(dataset, iri(str(VOID.subset)), iri(graph_iri)),
                (iri(graph_iri), iri(str(RDF.type)), iri(str(VOID.Dataset))),
                (iri(graph_iri), iri(str(VOID.triples)), integer(n))]
    return out


# -- HTML ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _NodeLink:
    """A named node as a page shows it: its labels, its CURIE, and a link when this service serves it."""

    text: str
    curie: str
    href: str | None


@dataclass(frozen=True)
class _FactRow:
    """One fact as a table row: the property, the other end (a node, or a literal with its tag)."""

    label: str
    curie: str
    node: _NodeLink | None
    literal: str
    lang: str
    currency: str
    tag: str
    citations: tuple[Citation, ...]


def _local_href(target_iri: str) -> str | None:
    """A link served by this service for an entity IRI (None outside the entity space)."""
    return "/id/" + target_iri[len(str(ID)):] if target_iri.startswith(str(ID)) else None


def _node_link(name: Name) -> _NodeLink:
    text = " / ".join(x for x in (name.label_zh, name.label_en) if x) or name.curie
    return _NodeLink(text, name.curie, _local_href(name.iri))


def _fact_row(fact: Fact) -> _FactRow:
    value = fact.value
    tag = f"@{value.lang}" if value.lang else f"^^{to_curie(value.datatype)}" if value.datatype else ""
    return _FactRow(
        label=fact.property.label_zh or fact.property.curie, curie=fact.property.curie,
        node=_node_link(value.node) if value.node is not None else None, literal=value.literal or "",
        lang=value.lang or "", currency=value.currency or "", tag=tag, citations=fact.citations,
    )


def entity_html(view: EntityView) -> str:
    """A readable page of an entity: labels, types, facts both ways with the cited text."""
    name = view.name
    return render(
        "entity.html",
        title=_node_link(name).text, heading=name.label_zh or name.curie, label_en=name.label_en or "",
        iri=name.iri, slug=entity_id(name.iri),
        formats=[(f.name, f.bare_type) for f in RDF_OFFERS],
        types=[_node_link(t) for t in view.types], aliases=view.aliases, citations=view.citations,
        outgoing=[_fact_row(f) for f in view.outgoing], incoming=[_fact_row(f) for f in view.incoming],
    )


def not_found_html(identifier: str) -> str:
    """A readable 404 page for a browser asking for an unknown entity."""
    return render("not_found.html", identifier=identifier)


def ontology_html(triples: Iterable[Triple]) -> str:
    """A readable list of the ontology's classes and properties with their labels and comments."""
    graph = to_graph(triples)
    terms = []
    for term in sorted(set(graph.subjects(RDFS.label, None)), key=str):
        labels = {getattr(lit, "language", None): str(lit) for lit in graph.objects(term, RDFS.label)}
        comment = next((str(c) for c in graph.objects(term, RDFS.comment)
                        if getattr(c, "language", None) == "en"), "")
        terms.append((to_curie(str(term)), labels.get("zh", ""), labels.get("en", ""), comment))
    return render("ontology.html", terms=terms)


@cache
def context_document() -> bytes:
    """The bytes of /context.jsonld."""
    return json.dumps(jsonld_context(), indent=2).encode("utf-8")


class LinkedData:
    """Entity descriptions and dataset statistics over one store, statistics cached per generation."""

    def __init__(self, store: Engine, views: EntityViews) -> None:
        self._store = store
        self.views = views
        self._stats: tuple[int, DatasetStatistics] | None = None

    def description(self, identifier: str) -> list[Triple]:
        """The CBD-like description of an entity; raises EntityNotFoundError."""
        return describe(self._store, self.views.resolve(identifier))

    def statistics(self) -> DatasetStatistics:
        """Dataset counts for VoID, recomputed after writes."""
        generation = self._store.generation
        if self._stats is None or self._stats[0] != generation:
            self._stats = (generation, dataset_statistics(self._store))
        return self._stats[1]


__all__ = [
    "PAGE_OFFERS", "RDF_OFFERS", "DatasetStatistics", "LinkedData", "context_document", "describe",
    "entity_html", "jsonld_context", "not_found_html", "ontology_html", "ontology_triples", "serialise",
    "void_triples",
]
