"""Deployments: which body implements which national or municipal deployment, and every doubt on the way.

A deployment is anything typed `ikg:Deployment` (a directive, an approval, a plan, a set of decisions);
`ikg:NationalDeployment` and `ikg:MunicipalDeployment` give its level. For each one the view gives:

- its issuers, each a cited hop: who issued the requirement (`ikg:issues`), made the approval
  (`prov:wasAssociatedWith`) or is credited with the decisions (`prov:wasAttributedTo`), and its date;
- what it concerns (what it approves, aims at or is about);
- the bodies that carry it out, each with every chain that reaches it from the deployment and its
  role: it implements or advances the deployment, governs what it approves, is the executive body of
  such a body, serves one (handles its daily work, is its unit, was set up by it), or leads an
  implementing group. Chains walk the relations of `DEPLOYMENT_DOWN` (an inverse pair is one hop);
  a chain that passes a possible identity or a reading the curator had to explain is `doubtful`, and
  the hop says why (kg.paths.Doubt).

Walks are bounded like traces (hop cap, KG_MAX_CHAINS per deployment, and one time budget for the
whole answer); an answer cut short says `truncated` and why.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import BadRequestError, EntityNotFoundError
from kg.graphview import Projection
from kg.namespaces import FOAF, IKG, ORG, PROV, SDO
from kg.paths import BACKWARD, FORWARD, Explained, Hop, Path, PathFinder, explain_node, prefetch_explained
from kg.trace import Relations, Step, Walk, check_hops, explain_chain

if TYPE_CHECKING:
    from kg.provenance import Citation

DEPLOYMENT = str(IKG.Deployment)
#: Level classes and the level name an answer gives them.
LEVELS: dict[str, str] = {str(IKG.NationalDeployment): "national", str(IKG.MunicipalDeployment): "municipal"}
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "national": ("国家层面", "national"), "municipal": ("市级", "municipal"),
}

#: Relations from a deployment down to the bodies that carry it out, and the statement direction that
#: leads down. Narrower than trace's governance set: leading an implementer is a role of its own
#: (LEADS), approving is issuing, and a sub-organisation of an advancing government does not serve
#: the deployment by being one.
DEPLOYMENT_DOWN: Relations = {
    str(IKG.implements): (BACKWARD,),
    str(IKG.advances): (BACKWARD,),
    str(IKG.approvedThing): (FORWARD,),
    str(IKG.governs): (BACKWARD,),
    str(IKG.executiveBodyOf): (BACKWARD,),
    str(IKG.handlesDailyWorkOf): (BACKWARD,),
    str(IKG.establishes): (FORWARD,),
    str(ORG.hasUnit): (FORWARD,),
    str(ORG.unitOf): (BACKWARD,),
    str(IKG.possiblySameAs): (FORWARD, BACKWARD),
}
#: Statements leader → group: the leaders of a group that implements a deployment.
LEADS = frozenset({str(IKG.leads), str(IKG.coLeads)})
#: (property, direction from the deployment) of the statements that name who issued a deployment.
ISSUED_BY = ((str(IKG.issues), BACKWARD), (str(PROV.wasAssociatedWith), FORWARD),
             (str(PROV.wasAttributedTo), FORWARD))
#: (property, direction from the deployment) of the statements that name what a deployment is about.
CONCERNS = ((str(IKG.approvedThing), FORWARD), (str(IKG.aimsAt), FORWARD), (str(SDO.about), FORWARD))
#: Classes of the entities a deployment's carriers are (bodies, people, posts).
BODY_CLASSES = frozenset({str(ORG.Organization), str(FOAF.Person), str(ORG.Post)})

#: Role of a body by the relation that reaches it, in the order answers list them.
ROLES: dict[str, tuple[str, str]] = {
    "implements": ("落实", "implements"),
    "advances": ("推进", "advances"),
    "governs": ("治理其批复对象", "governs what it approves"),
    "executes": ("执行机构", "executive body"),
    "serves": ("服务", "serves"),
    "leads": ("牵头落实机构", "leads an implementer"),
    "possibly_same_as": ("可能与链上机构为同一机构", "possibly the same body as one on the chain"),
}
_ROLE_OF = {
    str(IKG.implements): "implements", str(IKG.advances): "advances", str(IKG.governs): "governs",
    str(IKG.executiveBodyOf): "executes", str(IKG.leads): "leads", str(IKG.coLeads): "leads",
    str(IKG.possiblySameAs): "possibly_same_as",
}


@dataclass(frozen=True)
class Chain:
    """A chain of cited hops from a deployment to one body, and the role it gives that body."""

    path: Path
    role: str

    def to_dict(self) -> dict[str, object]:
        """The path's JSON plus its `role`."""
        return {**self.path.to_dict(), "role": self.role}


@dataclass(frozen=True)
class Carrier:
    """A body that carries a deployment out, with every chain that reaches it."""

    body: Explained
    chains: tuple[Chain, ...]  # clean chains first, then shortest

    @property
    def roles(self) -> list[str]:
        """The body's roles, in ROLES order."""
        found = {c.role for c in self.chains}
        return [r for r in ROLES if r in found]

    @property
    def doubtful(self) -> bool:
        """Whether every chain to the body passes a doubt."""
        return all(c.path.doubtful for c in self.chains)

    def to_dict(self) -> dict[str, object]:
        """{"body", "roles", "doubtful", "chains"}."""
        return {
            "body": self.body.to_dict(),
            "roles": [{"kind": r, "label": {"zh": ROLES[r][0], "en": ROLES[r][1]}} for r in self.roles],
            "doubtful": self.doubtful,
            "chains": [c.to_dict() for c in self.chains],
        }


@dataclass(frozen=True)
class Deployment:
    """One deployment: what, at which level, by whom, when, and who carries it out."""

    node: Explained
    level: str | None
    date: str | None
    sort_date: str | None
    citations: tuple[Citation, ...]
    issuers: tuple[Hop, ...]
    concerns: tuple[Hop, ...]
    carriers: tuple[Carrier, ...]
    truncated: bool
    reason: str | None

    def find_carrier(self, iri: str) -> Carrier | None:
        """The carrier entry of the body `iri`, or None when no chain reaches it."""
        return next((c for c in self.carriers if c.body.node.iri == iri), None)

    def to_dict(self) -> dict[str, object]:
        """The deployment as JSON-ready values."""
        level = None if self.level is None else {
            "id": self.level, "label": {"zh": LEVEL_LABELS[self.level][0], "en": LEVEL_LABELS[self.level][1]}}
        return {
            "deployment": self.node.to_dict(),
            "level": level,
            "date": self.date,
            "sort_date": self.sort_date,
            "citations": [c.to_dict() for c in self.citations],
            "issuers": [h.to_dict() for h in self.issuers],
            "concerns": [h.to_dict() for h in self.concerns],
            "bodies": [c.to_dict() for c in self.carriers],
            "implemented": bool(self.carriers),
            "truncated": self.truncated,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DeploymentList:
    """Deployments of the graph in order (national first, then by date), of a level or served by a body."""

    deployments: tuple[Deployment, ...]
    total: int
    level: str | None
    body: Explained | None
    truncated: bool

    def to_dict(self) -> dict[str, object]:
        """{"level", "body", "total", "deployments", "truncated"}; `truncated` when a limit cut the list
        or a walk."""
        return {
            "level": self.level,
            "body": self.body.to_dict() if self.body else None,
            "total": self.total,
            "deployments": [d.to_dict() for d in self.deployments],
            "truncated": self.truncated or any(d.truncated for d in self.deployments),
        }


class Deployments:
    """Finds the deployments of a graph and who carries each out, over a path finder's view."""

    def __init__(self, finder: PathFinder) -> None:
        self.finder = finder

    def find_all(self, *, level: str | None = None, body: str | None = None,
                 limit: int = 100) -> DeploymentList:
        """Deployments in order, at most `limit`: of one `level`, and carried out by `body` (id, IRI,
        CURIE or name), when given; raises BadRequestError, EntityNotFoundError for an unknown body."""
        if level is not None and level not in LEVEL_LABELS:
            raise BadRequestError(f"Unknown level {level!r}; use national or municipal.")
        if limit < 1:
            raise BadRequestError(f"limit={limit} is out of range; ask for at least 1.")
        projection = self.finder.view.projection()
        deadline = time.monotonic() + self.finder.settings.path_time_budget
        carrier = None if body is None else projection.index[self.finder.resolve(body).node.iri]
        candidates = (_deployments(projection) if carrier is None
                      else self._served_by(projection, carrier, deadline))
        found = sorted((i for i in candidates if level is None or _level(projection, i) == level),
                       key=lambda i: _order(projection, i))
        if carrier is None:
            chosen = [self._build(projection, i, deadline) for i in found[:limit]]
            return DeploymentList(tuple(chosen), len(found), level, None, len(found) > limit)
        iri = projection.iris[carrier]
        served = [d for d in (self._build(projection, i, deadline) for i in found)
                  if d.find_carrier(iri) is not None]
        return DeploymentList(tuple(served[:limit]), len(served), level, explain_node(projection, carrier),
                              len(served) > limit)

    def _served_by(self, projection: Projection, body: int, deadline: float) -> list[int]:
        """Deployments reached up from `body` (and those its led groups implement): the candidates."""
        settings = self.finder.settings
        walk = Walk(projection, "up", settings.max_hops, deadline, settings.max_chains, DEPLOYMENT_DOWN)
        walk.run(body)
        reached = {b for chain in walk.chains for _, b, _ in chain}
        led = [j for j, key in projection.out_edges(body) if projection.properties[key] in LEADS]
        reached.update(d for group in led for d, key in projection.out_edges(group)
                       if projection.properties[key] == str(IKG.implements))
        wanted = frozenset({DEPLOYMENT})
        return [i for i in reached if projection.has_type(i, wanted)]

    def get(self, entity: str, *, max_hops: int | None = None) -> Deployment:
        """One deployment by id, IRI, CURIE or name; raises EntityNotFoundError when it is none."""
        found = self.find(entity, max_hops=max_hops)
        if found is None:
            raise EntityNotFoundError(
                f"{entity!r} is not a deployment (ikg:Deployment); list them with GET /deployments "
                "(kg deployments), or those a body carries out with ?body=.")
        return found

    def find(self, entity: str, *, max_hops: int | None = None) -> Deployment | None:
        """One deployment by id, IRI, CURIE or name, or None when the entity is no deployment; raises
        EntityNotFoundError for an unknown entity, BadRequestError for max_hops out of range."""
        hops = check_hops(self.finder.settings, max_hops)
        resolved = self.finder.resolve(entity)
        projection = self.finder.view.projection()
        i = projection.index[resolved.node.iri]
        if not projection.has_type(i, frozenset({DEPLOYMENT})):
            return None
        deadline = time.monotonic() + self.finder.settings.path_time_budget
        return self._build(projection, i, deadline, hops)

    def _build(self, projection: Projection, i: int, deadline: float, hops: int | None = None) -> Deployment:
        settings = self.finder.settings
        walk = Walk(projection, "down", hops or settings.max_hops, deadline, settings.max_chains,
                    DEPLOYMENT_DOWN)
        walk.run(i)
        chains = _chains_to_bodies(projection, walk.chains) + _leaders(projection, walk.chains)
        prefetch_explained(projection, {i} | {n for c in chains for a, b, _ in c for n in (a, b)}
                           | {j for j, _, _ in _links(projection, i, ISSUED_BY + CONCERNS)})
        carriers = self._carriers(projection, chains)
        info = projection.event_info(i)
        reason = walk.reason(settings.path_time_budget)
        provenance = self.finder.view.provenance
        citations = tuple(provenance.for_entity(projection.iris[i])) if provenance else ()
        return Deployment(
            explain_node(projection, i), _level(projection, i), info.date, info.sort_date, citations,
            self._hops(projection, i, ISSUED_BY), self._hops(projection, i, CONCERNS), carriers,
            reason is not None, reason,
        )

    def _hops(self, projection: Projection, i: int, kinds: Sequence[tuple[str, str]]) -> tuple[Hop, ...]:
        here = explain_node(projection, i)
        return tuple(self.finder.hop(projection, here, explain_node(projection, j), i, j, prop, direction, ())
                     for j, prop, direction in _links(projection, i, kinds))

    def _carriers(self, projection: Projection, chains: list[list[Step]]) -> tuple[Carrier, ...]:
        by_body: dict[int, list[Chain]] = {}
        for steps in chains:
            path = explain_chain(self.finder, projection, steps)
            role = _ROLE_OF.get(path.hops[-1].property, "serves")
            by_body.setdefault(steps[-1][1], []).append(Chain(path, role))
        carriers = [Carrier(explain_node(projection, j), tuple(sorted(found, key=_chain_order)))
                    for j, found in by_body.items()]
        carriers.sort(key=lambda c: (c.doubtful, len(c.chains[0].path.hops), c.body.node.iri))
        return tuple(carriers)


def _deployments(projection: Projection) -> list[int]:
    wanted = frozenset({DEPLOYMENT})
    return [i for i in range(len(projection.iris)) if projection.has_type(i, wanted)]


def _level(projection: Projection, i: int) -> str | None:
    for cls, name in LEVELS.items():
        if projection.has_type(i, frozenset({cls})):
            return name
    return None


def _order(projection: Projection, i: int) -> tuple[int, bool, str, str]:
    """National first, then municipal, then the rest; dated ones by date, undated last; then IRI."""
    rank = {"national": 0, "municipal": 1}.get(_level(projection, i) or "", 2)
    info = projection.event_info(i)
    when = info.sort_date or (info.date.split("/")[0] if info.date else "")
    return rank, not when, when, projection.iris[i]


def _links(projection: Projection, i: int, kinds: Sequence[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """(other node, property, direction) of the statements of `kinds` at node `i`, in order."""
    found = []
    for prop, direction in kinds:
        edges = projection.out_edges(i) if direction == FORWARD else projection.in_edges(i)
        found += [(j, prop, direction) for j, key in edges if projection.properties[key] == prop]
    return found


def _is_body(projection: Projection, i: int) -> bool:
    return projection.has_type(i, BODY_CLASSES)


def _chains_to_bodies(projection: Projection, walked: Iterable[list[Step]]) -> list[list[Step]]:
    """Every distinct prefix of the walked chains that ends at a body: one chain per route to it."""
    seen: dict[tuple[Step, ...], None] = {}
    for chain in walked:
        for n in range(1, len(chain) + 1):
            if _is_body(projection, chain[n - 1][1]):
                seen.setdefault(tuple(chain[:n]))
    return [list(c) for c in seen]


def _leaders(projection: Projection, walked: Iterable[list[Step]]) -> list[list[Step]]:
    """Chains deployment ← implements group ← leads leader, for every direct implementer's leaders."""
    implementers = {chain[0] for chain in walked
                    if projection.properties[chain[0][2][0][0]] == str(IKG.implements)}
    found = []
    for step in sorted(implementers):
        group = step[1]
        for leader, key in projection.in_edges(group):
            if projection.properties[key] in LEADS and _is_body(projection, leader):
                found.append([step, (group, leader, ((key, BACKWARD),))])
    return found


def _chain_order(chain: Chain) -> tuple[bool, int, list[str]]:
    return chain.path.doubtful, len(chain.path.hops), chain.path.iris()
