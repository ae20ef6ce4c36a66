"""What the routers share: settings, the store, and lazily built domain services."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from fastapi import Request

from kg.config import Settings
from kg.store import GraphStore

T = TypeVar("T")


class AppState:
    """Per-app state; domain services are built on first use and closed at shutdown."""

    def __init__(self, settings: Settings, store: GraphStore) -> None:
        self.settings = settings
        self.store = store
        self._services: dict[str, Any] = {}
        self._closers: list[Callable[[], None]] = []
        self._lock = threading.RLock()
        #: Set when the warm-up has built the indexes (or at once without warm-up): readiness.
        self.ready = threading.Event()  # factories may ask for other services

    def singleton(self, name: str, factory: Callable[[], T]) -> T:
        """The service called `name`, built by `factory` the first time it is asked for."""
        with self._lock:
            if name not in self._services:
                self._services[name] = factory()
            return cast(T, self._services[name])

    def is_built(self, name: str) -> bool:
        """Whether the service called `name` exists yet (for health reports and tests)."""
        return name in self._services

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run `closer` when the app shuts down (worker pools, files)."""
        self._closers.append(closer)

    def close(self) -> None:
        """Shut every service down, newest first."""
        while self._closers:
            self._closers.pop()()
        self.store.flush()


async def get_state(request: Request) -> AppState:
    """FastAPI dependency: the app's state (async: it only reads an attribute, no thread hop)."""
    return cast(AppState, request.app.state.kg)
