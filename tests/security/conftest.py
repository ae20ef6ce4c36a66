"""Fixtures of the security suite: a canary listener on 127.0.0.1 and real `kg serve` processes.

The canary counts every TCP connection made to it (HTTP or not): an attack succeeded in reaching the
network exactly when the count is above zero.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from live import LiveServer, serve_live


class Canary:
    """A listener on 127.0.0.1 that counts connections and answers each with an empty HTTP 200."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="canary")
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.hits += 1
            with conn:
                conn.settimeout(1.0)
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: 46\r\nConnection: close\r\n\r\n"
                                 b'{"head":{"vars":[]},"results":{"bindings":[]}}')
                except OSError:
                    pass

    def close(self) -> None:
        """Stop listening."""
        self._sock.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    """A fresh canary listener; its `hits` must stay 0 in every test that uses it."""
    listener = Canary()
    try:
        yield listener
    finally:
        listener.close()


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server over an on-disk store with updates on and one write token ("s3cret-token")."""
    from kg.auth import token_digest

    workdir = tmp_path_factory.mktemp("writable")
    env = {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(WRITE_TOKEN), "KG_WARM_UP": "false"}
    with serve_live(workdir, env=env, data_dir=workdir / "store") as server:
        yield server


#: The bearer token the writable server accepts.
WRITE_TOKEN = "s3cret-token"


def auth_headers() -> dict[str, str]:
    """Headers carrying the writable server's token."""
    return {"Authorization": f"Bearer {WRITE_TOKEN}"}


def workdir_of(server: LiveServer) -> Path:
    """The directory holding a live server's log."""
    return server.log.parent
