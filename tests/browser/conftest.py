"""A live service for the browser tests, and the Node + Chromium tool check.

The live server itself is the suite's `live_server` fixture (tests/conftest.py, tests/live.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pagedriver import CHROMIUM, ROOT


def _missing_tools() -> list[str]:
    missing = []
    if shutil.which("node") is None:
        missing.append("node")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (scripts/setup-debian)")
    if not (ROOT / "node_modules" / "playwright-core").exists():
        missing.append("node_modules/playwright-core (scripts/setup-web)")
    vendor = ROOT / "src" / "kg" / "web" / "static" / "vendor"
    for name in ("cytoscape.esm.min.mjs", "cytoscape-fcose.js"):
        if not (vendor / name).exists():
            missing.append(f"static/vendor/{name} (scripts/setup-web)")
    return missing


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Skip (saying what is missing) when Node, Chromium or the npm packages are not installed."""
    missing = _missing_tools()
    if missing:
        pytest.skip("browser tests need " + ", ".join(missing))
