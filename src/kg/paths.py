"""Explained paths between two entities: k shortest simple paths, each hop with its evidence.

The search is bounded by construction (docs/engine-notes.md §2: an unbounded simple-path enumeration ran past
10 s on hubs):

- Yen's k-shortest-simple-paths, whose shortest-path step is a bidirectional breadth-first search
  that expands the smaller frontier one whole level at a time;
- a hop cap (`max_hops`, at most `Settings.max_hops`) and a result cap (`k`, at most
  `Settings.max_paths`);
- a time budget (`Settings.path_time_budget`) checked inside the search loops;
- hub handling: a node with more than `Settings.path_hub_degree` neighbours is never passed
  *through* (it may still be the source or the target). Hubs (a city, a generic "government"
  node) connect everything to everything and make paths through them both slow to find and
  meaningless to read.

When a cap, the budget or a skipped hub may have hidden a path, the answer says `truncated: true`
and gives the `reason`. Nodes are numbered in IRI order and the search visits neighbours in that
order, so the same request gives the same answer.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from kg.errors import BadRequestError
from kg.graphview import (
    GraphView,
    Node,
    Projection,
    PropertyFilter,
    TypeFilter,
    property_dict,
)
from kg.namespaces import IKG, ORG, PROV
from kg.naming import EntityResolver, Resolution, entity_id

if TYPE_CHECKING:
    from kg.config import Settings
    from kg.provenance import Citation

#: How many node expansions happen between two looks at the clock.
_CLOCK_EVERY = 64

FORWARD, BACKWARD = "forward", "backward"


class _OutOfTimeError(Exception):
    """The time budget ran out inside a search loop."""


# -- explained hops -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explained:
    """A node as an answer shows it: the Node, plus what an event node says happened."""

    node: Node
    date: str | None = None
    sort_date: str | None = None
    summary_zh: str | None = None
    summary_en: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The node as JSON-ready values; events carry `event` with their date and summary (null for
        other nodes, as the API's response model writes it)."""
        data = self.node.to_dict()
        data["event"] = None
        if self.summary_en is not None:
            data["event"] = {
                "date": self.date, "sort_date": self.sort_date,
                "summary": {"zh": self.summary_zh, "en": self.summary_en},
            }
        return data


#: Why a possible-identity hop is in doubt when its evidence carries no note of its own.
_SAME_AS_REASON = ("报告未说明二者是否为同一机构。", "The report does not say whether the two are one body.")
POSSIBLE_IDENTITY, CURATOR_READING = "possible_identity", "curator_reading"


@dataclass(frozen=True)
class Doubt:
    """Why a hop is not certain: an identity the report leaves open, or a reading that needs context."""

    kind: str  # possible_identity (ikg:possiblySameAs) | curator_reading (every span's note)
    reason_zh: str | None
    reason_en: str | None

    def to_dict(self) -> dict[str, object]:
        """{"kind", "reason": {"zh", "en"}}."""
        return {"kind": self.kind, "reason": {"zh": self.reason_zh, "en": self.reason_en}}


def find_doubt(prop: str, citations: Sequence[Citation]) -> Doubt | None:
    """The doubt of a statement: a possible identity, or a reading every citation had to explain."""
    noted = next((c.note for c in citations if c.note), None)
    if prop == str(IKG.possiblySameAs):
        zh, en = (noted.zh, noted.en) if noted else _SAME_AS_REASON
        return Doubt(POSSIBLE_IDENTITY, zh, en)
    if citations and noted and all(c.note for c in citations):
        return Doubt(CURATOR_READING, noted.zh, noted.en)
    return None  # some span states it without needing context (or nothing cites it)


@dataclass(frozen=True)
class Hop:
    """One step of a path: the statement walked, in which direction, when, and where it is cited."""

    frm: Explained
    to: Explained
    property: str
    label_zh: str | None
    label_en: str | None
    direction: str  # forward: frm → to is the statement's direction; backward: to → frm
    dates: tuple[str, ...]
    citations: tuple[Citation, ...]
    also: tuple[tuple[str, str], ...] = ()  # other (property, direction) joining the same nodes
    doubt: Doubt | None = None  # set when the hop is a possible identity or a noted reading

    def to_dict(self) -> dict[str, object]:
        """The hop as JSON-ready values."""
        subject, obj = (self.frm, self.to) if self.direction == FORWARD else (self.to, self.frm)
        return {
            "from": self.frm.to_dict(), "to": self.to.to_dict(),
            "property": property_dict(self.property, self.label_zh, self.label_en),
            "direction": self.direction,
            "statement": {
                "zh": f"{_name(subject.node, 'zh')} {self.label_zh or self.label_en} "
                      f"{_name(obj.node, 'zh')}",
                "en": f"{_name(subject.node, 'en')} {self.label_en} {_name(obj.node, 'en')}",
            },
            "dates": list(self.dates),
            "citations": [c.to_dict() for c in self.citations],
            "also": [{"property": p, "direction": d} for p, d in self.also],
            "doubt": self.doubt.to_dict() if self.doubt else None,
        }


@dataclass(frozen=True)
class Path:
    """A sequence of hops from the source to the target."""

    hops: tuple[Hop, ...]

    def iris(self) -> list[str]:
        """IRIs of the nodes along the path, source first."""
        if not self.hops:
            return []
        return [self.hops[0].frm.node.iri, *(h.to.node.iri for h in self.hops)]

    @property
    def doubtful(self) -> bool:
        """Whether a hop of the path is in doubt (see `Hop.doubt`)."""
        return any(h.doubt for h in self.hops)

    def to_dict(self) -> dict[str, object]:
        """The path as JSON-ready values; `doubtful` says whether a hop's `doubt` is set."""
        return {"length": len(self.hops), "hops": [h.to_dict() for h in self.hops],
                "doubtful": self.doubtful}


@dataclass(frozen=True)
class Resolved:
    """An entity named by the caller, and how the name was understood."""

    node: Node
    matched_by: str  # iri | curie | id | name (kg.naming.Resolution.how)
    note: str | None = None  # e.g. which hit an ambiguous name resolved to


@dataclass(frozen=True)
class PathResult:
    """The answer of a path search."""

    source: Resolved
    target: Resolved
    paths: tuple[Path, ...]
    truncated: bool
    reason: str | None
    projection: Projection = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        """The answer as the contract's JSON."""
        notes = [r.note for r in (self.source, self.target) if r.note]
        return {
            "source": explain_node(self.projection, self.projection.index[self.source.node.iri]).to_dict(),
            "target": explain_node(self.projection, self.projection.index[self.target.node.iri]).to_dict(),
            "paths": [p.to_dict() for p in self.paths],
            "truncated": self.truncated,
            "reason": self.reason,
            "notes": notes,
        }


def _name(node: Node, lang: str) -> str:
    label = node.label_zh if lang == "zh" else node.label_en
    return label or node.label_en or node.label_zh or entity_id(node.iri)


# -- event summaries ------------------------------------------------------------------------------

_ROLE_THING = (str(IKG.approvedThing), str(IKG.establishedThing), str(IKG.resultedIn))
_ROLE_AGENT = (str(PROV.wasAssociatedWith),)
_ROLE_ORIGINAL = (str(ORG.originalOrganization),)
_ROLE_RESULT = (str(ORG.resultingOrganization),)
_VERBS = {  # category: (en verb, zh verb) for "<thing> <verb> in <date> by <agent>"
    "Approval": ("approved", "批复"),
    "Establishment": ("established", "设立"),
}
_CHANGES = {"Renaming": ("renamed to", "更名为"), "Reorganisation": ("reorganised into", "重组为")}


def _roles(projection: Projection, event: int) -> dict[str, list[Node]]:
    roles: dict[str, list[Node]] = {}
    for j, key in projection.out_edges(event):
        roles.setdefault(projection.properties[key], []).append(projection.node(j))
    return roles


def _names(nodes: Sequence[Node], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(_name(n, lang) for n in nodes)


def _pick(roles: dict[str, list[Node]], keys: Sequence[str]) -> list[Node]:
    return [n for k in keys for n in roles.get(k, [])]


def describe_event(projection: Projection, event: int) -> tuple[str, str]:
    """A one-line (zh, en) account of an event from its type, date and participants."""
    node, info = projection.node(event), projection.event_info(event)
    roles = _roles(projection, event)
    when_en = f" in {info.date}" if info.date else ""
    when_zh = info.date or ""
    agents, things = _pick(roles, _ROLE_AGENT), _pick(roles, _ROLE_THING)
    if node.category in _VERBS and things:
        en_verb, zh_verb = _VERBS[node.category]
        by_en = f" by {_names(agents, 'en')}" if agents else ""
        return (f"{when_zh}{_names(agents, 'zh')}{zh_verb}{_names(things, 'zh')}",
                f"{_names(things, 'en')} {en_verb}{when_en}{by_en}")
    original, result = _pick(roles, _ROLE_ORIGINAL), _pick(roles, _ROLE_RESULT)
    if node.category in _CHANGES and original and result:
        en_verb, zh_verb = _CHANGES[node.category]
        return (f"{when_zh}{_names(original, 'zh')}{zh_verb}{_names(result, 'zh')}",
                f"{_names(original, 'en')} {en_verb} {_names(result, 'en')}{when_en}")
    others = sorted({n.iri: n for ns in roles.values() for n in ns}.values(), key=lambda n: n.iri)
    zh_class, en_class = projection.class_labels(next(
        (t for t in node.types if t.endswith(node.category)), node.category))
    with_en = f" with {_names(others, 'en')}" if others else ""
    with_zh = f"，涉及{_names(others, 'zh')}" if others else ""
    return (f"{when_zh}{_name(node, 'zh')}（{zh_class or en_class}）{with_zh}",
            f"{en_class} “{_name(node, 'en')}”{when_en}{with_en}")


def prefetch_explained(projection: Projection, nodes: Iterable[int]) -> None:
    """Read in one go the labels that explaining `nodes` needs (events name their participants)."""
    chosen = set(nodes)
    events = [i for i in chosen if projection.is_event(i)]
    projection.prefetch(chosen.union(*({j for j, _ in projection.out_edges(e)} for e in events)))


def explain_node(projection: Projection, i: int) -> Explained:
    """Node `i` as answers show it (events with their date and a one-line summary)."""
    node = projection.node(i)
    if not projection.is_event(i):
        return Explained(node)
    info = projection.event_info(i)
    zh, en = describe_event(projection, i)
    return Explained(node, info.date, info.sort_date, zh, en)


# -- resolving names ------------------------------------------------------------------------------

def resolved_node(projection: Projection, resolution: Resolution) -> Resolved:
    """A resolution of the relation graph as the node it names (kg.naming resolved it)."""
    return Resolved(projection.node(projection.index[resolution.iri]), resolution.how, resolution.note)


# -- the search -----------------------------------------------------------------------------------

#: Hops a path request follows when it names none (callers cap it at Settings.max_hops).
DEFAULT_MAX_HOPS = 6


@dataclass(frozen=True)
class PathQuery:
    """What to search for: between whom, how many, how far, along what."""

    source: str
    target: str
    k: int = 3
    max_hops: int = DEFAULT_MAX_HOPS
    directed: bool = False
    properties: PropertyFilter = field(default_factory=PropertyFilter)
    types: TypeFilter = field(default_factory=TypeFilter)


class _Search:
    """One bounded path search over a projection snapshot."""

    def __init__(self, projection: Projection, query: PathQuery, source: int, target: int,
                 deadline: float, hub_degree: int) -> None:
        self.p = projection
        self.query = query
        self.source, self.target = source, target
        self.deadline = deadline
        self.hub_degree = hub_degree
        self.hubs_skipped: set[int] = set()
        self.type_blocked = False
        self._ticks = 0
        # One fact stated both ways is one relation: avoiding 内设于 avoids 内设 too (as the exports do).
        relations = query.properties.paired(projection.primary_of)
        allowed = [relations.allows(prop) for prop in projection.properties]
        self.all_allowed = all(allowed)
        self.allowed_keys = frozenset(k for k, ok in enumerate(allowed) if ok)
        self._passable: dict[int, bool] = {}
        self.found: list[tuple[int, ...]] = []  # kept when the budget interrupts the search

    def _tick(self) -> None:
        self._ticks += 1
        if self._ticks % _CLOCK_EVERY == 0 and time.monotonic() > self.deadline:
            raise _OutOfTimeError

    def _ok(self, keys: object) -> bool:
        return self.all_allowed or not self.allowed_keys.isdisjoint(keys)  # type: ignore[arg-type]

    def moves(self, u: int, forward: bool) -> Iterator[int]:
        """Nodes one allowed hop away from `u`, walking the path forward or (target side) backward."""
        for v, keys in self.p.neighbours(u, outgoing=forward):
            if self._ok(keys):
                yield v
        if not self.query.directed:
            for v, keys in self.p.neighbours(u, outgoing=not forward):
                if self._ok(keys):
                    yield v

    def passable(self, v: int) -> bool:
        """Whether `v` may be on a path: an endpoint, or a non-hub of an allowed type."""
        if v == self.source or v == self.target:
            return True
        ok = self._passable.get(v)
        if ok is None:
            ok = True
            if self.p.degree[v] > self.hub_degree:
                self.hubs_skipped.add(v)
                ok = False
            elif not self.query.types.allows(self.p, v):
                self.type_blocked = True
                ok = False
            self._passable[v] = ok
        return ok

    def shortest(self, s: int, t: int, max_len: int, banned: set[int],
                 banned_pairs: set[tuple[int, int]]) -> list[int] | None:
        """A shortest path s → t of at most `max_len` hops avoiding banned nodes and steps."""
        if s == t:
            return [s]
        pred: dict[int, int | None] = {s: None}
        succ: dict[int, int | None] = {t: None}
        fwd, bwd = [s], [t]
        depth_f = depth_b = 0
        while fwd and bwd and depth_f + depth_b < max_len:
            forward = len(fwd) <= len(bwd)
            frontier, mine, other = (fwd, pred, succ) if forward else (bwd, succ, pred)
            following: list[int] = []
            for u in frontier:
                self._tick()
                for v in self.moves(u, forward):
                    step = (u, v) if forward else (v, u)
                    if v in mine or v in banned or step in banned_pairs or not self.passable(v):
                        continue
                    mine[v] = u
                    if v in other:
                        return _join(v, pred, succ)
                    following.append(v)
            if forward:
                fwd, depth_f = following, depth_f + 1
            else:
                bwd, depth_b = following, depth_b + 1
        return None

    def k_shortest(self, k: int) -> list[tuple[int, ...]]:
        """Yen's k shortest simple paths (as node tuples), shortest first, ties in IRI order."""
        max_hops = self.query.max_hops
        first = self.shortest(self.source, self.target, max_hops, set(), set())
        if first is None:
            return []
        found = self.found
        found.append(tuple(first))
        seen = {found[0]}
        candidates: list[tuple[int, tuple[int, ...]]] = []
        while len(found) < k:
            last = found[-1]
            for j in range(len(last) - 1):
                root = last[: j + 1]
                banned_pairs = {(p[j], p[j + 1]) for p in found if len(p) > j + 1 and p[: j + 1] == root}
                spur = self.shortest(root[-1], self.target, max_hops - j, set(root[:-1]), banned_pairs)
                if spur is None:
                    continue
                candidate = root[:-1] + tuple(spur)
                if candidate not in seen:
                    seen.add(candidate)
                    heapq.heappush(candidates, (len(candidate), candidate))
            if not candidates:
                break
            found.append(heapq.heappop(candidates)[1])
        return found


def _join(meet: int, pred: dict[int, int | None], succ: dict[int, int | None]) -> list[int]:
    path: list[int] = []
    node: int | None = meet
    while node is not None:
        path.append(node)
        node = pred[node]
    path.reverse()
    node = succ[meet]
    while node is not None:
        path.append(node)
        node = succ[node]
    return path


class PathFinder:
    """Finds and explains paths over a GraphView, within the configured limits."""

    def __init__(self, view: GraphView, settings: Settings, resolver: EntityResolver, *,
                 hub_degree: int | None = None) -> None:
        self.view = view
        self.settings = settings
        self.resolver = resolver
        self.hub_degree = settings.path_hub_degree if hub_degree is None else hub_degree

    def resolve(self, text: str) -> Resolved:
        """The node of the relation graph `text` names (id, CURIE, IRI or name; kg.naming);
        raises EntityNotFoundError / BadRequestError."""
        projection = self.view.projection()
        return resolved_node(projection, self.resolver.resolve(text, among=projection.index))

    def check(self, query: PathQuery) -> None:
        """Raise BadRequestError when the query asks past the configured limits."""
        if not 1 <= query.k <= self.settings.max_paths:
            raise BadRequestError(f"k={query.k} is out of range; ask for 1 to "
                                  f"{self.settings.max_paths} paths (KG_MAX_PATHS).")
        if not 1 <= query.max_hops <= self.settings.max_hops:
            raise BadRequestError(f"max_hops={query.max_hops} is out of range; use 1 to "
                                  f"{self.settings.max_hops} (KG_MAX_HOPS).")

    def find_paths(self, query: PathQuery) -> PathResult:
        """The k shortest explained paths; raises EntityNotFoundError / BadRequestError."""
        self.check(query)
        source = self.resolve(query.source)
        target = self.resolve(query.target)
        projection = self.view.projection()
        s, t = projection.index[source.node.iri], projection.index[target.node.iri]
        budget = self.settings.path_time_budget
        search = _Search(projection, query, s, t, time.monotonic() + budget, self.hub_degree)
        timed_out = False
        try:
            if s != t:
                search.k_shortest(query.k)
        except _OutOfTimeError:
            timed_out = True  # keep the paths found before the budget ran out
        found = list(search.found)
        found.sort(key=lambda nodes: (len(nodes), nodes))
        prefetch_explained(projection, {i for nodes in found for i in nodes} | {s, t})
        paths = tuple(self.explain(projection, nodes, query) for nodes in found)
        reason = _reason(search, query, paths, timed_out, budget, source, target, projection)
        truncated = timed_out or bool(search.hubs_skipped and len(paths) < query.k)
        return PathResult(source, target, paths, truncated, reason, projection)

    def explain(self, projection: Projection, nodes: Sequence[int], query: PathQuery) -> Path:
        """The hops of a node sequence, each with its relation, direction, dates and citations."""
        explained = {i: explain_node(projection, i) for i in nodes}
        hops = []
        for a, b in pairwise(nodes):
            joins = _joins(projection, a, b, query)
            prop, direction = joins[0]
            hops.append(self.hop(projection, explained[a], explained[b], a, b, prop, direction,
                                  tuple(joins[1:])))
        return Path(tuple(hops))

    def hop(self, projection: Projection, frm: Explained, to: Explained, a: int, b: int,
            prop: str, direction: str, also: tuple[tuple[str, str], ...]) -> Hop:
        """The explained hop a → b along statement `prop` (its citations and dates included)."""
        subject, obj = (a, b) if direction == FORWARD else (b, a)
        citations = self.view.citations(projection.iris[subject], prop, projection.iris[obj])
        dates = {d for d in (frm.date, to.date) if d}
        for citation in citations:
            via = projection.find_index(citation.derived_via) if citation.derived_via else None
            if via is not None and projection.event_info(via).date:
                dates.add(projection.event_info(via).date or "")
        zh, en = projection.property_labels(prop)
        return Hop(frm, to, prop, zh, en, direction, tuple(sorted(dates)), citations, also,
                   find_doubt(prop, citations))


def _joins(projection: Projection, a: int, b: int, query: PathQuery) -> list[tuple[str, str]]:
    """(property, direction) of the allowed statements joining a and b; forward ones first."""
    forward = [(projection.properties[k], FORWARD) for k in projection.properties_between(a, b)]
    backward = [] if query.directed else [
        (projection.properties[k], BACKWARD) for k in projection.properties_between(b, a)]
    relations = query.properties.paired(projection.primary_of)
    joins = sorted(j for j in forward if relations.allows(j[0]))
    joins += sorted(j for j in backward if relations.allows(j[0]))
    return joins


def _reason(search: _Search, query: PathQuery, paths: Sequence[Path], timed_out: bool,
            budget: float, source: Resolved, target: Resolved, projection: Projection) -> str | None:
    parts: list[str] = []
    if timed_out:
        parts.append(f"the time budget of {budget:g} s ran out (KG_PATH_TIME_BUDGET)")
    if search.hubs_skipped and len(paths) < query.k:
        hubs = sorted(search.hubs_skipped)[:5]
        names = ", ".join(entity_id(projection.iris[h]) for h in hubs)
        parts.append(f"hub nodes with more than {search.hub_degree} neighbours were not passed "
                     f"through ({len(search.hubs_skipped)}: {names}"
                     f"{', ...' if len(search.hubs_skipped) > 5 else ''})")
    if not paths and not timed_out:
        if source.node.iri == target.node.iri:
            parts.insert(0, "source and target are the same entity")
        else:
            how = "directed " if query.directed else ""
            parts.insert(0, f"no {how}path of at most {query.max_hops} hops between "
                            f"{entity_id(source.node.iri)} and {entity_id(target.node.iri)}")
            if search.type_blocked or not search.all_allowed:
                parts.append("the relation/type filters excluded some routes")
    return "; ".join(parts) if parts else None
