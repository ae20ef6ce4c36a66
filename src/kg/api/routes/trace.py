"""GET /trace/{direction}/{id}: implementation chains, down from a deployment or up from a body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from kg.api.deps import ServicesDep
from kg.api.models import ExplainedNodeOut, PathOut
from kg.trace import trace

router = APIRouter(tags=["tracing"])


class ChainsOut(BaseModel):
    """Implementation chains from one entity, up or down."""

    start: ExplainedNodeOut
    direction: str
    relations: list[str]
    chains: list[PathOut]
    truncated: bool
    reason: str | None
    notes: list[str]


@router.get("/trace/{direction}/{id:path}", response_model=ChainsOut,
            summary="Implementation chains, down from a deployment or up from a body")
def trace_chains(
    services: ServicesDep,
    direction: Annotated[str, Path(description="down (deployment → bodies) or up (body → deployments)")],
    id: Annotated[str, Path(description="entity id, IRI, CURIE or name")],
    max_hops: Annotated[int | None, Query(description="longest chain (≤ KG_MAX_HOPS)")] = None,
) -> dict[str, object]:
    """Every maximal chain along governance relations; 404 unknown entity, 400 unknown direction."""
    return trace(services.path_finder, id, direction, max_hops=max_hops).to_dict()
