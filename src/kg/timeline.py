"""What happened, in order: events of the graph sorted by `ikg:sortDate`, with who took part.

An event belongs to an entity's timeline when the two are joined by any statement, in either
direction: the entity took part (`ikg:participant`, `prov:wasAssociatedWith`), was approved or
established, was the original or resulting organisation of a change, or points at the event
(`org:changedBy`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import BadRequestError
from kg.graphview import GraphView, Projection, property_dict
from kg.paths import (
    BACKWARD,
    FORWARD,
    Explained,
    PathFinder,
    Resolved,
    explain_node,
    prefetch_explained,
)

if TYPE_CHECKING:
    from kg.provenance import Citation

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Participant:
    """An entity joined to an event, and by which relation (direction relative to the event)."""

    node: Explained
    property: str
    label_zh: str | None
    label_en: str | None
    direction: str  # forward: event → entity; backward: entity → event

    def to_dict(self) -> dict[str, object]:
        """The participant as a node with its role."""
        data = self.node.to_dict()
        data["role"] = {**property_dict(self.property, self.label_zh, self.label_en),
                        "direction": self.direction}
        return data


@dataclass(frozen=True)
class TimelineEvent:
    """One event with its dates, participants and every citation of its statements."""

    event: Explained
    participants: tuple[Participant, ...]
    citations: tuple[Citation, ...]

    def to_dict(self) -> dict[str, object]:
        """The event as the contract's JSON."""
        node = self.event.node.to_dict()
        return {
            **{k: node[k] for k in ("id", "iri", "label", "types", "category")},
            "date": self.event.date, "sort_date": self.event.sort_date,
            "summary": {"zh": self.event.summary_zh, "en": self.event.summary_en},
            "participants": [p.to_dict() for p in self.participants],
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class Timeline:
    """Events in date order, optionally about one entity and within a date range."""

    entity: Resolved | None
    start: str | None
    end: str | None
    events: tuple[TimelineEvent, ...]
    total: int
    truncated: bool

    def to_dict(self) -> dict[str, object]:
        """The timeline as JSON-ready values."""
        return {
            "entity": self.entity.node.to_dict() if self.entity else None,
            "from": self.start, "to": self.end, "total": self.total,
            "events": [e.to_dict() for e in self.events],
            "truncated": self.truncated,
            "notes": [self.entity.note] if self.entity and self.entity.note else [],
        }


def check_date(value: str | None, name: str) -> str | None:
    """A YYYY, YYYY-MM or YYYY-MM-DD bound unchanged; raises BadRequestError otherwise."""
    if value is None or value == "":
        return None
    if not _DATE.match(value):
        raise BadRequestError(f"{name}={value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD.")
    return value


def _sort_key(projection: Projection, i: int) -> str | None:
    info = projection.event_info(i)
    return info.sort_date or (info.date.split("/")[0] if info.date else None)


def _within(key: str | None, start: str | None, end: str | None) -> bool:
    if start is None and end is None:
        return True
    if key is None:
        return False
    # Bounds may be coarser than the date: 2016 includes every day of 2016 on both ends.
    return (start is None or key[: len(start)] >= start) and (end is None or key[: len(end)] <= end)


def _participants(view: GraphView, projection: Projection, event: int) -> tuple[Participant, ...]:
    joined = [(j, key, FORWARD) for j, key in projection.out_edges(event)]
    joined += [(j, key, BACKWARD) for j, key in projection.in_edges(event)]
    participants = []
    for j, key, direction in joined:
        prop = projection.properties[key]
        zh, en = projection.property_labels(prop)
        participants.append(Participant(explain_node(projection, j), prop, zh, en, direction))
    participants.sort(key=lambda p: (p.node.node.iri, p.property, p.direction))
    return tuple(participants)


def _both_ways(projection: Projection, i: int) -> list[tuple[int, int]]:
    return [*projection.out_edges(i), *projection.in_edges(i)]


def _citations(view: GraphView, iri: str) -> tuple[Citation, ...]:
    """The citations of an event's statements, each span once: the statements of one event (its type,
    date, participants) are often cited by the same words, each by an evidence node of its own. Of
    the citations of one span the one with the curator's note is kept, else the first by IRI."""
    if view.provenance is None:
        return ()
    by_span: dict[tuple[str, int, int], Citation] = {}
    for citations in view.provenance.for_subject(iri).values():
        for citation in citations:
            key = (citation.document, citation.start, citation.end)
            kept = by_span.get(key)
            if kept is None or (citation.note is not None, kept.evidence) > (kept.note is not None,
                                                                             citation.evidence):
                by_span[key] = citation
    return tuple(sorted(by_span.values(), key=lambda c: (c.start, c.end, c.evidence)))


def timeline(finder: PathFinder, *, entity: str | None = None, start: str | None = None,
             end: str | None = None, limit: int = 100) -> Timeline:
    """Events in `ikg:sortDate` order, of `entity` (any form kg.naming reads) or of the whole graph;
    raises EntityNotFoundError / BadRequestError."""
    start, end = check_date(start, "from"), check_date(end, "to")
    view = finder.view
    resolved = finder.resolve(entity) if entity else None
    projection = view.projection()
    if resolved is not None:
        anchor = projection.index[resolved.node.iri]
        candidates = {j for j, _ in projection.out_edges(anchor)}
        candidates |= {j for j, _ in projection.in_edges(anchor)}
        if projection.is_event(anchor):
            candidates.add(anchor)
    else:
        candidates = set(range(len(projection.iris)))
    events = [i for i in candidates if projection.is_event(i)
              and _within(_sort_key(projection, i), start, end)]
    # Undated events go last; ties are broken by IRI (node numbers are in IRI order).
    events.sort(key=lambda i: (_sort_key(projection, i) is None, _sort_key(projection, i) or "", i))
    chosen = events[:limit]
    prefetch_explained(projection, {j for i in chosen for j, _ in _both_ways(projection, i)} | set(chosen))
    items = tuple(
        TimelineEvent(explain_node(projection, i), _participants(view, projection, i),
                      _citations(view, projection.iris[i]))
        for i in chosen
    )
    return Timeline(resolved, start, end, items, len(events), len(events) > limit)
