"""Browsing: lists of entities by type, date range and section, sorted and paged, with facets.

Each list of the web page's browse view (all funds, all facilities, all leading groups…) is one
`EntityBrowser.browse` call. A type includes its subclasses (ikg:Fund, or org:Organization for every
organisation). An entity's dates are the date literals it carries (dcterms:date, dcterms:issued,
schema:startDate, schema:endDate…; ikg:sortDate, a derived sort key, only when it has no other), and
it falls within a date range when the span from its earliest to its latest date meets the range, a
coarse bound covering all of its period (from=2016 includes 2016-02). Its sections are those of the
report that cite a statement about it (as subject or object), in the report's order.

The shelf of entity records is built once per store generation (like kg.graphview); a request filters,
counts and sorts it in memory. Facets count the entities of each type (and section) among those the
other filters leave, so that a facet says what choosing it would give.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import BadRequestError
from kg.graphview import GraphView, Node, Projection
from kg.lookup.pinyin import readings
from kg.namespaces import IKG, XSD, to_curie
from kg.naming import local_name, term_iri
from kg.timeline import check_date

if TYPE_CHECKING:
    from kg.provenance import Provenance
    from kg.store import Engine

SORTS = ("label", "date", "type")
ORDERS = ("asc", "desc")
LANGUAGES = ("zh", "en")
_DATE_TYPES = (XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth)
_DATES_QUERY = f"""
SELECT ?s ?p ?d WHERE {{
  ?s ?p ?d .
  FILTER(isIRI(?s) && isLiteral(?d) && DATATYPE(?d) IN ({", ".join(f"<{t}>" for t in _DATE_TYPES)}))
}}
"""
_SORT_DATE = str(IKG.sortDate)


@dataclass(frozen=True)
class BrowseQuery:
    """What to list: types (CURIE or IRI, subclasses included), a date range, a section; how to sort."""

    types: tuple[str, ...] = ()
    start: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    end: str | None = None
    section: str | None = None  # a section number, e.g. 二.4 (二 includes 二.1, 二.2…)
    sort: str = "label"  # label | date | type
    order: str = "asc"  # asc | desc
    lang: str = "zh"  # the labels sorted by (zh: in pinyin order)
    limit: int = 100
    offset: int = 0

    def checked(self, max_limit: int) -> BrowseQuery:
        """The query itself when every value is in range; raises BadRequestError naming the parameter."""
        for name, value, allowed in (("sort", self.sort, SORTS), ("order", self.order, ORDERS),
                                     ("lang", self.lang, LANGUAGES)):
            if value not in allowed:
                raise BadRequestError(f"Unknown {name}={value!r}; use one of {', '.join(allowed)}.")
        if not 1 <= self.limit <= max_limit:
            raise BadRequestError(f"limit={self.limit} is out of range; use 1 to {max_limit} (KG_MAX_ROWS).")
        if self.offset < 0:
            raise BadRequestError(f"offset={self.offset} must be at least 0.")
        check_date(self.start, "from")
        check_date(self.end, "to")
        return self


@dataclass(frozen=True)
class Record:
    """One entity as the browse view lists it."""

    index: int
    node: Node
    earliest: str | None
    latest: str | None
    sections: tuple[str, ...]  # in the report's order
    classes: frozenset[str]  # its classes and their superclasses

    def to_dict(self) -> dict[str, object]:
        """{"id", "iri", "label", "types", "category", "date", "sections"}."""
        node = self.node.to_dict()
        return {**{k: node[k] for k in ("id", "iri", "label", "types", "category")},
                "date": self.earliest, "sections": list(self.sections)}


@dataclass(frozen=True)
class Facet:
    """A value the list can be narrowed to, and how many entities it would leave."""

    key: str  # a class IRI, or a section number
    label_zh: str | None
    label_en: str | None
    count: int


@dataclass(frozen=True)
class Listing:
    """One page of a browse list, its total, and its facets."""

    total: int
    limit: int
    offset: int
    items: tuple[Record, ...]
    types: tuple[Facet, ...]
    sections: tuple[Facet, ...]

    def to_dict(self) -> dict[str, object]:
        """The contract's JSON: {"total", "limit", "offset", "items", "facets": {"types", "sections"}}."""
        return {
            "total": self.total, "limit": self.limit, "offset": self.offset,
            "items": [r.to_dict() for r in self.items],
            "facets": {
                "types": [{"curie": to_curie(f.key), "iri": f.key,
                           "label": {"zh": f.label_zh, "en": f.label_en}, "count": f.count}
                          for f in self.types],
                "sections": [{"number": f.key, "title": f.label_zh, "count": f.count}
                             for f in self.sections],
            },
        }


def _common(a: str, b: str) -> int:
    """-1, 0 or 1 as date `a` is before, within or after date `b`, compared to the coarser of the two."""
    n = min(len(a), len(b))
    return (a[:n] > b[:n]) - (a[:n] < b[:n])


def _meets(record: Record, start: str | None, end: str | None) -> bool:
    if start is None and end is None:
        return True
    if record.earliest is None or record.latest is None:
        return False
    return ((start is None or _common(record.latest, start) >= 0)
            and (end is None or _common(record.earliest, end) <= 0))


def _in_section(record: Record, section: str | None) -> bool:
    return section is None or any(s == section or s.startswith(section + ".") for s in record.sections)


def label_key(node: Node, lang: str) -> tuple[tuple[str, ...], str]:
    """How a label sorts: Chinese labels in pinyin order (first reading of each character), English
    ones case-folded; the label in `lang`, else the other, else the id."""
    first, second = (node.label_zh, node.label_en) if lang == "zh" else (node.label_en, node.label_zh)
    label = first or second or node.id
    if lang == "zh":
        return tuple(readings(c)[0] for c in label.casefold()), label
    return (label.casefold(),), label


class _Shelf:
    """Every entity's record for one store generation, and the section titles."""

    def __init__(self, projection: Projection, dates: dict[str, list[tuple[str, str]]],
                 provenance: Provenance) -> None:
        self.generation = projection.generation
        self.projection = projection
        cited: dict[str, dict[str, int]] = {}
        self.section_titles: dict[str, str | None] = {}
        section_start: dict[str, int] = {}
        for (s, _, o), citations in provenance.statements().items():
            for citation in citations:
                if citation.section is None:
                    continue
                self.section_titles.setdefault(citation.section, citation.section_title)
                first = min(section_start.get(citation.section, citation.start), citation.start)
                section_start[citation.section] = first
                for end in (s, o.value if o.is_iri else None):
                    if end is not None:
                        cited.setdefault(end, {})[citation.section] = 0
        in_order = sorted(section_start, key=section_start.__getitem__)
        self.section_order = {s: i for i, s in enumerate(in_order)}
        projection.prefetch(range(len(projection.iris)))
        self.records = [self._record(projection, i, dates.get(iri, []), cited.get(iri, {}))
                        for i, iri in enumerate(projection.iris)]
        self.known_classes = frozenset(c for r in self.records for c in r.classes)

    def _record(self, projection: Projection, i: int, dated: list[tuple[str, str]],
                sections: dict[str, int]) -> Record:
        own = [d for p, d in dated if p != _SORT_DATE] or [d for _, d in dated]
        ordered = sorted(sections, key=self.section_order.__getitem__)
        return Record(i, projection.node(i), min(own, default=None), max(own, default=None),
                      tuple(ordered), projection.classes_of(i))


class EntityBrowser:
    """Lists entities of the relation graph by type, date and section (see the module docstring)."""

    def __init__(self, store: Engine, view: GraphView, provenance: Provenance, *,
                 max_limit: int) -> None:
        self._store = store
        self._view = view
        self._provenance = provenance
        self._max_limit = max_limit
        self._lock = threading.Lock()
        self._shelf: _Shelf | None = None

    def shelf(self) -> _Shelf:
        """The records of the current store generation (built once per generation, under a lock)."""
        projection = self._view.projection()
        current = self._shelf
        if current is not None and current.generation == projection.generation:
            return current
        with self._lock:
            current = self._shelf
            if current is None or current.generation != projection.generation:
                dates: dict[str, list[tuple[str, str]]] = {}
                for s, p, d in self._store.select_values(_DATES_QUERY):
                    if s is not None and p is not None and d is not None and s in projection.index:
                        dates.setdefault(s, []).append((p, d))
                current = self._shelf = _Shelf(projection, dates, self._provenance)
            return current

    def browse(self, query: BrowseQuery) -> Listing:
        """One page of the entities `query` asks for, with facets; raises BadRequestError naming a bad
        parameter (an unknown type or section included)."""
        query = query.checked(self._max_limit)
        shelf = self.shelf()
        wanted = self._classes(shelf, query.types)
        if query.section is not None and query.section not in shelf.section_titles and not any(
                s.startswith(query.section + ".") for s in shelf.section_titles):
            known = ", ".join(sorted(shelf.section_titles, key=shelf.section_order.__getitem__))
            raise BadRequestError(f"section={query.section!r} is no section of the reports; use one of "
                                  f"{known}.")
        dated = [r for r in shelf.records if _meets(r, query.start, query.end)]
        in_section = [r for r in dated if _in_section(r, query.section)]
        chosen = [r for r in in_section if not wanted or r.classes & wanted]
        types = Counter(c for r in in_section for c in r.classes)
        sections = Counter(s for r in dated if not wanted or r.classes & wanted for s in r.sections)
        ordered = self._sorted(shelf, chosen, query)
        return Listing(len(chosen), query.limit, query.offset,
                       tuple(ordered[query.offset:query.offset + query.limit]),
                       self._type_facets(shelf.projection, types),
                       tuple(Facet(s, shelf.section_titles.get(s), None, n)
                             for s, n in sorted(sections.items(), key=lambda sn: shelf.section_order[sn[0]])))

    @staticmethod
    def _classes(shelf: _Shelf, types: tuple[str, ...]) -> frozenset[str]:
        wanted = frozenset(term_iri(t, what="type", bare=False) for t in types)
        unknown = sorted(to_curie(t) for t in wanted - shelf.known_classes)
        if unknown:
            raise BadRequestError(f"type={unknown[0]} has no entity in the graph; facets.types of GET "
                                  "/browse lists the types there are.")
        return wanted

    @staticmethod
    def _sorted(shelf: _Shelf, records: list[Record], query: BrowseQuery) -> list[Record]:
        descending = query.order == "desc"

        def by_label(r: Record) -> tuple[object, ...]:
            return (label_key(r.node, query.lang), r.node.iri)

        if query.sort == "date":
            dated = sorted((r for r in records if r.earliest), key=lambda r: (r.earliest, *by_label(r)),
                           reverse=descending)
            # Undated entities come last either way, by label.
            return dated + sorted((r for r in records if not r.earliest), key=by_label)
        if query.sort == "type":
            projection = shelf.projection

            def by_type(r: Record) -> tuple[object, ...]:
                category = next((t for t in r.node.types if local_name(t) == r.node.category), None)
                zh, en = projection.class_labels(category) if category else (None, None)
                name = (zh or en) if query.lang == "zh" else (en or zh)
                key = tuple(readings(c)[0] for c in name) if name and query.lang == "zh" else (name or "",)
                return (key or (r.node.category,), *by_label(r))

            return sorted(records, key=by_type, reverse=descending)
        return sorted(records, key=by_label, reverse=descending)

    @staticmethod
    def _type_facets(projection: Projection, counts: Counter[str]) -> tuple[Facet, ...]:
        facets = []
        for cls, count in sorted(counts.items(), key=lambda cn: (-cn[1], to_curie(cn[0]))):
            zh, en = projection.class_labels(cls)
            facets.append(Facet(cls, zh, en, count))
        return tuple(facets)
