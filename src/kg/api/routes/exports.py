"""GET /export: the graph, a neighbourhood, paths, a trace, a CONSTRUCT result or chosen nodes (what a
page shows: `scope=nodes&node=…&node=…`, less the relations hidden on screen: `avoid_property=…`) as a
file download, optionally laid out. Paths take the options of GET /paths."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from kg.api.deps import ServicesDep
from kg.api.params import AvoidProperties, AvoidTypes, Properties, Types, walk_filters
from kg.api.truncation import truncation_header
from kg.exports import FORMATS, LAYOUTS, POSITIONED, SCOPES, ExportRequest, ExportScope

router = APIRouter(tags=["exports"])


class ExportFormatOut(BaseModel):
    """One export format as the web page's download menu lists it."""

    name: str
    title: str
    extension: str
    media_type: str
    family: str


class ExportFormatsOut(BaseModel):
    """Every export format, scope and layout, and the node cap."""

    formats: list[ExportFormatOut]
    scopes: list[str]
    layouts: list[str]
    positioned_formats: list[str]
    max_nodes: int


def content_disposition(filename: str) -> str:
    """An attachment header; the RFC 5987 form carries any non-ASCII name."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@router.get("/export/formats", response_model=ExportFormatsOut)
def list_formats(services: ServicesDep) -> ExportFormatsOut:
    """The export formats, scopes and layouts, and the most nodes an export holds."""
    return ExportFormatsOut(
        formats=[ExportFormatOut(name=f.name, title=f.title, extension=f.extension,
                                 media_type=f.media_type, family=f.family) for f in FORMATS.values()],
        scopes=list(SCOPES), layouts=list(LAYOUTS), positioned_formats=sorted(POSITIONED),
        max_nodes=services.settings.max_export_nodes,
    )


@router.get("/export", responses={200: {"description": "The export file (attachment)."}})
def export(
    services: ServicesDep,
    format: Annotated[str, Query(description="One of " + ", ".join(FORMATS))],
    scope: Annotated[str, Query(description="One of " + ", ".join(SCOPES))] = "all",
    entity: Annotated[str | None, Query(description="neighbourhood/trace: id, IRI, CURIE or name")] = None,
    depth: Annotated[int, Query(ge=1, description="neighbourhood: hops around the entity")] = 1,
    source: Annotated[str | None, Query(description="path: where paths start")] = None,
    target: Annotated[str | None, Query(description="path: where paths end")] = None,
    k: Annotated[int, Query(ge=1, description="path: how many shortest paths (≤ KG_MAX_PATHS)")] = 3,
    max_hops: Annotated[int | None, Query(
        ge=1, description="path: longest path (≤ KG_MAX_HOPS; default as GET /paths)")] = None,
    directed: Annotated[bool, Query(description="path: follow statements only subject → object")] = False,
    prop: Properties = None,
    avoid_property: AvoidProperties = None,
    type_: Types = None,
    avoid_type: AvoidTypes = None,
    direction: Annotated[str, Query(description="trace: up or down")] = "down",
    query: Annotated[str | None, Query(description="construct: a SPARQL CONSTRUCT or DESCRIBE")] = None,
    node: Annotated[list[str] | None, Query(
        description="nodes: an entity to export (id, IRI, CURIE or name; repeat for each node); the "
        "export holds them and every relation among them")] = None,
    lang: Annotated[str, Query(description="label language: zh or en")] = "zh",
    bom: Annotated[bool, Query(description="CSV: start with a UTF-8 byte-order mark (Excel)")] = False,
    layout: Annotated[str, Query(
        description="positions: none, dot (Graphviz) or spring (force-directed, seed 42); for "
        + ", ".join(sorted(POSITIONED)))] = "none",
    max_nodes: Annotated[int | None, Query(
        ge=1, description="most nodes the export holds (default and ceiling: KG_MAX_EXPORT_NODES)")] = None,
) -> Response:
    """Download a scope of the graph in an export format; 400 for a bad format, scope or parameter (or
    a walk option the scope does not take), 404 for an entity that names nothing. The relation filter
    (property, avoid_property) applies to scope=all, neighbourhood, nodes (an inverse pair as one
    relation) and path (searched as GET /paths searches); the type filter to neighbourhood and path;
    max_hops and directed to path.
    `KG-Truncated: true` (and the file, where the format has room) says a cap cut it."""
    relations, types = walk_filters(prop, avoid_property, type_, avoid_type)
    scope_of = ExportScope(scope, entity, depth, source, target, k, direction, query, tuple(node or ()),
                           max_hops=max_hops, directed=directed, relations=relations, types=types)
    request = ExportRequest(format, scope_of, lang=lang, bom=bom, layout=layout, max_nodes=max_nodes)
    result = services.exporter.export(request)
    headers = {
        "Content-Disposition": content_disposition(result.filename),
        **truncation_header(result.truncated),
    }
    return Response(result.content, media_type=result.media_type, headers=headers)
