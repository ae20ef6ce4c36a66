"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

import kg
from kg.api.errors import install_error_handlers
from kg.api.limits import BodyLimitMiddleware
from kg.api.routes import ROUTERS
from kg.api.services import warm_up
from kg.api.state import AppState
from kg.config import Settings
from kg.store import GraphStore


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> FastAPI:
    """Build the service for `settings` (read from KG_* variables when omitted)."""
    settings = settings or Settings()
    state = AppState(settings, store or GraphStore.open(settings))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            warm_up(state)
        else:
            state.ready.set()
        yield
        state.close()

    app = FastAPI(
        title="innokg",
        version=kg.__version__,
        description="Knowledge graph of innovation-governance entities: SPARQL 1.1, entity lookup, "
        "relation tracing with evidence, exports.",
        lifespan=lifespan,
    )
    app.state.kg = state
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"], expose_headers=["*"],
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
