"""Network analytics of the governance network: centrality, communities, components."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from kg.analytics import MEASURES, Analytics
from kg.api.routes.paths import NodeOut
from kg.api.services import graph_view_of
from kg.api.state import AppState, get_state

router = APIRouter(tags=["analytics"])
State = Annotated[AppState, Depends(get_state)]
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


def analytics_of(state: AppState) -> Analytics:
    """The app's analytics (cached per store generation)."""
    return state.singleton("analytics", lambda: Analytics(graph_view_of(state)))


@router.get("/analytics/centrality", response_model=CentralityOut, summary="Most central entities")
def centrality(
    state: State,
    measure: Annotated[str, Query(description="one of " + ", ".join(MEASURES))] = "degree",
    limit: Limit = 20,
) -> dict[str, object]:
    """The `limit` most central entities (`method` says how); 400 for an unknown measure."""
    return analytics_of(state).centrality(measure, limit=limit).to_dict()


@router.get("/analytics/communities", response_model=GroupingOut, summary="Communities")
def communities(state: State, limit: Limit = 20, members: Members = 50) -> dict[str, object]:
    """Communities of the undirected network (seeded Louvain; label propagation on large graphs)."""
    return analytics_of(state).communities(limit=limit, members=members).to_dict()


@router.get("/analytics/components", response_model=GroupingOut, summary="Connected components")
def components(state: State, limit: Limit = 20, members: Members = 50) -> dict[str, object]:
    """Weakly connected components, largest first."""
    return analytics_of(state).components(limit=limit, members=members).to_dict()
