"""Liveness and a summary of what is loaded."""

from __future__ import annotations

from fastapi import APIRouter

import kg
from kg.api.deps import ServicesDep
from kg.store import Engine, GraphStore

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness and store summary")
def health(services: ServicesDep) -> dict[str, object]:
    """Answers 200 while the service can read its store; `ready` once the warm-up built the indexes."""
    return {
        "status": "ok",
        "ready": services.ready.is_set(),
        "version": kg.__version__,
        "triples": len(services.store),
        "graphs": services.store.named_graphs(),
        "store": _kind_of(services.store),
    }


def _kind_of(store: Engine) -> str:
    """Where the store lives: memory or disk (embedded), or sparql (a remote engine)."""
    if not isinstance(store, GraphStore):
        return "sparql"
    return "memory" if store.location is None else "disk"
