"""GET /entities/{id}/neighbourhood: the ego network of an entity, as a graph draws it: each inverse pair
of relations (内设 / 内设于, org:hasUnit / org:unitOf) one edge in its primary direction, citing the
evidence of both statements, as the graph exports draw it (kg.exports.relations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from kg.api.deps import ServicesDep
from kg.api.models import SubgraphOut
from kg.api.params import AvoidProperties, AvoidTypes, Properties, Types, walk_filters
from kg.errors import BadRequestError
from kg.exports.relations import drawn_neighbourhood

router = APIRouter(tags=["tracing"])


@router.get("/entities/{id:path}/neighbourhood", response_model=SubgraphOut,
            summary="The ego network of an entity")
def neighbourhood(
    services: ServicesDep,
    id: Annotated[str, Path(description="entity id, IRI, CURIE or name")],
    depth: Annotated[int, Query(ge=1, description="hops around the entity (≤ KG_MAX_HOPS)")] = 1,
    lang: Annotated[str | None, Query(description="zh or en (both labels are always given)")] = None,
    prop: Properties = None,
    avoid_property: AvoidProperties = None,
    type_: Types = None,
    avoid_type: AvoidTypes = None,
    limit: Annotated[int | None, Query(ge=1, description="most nodes (≤ KG_MAX_NEIGHBOURHOOD_NODES)")]
    = None,
) -> dict[str, object]:
    """Nodes within `depth` hops and the relations among them, each inverse pair once (a relation
    filter naming one direction names the pair); `truncated` when capped."""
    settings = services.settings
    if depth > settings.max_hops:
        raise BadRequestError(f"depth={depth} is out of range; use 1 to {settings.max_hops} "
                              "(KG_MAX_HOPS).")
    if lang not in (None, "zh", "en"):
        raise BadRequestError(f"lang={lang!r} is not supported; use zh or en.")
    cap = settings.max_neighbourhood_nodes
    if limit is not None and limit > cap:
        raise BadRequestError(f"limit={limit} is out of range; use 1 to {cap} "
                              "(KG_MAX_NEIGHBOURHOOD_NODES).")
    keep, types = walk_filters(prop, avoid_property, type_, avoid_type)
    finder = services.path_finder
    node = finder.resolve(id).node
    return drawn_neighbourhood(finder.view, node.iri, depth, limit=limit or cap, relations=keep,
                               types=types).to_dict()
