"""One JSON error shape for every error the API answers, FastAPI's own validation errors and 404 included.

    {"status": 404, "code": "entity_not_found", "detail": "No entity ... Check the IRI."}

Every client error in a request's parameters or body is a 400. FastAPI's validation errors (a missing,
malformed or out-of-range parameter) are 400 `invalid_parameter`, not FastAPI's default 422: the
SPARQL 1.1 Protocol and the Graph Store Protocol require 400 for a malformed request, and a client
should see one status for "fix your request", whichever route and whichever check refused it. The
detail names each bad parameter, what it must be and what was sent ("limit: must be at least 1 (got
0)"). The OpenAPI schema says the same (kg.api.openapi).

Every response carries an `X-Request-ID` (kg.api.request_id). A server error is logged with it, the
method, the path and the whole exception chain; an unexpected one answers

    {"status": 500, "code": "internal_error", "detail": "Internal error; quote request id <id> to the
     operator.", "request_id": "<id>"}

and never a traceback, a path or an exception message.
"""

from __future__ import annotations

import logging
import re
from typing import cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.api.openapi import document_errors
from kg.api.request_id import HEADER, RequestIdMiddleware, find_request_id, new_request_id
from kg.errors import KGError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "invalid_parameter", 429: "too_many_requests",
}
#: The code of a FastAPI validation error (a parameter or body the route's signature refuses).
INVALID_PARAMETER = "invalid_parameter"
#: The code of an exception nobody raised on purpose.
INTERNAL_ERROR = "internal_error"
#: Longest sent value a validation detail repeats.
_SHOWN_CHARS = 40
_PLAIN = re.compile(r"[\w.+:/-]+")


class ErrorOut(BaseModel):
    """The body of every error answer."""

    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(description="Stable snake_case name of the error, what clients match on.")
    detail: str = Field(description="What was wrong, naming the bad value, and how to fix it.")
    request_id: str | None = Field(default=None, description="On a 500: the X-Request-ID to quote.")
    file: str | None = Field(default=None, description="load_error: the file that did not parse.")
    line: int | None = Field(default=None, description="load_error: the line of the error.")
    column: int | None = Field(default=None, description="load_error: the column of the error.")


def error_response(status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    """The project's error body."""
    return JSONResponse({"status": status, "code": code, "detail": detail, **extra}, status_code=status)


def describe_validation(exc: RequestValidationError) -> str:
    """One sentence naming each refused parameter, what it must be and what was sent."""
    parts = [_describe_one(error) for error in exc.errors()]
    return "Invalid request parameter(s): " + "; ".join(parts) + "."


#: What a parameter must be, by pydantic error type; formatted with the error's context.
_EXPECTED = {
    "missing": "is required",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "multiple_of": "must be a multiple of {multiple_of}",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} characters",
    "string_pattern_mismatch": "must match the pattern {pattern}",
    "enum": "must be one of {expected}",
    "literal_error": "must be one of {expected}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} items",
    "json_invalid": "is not valid JSON ({error})",
}


def _describe_one(error: dict[str, object]) -> str:
    kind = str(error.get("type", ""))
    context = error.get("ctx")
    try:
        expected = _EXPECTED[kind].format(**(context if isinstance(context, dict) else {}))
    except (KeyError, IndexError):  # an unknown type, or a context without the field the text needs
        expected = str(error.get("msg", "is invalid"))
    where = _where(error.get("loc"), whole_body=kind == "json_invalid")
    sent = error.get("input")
    if kind in ("missing", "json_invalid") or not isinstance(sent, str | int | float | bool):
        return f"{where}: {expected}"
    return f"{where}: {expected} (got {_shown(sent)})"


def _where(loc: object, *, whole_body: bool) -> str:
    """`limit`, `property[1]`, `queries[0].type` or `body` from a pydantic location."""
    parts = tuple(loc) if isinstance(loc, tuple | list) else ()
    if whole_body or len(parts) < 2:
        return str(parts[0]) if parts else "request"
    path = ""
    for part in parts[1:]:  # parts[0] says where: query, path, header, cookie or body
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def _shown(sent: str | int | float | bool) -> str:
    """The sent value as the detail repeats it: plain tokens bare, other text quoted, cut short."""
    text = str(sent)
    if len(text) > _SHOWN_CHARS:
        return repr(text[:_SHOWN_CHARS] + "…")
    return text if _PLAIN.fullmatch(text) or not isinstance(sent, str) else repr(text)


def _request_id(request: Request) -> str:
    return find_request_id(request.scope) or new_request_id()


async def _kg_error(request: Request, caught: Exception) -> JSONResponse:
    exc = cast(KGError, caught)  # Starlette calls each handler for its own class only
    if exc.status >= 500:
        _log_server_error(request, exc)
    extra = {}
    for attr in ("file", "line", "column"):
        value = getattr(exc, attr, None)
        if value is not None:
            extra[attr] = value
    response = error_response(exc.status, exc.code, exc.detail, **extra)
    allow = getattr(exc, "allow", None)
    if allow is not None:
        response.headers["Allow"] = allow
    response.headers.update(exc.headers)
    return response


def _log_server_error(request: Request, exc: KGError) -> None:
    """A 5xx the code raised on purpose: the request id, method, path, code and the cause."""
    # A 500 is a fault to investigate; other 5xx (busy, timed out, disk full) are conditions of the
    # service, worth a traceback only when something caused them.
    level = logging.ERROR if exc.status == 500 else logging.WARNING
    chained = exc.status == 500 or exc.__cause__ is not None
    request_id = _request_id(request)
    log.log(level, "%s %s answered %d %s (request id %s): %s", request.method, request.url.path,
            exc.status, exc.code, request_id, exc.detail, exc_info=exc if chained else None,
            extra={"request_id": request_id})


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    return error_response(400, INVALID_PARAMETER, describe_validation(cast(RequestValidationError, exc)))


async def _http_error(_: Request, caught: Exception) -> JSONResponse:
    exc = cast(StarletteHTTPException, caught)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
    response = error_response(exc.status_code, code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Never leak a traceback, a path or the exception's text to the client; the log line has them all
    # and the request id finds it. Starlette calls this from its outermost middleware, outside
    # RequestIdMiddleware, so the header is set here.
    request_id = _request_id(request)
    log.exception("Internal error on %s %s (request id %s)", request.method, request.url.path,
                  request_id, exc_info=exc, extra={"request_id": request_id})
    response = error_response(500, INTERNAL_ERROR,
                              f"Internal error; quote request id {request_id} to the operator.",
                              request_id=request_id)
    response.headers[HEADER] = request_id
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the one JSON shape, give every request an id, and document both."""
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(RequestIdMiddleware)  # outermost: the 429s and 413s of the others carry it too
    document_errors(app, ErrorOut)
