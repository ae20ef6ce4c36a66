"""Paths and helpers the tests share (importable as `support`; conftest re-exports them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
SOURCE_REPORT = SHARED / "seeds" / "000_16dc973f41d2697c.txt"


def require_shared(path: Path) -> Path:
    """Skip (with the reason) when ../shared is absent, as in a user's fresh clone."""
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not next to this checkout)")
    return path
