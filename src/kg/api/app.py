"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

import kg
from kg.api.admission import install_admission
from kg.api.conditional import ConditionalGetMiddleware
from kg.api.errors import install_error_handlers
from kg.api.head import HeadMiddleware
from kg.api.limits import BodyLimitMiddleware
from kg.api.replica import ForwardWritesMiddleware, LeaderRole, RefreshMiddleware, ReplicaRole
from kg.api.routes import ROUTERS
from kg.config import Settings
from kg.services import Services, open_store
from kg.store import Engine, GraphStore
from kg.store.replicas import Publisher


def create_app(settings: Settings | None = None, *, store: Engine | None = None,
               role: LeaderRole | ReplicaRole | None = None) -> FastAPI:
    """Build the service for `settings` (read from KG_* variables when omitted), over `store` (the
    configured one when omitted). With a `role`, the app is one process of several over one embedded
    store (kg.api.replica): the leader publishes its store's states, a replica reads them."""
    settings = settings or Settings()
    if isinstance(role, ReplicaRole):
        services = Services(settings, role.store, owns_store=True)
    elif store is not None:
        services = Services(settings, store)
    else:
        services = Services(settings, open_store(settings), owns_store=True)
    if isinstance(role, LeaderRole):
        if not isinstance(services.store, GraphStore):
            raise TypeError("only the embedded store has a leader")
        Publisher(services.store, role.root, grace=role.grace)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            services.warm_up()
        else:
            services.ready.set()
        yield
        services.close()

    app = FastAPI(
        title="innokg",
        version=kg.__version__,
        description="Knowledge graph of innovation-governance entities: SPARQL 1.1, entity lookup, "
        "relation tracing with evidence, exports.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc: kg.api.routes.docs, with their assets served locally
        redoc_url=None,
    )
    app.state.services = services  # routers reach it through kg.api.deps, and nothing else
    if settings.allow_updates:
        _ = services.write_tokens  # a malformed KG_WRITE_TOKENS(_FILE) stops the start, not a first write
    app.add_middleware(HeadMiddleware)  # innermost: HEAD answered as GET where a route lacks it
    app.add_middleware(ConditionalGetMiddleware, services=services)  # ETag, 304 (kg.api.conditional)
    if isinstance(role, ReplicaRole):  # outside the ETag: a tag is computed on the newest state
        app.add_middleware(RefreshMiddleware, follower=role.follower)
        app.add_middleware(ForwardWritesMiddleware, leader_socket=role.leader_socket,
                           timeout=settings.query_timeout * 6 + 30)
    origins, methods, headers = _cors_policy(settings.cors_origins)
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=methods,
                       allow_headers=headers, allow_credentials=False, expose_headers=["*"])
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    install_admission(app, settings)  # body deadline; per-client rate limit outermost
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app


#: Request headers any origin may send: Authorization is not one of them, so that with "*" no page of
#: any site can carry a write token (a browser's preflight for it fails).
_CORS_READ_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")
_CORS_READ_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


def _cors_policy(setting: str) -> tuple[list[str], list[str], list[str]]:
    """Origins, methods and headers allowed cross-origin: reads for "*", writes for listed origins only."""
    origins = [origin.strip() for origin in setting.split(",") if origin.strip()]
    if "*" in origins:  # one policy for every origin: a "*" among named origins opens reads only
        return ["*"], [*_CORS_READ_METHODS], [*_CORS_READ_HEADERS]
    return origins, [*_CORS_READ_METHODS, "PUT", "DELETE"], [*_CORS_READ_HEADERS, "Authorization"]
