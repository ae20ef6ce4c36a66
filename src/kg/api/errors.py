"""One JSON error shape for every error the API answers, FastAPI's own 422 and 404 included.

    {"status": 404, "code": "entity_not_found", "detail": "No entity ... Check the IRI."}
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import KGError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "invalid_parameter", 429: "too_many_requests",
}


def error_response(status: int, code: str, detail: str, **extra: object) -> JSONResponse:
    """The project's error body."""
    return JSONResponse({"status": status, "code": code, "detail": detail, **extra}, status_code=status)


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "Invalid request parameter(s): " + "; ".join(parts) + "."


async def _kg_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KGError)
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


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "invalid_parameter", _describe_validation(exc))


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
    response = error_response(exc.status_code, code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    # Never leak a traceback or a path to the client; the log has the details.
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "The server failed on this request; see its log.")


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the one JSON shape."""
    app.add_exception_handler(KGError, _kg_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
