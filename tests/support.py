"""Paths and helpers the tests share (importable as `support`; conftest re-exports them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT, Settings
from kg.namespaces import ONTOLOGY_GRAPH
from kg.services import Services
from kg.store import GraphStore

SHARED = PROJECT_ROOT.parent / "shared"
SOURCE_REPORT = SHARED / "seeds" / "000_16dc973f41d2697c.txt"
#: Hand-written fixture graphs (and the source text their evidence spans cut from).
FIXTURES = Path(__file__).parent / "fixtures"


def tracing_store() -> GraphStore:
    """The real ontology plus the hand-written tracing graph (fixtures/tracing.trig), in memory."""
    store = GraphStore.in_memory()
    store.load_file(PROJECT_ROOT / "ontology" / "innokg.ttl", graph=str(ONTOLOGY_GRAPH))
    store.load_file(FIXTURES / "tracing.trig")
    return store


def require_shared(path: Path) -> Path:
    """Skip (with the reason) when ../shared is absent, as in a user's fresh clone."""
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not next to this checkout)")
    return path


def services_over(store: GraphStore, sources: Path | None = None, **settings: object) -> Services:
    """The project's services over `store` (kg.services, as the app and the commands build them), with
    in-memory settings overridden by `settings` and the report texts read from `sources`."""
    if sources is not None:
        settings["sources_dir"] = sources
    return Services(Settings(in_memory=True, **settings), store)  # type: ignore[arg-type]
