"""Entity reconciliation over the graph: the domain of the W3C Reconciliation Service API (0.2, 1.0-draft).

What OpenRefine asks a reconciliation service, answered from the store and the lookup index:
- *reconcile*: a name (plus optional types and property values) -> ranked candidates with scores
  0-100 and a `match` flag;
- *suggest*: type-ahead over entities (the lookup), and over the ontology's classes and properties;
- *preview*: a small HTML card of one entity;
- *extend*: property values of reconciled entities, and the properties worth fetching for a type.

Identifiers: an entity is named by its slug under `https://w3id.org/innokg/id/` (the manifest's
identifierSpace), a CURIE or a full IRI; classes and properties by CURIE (`ikg:LeadingGroup`), full
IRI, or a bare local name of the ontology (the schemaSpace). Answers use slugs and CURIEs.

Scoring: the name score is the lookup's score x 100 (the lookup ranks exact > prefix > substring >
English words > abbreviation > partial > most of the English words > pinyin > initials > typo, so an
English name written with other common words, "Shanghai Municipal Party Committee", still gets its
candidate, below any label holding every word). With property constraints the name counts
for NAME_WEIGHT and the share of satisfied constraints for the rest, so a candidate with matching
property values gains score and can overtake a better-named one. `match` is true only for an
unambiguous exact label match: the candidate's label equals the query (after normalisation), no other
candidate of the allowed types has an exact label match too, and no property constraint fails.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kg.entities import Name, find_names
from kg.errors import BadRequestError, EntityNotFoundError
from kg.lookup import Hit, SearchResult
from kg.lookup.service import EntityLookup
from kg.namespaces import (
    DCTERMS,
    EV,
    FOAF,
    IKG,
    OA,
    ORG,
    OWL,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    XSD,
    to_curie,
)
from kg.naming import entity_id, entity_iri, local_name, term_iri
from kg.pages import render
from kg.store import Engine
from kg.terms import Term, iri

#: Candidates per query when the client gives no limit (OpenRefine sends none by default).
DEFAULT_CANDIDATES = 10
#: Share of the score the name keeps when property constraints are given; the rest is the share of
#: constraints satisfied.
NAME_WEIGHT = 0.6
#: Facts shown in a preview card (a card, not the entity page).
PREVIEW_FACTS = 8
#: Size of the preview iframe the manifest asks clients for, in pixels.
PREVIEW_WIDTH, PREVIEW_HEIGHT = 420, 240
#: The graph's main classes, offered as default types in the manifest (those present in the graph).
DEFAULT_TYPES = tuple(str(IKG[name]) for name in (
    "GovernmentBody", "LeadingGroup", "CoordinationOffice", "ManagementCommittee", "Council",
    "ResearchOrganization", "WorkingGroup", "Enterprise", "Directive", "Plan", "Policy", "Fund",
    "MajorScienceFacility", "BigScienceProgramme", "Platform", "InnovationArea", "Event",
))
#: Type strategies of a query with several types ("should" is what OpenRefine sends for every
#: typed column, so it filters like "any": a typed column never wants candidates of another type).
TYPE_STRATEGIES = ("any", "should", "all")
QUANTIFIERS = ("any", "all", "none")
LANGUAGES = ("zh", "en")

#: Label predicates of entities, compared when a property value names an entity by label.
_LABEL_PREDICATES = tuple(str(p) for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, RDFS.label))
#: Classes that are not things to reconcile against: provenance and structure nodes (the lookup
#: does not index their instances either).
_STRUCTURAL_CLASSES = frozenset(str(c) for c in (IKG.Evidence, IKG.Section, ORG.Post, SDO.MonetaryAmount))
#: Namespaces of meta-vocabulary: their classes and properties describe the ontology, not entities.
_META_NAMESPACES = (str(OWL), str(SH), "http://purl.org/vocab/vann/")
#: Predicates that only evidence or the ontology itself use.
_HIDDEN_PREDICATES = frozenset(str(p) for p in (
    RDF.subject, RDF.predicate, RDF.object, RDF.first, RDF.rest, OA.start, OA.end, IKG.inSection,
    IKG.derivedVia,
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
))
#: Labels of reused standard terms the ontology does not label itself (zh, en); kg.entities.find_names
#: already covers the ORG/PROV relations.
_STANDARD_LABELS: dict[str, tuple[str, str]] = {
    str(RDF.type): ("类型", "type"),
    str(SKOS.prefLabel): ("正式名称", "preferred name"),
    str(SKOS.altLabel): ("别名", "alternative name"),
    str(SKOS.hiddenLabel): ("原文写法", "source spelling"),
    str(SKOS.editorialNote): ("编辑说明", "editorial note"),
    str(RDFS.label): ("标签", "label"),
    str(RDFS.comment): ("说明", "comment"),
    str(DCTERMS.date): ("日期", "date"),
    str(DCTERMS.title): ("标题", "title"),
    str(ORG.Organization): ("组织", "organisation"),
    str(ORG.OrganizationalUnit): ("内设机构", "organisational unit"),
    str(ORG.ChangeEvent): ("机构变更", "change event"),
    str(FOAF.Person): ("人物", "person"),
    str(SDO.AdministrativeArea): ("行政区域", "administrative area"),
}
_NOT_FACTS = frozenset({str(RDF.type), str(SKOS.prefLabel), str(RDFS.label)})
_NUMERIC = frozenset(str(XSD[t]) for t in ("decimal", "double", "float"))
_INTEGER = frozenset(str(XSD[t]) for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
))
_DATE_TIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
_DATE = re.compile(r"^(-?\d{4,}-\d\d-\d\d)(Z|[+-]\d\d:\d\d)?$")
_SPACES = re.compile(r"\s+")
#: Characters no IRI may hold (RFC 3987): an id containing one names nothing in the graph.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')


# -- values ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EntityRef:
    """A property value naming an entity (a reconciled cell): its id, and a name if known."""

    id: str
    name: str | None = None


#: A value a client compares with the graph: text, number, boolean or an entity.
PropertyValue = str | int | float | bool | EntityRef


@dataclass(frozen=True)
class PropertyConstraint:
    """Values the candidate should have for a property; `required` drops candidates that fail."""

    pid: str
    values: tuple[PropertyValue, ...]
    required: bool = False
    quantifier: str = "any"  # one of QUANTIFIERS


@dataclass(frozen=True)
class ReconQuery:
    """One reconciliation query: a name and/or entity ids, types and property constraints."""

    text: str | None
    types: tuple[str, ...] = ()
    type_strict: str = "any"
    limit: int | None = None
    constraints: tuple[PropertyConstraint, ...] = ()
    ids: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class VocabTerm:
    """A class or property of the graph, with its labels, comment and direct broader classes."""

    iri: str
    label_zh: str | None
    label_en: str | None
    comment: str | None = None
    broader: tuple[str, ...] = ()
    range: str | None = None

    @property
    def curie(self) -> str:
        """The CURIE (the IRI when no prefix applies)."""
        return to_curie(self.iri)

    def name(self, lang: str) -> str:
        """The label in `lang`, else the other language's, else the local name."""
        first, second = (self.label_zh, self.label_en) if lang == "zh" else (self.label_en, self.label_zh)
        return first or second or local_name(self.iri)

    def bilingual(self) -> str:
        """"领导小组 / leading group" (or the one label there is)."""
        labels = [label for label in (self.label_zh, self.label_en) if label]
        return " / ".join(labels) if labels else local_name(self.iri)


@dataclass(frozen=True)
class Vocabulary:
    """The classes and properties of one store generation, keyed by IRI."""

    classes: dict[str, VocabTerm]
    properties: dict[str, VocabTerm]


@dataclass(frozen=True)
class Feature:
    """One ingredient of a candidate's score (the name score, or whether a constraint held)."""

    id: str
    name: str
    value: float | bool


@dataclass(frozen=True)
class Candidate:
    """One reconciliation candidate."""

    iri: str
    name: str
    description: str | None
    types: tuple[VocabTerm, ...]
    score: float
    match: bool
    features: tuple[Feature, ...]
    lang: str

    @property
    def id(self) -> str:
        """The candidate's id: its slug (or CURIE/IRI outside the entity base)."""
        return entity_id(self.iri)


@dataclass(frozen=True)
class CandidateList:
    """The candidates of one query, best first; `truncated` when KG_LOOKUP_LIMIT cut the list."""

    candidates: tuple[Candidate, ...]
    truncated: bool = False


@dataclass(frozen=True)
class Suggestion:
    """One entity of a suggest answer."""

    iri: str
    name: str
    description: str | None
    types: tuple[VocabTerm, ...]
    lang: str

    @property
    def id(self) -> str:
        """The entity's id: its slug (or CURIE/IRI outside the entity base)."""
        return entity_id(self.iri)


@dataclass(frozen=True)
class SuggestPage:
    """A page of suggestions; `truncated` when more matched than the page holds."""

    items: tuple[Suggestion, ...] | tuple[VocabTerm, ...]
    truncated: bool


@dataclass(frozen=True)
class ExtendProperty:
    """A property to fetch, with its settings: most values per entity (0: all), name language."""

    pid: str
    limit: int = 0
    lang: str = "zh"


@dataclass(frozen=True)
class CellValue:
    """One value of a data-extension cell: an entity, or a typed literal."""

    kind: str  # "id" | "str" | "float" | "int" | "date"
    value: str | float | int
    name: str | None = None
    lang: str | None = None

    def to_dict(self, *, with_lang: bool) -> dict[str, object]:
        """{"id","name"} or {"str"} (with "lang" when asked), {"float"}, {"int"}, {"date"}."""
        if self.kind == "id":
            return {"id": self.value, "name": self.name or str(self.value)}
        out: dict[str, object] = {self.kind: self.value}
        if with_lang and self.lang and self.kind == "str":
            out["lang"] = self.lang
        return out


@dataclass(frozen=True)
class Extension:
    """A data-extension answer: the properties asked, and values per requested id and property."""

    properties: tuple[VocabTerm, ...]
    settings: tuple[ExtendProperty, ...]
    rows: dict[str, dict[str, tuple[CellValue, ...]]]


@dataclass(frozen=True)
class PreviewFact:
    """One line of a preview card."""

    property: str
    value: str


@dataclass(frozen=True)
class Preview:
    """What a preview card shows of an entity."""

    iri: str
    label_zh: str | None
    label_en: str | None
    aliases: tuple[str, ...]
    types: tuple[str, ...]
    facts: tuple[PreviewFact, ...]
    more_facts: int

    def to_html(self) -> str:
        """A small self-contained HTML page (UTF-8), every value escaped by the template."""
        title = self.label_zh or self.label_en or entity_id(self.iri)
        return render(
            "preview.html", title=title, subtitle=self.label_en if self.label_en != title else None,
            curie=to_curie(self.iri), types=self.types, aliases=self.aliases, facts=self.facts,
            more_facts=self.more_facts,
        )


# -- identifiers and text ------------------------------------------------------------------------

def normalise_text(text: str) -> str:
    """Text as compared with graph values: NFKC, case-folded, inner whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def choose_lang(text: str | None, requested: str | None = None) -> str:
    """The language of names in an answer: the requested one (zh/en), else zh for Han text, else en."""
    if requested:
        primary = requested.lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    return "zh" if text and any(_is_han(c) for c in text) else "en"


def _is_han(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3134F


def _other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


# -- the vocabulary ------------------------------------------------------------------------------

def read_vocabulary(store: Engine) -> Vocabulary:
    """The classes (declared or used as types) and properties (declared or used) of the store."""
    class_rows = store.select(
        f"SELECT DISTINCT ?c WHERE {{ {{ ?c a <{OWL.Class}> }} UNION {{ ?c a <{RDFS.Class}> }} "
        f"UNION {{ ?c <{RDFS.subClassOf}> ?super }} UNION {{ ?x a ?c }} FILTER(isIRI(?c)) }}"
    )
    property_rows = store.select(
        f"SELECT DISTINCT ?p WHERE {{ {{ ?p a <{OWL.ObjectProperty}> }} UNION "
        f"{{ ?p a <{OWL.DatatypeProperty}> }} UNION {{ ?p a <{RDF.Property}> }} UNION {{ ?s ?p ?o }} }}"
    )
    classes = {r["c"].value for r in class_rows if "c" in r and _is_domain_class(r["c"].value)}
    properties = {r["p"].value for r in property_rows if _is_domain_property(r["p"].value)}
    names = find_names(store, classes | properties)
    comments = _comments(store, classes | properties)
    broader = _pairs(store, str(RDFS.subClassOf))
    ranges = _pairs(store, str(RDFS.range))

    def term(node: str) -> VocabTerm:
        zh, en = _STANDARD_LABELS.get(node, (None, None))
        name = names[node]
        return VocabTerm(node, name.label_zh or zh, name.label_en or en, comments.get(node),
                         tuple(sorted(b for b in broader.get(node, ()) if b in classes)),
                         min((r for r in ranges.get(node, ()) if r in classes), default=None))

    return Vocabulary({c: term(c) for c in sorted(classes)}, {p: term(p) for p in sorted(properties)})


def _is_domain_class(node: str) -> bool:
    return (node not in _STRUCTURAL_CLASSES and not node.startswith(_META_NAMESPACES)
            and node not in (str(RDFS.Class), str(RDF.Property), str(RDFS.Resource)))


def _is_domain_property(node: str) -> bool:
    return node not in _HIDDEN_PREDICATES and not node.startswith(_META_NAMESPACES)


def _comments(store: Engine, nodes: set[str]) -> dict[str, str]:
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for subject, _, comment in store.triples(predicate=iri(str(RDFS.comment))):
        if subject.value in nodes and comment.is_literal:
            found[subject.value][(comment.lang or "").split("-")[0].lower()] = comment.value
    return {node: langs.get("en") or langs.get("zh") or next(iter(langs.values()))
            for node, langs in found.items()}


def _pairs(store: Engine, predicate: str) -> dict[str, set[str]]:
    pairs: dict[str, set[str]] = defaultdict(set)
    for subject, _, obj in store.triples(predicate=iri(predicate)):
        if subject.is_iri and obj.is_iri:
            pairs[subject.value].add(obj.value)
    return pairs


def _vocab_rank(term: VocabTerm, prefix: str) -> int | None:
    """How well `prefix` fits a class or property (lower is better), or None when it does not."""
    keys = [normalise_text(k) for k in (term.label_zh, term.label_en, local_name(term.iri), term.curie) if k]
    spaced = [normalise_text(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local_name(term.iri)))]
    if prefix in keys:
        return 0
    if any(k.startswith(prefix) for k in keys):
        return 1
    if any(word.startswith(prefix) for k in keys + spaced for word in k.split(" ")):
        return 2
    if any(prefix in k for k in keys):
        return 3
    return None


def suggest_terms(terms: Iterable[VocabTerm], prefix: str, *, limit: int, offset: int = 0) -> SuggestPage:
    """Classes or properties whose label, local name or CURIE fits `prefix`, best first."""
    wanted = normalise_text(prefix)
    if not wanted:
        raise BadRequestError("The suggest prefix is empty; type a few letters or characters.")
    ranked = sorted((rank, term.curie, term) for term in terms
                    if (rank := _vocab_rank(term, wanted)) is not None)
    page = tuple(term for _, _, term in ranked[offset:offset + limit])
    return SuggestPage(page, truncated=len(ranked) > offset + limit)


# -- the service ----------------------------------------------------------------------------------

@dataclass
class _Scored:
    """A candidate being ranked: the lookup hit (or an entity named by id) and its scores."""

    iri: str
    labels: dict[str, str | None]
    types: frozenset[str]
    name_score: float
    exact: bool
    features: list[Feature] = field(default_factory=list)
    score: float = 0.0
    failed: bool = False


class Reconciler:
    """Reconciliation, suggest, preview and data extension over one store and its lookup index."""

    def __init__(self, store: Engine, lookup: EntityLookup, *, limit_cap: int) -> None:
        self._store = store
        self._lookup = lookup
        self._limit_cap = limit_cap
        self._lock = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._generation = -1

    @property
    def limit_cap(self) -> int:
        """Most candidates or suggestions one query returns (Settings.lookup_limit)."""
        return self._limit_cap

    def vocabulary(self) -> Vocabulary:
        """The classes and properties of the store's current generation (rebuilt after writes)."""
        generation = self._store.generation
        with self._lock:
            if self._vocabulary is None or self._generation != generation:
                self._vocabulary = read_vocabulary(self._store)
                self._generation = generation
            return self._vocabulary

    # -- types and properties named by clients ------------------------------------------------------

    def get_class(self, value: str) -> VocabTerm:
        """The class named by CURIE, IRI or ontology name; raises BadRequestError when unknown."""
        class_iri = term_iri(value)
        found = self.vocabulary().classes.get(class_iri)
        if found is None:
            raise BadRequestError(f"Unknown type {value!r}: no class <{class_iri}> in this graph; find "
                                  "one with /reconcile/suggest/type?prefix=…")
        return found

    def get_property(self, value: str) -> VocabTerm:
        """The property named by CURIE, IRI or ontology name; raises BadRequestError when unknown."""
        property_iri = term_iri(value)
        found = self.vocabulary().properties.get(property_iri)
        if found is None:
            raise BadRequestError(f"Unknown property {value!r}: no property <{property_iri}> in this "
                                  "graph; find one with /reconcile/suggest/property?prefix=…")
        return found

    def default_types(self) -> tuple[VocabTerm, ...]:
        """The main classes of the graph (DEFAULT_TYPES that exist in it)."""
        classes = self.vocabulary().classes
        return tuple(classes[c] for c in DEFAULT_TYPES if c in classes)

    # -- reconciliation ---------------------------------------------------------------------------

    def reconcile(self, query: ReconQuery) -> CandidateList:
        """Ranked candidates of one query; raises BadRequestError for an unknown type or property."""
        classes = tuple(self.get_class(t).iri for t in query.types)
        constraints = tuple((self.get_property(c.pid).iri, c) for c in query.constraints)
        if query.type_strict not in TYPE_STRATEGIES:
            raise BadRequestError(f"type_strict={query.type_strict!r}; use one of "
                                  f"{', '.join(TYPE_STRATEGIES)}.")
        limit = self._limit(query.limit)
        lang = choose_lang(query.text, query.lang)
        if query.text is not None and query.text.strip():
            pool_size = self._limit_cap if constraints or query.ids else max(limit, 2)
            scored, truncated = self._from_names(query.text, classes, query.type_strict, pool_size)
        elif query.ids:
            scored, truncated = self._from_ids(query.ids, classes, query.type_strict), False
        else:
            raise BadRequestError("A query needs a name to match (query, or a name condition); "
                                  "reconciling on property values alone is not supported.")
        if query.ids:
            wanted = {entity_iri(i) for i in query.ids} - {None}
            scored = [s for s in scored if s.iri in wanted]
        self._score(scored, constraints)
        kept = sorted((s for s in scored if not s.failed), key=lambda s: (-s.score, s.iri))
        exact = sum(1 for s in kept if s.exact)
        vocab = self.vocabulary()
        capped = query.limit is not None and query.limit > self._limit_cap and len(kept) > limit
        return CandidateList(
            tuple(self._candidate(s, vocab, lang, match=s.exact and exact == 1 and _all_hold(s))
                  for s in kept[:limit]),
            truncated=truncated or capped,
        )

    def _limit(self, requested: int | None) -> int:
        if requested is None:
            return min(DEFAULT_CANDIDATES, self._limit_cap)
        if requested < 1:
            raise BadRequestError(f"limit={requested}: ask for at least one candidate.")
        return min(requested, self._limit_cap)

    def _from_names(self, text: str, classes: Sequence[str], strategy: str,
                    pool: int) -> tuple[list[_Scored], bool]:
        """Lookup hits for `text` restricted to `classes` (any of them, or all with "all")."""
        if len(classes) <= 1 or strategy == "all":
            result = self._lookup.search(text, limit=pool, type_=classes[0] if classes else None)
            hits = list(result.hits)
            for other in classes[1:]:
                allowed = self._lookup.subclasses(other)
                hits = [h for h in hits if not allowed.isdisjoint(h.entity.types)]
            return [_from_hit(h) for h in hits], result.truncated
        results = [self._lookup.search(text, limit=pool, type_=c) for c in classes]
        return [_from_hit(h) for h in _merge(results)[:pool]], any(r.truncated for r in results)

    def _from_ids(self, ids: Sequence[str], classes: Sequence[str], strategy: str) -> list[_Scored]:
        """Entities named by id (1.0 `id` conditions without a name): score 100 each."""
        found = []
        for identifier in ids:
            node = entity_iri(identifier)
            if node is None:
                continue
            types = frozenset(o.value for _, _, o in self._store.triples(iri(node), iri(str(RDF.type))))
            if not types and next(self._store.triples(iri(node)), None) is None:
                continue
            if classes and not self._typed(types, classes, strategy):
                continue
            name = find_names(self._store, [node])[node]
            found.append(_Scored(node, {"zh": name.label_zh, "en": name.label_en}, types, 100.0, True))
        return found

    def _typed(self, types: frozenset[str], classes: Sequence[str], strategy: str) -> bool:
        fits = [not self._lookup.subclasses(c).isdisjoint(types) for c in classes]
        return all(fits) if strategy == "all" else any(fits)

    def _score(self, scored: list[_Scored], constraints: Sequence[tuple[str, PropertyConstraint]]) -> None:
        for item in scored:
            item.features.append(Feature("name", "name score", item.name_score))
            held = [self.holds(item.iri, pid, constraint) for pid, constraint in constraints]
            for (pid, constraint), ok in zip(constraints, held, strict=True):
                item.features.append(Feature(f"property:{to_curie(pid)}", f"{to_curie(pid)} matches", ok))
                item.failed = item.failed or (constraint.required and not ok)
            share = sum(held) / len(held) if held else None
            item.score = round(item.name_score if share is None
                               else NAME_WEIGHT * item.name_score + (1 - NAME_WEIGHT) * 100 * share, 2)

    def _candidate(self, item: _Scored, vocab: Vocabulary, lang: str, *, match: bool) -> Candidate:
        name = item.labels.get(lang) or item.labels.get(_other(lang)) or entity_id(item.iri)
        other = item.labels.get(_other(lang))
        types = tuple(vocab.classes.get(t) or VocabTerm(t, None, None) for t in sorted(item.types))
        return Candidate(item.iri, name, other if other and other != name else None, types,
                         item.score, match, tuple(item.features), lang)

    # -- property constraints ---------------------------------------------------------------------

    def holds(self, subject: str, property_iri: str, constraint: PropertyConstraint) -> bool:
        """Whether the graph's values of `property_iri` on `subject` satisfy the constraint."""
        graph_values = [o for _, _, o in self._store.triples(iri(subject), iri(property_iri))]
        found = [any(self._value_matches(g, wanted) for g in graph_values) for wanted in constraint.values]
        if constraint.quantifier == "all":
            return all(found)
        if constraint.quantifier == "none":
            return not any(found)
        return any(found)

    def _value_matches(self, graph_value: Term, wanted: PropertyValue) -> bool:
        if graph_value.is_literal:
            return _literal_matches(graph_value, wanted)
        if isinstance(wanted, EntityRef):
            if graph_value.value == entity_iri(wanted.id):
                return True
            return wanted.name is not None and self._has_label(graph_value, wanted.name)
        if isinstance(wanted, str):
            return graph_value.value == entity_iri(wanted) or self._has_label(graph_value, wanted)
        return False

    def _has_label(self, node: Term, text: str) -> bool:
        wanted = normalise_text(text)
        return any(normalise_text(label.value) == wanted
                   for prop in _LABEL_PREDICATES for _, _, label in self._store.triples(node, iri(prop))
                   if label.is_literal)

    # -- suggest ----------------------------------------------------------------------------------

    def suggest_entities(self, prefix: str, *, limit: int, offset: int = 0, type_: str | None = None,
                         lang: str | None = None) -> SuggestPage:
        """Entities whose labels match `prefix` (the lookup's ranking); raises BadRequestError."""
        class_iri = self.get_class(type_).iri if type_ else None
        result = self._lookup.search(prefix, limit=self._limit(limit), offset=offset, type_=class_iri)
        chosen = choose_lang(prefix, lang)
        vocab = self.vocabulary()
        items = tuple(_suggestion(hit, vocab, chosen) for hit in result.hits)
        return SuggestPage(items, truncated=result.truncated or result.total > offset + len(items))

    def suggest_types(self, prefix: str, *, limit: int, offset: int = 0) -> SuggestPage:
        """Classes whose label (zh/en), local name or CURIE fits `prefix`."""
        return suggest_terms(self.vocabulary().classes.values(), prefix, limit=self._limit(limit),
                             offset=offset)

    def suggest_properties(self, prefix: str, *, limit: int, offset: int = 0) -> SuggestPage:
        """Properties whose label (zh/en), local name or CURIE fits `prefix`."""
        return suggest_terms(self.vocabulary().properties.values(), prefix, limit=self._limit(limit),
                             offset=offset)

    # -- preview ----------------------------------------------------------------------------------

    def preview(self, identifier: str) -> Preview:
        """The preview card of an entity; raises EntityNotFoundError when the graph has no such node."""
        node = entity_iri(identifier)
        triples = list(self._store.triples(iri(node))) if node else []
        if node is None or not triples:
            raise EntityNotFoundError(f"No entity {identifier!r} (IRI <{node}>); reconcile or suggest "
                                      "to find its id.")
        vocab = self.vocabulary()
        facts = [(p.value, o) for _, p, o in triples
                 if p.value not in _NOT_FACTS and p.value not in _LABEL_PREDICATES]
        facts.sort(key=lambda f: (to_curie(f[0]), f[1].value))
        shown = facts[:PREVIEW_FACTS]
        names = find_names(self._store, {node} | {o.value for _, o in shown if o.is_iri})
        aliases = sorted({o.value for _, p, o in triples if p.value == str(SKOS.altLabel) and o.is_literal})
        types = [vocab.classes[o.value].bilingual() if o.value in vocab.classes else to_curie(o.value)
                 for _, p, o in triples if p.value == str(RDF.type) and o.is_iri]
        return Preview(
            node, names[node].label_zh, names[node].label_en, tuple(aliases), tuple(sorted(types)),
            tuple(PreviewFact(_property_name(vocab, p, "zh"), _value_text(o, names)) for p, o in shown),
            more_facts=len(facts) - len(shown),
        )

    # -- data extension ---------------------------------------------------------------------------

    def propose_properties(self, type_: str | None, *, limit: int) -> tuple[VocabTerm, ...]:
        """Properties used by instances of `type_` (subclasses included), most used first."""
        vocab = self.vocabulary()
        values = ""
        if type_:
            classes = self._lookup.subclasses(self.get_class(type_).iri)
            values = "VALUES ?c { " + " ".join(iri(c).to_ntriples() for c in sorted(classes)) + " } ?s a ?c ."
        rows = self._store.select(
            f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {values} ?s ?p ?o . FILTER(isIRI(?s)) "
            f"FILTER(!STRSTARTS(STR(?s), \"{EV}\")) }} GROUP BY ?p ORDER BY DESC(?n) ?p"
        )
        found = [vocab.properties[r["p"].value] for r in rows if r["p"].value in vocab.properties]
        return tuple(found[:self._limit(limit)])

    def extend(self, ids: Sequence[str], properties: Sequence[ExtendProperty]) -> Extension:
        """Values of `properties` for each id (unknown ids get empty cells); raises BadRequestError."""
        terms = tuple(self.get_property(p.pid) for p in properties)
        rows: dict[str, dict[str, tuple[CellValue, ...]]] = {}
        for identifier in ids:
            node = entity_iri(identifier)
            rows[identifier] = {setting.pid: self._cell(node, term.iri, setting) if node else ()
                                for term, setting in zip(terms, properties, strict=True)}
        return Extension(terms, tuple(properties), rows)

    def _cell(self, node: str, property_iri: str, setting: ExtendProperty) -> tuple[CellValue, ...]:
        objects = sorted((o for _, _, o in self._store.triples(iri(node), iri(property_iri))),
                         key=lambda o: (o.kind, o.value))
        if setting.limit:
            objects = objects[:setting.limit]
        names = find_names(self._store, [o.value for o in objects if o.is_iri])
        return tuple(self._cell_value(o, names, setting.lang) for o in objects)

    def _cell_value(self, obj: Term, names: dict[str, Name], lang: str) -> CellValue:
        if obj.is_literal:
            return literal_cell(obj)
        # A schema:MonetaryAmount node: its number is the value (the currency is CNY throughout).
        amount = next(self._store.triples(obj, iri(str(SDO.value))), None)
        if amount is not None and amount[2].is_literal:
            return literal_cell(amount[2])
        name = names.get(obj.value)
        labels = (name.label_zh, name.label_en) if name else (None, None)
        first, second = labels if lang == "zh" else labels[::-1]
        return CellValue("id", entity_id(obj.value), first or second or entity_id(obj.value))


# -- helpers ---------------------------------------------------------------------------------------

def _from_hit(hit: Hit) -> _Scored:
    entity = hit.entity
    return _Scored(entity.iri, {"zh": entity.preferred("zh"), "en": entity.preferred("en")},
                   entity.types, round(min(hit.score, 1.0) * 100, 2), hit.match == "exact")


def _merge(results: Iterable[SearchResult]) -> list[Hit]:
    """Hits of several searches, the best per entity, best first."""
    best: dict[str, Hit] = {}
    for result in results:
        for hit in result.hits:
            current = best.get(hit.entity.iri)
            if current is None or hit.score > current.score:
                best[hit.entity.iri] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.entity.iri))


def _all_hold(item: _Scored) -> bool:
    return all(f.value is not False for f in item.features)


def _suggestion(hit: Hit, vocab: Vocabulary, lang: str) -> Suggestion:
    entity = hit.entity
    name = entity.preferred(lang) or entity.preferred(_other(lang)) or hit.matched
    other = entity.preferred(_other(lang))
    types = tuple(vocab.classes.get(t) or VocabTerm(t, None, None) for t in sorted(entity.types))
    return Suggestion(entity.iri, name, other if other and other != name else None, types, lang)


def _literal_matches(value: Term, wanted: PropertyValue) -> bool:
    """Numbers compare as numbers, booleans as xsd:boolean, everything else as normalised text."""
    if isinstance(wanted, EntityRef):
        return normalise_text(value.value) == normalise_text(wanted.name or wanted.id)
    if isinstance(wanted, bool):
        return value.value.strip().lower() in (("true", "1") if wanted else ("false", "0"))
    if isinstance(wanted, int | float):
        number = _to_number(value.value)
        return number is not None and number == float(wanted)
    if normalise_text(value.value) == normalise_text(wanted):
        return True
    ours, theirs = _to_number(value.value), _to_number(wanted)
    return ours is not None and ours == theirs


def _to_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return None


def literal_cell(value: Term) -> CellValue:
    """A literal as a data-extension value: int, float, ISO date-time, or string."""
    # xsd:gYear and xsd:gYearMonth stay strings: widening "2018-05" to a day would invent precision.
    datatype = value.datatype or ""
    if datatype in _INTEGER:
        try:
            return CellValue("int", int(value.value))
        except ValueError:
            return CellValue("str", value.value)
    if datatype in _NUMERIC:
        number = _to_number(value.value)
        return CellValue("float", number) if number is not None else CellValue("str", value.value)
    if datatype == str(XSD.dateTime) and _DATE_TIME.match(value.value):
        return CellValue("date", value.value)
    if datatype == str(XSD.date):
        day = _DATE.match(value.value)
        if day:
            return CellValue("date", f"{day.group(1)}T00:00:00{day.group(2) or 'Z'}")
    return CellValue("str", value.value, lang=value.lang)


def _property_name(vocab: Vocabulary, property_iri: str, lang: str) -> str:
    term = vocab.properties.get(property_iri)
    return term.name(lang) if term else to_curie(property_iri)


def _value_text(obj: Term, names: dict[str, Name]) -> str:
    if obj.is_literal:
        return obj.value
    name = names.get(obj.value)
    return (name.label_zh or name.label_en if name else None) or entity_id(obj.value)
