"""Linked data: entity IRIs dereference with content negotiation; ontology, VoID, JSON-LD context."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from kg.api.routes.entities import get_views
from kg.api.state import AppState, get_state
from kg.entities import EntityViews
from kg.errors import EntityNotFoundError
from kg.linked_data import (
    MEDIA_TYPES,
    LinkedData,
    context_document,
    entity_html,
    negotiate,
    not_found_html,
    ontology_html,
    ontology_triples,
    serialise,
    void_triples,
)
from kg.terms import Triple

router = APIRouter(tags=["linked data"])

_RDF_ONLY = ("turtle", "jsonld", "ntriples", "rdfxml")
_FORMAT = Query(alias="format",
                description="Override content negotiation: html, turtle, jsonld, ntriples, rdfxml.")


def get_linked_data(state: Annotated[AppState, Depends(get_state)],
                    views: Annotated[EntityViews, Depends(get_views)]) -> LinkedData:
    """FastAPI dependency: the linked-data service."""
    return state.singleton("linked_data", lambda: LinkedData(state.store, views))


def _rdf_response(triples: list[Triple], fmt: str) -> Response:
    return Response(serialise(triples, fmt), media_type=MEDIA_TYPES[fmt], headers={"Vary": "Accept"})


def _base_url(state: AppState, request: Request) -> str:
    return state.settings.base_url or str(request.base_url)


@router.get("/id/{slug:path}",
            summary="Dereference an entity IRI (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)",
            response_class=Response)
def dereference(
    slug: str, request: Request,
    linked: Annotated[LinkedData, Depends(get_linked_data)],
    fmt: Annotated[str | None, _FORMAT] = None,
) -> Response:
    """The description of https://w3id.org/innokg/id/{slug} in the negotiated format."""
    chosen = negotiate(request.headers.get("accept"), fmt)
    try:
        if chosen == "html":
            view = linked.views.get_entity(slug)
            return HTMLResponse(entity_html(view), headers={"Vary": "Accept"})
        return _rdf_response(linked.description(slug), chosen)
    except EntityNotFoundError:
        if chosen != "html":
            raise
        return HTMLResponse(not_found_html(slug), status_code=404, headers={"Vary": "Accept"})


@router.get("/ontology", summary="The ontology (HTML, Turtle, JSON-LD, N-Triples, RDF/XML)",
            response_class=Response)
def ontology(
    request: Request, state: Annotated[AppState, Depends(get_state)],
    fmt: Annotated[str | None, _FORMAT] = None,
) -> Response:
    """The ontology graph, content-negotiated."""
    chosen = negotiate(request.headers.get("accept"), fmt)
    triples = ontology_triples(state.store)
    if chosen == "html":
        return HTMLResponse(ontology_html(triples), headers={"Vary": "Accept"})
    return _rdf_response(triples, chosen)


@router.get("/void", summary="VoID description of the dataset", response_class=Response)
@router.get("/.well-known/void", include_in_schema=False, response_class=Response)
def void(
    request: Request, state: Annotated[AppState, Depends(get_state)],
    linked: Annotated[LinkedData, Depends(get_linked_data)],
    fmt: Annotated[str | None, _FORMAT] = None,
) -> Response:
    """void:Dataset with triple, entity, class and property counts computed from the store."""
    chosen = negotiate(request.headers.get("accept"), fmt, allowed=_RDF_ONLY)
    return _rdf_response(void_triples(linked.statistics(), base_url=_base_url(state, request)), chosen)


@router.get("/context.jsonld", summary="The JSON-LD context of this service's JSON-LD answers")
def context() -> Response:
    """The local context: the project's prefixes."""
    return Response(context_document(), media_type="application/ld+json")
