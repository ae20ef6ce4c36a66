"""A live service for the browser tests, and the Node + Chromium tool check.

`live_server` starts `python -m kg.cli serve --memory` on a free loopback port (the same contract as
tests/e2e's fixture; this directory imports nothing from it) and stops it at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pagedriver import CHROMIUM, ROOT


def _missing_tools() -> list[str]:
    missing = []
    if shutil.which("node") is None:
        missing.append("node")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (scripts/setup-browser)")
    if not (ROOT / "node_modules" / "playwright-core").exists():
        missing.append("node_modules/playwright-core (scripts/setup-web)")
    if not (ROOT / "src" / "kg" / "web" / "static" / "vendor" / "cytoscape.esm.min.mjs").exists():
        missing.append("static/vendor/cytoscape.esm.min.mjs (scripts/setup-web)")
    return missing


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Skip (saying what is missing) when Node, Chromium or the npm packages are not installed."""
    missing = _missing_tools()
    if missing:
        pytest.skip("browser tests need " + ", ".join(missing))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """Base URL of a real uvicorn process serving the bundled graph from memory."""
    port = _free_port()
    env = {**os.environ, "KG_QUERY_WORKERS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--memory", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"kg serve exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("kg serve did not answer /health within 60 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
