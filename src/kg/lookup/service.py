"""EntityLookup: a lookup index kept in step with a store, with type filters through rdfs:subClassOf."""

from __future__ import annotations

import threading
from collections import defaultdict

from kg.errors import BadRequestError
from kg.lookup.index import EntityRecord, LabelRecord, LookupIndex, SearchResult
from kg.namespaces import DCTERMS, EV, IKG, ORG, OWL, RDF, RDFS, SDO, SH, SKOS, from_curie
from kg.store import GraphStore
from kg.terms import Term, iri

#: Label properties read into the index, with the kind of label each gives.
LABEL_PROPERTIES: dict[str, str] = {
    str(SKOS.prefLabel): "pref", str(SKOS.altLabel): "alt", str(SKOS.hiddenLabel): "hidden",
    str(RDFS.label): "label", str(DCTERMS.title): "label",
}
#: Nodes that carry labels but are not entities a user looks up: evidence, sections, posts, amounts,
#: and the ontology's own terms.
STRUCTURAL_TYPES = frozenset(str(t) for t in (
    IKG.Evidence, IKG.Section, ORG.Post, SDO.MonetaryAmount,
    OWL.Class, RDFS.Class, RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty,
    OWL.AnnotationProperty, OWL.Ontology, SH.NodeShape, SH.PropertyShape,
))


def entity_records(store: GraphStore) -> list[EntityRecord]:
    """Every labelled, non-structural IRI of the store with its labels and types, sorted by IRI."""
    labels: dict[str, list[LabelRecord]] = defaultdict(list)
    for prop, kind in LABEL_PROPERTIES.items():
        for s, _, o in store.triples(predicate=iri(prop)):
            if s.is_iri and o.is_literal:
                labels[s.value].append(LabelRecord(o.value, o.lang, kind))
    types: dict[str, set[str]] = defaultdict(set)
    for s, _, o in store.triples(predicate=iri(str(RDF.type))):
        if s.value in labels and o.is_iri:
            types[s.value].add(o.value)
    return [
        EntityRecord(subject, tuple(sorted(found, key=_label_order)), frozenset(types[subject]))
        for subject, found in sorted(labels.items())
        if not subject.startswith(str(EV)) and STRUCTURAL_TYPES.isdisjoint(types[subject])
    ]


def _label_order(label: LabelRecord) -> tuple[int, str, str]:
    return (("pref", "alt", "label", "hidden").index(label.kind), label.lang or "", label.value)


def to_class_iri(value: str) -> str:
    """The IRI of a class given as IRI or CURIE; raises BadRequestError for anything else."""
    value = value.strip()
    expanded = from_curie(value)
    if expanded is not None:
        return expanded
    if value.startswith(("http://", "https://", "urn:")):
        return value
    raise BadRequestError(
        f"Type {value!r} is neither an IRI nor a CURIE with a known prefix; use e.g. ikg:LeadingGroup."
    )


class EntityLookup:
    """Searches entity labels; rebuilds its index when the store changes (checked on each search)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._index: LookupIndex | None = None
        self._generation = -1
        self._subclasses: dict[str, frozenset[str]] = {}

    def index(self) -> LookupIndex:
        """The index of the store's current generation (built on first use and after writes)."""
        generation = self._store.generation
        if self._index is not None and self._generation == generation:
            return self._index
        with self._lock:
            if self._index is None or self._generation != generation:
                # Searches in flight keep the old index: it is immutable, so swapping is safe.
                self._index = LookupIndex(entity_records(self._store))
                self._subclasses = {}
                self._generation = generation
            return self._index

    def search(self, query: str, *, limit: int, offset: int = 0, lang: str | None = None,
               type_: str | None = None) -> SearchResult:
        """Ranked entities matching `query`; raises BadRequestError for an empty query or unknown type."""
        index = self.index()
        classes = self.subclasses(type_) if type_ else None
        return index.search(query, limit=limit, offset=offset, lang=lang, types=classes)

    def subclasses(self, type_: str) -> frozenset[str]:
        """The class named by `type_` (IRI or CURIE) and all its subclasses; raises BadRequestError."""
        class_iri = to_class_iri(type_)
        cached = self._subclasses.get(class_iri)
        if cached is not None:
            return cached
        if not self._is_class(class_iri):
            raise BadRequestError(
                f"Type {type_!r} is not a class of this graph; use a class of the ontology such as "
                "ikg:LeadingGroup (see /ontology)."
            )
        rows = self._store.select(
            f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {Term('iri', class_iri).to_ntriples()} }}"
        )
        found = frozenset({class_iri} | {row["c"].value for row in rows if "c" in row})
        self._subclasses[class_iri] = found
        return found

    def _is_class(self, class_iri: str) -> bool:
        node = Term("iri", class_iri).to_ntriples()
        return self._store.ask(
            f"ASK {{ {{ {node} a ?k }} UNION {{ ?x a {node} }} UNION {{ ?c <{RDFS.subClassOf}> {node} }} }}"
        )
