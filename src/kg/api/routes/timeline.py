"""GET /timeline: events in date order, of the whole graph or of one entity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from kg.api.deps import ServicesDep
from kg.api.models import CitationOut, ExplainedNodeOut, LabelOut, NodeOut, PropertyOut
from kg.errors import BadRequestError
from kg.timeline import timeline

router = APIRouter(tags=["tracing"])


class RoleOut(PropertyOut):
    """How a participant is joined to an event."""

    direction: str


class ParticipantOut(ExplainedNodeOut):
    """An entity joined to an event."""

    role: RoleOut


class EventOut(BaseModel):
    """One event of the timeline."""

    id: str
    iri: str
    label: LabelOut
    types: list[str]
    category: str
    date: str | None
    sort_date: str | None
    summary: LabelOut
    participants: list[ParticipantOut]
    citations: list[CitationOut]


class TimelineOut(BaseModel):
    """Events in date order."""

    entity: NodeOut | None
    from_: str | None = Field(alias="from")
    to: str | None
    total: int
    events: list[EventOut]
    truncated: bool
    notes: list[str]


@router.get("/timeline", response_model=TimelineOut,
            summary="Events in date order, optionally about one entity")
def events(
    services: ServicesDep,
    entity: Annotated[str | None, Query(description="id, IRI, CURIE or name")] = None,
    start: Annotated[str | None, Query(alias="from", description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    end: Annotated[str | None, Query(alias="to", description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, description="most events (≤ KG_MAX_ROWS)")] = 100,
) -> dict[str, object]:
    """Events ordered by ikg:sortDate with participants and citations; 404 for an unknown entity."""
    if limit > services.settings.max_rows:
        raise BadRequestError(f"limit={limit} is out of range; use 1 to {services.settings.max_rows} "
                              "(KG_MAX_ROWS).")
    return timeline(services.path_finder, entity=entity, start=start, end=end, limit=limit).to_dict()
