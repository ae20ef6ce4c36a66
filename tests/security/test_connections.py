"""Connection hygiene against a real server process (kg.api.server.run_server over a bound socket):
idle and slow connections are closed, a flood is answered 429, connections past the limit 503, and
requests with Java's `Upgrade: h2c` headers keep their bodies on every route that takes one.

Requests are written on raw sockets so that exactly the headers under test are sent.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, urlencode

import httpx
import pytest

from kg.config import PROJECT_ROOT
from live import stop, wait_healthy
from security.conftest import WRITE_TOKEN

pytestmark = pytest.mark.e2e  # real server processes

LAUNCHER = Path(__file__).with_name("launch_server.py")
KEEPALIVE_TIMEOUT = 1.0
REQUEST_TIMEOUT = 3.0
SLACK = 3.0  # a shared 2-core machine: timers fire late, never early
RATE_LIMIT = 5
RATE_BURST = 5
MAX_CONNECTIONS = 20
#: The headers Java 11+ HttpClient (hence Apache Jena) adds to every POST and PUT.
JAVA_HEADERS = {"Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c",
                "HTTP2-Settings": "AAMAAABkAARAAAAAAAIAAAAA", "User-Agent": "Java-http-client/17"}
EX = "http://example.org/connections/"
#: How long a request may take to be answered: a first write starts the store's update machinery.
WRITE_SECONDS = 30.0


@dataclass(frozen=True)
class Server:
    """A running launcher process."""

    host: str
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _launch(workdir: Path, env: dict[str, str]) -> Iterator[Server]:
    port_file, log = workdir / "port", workdir / "server.log"
    # The query workers restart after a write: queries wait for them rather than answer 503.
    full_env = {**os.environ, "KG_WARM_UP": "false", "KG_QUERY_QUEUE_WAIT": "20",
                "KG_KEEPALIVE_TIMEOUT": str(KEEPALIVE_TIMEOUT), "KG_REQUEST_TIMEOUT": str(REQUEST_TIMEOUT),
                **env}
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, str(LAUNCHER), str(port_file)], cwd=PROJECT_ROOT,
                                   env=full_env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not port_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the launcher did not bind:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
        server = Server("127.0.0.1", int(port_file.read_text()), log)
        wait_healthy(server.url, process, log)
        yield server
    finally:
        stop(process)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Short timeouts, writes on with one token, no rate limit."""
    from kg.auth import token_digest

    env = {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(WRITE_TOKEN)}
    yield from _launch(tmp_path_factory.mktemp("connections"), env)


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A rate limit of 5 requests/s (bursts of 5) and at most 20 connections."""
    env = {"KG_RATE_LIMIT": str(RATE_LIMIT), "KG_RATE_BURST": str(RATE_BURST),
           "KG_MAX_CONNECTIONS": str(MAX_CONNECTIONS)}
    yield from _launch(tmp_path_factory.mktemp("limited"), env)


# -- raw HTTP ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _connect(server: Server, timeout: float = 10.0) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # head and body in separate segments
    return sock


def _request(server: Server, method: str, target: str, headers: dict[str, str],
             body: bytes = b"") -> tuple[bytes, bytes]:
    """The head and the body of a request, with Host and Content-Length."""
    lines = [f"{method} {target} HTTP/1.1", f"Host: {server.host}:{server.port}",
             *(f"{name}: {value}" for name, value in headers.items())]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"), body


def _read_reply(stream: BinaryIO) -> Reply:
    status_line = stream.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection without an answer")
    headers = {}
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return Reply(int(status_line.split()[1]), headers, stream.read(int(headers.get("content-length", "0"))))


def _java(server: Server, method: str, target: str, content_type: str, body: bytes,
          token: bool = False, accept: str = "application/json") -> Reply:
    """A request as Java's HttpClient sends it: the h2c upgrade headers, the body in a later packet."""
    headers = {**JAVA_HEADERS, "Content-Type": content_type, "Accept": accept}
    if token:
        headers["Authorization"] = f"Bearer {WRITE_TOKEN}"
    head, payload = _request(server, method, target, headers, body)
    with _connect(server, timeout=WRITE_SECONDS) as sock, sock.makefile("rb") as stream:
        sock.sendall(head)
        time.sleep(0.05)
        sock.sendall(payload)
        return _read_reply(stream)


def _health_seconds(server: Server) -> float:
    started = time.monotonic()
    assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200
    return time.monotonic() - started


@dataclass
class _Watch:
    """Sockets watched until the server closes them: when, and what it wrote first."""

    socks: list[socket.socket]
    closed_at: dict[socket.socket, float] = field(default_factory=dict)
    received: dict[socket.socket, bytes] = field(default_factory=dict)

    def poll(self, seconds: float) -> None:
        with selectors.DefaultSelector() as selector:
            for sock in self.open():
                selector.register(sock, selectors.EVENT_READ)
            for key, _ in selector.select(timeout=seconds):
                self._read(key.fileobj)  # type: ignore[arg-type]

    def _read(self, sock: socket.socket) -> None:
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            data = b""
        if data:
            self.received[sock] = self.received.get(sock, b"") + data
        else:
            self.closed_at[sock] = time.monotonic()

    def open(self) -> list[socket.socket]:
        return [sock for sock in self.socks if sock not in self.closed_at]

    def close(self) -> None:
        for sock in self.socks:
            sock.close()


# -- idle and slow connections ----------------------------------------------------------------------

def test_idle_connections_are_closed_at_the_request_timeout_while_health_answers(server: Server) -> None:
    started = time.monotonic()
    watch = _Watch([_connect(server) for _ in range(200)])
    try:
        assert _health_seconds(server) < 1.5
        while watch.open() and time.monotonic() < started + REQUEST_TIMEOUT + SLACK:
            watch.poll(0.5)
        assert not watch.open(), f"{len(watch.open())} of 200 idle connections still open"
        assert min(watch.closed_at.values()) - started >= REQUEST_TIMEOUT - 0.1
        assert not watch.received  # closed without an answer: there was no request to answer
    finally:
        watch.close()


def test_slow_request_heads_are_closed_while_health_answers(server: Server) -> None:
    watch = _Watch([_connect(server) for _ in range(20)])
    started = time.monotonic()
    try:
        for sock in watch.socks:
            sock.sendall(b"GET /health HTTP/1.1\r\n")
        while watch.open() and time.monotonic() < started + REQUEST_TIMEOUT + SLACK:
            for sock in watch.open():
                _drip(sock, b"X")
            watch.poll(1.0)
            if time.monotonic() - started < 2:
                assert _health_seconds(server) < 1.5
        assert not watch.open(), f"{len(watch.open())} of 20 slow heads still open"
        assert min(watch.closed_at.values()) - started >= REQUEST_TIMEOUT - 0.1
    finally:
        watch.close()


def test_slow_uploads_get_408_and_are_closed_while_health_answers(server: Server) -> None:
    head, _ = _request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"x" * 1000)
    watch = _Watch([_connect(server) for _ in range(20)])
    started = time.monotonic()
    try:
        for sock in watch.socks:
            sock.sendall(head)
        while watch.open() and time.monotonic() < started + REQUEST_TIMEOUT + SLACK:
            watch.poll(1.0)  # read first: a byte sent after the server closed resets the connection
            for sock in watch.open():
                _drip(sock, b"S")
            if time.monotonic() - started < 2:
                assert _health_seconds(server) < 1.5
        assert not watch.open(), f"{len(watch.open())} of 20 slow uploads still open"
        answers = list(watch.received.values())
        assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), answers
        assert answers, "no slow upload was answered 408 before its connection closed"
        error = json.loads(answers[0].partition(b"\r\n\r\n")[2])
        assert error == {"status": 408, "code": "request_timeout", "detail": error["detail"]}
        assert b"connection: close" in answers[0].lower()
    finally:
        watch.close()


def _drip(sock: socket.socket, byte: bytes) -> None:
    with contextlib.suppress(OSError):  # closed by the server: the watch will see it
        sock.sendall(byte)


def test_keep_alive_connections_close_after_the_keepalive_timeout(server: Server) -> None:
    head, _ = _request(server, "GET", "/health", {})
    with _connect(server) as sock, sock.makefile("rb") as stream:
        sock.sendall(head)
        assert _read_reply(stream).status == 200
        answered = time.monotonic()
        watch = _Watch([sock])
        while watch.open() and time.monotonic() < answered + REQUEST_TIMEOUT:
            watch.poll(0.2)
        assert watch.closed_at, "the idle keep-alive connection stayed open"
        # Closed by the keep-alive timer, before the request-head deadline would have.
        assert KEEPALIVE_TIMEOUT - 0.1 <= watch.closed_at[sock] - answered < REQUEST_TIMEOUT - 0.5


def test_a_request_head_past_the_cap_gets_431_and_a_closed_connection(server: Server) -> None:
    with _connect(server) as sock, sock.makefile("rb") as stream:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        for _ in range(32):  # up to 256 KiB of header lines, 8 KiB a read, until the server answers
            if select.select([sock], [], [], 0.05)[0]:
                break  # answered: sending more would only reset the connection
            sock.sendall(b"X-Padding: " + b"p" * 8181 + b"\r\n")
        reply = _read_reply(stream)
        assert reply.status == 431 and reply.json()["code"] == "request_header_too_large"
        assert stream.read() == b""


def test_a_large_body_is_not_taken_for_a_large_head(server: Server) -> None:
    query = ("# " + "c" * 300_000 + "\n" + TWO).encode()
    head, body = _request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query",
                                                      "Accept": SPARQL_RESULTS}, query)
    with _connect(server) as sock, sock.makefile("rb") as stream:
        sock.sendall(head + body)
        assert _two(_read_reply(stream)) == "2"


# -- rate and connection limits ---------------------------------------------------------------------

def test_a_flood_from_one_client_gets_429_with_retry_after_then_recovers(limited_server: Server) -> None:
    time.sleep(RATE_BURST / RATE_LIMIT + 0.2)  # a full bucket, whatever ran before
    with httpx.Client(base_url=limited_server.url, timeout=10) as client:
        replies = []
        for _ in range(3 * RATE_BURST):
            started = time.monotonic()
            replies.append((client.get("/health"), time.monotonic() - started))
        statuses = [r.status_code for r, _ in replies]
        assert statuses[:RATE_BURST] == [200] * RATE_BURST
        refused = [(r, seconds) for r, seconds in replies if r.status_code == 429]
        assert len(refused) >= RATE_BURST, statuses
        for reply, seconds in refused:
            assert reply.json() == {"status": 429, "code": "too_many_requests",
                                    "detail": reply.json()["detail"]}
            assert "KG_RATE_LIMIT" in reply.json()["detail"]
            assert int(reply.headers["Retry-After"]) >= 1
            assert seconds < 1.0
        time.sleep(int(refused[-1][0].headers["Retry-After"]))
        assert client.get("/health").status_code == 200


def test_connections_past_the_limit_get_503_service_busy(limited_server: Server) -> None:
    time.sleep(RATE_BURST / RATE_LIMIT + 0.2)
    idle = [_connect(limited_server) for _ in range(MAX_CONNECTIONS)]
    try:
        head, _ = _request(limited_server, "GET", "/health", {})
        with _connect(limited_server) as sock, sock.makefile("rb") as stream:
            sock.sendall(head)
            reply = _read_reply(stream)
            assert reply.status == 503
            assert reply.json()["code"] == "service_busy" and int(reply.headers["retry-after"]) >= 1
            assert reply.headers["connection"] == "close" and stream.read() == b""
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.5)  # the server sees the closed connections go
    assert httpx.get(f"{limited_server.url}/health", timeout=10).status_code == 200


# -- Java's Upgrade: h2c requests keep their bodies -------------------------------------------------

FORM = "application/x-www-form-urlencoded"
SPARQL_RESULTS = "application/sparql-results+json"
TWO = "SELECT (1 + 1 AS ?two) WHERE {}"
OFFICE = "shanghai-stc-office"


def _two(reply: Reply) -> str:
    assert reply.status == 200, reply.body
    return str(reply.json()["results"]["bindings"][0]["two"]["value"])


def _graph(server: Server, graph: str) -> str:
    reply = httpx.get(f"{server.url}/rdf-graphs", params={"graph": graph},
                      headers={"Accept": "application/n-triples"}, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.text


def test_java_form_query_keeps_its_body(server: Server) -> None:
    body = urlencode({"query": TWO}).encode()
    assert _two(_java(server, "POST", "/sparql", FORM, body, accept=SPARQL_RESULTS)) == "2"


def test_java_sparql_query_body_is_kept(server: Server) -> None:
    reply = _java(server, "POST", "/sparql", "application/sparql-query; charset=utf-8", TWO.encode(),
                  accept=SPARQL_RESULTS)
    assert _two(reply) == "2"


def test_java_reconcile_form_batch_keeps_its_body(server: Server) -> None:
    body = urlencode({"queries": json.dumps({"q0": {"query": "科创办"}}, ensure_ascii=False)}).encode()
    reply = _java(server, "POST", "/reconcile", FORM, body)
    assert reply.status == 200, reply.body
    assert reply.json()["q0"]["result"][0]["id"] == OFFICE


def test_java_reconcile_match_keeps_its_json_body(server: Server) -> None:
    batch = {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "科创办"}]}]}
    reply = _java(server, "POST", "/reconcile/match", "application/json",
                  json.dumps(batch, ensure_ascii=False).encode())
    assert reply.status == 200, reply.body
    assert reply.json()["results"][0]["candidates"][0]["id"].endswith(OFFICE)


@pytest.mark.parametrize(("target", "content_type", "encode"), [
    ("/reconcile/extend", FORM, lambda extend: urlencode({"extend": json.dumps(extend)}).encode()),
    ("/reconcile/extend", "application/json", lambda extend: json.dumps(extend).encode()),
    ("/reconcile", FORM, lambda extend: urlencode({"extend": json.dumps(extend)}).encode()),
])
def test_java_data_extension_keeps_its_body(server: Server, target: str, content_type: str,
                                            encode: Any) -> None:
    extend = {"ids": [OFFICE], "properties": [{"id": "ikg:handlesDailyWorkOf"}]}
    reply = _java(server, "POST", target, content_type, encode(extend))
    assert reply.status == 200, reply.body
    rows = reply.json()["rows"]  # 0.2: {id: cells}; 1.0-draft: [{"id": id, "properties": ...}]
    assert (list(rows) if isinstance(rows, dict) else [row["id"] for row in rows]) == [OFFICE]


def test_java_graph_store_put_and_post_keep_their_bodies(server: Server) -> None:
    graph = f"{EX}graph-store"
    target = f"/rdf-graphs?graph={quote(graph, safe='')}"
    put = _java(server, "PUT", target, "text/turtle", f"<{EX}s> <{EX}p> 'put' .".encode(), token=True)
    assert put.status in (201, 204), put.body
    post = _java(server, "POST", target, "text/turtle", f"<{EX}s> <{EX}p> 'posted' .".encode(), token=True)
    assert post.status == 204, post.body
    triples = _graph(server, graph)
    assert '"put"' in triples and '"posted"' in triples


@pytest.mark.parametrize("form", [True, False], ids=["form", "sparql-update"])
def test_java_sparql_update_keeps_its_body(server: Server, form: bool) -> None:
    graph = f"{EX}update-{'form' if form else 'body'}"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}s> <{EX}p> 'inserted' }} }}"
    body, content_type = ((urlencode({"update": update}).encode(), FORM) if form
                          else (update.encode(), "application/sparql-update"))
    reply = _java(server, "POST", "/sparql", content_type, body, token=True)
    assert reply.status == 204, reply.body
    assert '"inserted"' in _graph(server, graph)


def test_java_requests_pipelined_and_kept_alive_on_one_connection(server: Server) -> None:
    """An upgrade request behind a plain one in the same packet, then another on the same connection."""
    plain = _request(server, "GET", f"/sparql?{urlencode({'query': TWO})}", {"Accept": SPARQL_RESULTS})[0]
    java = b"".join(_request(server, "POST", "/sparql", {**JAVA_HEADERS, "Content-Type": FORM,
                                                         "Accept": SPARQL_RESULTS},
                             urlencode({"query": TWO}).encode()))
    with _connect(server) as sock, sock.makefile("rb") as stream:
        sock.sendall(plain + java)
        assert [_two(_read_reply(stream)) for _ in range(2)] == ["2", "2"]
        sock.sendall(java)
        assert _two(_read_reply(stream)) == "2"
