"""Real SPARQL engines started for the remote-backend tests: `oxigraph serve` (the PyPI `oxigraph`
package) and Virtuoso (Debian's `virtuoso-opensource`, installed by scripts/setup-debian), each on
127.0.0.1 with a free port and a temporary directory, loaded with the bundled graph once per session
and stopped at its end. A missing binary skips its tests with the reason.

Each remote app is paired with a reference: the embedded store over the same files, so that tests
compare every answer with what the embedded backend says. Virtuoso's copy of the bundled data has its
xsd:duration literals as plain strings: Virtuoso 7 cannot hold them (docs/engine-notes.md §5.3), a
difference tests/remote/test_engine_quirks.py asserts.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
import virtuoso
from fastapi.testclient import TestClient

from kg.auth import token_digest
from kg.config import PROJECT_ROOT, Settings

WRITE_TOKEN = "remote-backend-writer"
#: Seconds an engine may take to answer its first query after it was started.
_START_WAIT = 60.0


@dataclass(frozen=True)
class Engine:
    """A running engine: its name, endpoints, credentials and the bundled data it should hold."""

    name: str
    query_url: str
    update_url: str
    gsp_url: str | None
    data_dir: Path
    user: str | None = None
    password: str | None = None
    auth: str = "basic"

    def settings(self, **overrides: object) -> Settings:
        """Settings of an app over this engine (writes allowed with WRITE_TOKEN)."""
        values: dict[str, object] = {
            "backend": "sparql", "sparql_query_url": self.query_url,
            "sparql_update_url": self.update_url, "sparql_gsp_url": self.gsp_url,
            "sparql_user": self.user, "sparql_password": self.password, "sparql_auth": self.auth,
            "bundled_data_dir": self.data_dir, "query_timeout": 10.0, "warm_up": False,
            "allow_updates": True, "write_tokens": token_digest(WRITE_TOKEN),
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Ask `url` an ASK query until it answers; fail with the engine's log when it does not."""
    deadline = time.monotonic() + _START_WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the engine exited at start: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.post(url, data={"query": "ASK {}"}, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"the engine did not answer within {_START_WAIT:g} s: "
                f"{log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop an engine process started by a fixture (SIGTERM, then SIGKILL)."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def oxigraph_binary() -> str | None:
    """The `oxigraph` server of the PyPI package, next to this Python or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


@pytest.fixture(scope="session")
def oxigraph_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """`oxigraph serve` on a free port over a temporary directory (its default graph is its own
    default graph: no --union-default-graph, so the store's dataset handling is what is tested)."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("oxigraph (the PyPI package `oxigraph`, in the bench extra) is not installed")
    root = tmp_path_factory.mktemp("oxigraph-serve")
    port = free_port()
    log = root / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "serve", "--location", str(root / "db"), "--bind",
                                    f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{base}/query", process, log)
        yield Engine("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store",
                     PROJECT_ROOT / "data")
    finally:
        stop(process)


#: The row cap of the capped Virtuoso (below the bundled graph's ~4,000 triples, so that every
#: bulk read of the indexes has to be paged).
CAPPED_ROWS = 1000


@pytest.fixture(scope="session")
def virtuoso_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Virtuoso on free ports with a virtuoso.ini written here, SPARQL updates granted to the
    anonymous SPARQL user (isql-vt), which also lets it write through the Graph Store endpoint
    /sparql-graph-crud; the digest-authenticated /sparql-auth and /sparql-graph-crud-auth take the
    dba user."""
    yield from _virtuoso(tmp_path_factory, max_rows=1_000_000)


@pytest.fixture(scope="session")
def capped_virtuoso_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A second Virtuoso whose ResultSetMaxRows is CAPPED_ROWS (no Graph Store URL: loads and
    writes go through updates there)."""
    for engine in _virtuoso(tmp_path_factory, max_rows=CAPPED_ROWS):
        yield replace(engine, name="virtuoso-capped", gsp_url=None)


def _virtuoso(tmp_path_factory: pytest.TempPathFactory, *, max_rows: int) -> Iterator[Engine]:
    if not virtuoso.installed():
        pytest.skip("Virtuoso is not installed (Debian: virtuoso-opensource; scripts/setup-debian)")
    root = tmp_path_factory.mktemp("virtuoso")
    try:
        started = virtuoso.start(root, max_rows=max_rows)
    except virtuoso.EngineStartError as exc:
        pytest.fail(str(exc))
    base = started.base_url
    try:
        yield Engine("virtuoso", f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud",
                     virtuoso.bundled_data(root))
    finally:
        stop(started.process)


@dataclass
class Backend:
    """An app over one engine, and the embedded reference over the same files."""

    name: str
    engine: Engine
    client: TestClient
    reference: TestClient


def _backend(engine: Engine, reference_settings: Settings) -> Iterator[Backend]:
    from kg.api.app import create_app

    headers = {"authorization": f"Bearer {WRITE_TOKEN}"}
    with TestClient(create_app(engine.settings()), headers=headers) as client, \
            TestClient(create_app(reference_settings)) as reference:
        yield Backend(engine.name, engine, client, reference)


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """Each remote engine in turn, with its app and its embedded reference (loaded once a session)."""
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    reference = Settings(in_memory=True, bundled_data_dir=engine.data_dir, query_timeout=10.0,
                         query_workers=1, warm_up=False)
    yield from _backend(engine, reference)
