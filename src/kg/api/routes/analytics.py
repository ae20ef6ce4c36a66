"""Network analytics of the governance network: centrality, communities, components."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from kg.analytics import MEASURES
from kg.api.deps import ServicesDep
from kg.api.models import NodeOut

router = APIRouter(tags=["analytics"])
Limit = Annotated[int, Query(ge=1, le=1000, description="how many results")]
Members = Annotated[int, Query(ge=1, le=1000, description="most members listed per group")]


class RankedOut(NodeOut):
    """An entity and its score."""

    score: float


class CentralityOut(BaseModel):
    """Entities ranked by a centrality measure, with how it was computed."""

    measure: str
    method: str
    nodes: int
    edges: int
    results: list[RankedOut]


class GroupOut(BaseModel):
    """A community or component: its size and (some of) its members, most connected first."""

    id: int
    size: int
    members: list[NodeOut]
    truncated: bool


class GroupingOut(BaseModel):
    """Communities or components, largest first."""

    kind: str
    method: str
    total: int
    groups: list[GroupOut]
    truncated: bool


@router.get("/analytics/centrality", response_model=CentralityOut, summary="Most central entities")
def centrality(
    services: ServicesDep,
    measure: Annotated[str, Query(description="one of " + ", ".join(MEASURES))] = "degree",
    limit: Limit = 20,
) -> dict[str, object]:
    """The `limit` most central entities (`method` says how); 400 for an unknown measure."""
    return services.analytics.centrality(measure, limit=limit).to_dict()


@router.get("/analytics/communities", response_model=GroupingOut, summary="Communities")
def communities(services: ServicesDep, limit: Limit = 20, members: Members = 50) -> dict[str, object]:
    """Communities of the undirected network (seeded Louvain; label propagation on large graphs)."""
    return services.analytics.communities(limit=limit, members=members).to_dict()


@router.get("/analytics/components", response_model=GroupingOut, summary="Connected components")
def components(services: ServicesDep, limit: Limit = 20, members: Members = 50) -> dict[str, object]:
    """Weakly connected components, largest first."""
    return services.analytics.components(limit=limit, members=members).to_dict()
