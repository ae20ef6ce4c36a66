"""One router per resource; the app includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from kg.api.routes import (
    analytics,
    entities,
    exports,
    health,
    linked_data,
    paths,
    sparql,
    web,
)

ROUTERS: list[APIRouter] = [
    health.router,
    sparql.router,
    entities.router,
    linked_data.router,
    paths.router,
    analytics.router,
    exports.router,
    web.router,
]
