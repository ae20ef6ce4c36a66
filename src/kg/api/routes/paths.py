"""Relation tracing: explained paths, implementation chains, neighbourhoods, the timeline, and the
question catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kg.api.models import (
    CitationOut,
    ExplainedNodeOut,
    LabelOut,
    NodeOut,
    PathOut,
    PropertyOut,
)
from kg.api.services import (
    catalogue_of,
    graph_view_of,
    lookup_of,
    path_finder_of,
    query_runner_of,
)
from kg.api.state import AppState, get_state
from kg.catalogue import parse_iri
from kg.errors import BadRequestError
from kg.graphview import PropertyFilter, TypeFilter
from kg.paths import DEFAULT_MAX_HOPS, PathQuery, resolve_entity
from kg.sparql.negotiation import GRAPH_FORMATS, choose_solution_format
from kg.store.runner import run_query
from kg.timeline import timeline
from kg.trace import trace

router = APIRouter(tags=["tracing"])


# -- response models --------------------------------------------------------------------------

class PathsOut(BaseModel):
    """The k shortest explained paths between two entities."""

    source: ExplainedNodeOut
    target: ExplainedNodeOut
    paths: list[PathOut]
    truncated: bool
    reason: str | None
    notes: list[str]


class ChainsOut(BaseModel):
    """Implementation chains from one entity, up or down."""

    start: ExplainedNodeOut
    direction: str
    relations: list[str]
    chains: list[PathOut]
    truncated: bool
    reason: str | None
    notes: list[str]


class EdgeOut(BaseModel):
    """A statement between two nodes of a subgraph (node ids)."""

    source: str
    target: str
    property: PropertyOut
    citations: list[CitationOut]


class SubgraphOut(BaseModel):
    """Nodes and the edges among them."""

    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool


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


class ParameterOut(BaseModel):
    """A parameter of a catalogue query."""

    name: str
    kind: str
    default: str


class CatalogueQueryOut(BaseModel):
    """A question of the catalogue."""

    name: str
    title: LabelOut
    description: LabelOut
    parameters: list[ParameterOut]
    file: str
    sparql: str
    url: str


class CatalogueOut(BaseModel):
    """Every question of the catalogue."""

    queries: list[CatalogueQueryOut]


# -- parameters -------------------------------------------------------------------------------

def _iris(values: list[str] | None, what: str) -> frozenset[str]:
    """IRIs of CURIE/IRI parameter values; raises BadRequestError for anything else."""
    out = set()
    for value in values or ():
        iri = parse_iri(value) if ":" in value else None
        if iri is None:
            raise BadRequestError(f"{what}={value!r} is not a CURIE or IRI (e.g. ikg:leads).")
        out.add(iri)
    return frozenset(out)


def _filters(prop: list[str] | None, avoid_prop: list[str] | None, types: list[str] | None,
             avoid_types: list[str] | None) -> tuple[PropertyFilter, TypeFilter]:
    return (PropertyFilter(_iris(prop, "property"), _iris(avoid_prop, "avoid_property")),
            TypeFilter(_iris(types, "type"), _iris(avoid_types, "avoid_type")))


State = Annotated[AppState, Depends(get_state)]
Properties = Annotated[list[str] | None, Query(
    alias="property", description="only follow these relations (CURIE or IRI; repeatable)")]
AvoidProperties = Annotated[list[str] | None, Query(description="never follow these relations")]
Types = Annotated[list[str] | None, Query(
    alias="type", description="only pass through entities of these classes (repeatable)")]
AvoidTypes = Annotated[list[str] | None, Query(description="never pass through these classes")]


# -- routes -----------------------------------------------------------------------------------

@router.get("/paths", response_model=PathsOut,
            summary="Explained paths between two entities")
def paths(
    state: State,
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
    finder = path_finder_of(state)
    keep, types = _filters(prop, avoid_property, type_, avoid_type)
    hops = min(DEFAULT_MAX_HOPS, state.settings.max_hops) if max_hops is None else max_hops
    result = finder.find_paths(PathQuery(source, target, k=k, max_hops=hops, directed=directed,
                                         properties=keep, types=types))
    return result.to_dict()


@router.get("/trace/{direction}/{id:path}", response_model=ChainsOut,
            summary="Implementation chains, down from a deployment or up from a body")
def trace_chains(
    state: State,
    direction: Annotated[str, Path(description="down (deployment → bodies) or up (body → deployments)")],
    id: Annotated[str, Path(description="entity id, IRI or CURIE")],
    max_hops: Annotated[int | None, Query(description="longest chain (≤ KG_MAX_HOPS)")] = None,
) -> dict[str, object]:
    """Every maximal chain along governance relations; 404 unknown entity, 400 unknown direction."""
    return trace(path_finder_of(state), id, direction, max_hops=max_hops).to_dict()


@router.get("/entities/{id:path}/neighbourhood", response_model=SubgraphOut,
            summary="The ego network of an entity")
def neighbourhood(
    state: State,
    id: Annotated[str, Path(description="entity id, IRI or CURIE")],
    depth: Annotated[int, Query(ge=1, description="hops around the entity (≤ KG_MAX_HOPS)")] = 1,
    lang: Annotated[str | None, Query(description="zh or en (both labels are always given)")] = None,
    prop: Properties = None,
    avoid_property: AvoidProperties = None,
    type_: Types = None,
    avoid_type: AvoidTypes = None,
    limit: Annotated[int | None, Query(ge=1, description="most nodes (≤ KG_MAX_NEIGHBOURHOOD_NODES)")]
    = None,
) -> dict[str, object]:
    """Nodes within `depth` hops and the statements among them; `truncated` when capped."""
    settings = state.settings
    if depth > settings.max_hops:
        raise BadRequestError(f"depth={depth} is out of range; use 1 to {settings.max_hops} "
                              "(KG_MAX_HOPS).")
    if lang not in (None, "zh", "en"):
        raise BadRequestError(f"lang={lang!r} is not supported; use zh or en.")
    cap = settings.max_neighbourhood_nodes
    if limit is not None and limit > cap:
        raise BadRequestError(f"limit={limit} is out of range; use 1 to {cap} "
                              "(KG_MAX_NEIGHBOURHOOD_NODES).")
    view = graph_view_of(state)
    keep, types = _filters(prop, avoid_property, type_, avoid_type)
    node = resolve_entity(view, id, lookup_of(state)).node
    return view.neighbourhood(node.iri, depth, limit=limit or cap, keep=keep, types=types).to_dict()


@router.get("/timeline", response_model=TimelineOut,
            summary="Events in date order, optionally about one entity")
def events(
    state: State,
    entity: Annotated[str | None, Query(description="id, IRI, CURIE or name")] = None,
    start: Annotated[str | None, Query(alias="from", description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    end: Annotated[str | None, Query(alias="to", description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, description="most events (≤ KG_MAX_ROWS)")] = 100,
) -> dict[str, object]:
    """Events ordered by ikg:sortDate with participants and citations; 404 for an unknown entity."""
    if limit > state.settings.max_rows:
        raise BadRequestError(f"limit={limit} is out of range; use 1 to {state.settings.max_rows} "
                              "(KG_MAX_ROWS).")
    return timeline(graph_view_of(state), entity=entity, start=start, end=end, limit=limit,
                    lookup=lookup_of(state)).to_dict()


@router.get("/queries", response_model=CatalogueOut, summary="The question catalogue")
def list_queries(state: State, request: Request) -> dict[str, object]:
    """Every catalogue question with its titles, description, parameters and SPARQL text."""
    return {"queries": [{**q.to_dict(), "url": str(request.url_for("run_query", name=q.name))}
                        for q in catalogue_of(state).queries()]}


@router.get("/queries/{name}", name="run_query", summary="Run a catalogue question",
            responses={200: {"description": "SPARQL results (JSON, XML, CSV or TSV)"}})
def run_catalogue_query(
    state: State,
    request: Request,
    name: Annotated[str, Path(description="the question's name (see /queries)")],
    format: Annotated[str | None, Query(description="json, xml, csv or tsv (else Accept)")] = None,
) -> Response:
    """Run a question with its parameters (else defaults); 400 bad value, 404 unknown, 503 timeout."""
    query = catalogue_of(state).get_query(name)
    values = {k: v for k, v in request.query_params.items() if k != "format"}
    text = query.bind(values)
    fmt = choose_solution_format(request.headers.get("accept"), [format] if format else [])
    answer = run_query(query_runner_of(state), text, solutions_format=fmt.name)
    media_type = GRAPH_FORMATS[answer.format].media_type if answer.kind == "graph" else fmt.media_type
    headers = {"KG-Truncated": "true" if answer.truncated else "false"}
    return Response(answer.body, media_type=media_type, headers=headers)
