"""Fixtures of the interoperability suite: real `kg serve` processes for real clients to talk to, and a
relay that records what a client really sends.

Two servers for the whole session: a read-only one over the bundled graph in memory (as the service
runs by default), and a writable one over an on-disk store with updates on and one write token.
Writers use graphs of their own under `urn:x-interop:<client>:` so that the modules do not depend on
each other's order.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest

from kg.auth import token_digest
from live import LiveServer, serve_live

#: The bearer token the writable server accepts (only its SHA-256 digest is configured).
WRITE_TOKEN = "interop-Token_7f3a"
#: Namespace of the graphs the clients write; each client adds its own name.
GRAPH_PREFIX = "urn:x-interop:"
TIMEOUT = 30.0


@pytest.fixture(scope="session")
def readonly_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`kg serve --memory` with the defaults: read-only, lookup indexes warmed up in the background."""
    with serve_live(tmp_path_factory.mktemp("interop-readonly")) as server:
        yield server


@pytest.fixture(scope="session")
def writable_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`kg serve --data-dir` with KG_ALLOW_UPDATES=true and WRITE_TOKEN's digest in KG_WRITE_TOKENS."""
    workdir = tmp_path_factory.mktemp("interop-writable")
    env = {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(WRITE_TOKEN)}
    with serve_live(workdir, env=env, data_dir=workdir / "store") as server:
        yield server


def served_graph(server: LiveServer, graph: str) -> str | None:
    """The named graph as N-Triples, read through the Graph Store (None when the store lacks it)."""
    response = httpx.get(f"{server.url}/rdf-graphs", params={"graph": graph},
                         headers={"accept": "application/n-triples"}, timeout=TIMEOUT)
    assert response.status_code in (200, 404), response.text
    return response.text if response.status_code == 200 else None


# -- a relay that records what goes over the wire ---------------------------------------------------

#: A request head: request line, header lines, blank line (bodies are not parsed).
_REQUEST_HEAD = re.compile(rb"(?:GET|POST|PUT|DELETE|HEAD) [^\r\n]* HTTP/1\.1\r\n(?:[^\r\n]+\r\n)*\r\n")
_STATUS_LINE = re.compile(rb"HTTP/1\.1 (\d{3}) ")


@dataclass(frozen=True)
class RequestHead:
    """One request as sent: method, target and header lines (names lower-cased, values as sent)."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """The first value of header `name`, or None."""
        return next((value for key, value in self.headers if key == name.lower()), None)


def _parse_head(raw: bytes) -> RequestHead:
    request_line, *lines = raw.decode("latin-1").rstrip("\r\n").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    pairs = tuple((name.strip().lower(), value.strip()) for name, _, value in
                  (line.partition(":") for line in lines))
    return RequestHead(method, target, pairs)


class RecordingRelay:
    """A TCP relay on 127.0.0.1 in front of a live server that keeps the bytes of both directions."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._sent: list[bytearray] = []
        self._received: list[bytearray] = []
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True, name="relay").start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(self._target)
            sent, received = bytearray(), bytearray()
            self._sent.append(sent)
            self._received.append(received)
            self._sockets += [client, upstream]
            for source, sink, log in ((client, upstream, sent), (upstream, client, received)):
                threading.Thread(target=_pump, args=(source, sink, log), daemon=True).start()

    def sent(self) -> bytes:
        """Everything the clients sent, connection after connection."""
        return b"".join(bytes(data) for data in self._sent)

    def requests(self, method: str | None = None) -> list[RequestHead]:
        """The request heads the clients sent (only those of `method` when given)."""
        heads = [_parse_head(raw) for data in self._sent for raw in _REQUEST_HEAD.findall(bytes(data))]
        return [head for head in heads if method is None or head.method == method]

    def statuses(self) -> list[int]:
        """The status codes of the server's answers."""
        return [int(code) for data in self._received for code in _STATUS_LINE.findall(bytes(data))]

    def close(self) -> None:
        """Stop listening and close every relayed connection."""
        self._listener.close()
        for sock in self._sockets:
            sock.close()


def _pump(source: socket.socket, sink: socket.socket, log: bytearray) -> None:
    try:
        while data := source.recv(65536):
            log += data
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        return  # either side closed


#: Makes a recording relay in front of a server URL.
MakeRelay = Callable[[str], RecordingRelay]


@pytest.fixture()
def relay() -> Iterator[MakeRelay]:
    """Makes relays in front of servers (`relay(server.url)`); all are closed after the test."""
    made: list[RecordingRelay] = []

    def make(target: str) -> RecordingRelay:
        made.append(RecordingRelay(target))
        return made[-1]

    yield make
    for each in made:
        each.close()
