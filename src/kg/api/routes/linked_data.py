"""Linked data: entity IRIs dereference with content negotiation; ontology, VoID, JSON-LD context."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from kg.api.deps import ServicesDep
from kg.errors import EntityNotFoundError
from kg.formats import HTML, Format, negotiate
from kg.linked_data import (
    PAGE_OFFERS,
    RDF_OFFERS,
    context_document,
    entity_html,
    not_found_html,
    ontology_html,
    ontology_triples,
    serialise,
    void_triples,
)
from kg.services import Services
from kg.terms import Triple

router = APIRouter(tags=["linked data"])

_FORMAT = Query(alias="format",
                description="Override content negotiation: html, turtle, jsonld, ntriples, rdfxml.")


def _chosen(request: Request, fmt: str | None, offers: tuple[Format, ...] = PAGE_OFFERS) -> Format:
    return negotiate(request.headers.get("accept"), [fmt] if fmt else [], offers)


def _rdf_response(triples: list[Triple], fmt: Format) -> Response:
    return Response(serialise(triples, fmt.name), media_type=fmt.media_type, headers={"Vary": "Accept"})


def _base_url(services: Services, request: Request) -> str:
    return services.settings.base_url or str(request.base_url)


@router.get("/id/{slug:path}",
            summary="Dereference an entity IRI (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)",
            response_class=Response)
def dereference(
    slug: str, request: Request,
    services: ServicesDep,
    fmt: Annotated[str | None, _FORMAT] = None,
) -> Response:
    """The description of https://w3id.org/innokg/id/{slug} in the negotiated format."""
    chosen = _chosen(request, fmt)
    linked = services.linked_data
    try:
        if chosen is HTML:
            view = linked.views.get_entity(slug)
            return HTMLResponse(entity_html(view), headers={"Vary": "Accept"})
        return _rdf_response(linked.description(slug), chosen)
    except EntityNotFoundError:
        if chosen is not HTML:
            raise
        return HTMLResponse(not_found_html(slug), status_code=404, headers={"Vary": "Accept"})


@router.get("/ontology", summary="The ontology (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)",
            response_class=Response)
def ontology(
    request: Request, services: ServicesDep,
    fmt: Annotated[str | None, _FORMAT] = None,
) -> Response:
    """The ontology graph, content-negotiated."""
    chosen = _chosen(request, fmt)
    triples = ontology_triples(services.store)
    if chosen is HTML:
        return HTMLResponse(ontology_html(triples), headers={"Vary": "Accept"})
    return _rdf_response(triples, chosen)


@router.get("/void", summary="VoID description of the dataset", response_class=Response)
@router.get("/.well-known/void", include_in_schema=False, response_class=Response)
def void(
    request: Request, services: ServicesDep,
    fmt: Annotated[str | None, _FORMAT] = None,
) -> Response:
    """void:Dataset with triple, entity, class and property counts computed from the store."""
    chosen = _chosen(request, fmt, RDF_OFFERS)
    statistics = services.linked_data.statistics()
    return _rdf_response(void_triples(statistics, base_url=_base_url(services, request)), chosen)


@router.get("/context.jsonld", summary="The JSON-LD context of this service's JSON-LD answers")
def context() -> Response:
    """The local context: the project's prefixes."""
    return Response(context_document(), media_type="application/ld+json")
