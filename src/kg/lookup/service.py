"""EntityLookup: a lookup index kept in step with a store, with type filters through rdfs:subClassOf."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg.errors import BadRequestError, KGError
from kg.lookup.index import EntityRecord, LabelRecord, LookupIndex, SearchResult
from kg.namespaces import DCTERMS, EV, IKG, ORG, OWL, RDF, RDFS, SDO, SH, SKOS, to_curie
from kg.naming import entity_id, term_iri
from kg.store import Engine
from kg.store.index_files import IndexFiles
from kg.terms import Term

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


def entity_records(store: Engine) -> list[EntityRecord]:
    """Every labelled, non-structural IRI of the store with its labels and types, sorted by IRI."""
    kinds = {iri_: kind for iri_, kind in LABEL_PROPERTIES.items()}
    values = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    # Two bulk reads of plain values: a Term per cell would triple the time at 1M triples, and
    # de-duplicating (the same label in two graphs) in Python is cheaper than SPARQL DISTINCT.
    label_rows = set(store.select_values(
        "SELECT ?s ?p ?l (LANG(?l) AS ?lang) WHERE { "
        f"VALUES ?p {{ {values} }} ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l)) }}"
    ))
    labels: dict[str, list[LabelRecord]] = defaultdict(list)
    for subject, prop, text, lang in label_rows:
        if subject is None or prop is None or text is None:
            continue  # the query binds all three; this only tells the type checker
        labels[subject].append(LabelRecord(text, lang or None, kinds[prop]))
    types: dict[str, set[str]] = defaultdict(set)
    for subject, class_iri in store.select_values(
        f"SELECT ?s ?c WHERE {{ ?s <{RDF.type}> ?c FILTER(isIRI(?s) && isIRI(?c)) }}"
    ):
        if subject in labels and class_iri is not None:
            types[subject].add(class_iri)
    return [
        EntityRecord(subject, tuple(sorted(found, key=_label_order)), frozenset(types[subject]))
        for subject, found in sorted(labels.items())
        if not subject.startswith(str(EV)) and STRUCTURAL_TYPES.isdisjoint(types[subject])
    ]


def _label_order(label: LabelRecord) -> tuple[int, str, str]:
    return (("pref", "alt", "label", "hidden").index(label.kind), label.lang or "", label.value)


_MISSING = object()
#: Longest lookup query, in characters: the longest label of a body is well under 100.
MAX_QUERY_CHARS = 200


#: What a search answer depends on besides the index: query, limit, offset, lang, type.
_SearchKey = tuple[str, int, int, str | None, str | None]


@dataclass
class _Answer:
    """A cached search answer, the index generation that gave it, and renderings of it."""

    generation: int
    result: SearchResult
    rendered: dict[Callable[[SearchResult], Any], Any] = field(default_factory=dict)


class EntityLookup:
    """Searches entity labels; rebuilds its index when the store changes (checked on each search).

    The last `cache_size` answers are kept (least recently used first out) with the generation of the
    index that gave them: a search at 1M triples takes milliseconds, and lookups repeat (type-ahead,
    a reconciled column of repeated names).
    """

    def __init__(self, store: Engine, *, cache_size: int = 0, files: IndexFiles | None = None) -> None:
        self._store = store
        self._files = files  # the index of the store's state kept on disk, loaded at a restart
        self._lock = threading.Lock()
        self._index: LookupIndex | None = None
        self._generation = -1
        self._subclasses: dict[str, frozenset[str]] = {}
        self._cache_size = cache_size
        self._answers: OrderedDict[_SearchKey, _Answer] = OrderedDict()
        self._answers_lock = threading.Lock()

    def is_ready(self, type_: str | None = None) -> bool:
        """Whether a search (filtered by `type_`) needs no store access: the index of the store's
        current generation is built, and so are the subclasses of `type_`."""
        if self._index is None or self._generation != self._store.generation:
            return False
        if type_ is None:
            return True
        try:
            return term_iri(type_, what="type", bare=False) in self._subclasses
        except KGError:
            return False  # an unknown CURIE: the search raises its 400 in the thread pool

    def index(self) -> LookupIndex:
        """The index of the store's current generation (built on first use and after writes)."""
        generation = self._store.generation
        if self._index is not None and self._generation == generation:
            return self._index
        with self._lock:
            if self._index is None or self._generation != generation:
                # Searches in flight keep the old index: it is immutable, so swapping is safe.
                self._index = self._load_or_build()
                self._subclasses = {}
                self._generation = generation
            return self._index

    def _load_or_build(self) -> LookupIndex:
        if self._files is None:
            return LookupIndex(entity_records(self._store))
        state = self._files.state()
        index = self._files.load("lookup", LookupIndex)
        if index is None:
            index = LookupIndex(entity_records(self._store))
            self._files.save("lookup", index, state)
        return index

    def search(self, query: str, *, limit: int, offset: int = 0, lang: str | None = None,
               type_: str | None = None) -> SearchResult:
        """Ranked entities matching `query`; raises BadRequestError (empty, overlong, unknown type)."""
        return self._answer((query, limit, offset, lang, type_)).result

    def render(self, render: Callable[[SearchResult], Any], query: str, *, limit: int, offset: int = 0,
               lang: str | None = None, type_: str | None = None) -> Any:
        """`render(search(...))`, cached with the answer (a web response body, say); raises as
        `search` does. `render` must be one long-lived function, as it is part of the cache key."""
        answer = self._answer((query, limit, offset, lang, type_))
        found = answer.rendered.get(render, _MISSING)
        if found is _MISSING:
            found = answer.rendered[render] = render(answer.result)
        return found

    def _answer(self, key: _SearchKey) -> _Answer:
        query, limit, offset, lang, type_ = key
        if len(query) > MAX_QUERY_CHARS:
            # Pinyin segmentation and typo search grow fast with length; names are far shorter.
            raise BadRequestError(
                f"The lookup query has {len(query)} characters; send at most {MAX_QUERY_CHARS}."
            )
        generation = self._store.generation
        with self._answers_lock:
            cached = self._answers.get(key)
            if cached is not None and cached.generation == generation:
                self._answers.move_to_end(key)
                return cached
        index = self.index()
        classes = self.subclasses(type_) if type_ else None
        answer = _Answer(generation, index.search(query, limit=limit, offset=offset, lang=lang,
                                                  types=classes))
        if self._cache_size:
            with self._answers_lock:
                self._answers[key] = answer
                self._answers.move_to_end(key)
                while len(self._answers) > self._cache_size:
                    self._answers.popitem(last=False)
        return answer

    def subclasses(self, type_: str) -> frozenset[str]:
        """The class named by `type_` (IRI or CURIE) and all its subclasses; raises BadRequestError."""
        class_iri = term_iri(type_, what="type", bare=False)
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


def search_answer(result: SearchResult) -> dict[str, object]:
    """A search's answer as JSON-ready values: the shape of `GET /entities` (and `kg lookup --format
    json`), one hit per entity with its ids, labels, types and how it matched."""
    return {
        "query": result.query, "total": result.total, "limit": result.limit, "offset": result.offset,
        "truncated": result.truncated,
        "results": [{
            "id": entity_id(hit.entity.iri), "iri": hit.entity.iri, "curie": to_curie(hit.entity.iri),
            "label": {"zh": hit.entity.preferred("zh"), "en": hit.entity.preferred("en")},
            "types": sorted(to_curie(t) for t in hit.entity.types),
            "matched": hit.matched, "match": hit.match, "score": hit.score,
        } for hit in result.hits],
    }
