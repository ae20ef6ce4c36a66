"""One router per resource; the app includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from kg.api.routes import (
    analytics,
    deployments,
    entities,
    exports,
    graph_store,
    health,
    linked_data,
    paths,
    reconcile,
    sparql,
    web,
)

ROUTERS: list[APIRouter] = [
    health.router,
    sparql.router,
    graph_store.router,
    entities.router,
    reconcile.router,
    linked_data.router,
    paths.router,
    deployments.router,
    analytics.router,
    exports.router,
    web.router,
]
