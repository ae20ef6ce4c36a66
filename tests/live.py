"""A real `kg serve --memory` process on a free local port, for end-to-end and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from kg.config import PROJECT_ROOT

#: Limits of the live server, short so that the time-limit tests finish quickly.
LIVE_QUERY_TIMEOUT = 3.0
LIVE_MAX_ROWS = 1000
LIVE_QUERY_WORKERS = 2
_START_SECONDS = 90.0


@dataclass(frozen=True)
class LiveServer:
    """The running server: its base URL, process id and log file."""

    url: str
    pid: int
    log: Path
    query_timeout: float = LIVE_QUERY_TIMEOUT
    max_rows: int = LIVE_MAX_ROWS


def free_port() -> int:
    """A TCP port nobody listens on right now (127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"kg serve did not answer /health in {_START_SECONDS:g} s:\n{log.read_text()[-3000:]}")


@contextmanager
def serve_live(workdir: Path, *, env: dict[str, str] | None = None,
               data_dir: Path | None = None, args: tuple[str, ...] = ()) -> Iterator[LiveServer]:
    """Start `kg serve` on a free port with short limits (in memory, or over `data_dir`), the
    extra `env` variables and `kg serve` options `args`; stop it on exit."""
    port = free_port()
    log = workdir / "server.log"
    full_env = {**os.environ, "KG_QUERY_TIMEOUT": str(LIVE_QUERY_TIMEOUT),
                "KG_MAX_ROWS": str(LIVE_MAX_ROWS), "KG_QUERY_WORKERS": str(LIVE_QUERY_WORKERS),
                **(env or {})}
    store = ["--memory"] if data_dir is None else ["--data-dir", str(data_dir)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", *store, "--host", "127.0.0.1",
             "--port", str(port), *args],
            cwd=PROJECT_ROOT, env=full_env, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield LiveServer(url, process.pid, log)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process: politely, then by SIGKILL after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
