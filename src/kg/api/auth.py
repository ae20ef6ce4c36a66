"""Write authorisation in the web layer: the check of a request's bearer token."""

from __future__ import annotations

from fastapi import Request

from kg.services import Services


def require_write_token(request: Request, services: Services) -> None:
    """Return when the request carries an allowed bearer token; raises UnauthorizedError."""
    services.write_tokens.check(request.headers.get("authorization"))
