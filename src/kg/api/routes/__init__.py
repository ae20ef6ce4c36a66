"""One router per resource; the app includes them in this order (a more specific path before the
route that would swallow it: /entities/{id}/neighbourhood before /entities/{id})."""

from __future__ import annotations

from fastapi import APIRouter

from kg.api.routes import (
    analytics,
    browse,
    catalogue,
    deployments,
    docs,
    entities,
    evidence,
    exports,
    graph_store,
    health,
    linked_data,
    neighbourhood,
    paths,
    reconcile,
    review,
    sparql,
    timeline,
    trace,
    web,
)

ROUTERS: list[APIRouter] = [
    health.router,
    sparql.router,
    graph_store.router,
    neighbourhood.router,
    entities.router,
    reconcile.router,
    linked_data.router,
    paths.router,
    trace.router,
    timeline.router,
    catalogue.router,
    deployments.router,
    analytics.router,
    exports.router,
    evidence.router,
    browse.router,
    review.router,
    docs.router,
    web.router,
]
