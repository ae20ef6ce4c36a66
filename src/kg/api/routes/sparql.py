"""GET/POST /sparql: the SPARQL 1.1 Protocol (queries, updates when enabled, service description).

Handlers are `async def` and never block the event loop: a query is awaited on the loop while a
worker process runs it (`SparqlEndpoint.query_async`, see kg.store.pool), which saves the thread
pool's two hops per request; updates, the service description and long bodies, which do block, go to
the thread pool. The handlers take the bare `Request` and find the endpoint themselves: each FastAPI
dependency costs its resolution on every request, a measurable share of a cheap query's time.

An update needs KG_ALLOW_UPDATES (403 from the endpoint otherwise) and then a write token (401,
kg.auth); an `application/sparql-update` body is refused before it is read.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from kg.api.auth import require_write_token
from kg.api.deps import get_services
from kg.api.truncation import truncation_header
from kg.errors import BadRequestError
from kg.services import Services
from kg.sparql.endpoint import SparqlAnswer, SparqlEndpoint
from kg.sparql.protocol import UPDATE_BODY, ProtocolRequest, media_type_of, parse_get, parse_post

router = APIRouter(tags=["sparql"])

async def _endpoint(request: Request) -> tuple[Services, SparqlEndpoint]:
    """The app's services and SPARQL endpoint. The query workers start on the first query that needs
    them (`Engine.run_async` starts them in a thread): a request refused by the guard, or answered from
    the cache, never waits for them."""
    services = await get_services(request)
    return services, services.sparql


def _endpoint_url(request: Request, base_url: str | None) -> str:
    base = base_url.rstrip("/") if base_url else str(request.base_url).rstrip("/")
    return f"{base}{request.url.path}"


def _respond(answer: SparqlAnswer) -> Response:
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type,
                    headers=truncation_header(answer.truncated))


#: POST bodies longer than this are parsed in a thread: form decoding and the guard's lexer are
#: linear in the text, and a body may be up to Settings.max_body_bytes long.
INLINE_BODY_BYTES = 16 * 1024


def _authorize_update(request: Request, services: Services) -> None:
    # With updates off the endpoint answers 403 whatever the token: that refusal comes first.
    if services.settings.allow_updates:
        require_write_token(request, services)


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return (length is not None and length.strip() != "0") or "transfer-encoding" in request.headers


def _answer_blocking(request: Request, endpoint: SparqlEndpoint, services: Services,
                     parsed: ProtocolRequest) -> Response:
    if parsed.update is not None:  # every update passes here, whichever way its body came
        _authorize_update(request, services)
    answer = endpoint.answer(parsed, accept=request.headers.get("accept"),
                             endpoint_url=_endpoint_url(request, services.settings.base_url))
    return _respond(answer)


async def _answer(request: Request, endpoint: SparqlEndpoint, services: Services,
                  parsed: ProtocolRequest) -> Response:
    if parsed.query is None or parsed.update is not None:
        # Updates write the store and the description reads it: both block, so they get a thread.
        return await run_in_threadpool(_answer_blocking, request, endpoint, services, parsed)
    return _respond(await endpoint.query_async(
        parsed, accept=request.headers.get("accept"),
        base_iri=_endpoint_url(request, services.settings.base_url)))


_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "Query results (SPARQL JSON/XML/CSV/TSV) or RDF (Turtle, N-Triples, "
          "JSON-LD, RDF/XML, N-Quads, TriG) by Accept or format=; the service description "
          "without a query. Header KG-Truncated tells whether KG_MAX_ROWS cut the answer."},
    400: {"description": "query_syntax_error, query_refused (SERVICE, LOAD, updates on the query "
          "path, using-graph-uri), update_failed (the store refused an update; nothing changed), or "
          "bad_request (two query parameters, a dataset IRI that is not absolute, a GET with a "
          "body...)."},
    406: {"description": "not_acceptable: no offered format matches Accept/format=."},
    503: {"description": "query_timeout: stopped at KG_QUERY_TIMEOUT; or service_busy."},
}


@router.get("/sparql", summary="SPARQL 1.1 query (or the service description)", responses=_RESPONSES)
async def sparql_get(request: Request) -> Response:
    """`?query=` runs a query; without it, the SPARQL 1.1 Service Description (Turtle by default)."""
    if _has_body(request):
        # The protocol's GET carries no body; a body here would be silently ignored, or read by a proxy
        # differently from this service.
        raise BadRequestError("GET /sparql takes no request body; send a query with a body by POST "
                              "(application/sparql-query, or a form with query=).")
    services, endpoint = await _endpoint(request)
    return await _answer(request, endpoint, services, parse_get(request.query_params.multi_items()))


@router.post("/sparql", summary="SPARQL 1.1 query or update", responses={
    **_RESPONSES, 204: {"description": "Update done (only with KG_ALLOW_UPDATES=true)."},
    401: {"description": "unauthorized: an update without a valid 'Authorization: Bearer <token>' "
          "(KG_WRITE_TOKENS)."},
    403: {"description": "forbidden: updates are switched off."},
    415: {"description": "unsupported_media_type: not form, sparql-query or sparql-update."},
})
async def sparql_post(request: Request) -> Response:
    """Form (`query=`/`update=`), application/sparql-query or application/sparql-update bodies."""
    if media_type_of(request.headers.get("content-type"))[0] == UPDATE_BODY:
        _authorize_update(request, await get_services(request))  # before the body is read
    body = await request.body()  # past KG_MAX_BODY_BYTES this raises, answered as 413
    services, endpoint = await _endpoint(request)
    if len(body) > INLINE_BODY_BYTES:
        return await run_in_threadpool(_post_blocking, request, body, endpoint, services)
    parsed = parse_post(request.query_params.multi_items(), request.headers.get("content-type"), body)
    return await _answer(request, endpoint, services, parsed)


def _post_blocking(request: Request, body: bytes, endpoint: SparqlEndpoint,
                   services: Services) -> Response:
    parsed = parse_post(request.query_params.multi_items(), request.headers.get("content-type"), body)
    return _answer_blocking(request, endpoint, services, parsed)
