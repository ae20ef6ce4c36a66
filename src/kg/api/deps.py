"""The one dependency every router takes: the app's `Services` (the composition root, kg.services)."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from kg.services import Services


async def get_services(request: Request) -> Services:
    """FastAPI dependency: the app's services (async: it only reads an attribute, no thread hop)."""
    return cast(Services, request.app.state.services)


#: A route parameter of this type receives the app's services.
ServicesDep = Annotated[Services, Depends(get_services)]
