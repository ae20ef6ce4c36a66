"""Liveness and a summary of what is loaded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

import kg
from kg.api.state import AppState, get_state

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness and store summary")
def health(state: Annotated[AppState, Depends(get_state)]) -> dict[str, object]:
    """Answers 200 while the service can read its store; `ready` once the warm-up built the indexes."""
    return {
        "status": "ok",
        "ready": state.ready.is_set(),
        "version": kg.__version__,
        "triples": len(state.store),
        "graphs": state.store.named_graphs(),
        "store": "memory" if state.store.location is None else "disk",
    }
