"""/rdf-graphs: the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification).

GET and HEAD read a graph (`?graph=<IRI>`) or the default graph (`?default`, the union of every graph;
in N-Quads or TriG, the whole dataset) with content negotiation. PUT, POST and DELETE write a named
graph when `KG_ALLOW_UPDATES=true` (403 otherwise) and the request carries a write token (401
otherwise, kg.auth); both are checked before the body is read. Bodies are read by an async
dependency, up to `KG_MAX_BODY_BYTES` (413 past it, kg.api.limits); the handlers are plain `def`, so
parsing and writing a large body never blocks the event loop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from kg.api.auth import require_write_token
from kg.api.deps import ServicesDep
from kg.formats import RDF_OFFERS, negotiate
from kg.graph_store import GraphStoreService, GraphTarget, body_format, target_of
from kg.sparql.protocol import media_type_of

router = APIRouter(tags=["graph store"])

PATH = "/rdf-graphs"


async def get_graph_store(services: ServicesDep) -> GraphStoreService:
    """FastAPI dependency: the Graph Store Protocol service over the app's store."""
    return services.graph_store


def _target(request: Request) -> GraphTarget:
    return target_of(request.query_params.multi_items())


async def _authorize_write(request: Request, services: ServicesDep,
                           service: Annotated[GraphStoreService, Depends(get_graph_store)]) -> None:
    """Refuse a write when writes are off (403), then when its bearer token is missing or wrong (401)."""
    service.check_updates_allowed()
    require_write_token(request, services)


async def _write_body(request: Request, _: Annotated[None, Depends(_authorize_write)]) -> bytes:
    """The request body, read only once the write is authorised (kg.api.limits caps its size)."""
    return await request.body()


def _body_format(request: Request) -> str:
    return body_format(*media_type_of(request.headers.get("content-type")))


_READ_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The graph in Turtle, N-Triples, JSON-LD or RDF/XML (Accept or format=); "
          "N-Quads/TriG: the whole dataset for ?default, the graph with its name for ?graph=."},
    400: {"description": "bad_request: both or neither of ?graph= and ?default, or not an IRI."},
    404: {"description": "graph_not_found: no graph has that IRI."},
    406: {"description": "not_acceptable: no offered format matches Accept/format=."},
}


# GET and HEAD as two operations with their own ids (one route for both gives the OpenAPI schema
# two operations with one id).
@router.head(PATH, summary="Headers of a graph read (Graph Store Protocol)", operation_id="head_graph",
             response_class=Response, responses=_READ_RESPONSES)
@router.get(PATH, summary="Read a graph (Graph Store Protocol)", operation_id="read_graph",
            response_class=Response, responses=_READ_RESPONSES)
def read_graph(request: Request,
               service: Annotated[GraphStoreService, Depends(get_graph_store)]) -> Response:
    """`?graph=<IRI>` or `?default` (the union of every graph), negotiated by Accept or `format=`."""
    target = _target(request)
    fmt = negotiate(request.headers.get("accept"), request.query_params.getlist("format"), RDF_OFFERS)
    body = service.read(target, fmt.name)
    headers = {"Vary": "Accept"}
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(b"", media_type=fmt.media_type, headers=headers)
    return Response(body, media_type=fmt.media_type, headers=headers)


_WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    201: {"description": "The graph did not exist and was created."},
    204: {"description": "Done."},
    400: {"description": "load_error (with line and column), or bad_request (graph parameters)."},
    401: {"description": "unauthorized: no valid 'Authorization: Bearer <token>' (KG_WRITE_TOKENS)."},
    403: {"description": "forbidden: writes are switched off (KG_ALLOW_UPDATES)."},
    405: {"description": "method_not_allowed: the default graph (the union) is read-only."},
    413: {"description": "payload_too_large: the body exceeds KG_MAX_BODY_BYTES."},
    415: {"description": "unsupported_media_type: the body is not Turtle, N-Triples, JSON-LD or "
          "RDF/XML."},
}


def _created(created: bool) -> Response:
    return Response(status_code=201 if created else 204)


@router.put(PATH, summary="Replace a named graph (Graph Store Protocol)", status_code=204,
            response_class=Response, responses=_WRITE_RESPONSES)
def replace_graph(request: Request, body: Annotated[bytes, Depends(_write_body)],
                  service: Annotated[GraphStoreService, Depends(get_graph_store)]) -> Response:
    """Replace the content of `?graph=<IRI>` with the body, atomically (a bad body changes nothing)."""
    return _created(service.replace(_target(request), body, _body_format(request)))


@router.post(PATH, summary="Add triples to a named graph (Graph Store Protocol)", status_code=204,
             response_class=Response, responses=_WRITE_RESPONSES)
def merge_graph(request: Request, body: Annotated[bytes, Depends(_write_body)],
                service: Annotated[GraphStoreService, Depends(get_graph_store)]) -> Response:
    """Merge the body into `?graph=<IRI>` (created when missing), atomically."""
    return _created(service.merge(_target(request), body, _body_format(request)))


@router.delete(PATH, summary="Delete a named graph (Graph Store Protocol)", status_code=204,
               response_class=Response, responses=_WRITE_RESPONSES,
               dependencies=[Depends(_authorize_write)])
def delete_graph(request: Request,
                 service: Annotated[GraphStoreService, Depends(get_graph_store)]) -> Response:
    """Remove `?graph=<IRI>` and its triples."""
    service.delete(_target(request))
    return Response(status_code=204)
