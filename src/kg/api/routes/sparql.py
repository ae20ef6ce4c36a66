"""GET/POST /sparql: the SPARQL 1.1 Protocol (queries, updates when enabled, service description).

Handlers are plain `def`: FastAPI runs them in its thread pool, so a slow query (which waits on a
worker process, see kg.store.runner) never blocks other requests. The body is read by an async
dependency before the handler runs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from kg.api.services import query_runner_of
from kg.api.state import AppState, get_state
from kg.sparql.endpoint import SparqlAnswer, SparqlEndpoint
from kg.sparql.protocol import ProtocolRequest, parse_get, parse_post

router = APIRouter(tags=["sparql"])

#: Response header set on every SELECT/CONSTRUCT/DESCRIBE answer: whether Settings.max_rows cut it.
TRUNCATED_HEADER = "KG-Truncated"


async def _read_body(request: Request) -> bytes:
    return await request.body()


def _endpoint_of(state: AppState) -> SparqlEndpoint:
    runner = query_runner_of(state)
    return state.singleton("sparql_endpoint",
                           lambda: SparqlEndpoint(state.store, state.settings, runner))


async def get_endpoint(state: Annotated[AppState, Depends(get_state)]) -> SparqlEndpoint:
    """FastAPI dependency: the app's SPARQL endpoint (its worker pool starts on first use)."""
    # Async, to save a thread hop per query; starting the worker pool blocks, so that goes to a thread.
    if state.is_built("sparql_endpoint"):
        return _endpoint_of(state)
    return await run_in_threadpool(_endpoint_of, state)


def _endpoint_url(request: Request, base_url: str | None) -> str:
    base = base_url.rstrip("/") if base_url else str(request.base_url).rstrip("/")
    return f"{base}{request.url.path}"


def _respond(answer: SparqlAnswer) -> Response:
    headers = {}
    if answer.truncated is not None:
        headers[TRUNCATED_HEADER] = "true" if answer.truncated else "false"
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers=headers)


def _answer(request: Request, endpoint: SparqlEndpoint, state: AppState,
            parsed: ProtocolRequest) -> Response:
    answer = endpoint.answer(parsed, accept=request.headers.get("accept"),
                             endpoint_url=_endpoint_url(request, state.settings.base_url))
    return _respond(answer)


_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Query results (SPARQL JSON/XML/CSV/TSV) or RDF (Turtle, N-Triples, "
          "JSON-LD, RDF/XML, N-Quads, TriG) by Accept or format=; the service description "
          "without a query. Header KG-Truncated tells whether KG_MAX_ROWS cut the answer."},
    400: {"description": "query_syntax_error, query_refused (SERVICE, LOAD, updates, unknown "
          "graphs), update_failed (the store refused an update; nothing changed), or bad_request "
          "(two query parameters...)."},
    406: {"description": "not_acceptable: no offered format matches Accept/format=."},
    503: {"description": "query_timeout: stopped at KG_QUERY_TIMEOUT; or service_busy."},
}


@router.get("/sparql", summary="SPARQL 1.1 query (or the service description)", responses=_RESPONSES)
def sparql_get(request: Request, state: Annotated[AppState, Depends(get_state)],
               endpoint: Annotated[SparqlEndpoint, Depends(get_endpoint)]) -> Response:
    """`?query=` runs a query; without it, the SPARQL 1.1 Service Description (Turtle by default)."""
    return _answer(request, endpoint, state, parse_get(request.query_params.multi_items()))


@router.post("/sparql", summary="SPARQL 1.1 query or update", responses={
    **_RESPONSES, 204: {"description": "Update done (only with KG_ALLOW_UPDATES=true)."},
    403: {"description": "forbidden: updates are switched off."},
    415: {"description": "unsupported_media_type: not form, sparql-query or sparql-update."},
})
def sparql_post(request: Request, body: Annotated[bytes, Depends(_read_body)],
                state: Annotated[AppState, Depends(get_state)],
                endpoint: Annotated[SparqlEndpoint, Depends(get_endpoint)]) -> Response:
    """Form (`query=`/`update=`), application/sparql-query or application/sparql-update bodies."""
    parsed = parse_post(request.query_params.multi_items(), request.headers.get("content-type"), body)
    return _answer(request, endpoint, state, parsed)
