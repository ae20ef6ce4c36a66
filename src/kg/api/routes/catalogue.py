"""The question catalogue: GET /queries lists the questions, GET /queries/{name} runs one.

A question runs through the SPARQL endpoint like any client query (guard, worker, row cap, the
`KG-Truncated` header), with its parameters bound from the query string; an entity parameter takes an
id, CURIE, IRI or name (kg.naming).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from kg.api.deps import ServicesDep
from kg.api.models import LabelOut
from kg.api.truncation import truncation_header
from kg.sparql.protocol import ProtocolRequest

router = APIRouter(tags=["tracing"])


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


@router.get("/queries", response_model=CatalogueOut, summary="The question catalogue")
def list_queries(services: ServicesDep, request: Request) -> dict[str, object]:
    """Every catalogue question with its titles, description, parameters and SPARQL text."""
    return {"queries": [{**q.to_dict(), "url": str(request.url_for("run_query", name=q.name))}
                        for q in services.catalogue.queries()]}


@router.get("/queries/{name}", name="run_query", summary="Run a catalogue question",
            responses={200: {"description": "SPARQL results (JSON, XML, CSV or TSV)"},
                       501: {"description": "unsupported_by_engine: the store's engine is known to "
                             "answer this question wrongly (the question's `unsupported` list)."}})
def run_catalogue_query(
    services: ServicesDep,
    request: Request,
    name: Annotated[str, Path(description="the question's name (see /queries)")],
    format: Annotated[str | None, Query(description="json, xml, csv or tsv (else Accept)")] = None,
) -> Response:
    """Run a question with its parameters (else defaults); 400 bad value, 404 unknown, 503 timeout."""
    question = services.catalogue.get_query(name)
    question.check_engine(services.store.engine_name)
    values = {k: v for k, v in request.query_params.items() if k != "format"}
    text = question.bind(values, resolve=lambda value: services.resolver.resolve(value).iri)
    answer = services.sparql.query(ProtocolRequest(query=text, formats=(format,) if format else ()),
                                   accept=request.headers.get("accept"))
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers=truncation_header(answer.truncated))
