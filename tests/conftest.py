"""Fixtures shared by the whole suite: settings, the bundled graph in memory, the app and a client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.config import Settings
from kg.store import GraphStore
from live import LiveServer, serve_live
from support import SHARED, SOURCE_REPORT, require_shared

__all__ = ["SHARED", "SOURCE_REPORT", "require_shared"]


@pytest.fixture(scope="session")
def settings() -> Settings:
    """In-memory settings with the bundled ontology and data."""
    return Settings(in_memory=True, query_timeout=5.0, query_workers=1, warm_up=False)


@pytest.fixture(scope="session")
def bundled_store(settings: Settings) -> GraphStore:
    """The bundled graph in memory; shared by read-only tests (do not write to it)."""
    return GraphStore.open(settings)


@pytest.fixture(scope="session")
def client(settings: Settings, bundled_store: GraphStore) -> Iterator[TestClient]:
    """A test client of the app over the bundled graph."""
    from kg.api.app import create_app

    with TestClient(create_app(settings, store=bundled_store)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn process serving the bundled graph in memory; stopped at session end."""
    with serve_live(tmp_path_factory.mktemp("live_server")) as server:
        yield server


@pytest.fixture(scope="session")
def live_server(live_server_process: LiveServer) -> str:
    """Base URL of the live server, e.g. "http://127.0.0.1:PORT"."""
    return live_server_process.url
