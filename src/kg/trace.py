"""Implementation chains: from a deployment down to the bodies that carry it out, and back up.

A chain follows governance relations only, each in the sense that leads "down" from what is decided
to who carries it out:

    directive  ←implements / advances─  body          approval ─approvedThing→ centre
    approver ─approves→ centre ←governs─ council ←executiveBodyOf─ office ←unitOf─ division
    group ←handlesDailyWorkOf─ office,   office ─hasUnit→ division,   ministry ─leads/coLeads→ group ...

`trace(..., "down")` walks these from a deployment, directive, plan, policy or body; `"up"` walks
them backwards from a body to the deployments it serves. The answer lists every maximal chain
(a simple path that cannot be extended), with the same explained hops as paths. Two statements that
join the same two nodes (an inverse pair such as `org:hasUnit` / `org:unitOf`) are one hop, the other
named in its `also`, so no chain is listed twice. A hop that is a possible identity
(`ikg:possiblySameAs`) or a reading the curator had to explain carries its `doubt`, and its chain says
`doubtful`. The walk is bounded by the hop cap, Settings.max_chains and the time budget; hitting any
of them is reported.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.errors import BadRequestError
from kg.graphview import GraphView, Projection
from kg.namespaces import IKG, ORG
from kg.paths import (
    BACKWARD,
    FORWARD,
    Explained,
    Path,
    PathFinder,
    Resolved,
    explain_node,
    prefetch_explained,
)

if TYPE_CHECKING:
    from kg.config import Settings

#: Relation IRI → the statement directions that lead down (forward: subject → object).
Relations = Mapping[str, tuple[str, ...]]

#: Governance relations and the statement direction that leads down.
GOVERNANCE_DOWN: dict[str, tuple[str, ...]] = {
    str(IKG.leads): (FORWARD,),
    str(IKG.coLeads): (FORWARD,),
    str(IKG.establishes): (FORWARD,),
    str(IKG.approves): (FORWARD,),  # approver → what it approves
    str(IKG.approvedThing): (FORWARD,),  # approval → what it approves
    str(ORG.hasUnit): (FORWARD,),
    str(IKG.implements): (BACKWARD,),
    str(IKG.advances): (BACKWARD,),
    str(IKG.governs): (BACKWARD,),  # what is governed → the council or group that governs it
    str(IKG.executiveBodyOf): (BACKWARD,),
    str(IKG.handlesDailyWorkOf): (BACKWARD,),
    str(ORG.unitOf): (BACKWARD,),
    str(ORG.subOrganizationOf): (BACKWARD,),
    str(IKG.possiblySameAs): (FORWARD, BACKWARD),  # symmetric doubt: followed both ways
}
#: Relations that state one fact from either end: walked together they are one hop, not two.
INVERSE: dict[str, str] = {
    str(ORG.hasUnit): str(ORG.unitOf), str(ORG.unitOf): str(ORG.hasUnit),
    str(ORG.subOrganizationOf): str(ORG.hasSubOrganization),
    str(ORG.hasSubOrganization): str(ORG.subOrganizationOf),
    str(IKG.possiblySameAs): str(IKG.possiblySameAs),
}
DIRECTIONS = ("down", "up")
_CLOCK_EVERY = 64

#: One step of a chain: (from node, to node, joins), joins being (property number, direction) pairs,
#: the hop's own statement first.
Step = tuple[int, int, tuple[tuple[int, str], ...]]


class _OutOfTimeError(Exception):
    """The time budget ran out while walking."""


@dataclass(frozen=True)
class TraceResult:
    """Every maximal implementation chain from a start entity, up or down."""

    start: Resolved
    direction: str
    chains: tuple[Path, ...]
    truncated: bool
    reason: str | None
    start_node: Explained = field(repr=False, compare=False)
    relations: tuple[str, ...] = tuple(sorted(GOVERNANCE_DOWN))

    def to_dict(self) -> dict[str, object]:
        """The answer as JSON-ready values."""
        return {
            "start": self.start_node.to_dict(),
            "direction": self.direction,
            "relations": list(self.relations),
            "chains": [c.to_dict() for c in self.chains],
            "truncated": self.truncated,
            "reason": self.reason,
            "notes": [self.start.note] if self.start.note else [],
        }


class Walk:
    """Depth-first enumeration of maximal simple chains along the given relations."""

    def __init__(self, projection: Projection, direction: str, max_hops: int, deadline: float,
                 max_chains: int, relations: Relations = GOVERNANCE_DOWN) -> None:
        self.p = projection
        self.max_chains = max_chains
        self.up = direction == "up"
        self.max_hops = max_hops
        self.deadline = deadline
        self.relations = relations
        self.chains: list[list[Step]] = []
        self.capped_by: str | None = None
        self.timed_out = False
        self._ticks = 0

    def steps(self, u: int) -> list[tuple[int, tuple[tuple[int, str], ...]]]:
        """(next node, joins) of every step from `u`; a fact stated from both ends is one step."""
        joins: dict[int, list[tuple[int, str]]] = {}
        for j, key in self.p.out_edges(u):
            if self._leads_on(self.p.properties[key], FORWARD):
                joins.setdefault(j, []).append((key, FORWARD))
        for j, key in self.p.in_edges(u):
            if self._leads_on(self.p.properties[key], BACKWARD):
                joins.setdefault(j, []).append((key, BACKWARD))
        return [(j, step) for j, found in joins.items() for step in self._facts(found)]

    def _facts(self, joins: list[tuple[int, str]]) -> list[tuple[tuple[int, str], ...]]:
        """Joins of one node pair grouped by fact: a statement and its inverse go together, the
        forward statement first (it is the one the hop walks)."""
        props = self.p.properties
        facts: list[list[tuple[int, str]]] = []
        for key, direction in sorted(joins, key=lambda kd: (kd[1] != FORWARD, props[kd[0]])):
            same = next((f for f in facts if f[0][1] != direction
                         and INVERSE.get(props[f[0][0]]) == props[key]), None)
            if same is None:
                facts.append([(key, direction)])
            else:
                same.append((key, direction))
        return [tuple(f) for f in facts]

    def _leads_on(self, prop: str, direction: str) -> bool:
        downward = self.relations.get(prop, ())
        if self.up:
            direction = BACKWARD if direction == FORWARD else FORWARD
        return direction in downward

    def run(self, origin: int) -> None:
        """Walk from `origin`; keeps what was found when the time budget runs out."""
        try:
            self.walk(origin, [], {origin})
        except _OutOfTimeError:
            self.timed_out = True

    def walk(self, u: int, chain: list[Step], on_chain: set[int]) -> None:
        """Extend `chain` from `u`; record it when it cannot be extended or hits the hop cap."""
        self._ticks += 1
        if self._ticks % _CLOCK_EVERY == 0 and time.monotonic() > self.deadline:
            raise _OutOfTimeError
        if len(self.chains) >= self.max_chains:
            self.capped_by = "chains"
            return
        steps = [s for s in self.steps(u) if s[0] not in on_chain]
        if not steps or len(chain) >= self.max_hops:
            if steps:
                self.capped_by = self.capped_by or "hops"
            if chain:
                self.chains.append(list(chain))
            return
        for v, joins in steps:
            chain.append((u, v, joins))
            on_chain.add(v)
            self.walk(v, chain, on_chain)
            on_chain.discard(v)
            chain.pop()

    def reason(self, budget: float) -> str | None:
        """Why the chains may be incomplete, or None."""
        parts = []
        if self.timed_out:
            parts.append(f"the time budget of {budget:g} s ran out (KG_PATH_TIME_BUDGET)")
        if self.capped_by == "chains":
            parts.append(f"stopped at {self.max_chains} chains (KG_MAX_CHAINS)")
        elif self.capped_by == "hops":
            parts.append(f"some chains go on past {self.max_hops} hops (max_hops)")
        return "; ".join(parts) if parts else None


def check_hops(settings: Settings, max_hops: int | None) -> int:
    """The hop cap of a walk (default KG_MAX_HOPS); raises BadRequestError when out of range."""
    hops = settings.max_hops if max_hops is None else max_hops
    if not 1 <= hops <= settings.max_hops:
        raise BadRequestError(f"max_hops={hops} is out of range; use 1 to {settings.max_hops} "
                              "(KG_MAX_HOPS).")
    return hops


def trace(finder: PathFinder, entity: str, direction: str, *, max_hops: int | None = None) -> TraceResult:
    """Implementation chains from `entity`, "down" or "up"; raises EntityNotFoundError/BadRequestError."""
    settings: Settings = finder.settings
    if direction not in DIRECTIONS:
        raise BadRequestError(f"Unknown trace direction {direction!r}; use 'down' or 'up'.")
    hops = check_hops(settings, max_hops)
    view: GraphView = finder.view
    start = finder.resolve(entity)
    projection = view.projection()
    origin = projection.index[start.node.iri]
    budget = settings.path_time_budget
    walk = Walk(projection, direction, hops, time.monotonic() + budget, settings.max_chains)
    walk.run(origin)
    prefetch_explained(projection, {origin} | {n for c in walk.chains for a, b, _ in c for n in (a, b)})
    chains = tuple(explain_chain(finder, projection, c) for c in walk.chains)
    reason = walk.reason(budget)
    return TraceResult(start, direction, chains, reason is not None, reason,
                       explain_node(projection, origin))


def explain_chain(finder: PathFinder, projection: Projection, chain: list[Step]) -> Path:
    """The explained hops of a walked chain (each with its citations, dates and doubt)."""
    hops = []
    for a, b, joins in chain:
        (key, direction), *others = joins
        also = tuple((projection.properties[k], d) for k, d in others)
        hops.append(finder.hop(projection, explain_node(projection, a), explain_node(projection, b), a, b,
                               projection.properties[key], direction, also))
    return Path(tuple(hops))
