"""GET /paths: the k shortest explained paths between two entities, each hop with its evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from kg.api.deps import ServicesDep
from kg.api.models import ExplainedNodeOut, PathOut
from kg.api.params import AvoidProperties, AvoidTypes, Properties, Types, walk_filters
from kg.paths import DEFAULT_MAX_HOPS, PathQuery

router = APIRouter(tags=["tracing"])


class PathsOut(BaseModel):
    """The k shortest explained paths between two entities."""

    source: ExplainedNodeOut
    target: ExplainedNodeOut
    paths: list[PathOut]
    truncated: bool
    reason: str | None
    notes: list[str]


@router.get("/paths", response_model=PathsOut,
            summary="Explained paths between two entities")
def paths(
    services: ServicesDep,
    source: Annotated[str, Query(description="id, IRI, CURIE or a name")],
    target: Annotated[str, Query(description="id, IRI, CURIE or a name")],
    k: Annotated[int, Query(description="how many shortest paths (≤ KG_MAX_PATHS)")] = 3,
    max_hops: Annotated[int | None, Query(description="longest path (≤ KG_MAX_HOPS)")] = None,
    directed: Annotated[bool, Query(description="follow statements only subject → object")] = False,
    prop: Properties = None,
    avoid_property: AvoidProperties = None,
    type_: Types = None,
    avoid_type: AvoidTypes = None,
) -> dict[str, object]:
    """The k shortest explained paths (none: `"paths": []` and a reason); 404 unknown entity, 400 limits."""
    keep, types = walk_filters(prop, avoid_property, type_, avoid_type)
    hops = min(DEFAULT_MAX_HOPS, services.settings.max_hops) if max_hops is None else max_hops
    result = services.path_finder.find_paths(PathQuery(source, target, k=k, max_hops=hops,
                                                       directed=directed, properties=keep, types=types))
    return result.to_dict()
