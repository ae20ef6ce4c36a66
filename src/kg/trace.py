"""Implementation chains: from a deployment down to the bodies that carry it out, and back up.

A chain follows governance relations only, each in the sense that leads "down" from what is decided
to who carries it out:

    directive  ←implements─  leading group  ←executiveBodyOf / handlesDailyWorkOf─  office
    office  ←unitOf─ division,   office ─hasUnit→ division,   ministry ─leads/coLeads→ group ...

`trace(..., "down")` walks these from a deployment, directive, plan, policy or body; `"up"` walks
them backwards from a body to the deployments it serves. The answer lists every maximal chain
(a simple path that cannot be extended), with the same explained hops as paths. The walk is bounded
by the hop cap, Settings.max_chains and the time budget; hitting any of them is reported.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
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

#: Governance relations and the statement direction that leads down (forward: subject → object).
GOVERNANCE_DOWN: dict[str, tuple[str, ...]] = {
    str(IKG.leads): (FORWARD,),
    str(IKG.coLeads): (FORWARD,),
    str(IKG.establishes): (FORWARD,),
    str(ORG.hasUnit): (FORWARD,),
    str(IKG.executiveBodyOf): (BACKWARD,),
    str(IKG.handlesDailyWorkOf): (BACKWARD,),
    str(IKG.implements): (BACKWARD,),
    str(ORG.unitOf): (BACKWARD,),
    str(ORG.subOrganizationOf): (BACKWARD,),
    str(IKG.possiblySameAs): (FORWARD, BACKWARD),  # symmetric doubt: followed both ways
}
DIRECTIONS = ("down", "up")
_CLOCK_EVERY = 64


class _OutOfTime(Exception):
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

    def to_dict(self) -> dict[str, object]:
        """The answer as JSON-ready values."""
        return {
            "start": self.start_node.to_dict(),
            "direction": self.direction,
            "relations": sorted(GOVERNANCE_DOWN),
            "chains": [c.to_dict() for c in self.chains],
            "truncated": self.truncated,
            "reason": self.reason,
            "notes": [self.start.note] if self.start.note else [],
        }


class _Walk:
    """Depth-first enumeration of maximal simple chains along governance relations."""

    def __init__(self, projection: Projection, direction: str, max_hops: int, deadline: float,
                 max_chains: int) -> None:
        self.p = projection
        self.max_chains = max_chains
        self.up = direction == "up"
        self.max_hops = max_hops
        self.deadline = deadline
        self.chains: list[list[tuple[int, int, int, str]]] = []  # (from, to, property, direction)
        self.capped_by: str | None = None
        self._ticks = 0

    def steps(self, u: int) -> Iterator[tuple[int, int, str]]:
        """(next node, property number, statement direction) of every governance step from `u`."""
        for j, key in self.p.out_edges(u):
            if self._leads_on(self.p.properties[key], FORWARD):
                yield j, key, FORWARD
        for j, key in self.p.in_edges(u):
            if self._leads_on(self.p.properties[key], BACKWARD):
                yield j, key, BACKWARD

    def _leads_on(self, prop: str, direction: str) -> bool:
        downward = GOVERNANCE_DOWN.get(prop, ())
        if self.up:
            direction = BACKWARD if direction == FORWARD else FORWARD
        return direction in downward

    def walk(self, u: int, chain: list[tuple[int, int, int, str]], on_chain: set[int]) -> None:
        """Extend `chain` from `u`; record it when it cannot be extended or hits the hop cap."""
        self._ticks += 1
        if self._ticks % _CLOCK_EVERY == 0 and time.monotonic() > self.deadline:
            raise _OutOfTime
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
        for v, key, direction in steps:
            chain.append((u, v, key, direction))
            on_chain.add(v)
            self.walk(v, chain, on_chain)
            on_chain.discard(v)
            chain.pop()


def trace(finder: PathFinder, entity: str, direction: str, *, max_hops: int | None = None) -> TraceResult:
    """Implementation chains from `entity`, "down" or "up"; raises EntityNotFoundError/BadRequestError."""
    settings: Settings = finder.settings
    if direction not in DIRECTIONS:
        raise BadRequestError(f"Unknown trace direction {direction!r}; use 'down' or 'up'.")
    hops = settings.max_hops if max_hops is None else max_hops
    if not 1 <= hops <= settings.max_hops:
        raise BadRequestError(f"max_hops={hops} is out of range; use 1 to {settings.max_hops} "
                              "(KG_MAX_HOPS).")
    view: GraphView = finder.view
    start = finder.resolve(entity)
    projection = view.projection()
    origin = projection.index[start.node.iri]
    budget = settings.path_time_budget
    walk = _Walk(projection, direction, hops, time.monotonic() + budget, settings.max_chains)
    timed_out = False
    try:
        walk.walk(origin, [], {origin})
    except _OutOfTime:
        timed_out = True  # keep the chains recorded so far
    prefetch_explained(projection, {origin} | {n for c in walk.chains for a, b, _, _ in c for n in (a, b)})
    chains = tuple(_explain_chain(finder, projection, c) for c in walk.chains)
    reason = _reason(walk, timed_out, budget, hops)
    return TraceResult(start, direction, chains, reason is not None, reason,
                       explain_node(projection, origin))


def _explain_chain(finder: PathFinder, projection: Projection,
                   chain: list[tuple[int, int, int, str]]) -> Path:
    hops = []
    for a, b, key, direction in chain:
        hop = finder.hop(projection, explain_node(projection, a), explain_node(projection, b), a, b,
                          projection.properties[key], direction, ())
        hops.append(hop)
    return Path(tuple(hops))


def _reason(walk: _Walk, timed_out: bool, budget: float, hops: int) -> str | None:
    parts = []
    if timed_out:
        parts.append(f"the time budget of {budget:g} s ran out (KG_PATH_TIME_BUDGET)")
    if walk.capped_by == "chains":
        parts.append(f"stopped at {walk.max_chains} chains (KG_MAX_CHAINS)")
    elif walk.capped_by == "hops":
        parts.append(f"some chains go on past {hops} hops (max_hops)")
    return "; ".join(parts) if parts else None
