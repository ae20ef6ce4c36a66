"""Deployments: every national and municipal deployment with its issuers and the bodies that carry it out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from kg.api.deps import ServicesDep
from kg.api.models import CitationOut, ExplainedNodeOut, HopOut, LabelOut, PathOut
from kg.errors import BadRequestError

router = APIRouter(tags=["tracing"])


class LevelOut(BaseModel):
    """National or municipal."""

    id: str
    label: LabelOut


class RoleOut(BaseModel):
    """How a body serves a deployment: implements, advances, governs, executes, serves, leads,
    possibly_same_as."""

    kind: str
    label: LabelOut


class ChainOut(PathOut):
    """A cited chain from the deployment to the body, and the role its last hop gives the body."""

    role: str


class CarrierOut(BaseModel):
    """A body that carries the deployment out; `doubtful` when every chain to it passes a doubt."""

    body: ExplainedNodeOut
    roles: list[RoleOut]
    doubtful: bool
    chains: list[ChainOut]


class DeploymentOut(BaseModel):
    """One deployment: its level, date, where the report states it, who issued it, what it concerns,
    and the bodies that carry it out (`implemented` is false when the graph names none)."""

    deployment: ExplainedNodeOut
    level: LevelOut | None
    date: str | None
    sort_date: str | None
    citations: list[CitationOut]
    issuers: list[HopOut]
    concerns: list[HopOut]
    bodies: list[CarrierOut]
    implemented: bool
    truncated: bool
    reason: str | None


class DeploymentsOut(BaseModel):
    """Deployments in order: national first, then municipal, each by date; with `body`, those it carries
    out."""

    level: str | None
    body: ExplainedNodeOut | None
    total: int
    deployments: list[DeploymentOut]
    truncated: bool


@router.get("/deployments", response_model=DeploymentsOut, summary="Deployments and who carries them out")
def list_deployments(
    services: ServicesDep,
    level: Annotated[str | None, Query(description="national or municipal (default: both)")] = None,
    body: Annotated[str | None, Query(
        description="only the deployments this body carries out (id, IRI, CURIE or name)")] = None,
    limit: Annotated[int, Query(ge=1, description="most deployments (≤ KG_MAX_ROWS)")] = 100,
) -> dict[str, object]:
    """Every deployment with issuers, date and cited chains to the bodies that carry it out; 400 bad
    level or limit, 404 unknown body."""
    if limit > services.settings.max_rows:
        raise BadRequestError(f"limit={limit} is out of range; use 1 to {services.settings.max_rows} "
                              "(KG_MAX_ROWS).")
    return services.deployments.find_all(level=level, body=body, limit=limit).to_dict()


@router.get("/deployments/{id:path}", response_model=DeploymentOut, summary="One deployment",
            responses={303: {"description": "the entity is a body, not a deployment: see the "
                                            "deployments it carries out (/deployments?body=)"}})
def get_deployment(
    services: ServicesDep,
    request: Request,
    id: Annotated[str, Path(description="deployment id, IRI, CURIE or name")],
    max_hops: Annotated[int | None, Query(description="longest chain (≤ KG_MAX_HOPS)")] = None,
) -> object:
    """One deployment with its issuers and chains; 303 to `/deployments?body=` for an entity that is not
    a deployment; 404 for an unknown entity."""
    found = services.deployments.find(id, max_hops=max_hops)
    if found is None:
        # A relative reference, so that the redirect stays right behind a reverse proxy.
        target = f"{request.url_for('list_deployments').path}?{urlencode({'body': id})}"
        return RedirectResponse(target, status_code=303)
    return found.to_dict()
