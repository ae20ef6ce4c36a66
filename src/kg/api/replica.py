"""The web side of several server processes over one embedded store (kg.store.replicas).

A replica answers reads from the leader's last published state and hands every write to the leader
over a Unix socket that only the service's own processes share:

- `RefreshMiddleware` looks, before each request, whether the leader published a newer state, and
  switches to it first (off the event loop when it does), so an answer is never older than the last
  write that finished before the request came.
- `ForwardWritesMiddleware` sends a write on to the leader unchanged (method, path, query, headers,
  body) and streams the leader's answer back. A write is any request but GET, HEAD and OPTIONS,
  except the reads that use POST: SPARQL queries and reconciliation. New routes that write are thus
  forwarded without being listed here; a read that is forwarded by mistake is still answered right,
  only by the leader.

The leader checks the write token and applies every limit itself, as for a write sent to it directly;
the replica's own limits (body size, rate) have already applied on the way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.store import GraphStore
from kg.store.replicas import Follower

#: Headers not passed on: they describe one hop of the connection, not the request (RFC 9110 §7.6.1).
_HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer",
                         b"transfer-encoding", b"upgrade", b"host", b"content-length"})
_UPDATE_BODY = "application/sparql-update"
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class LeaderRole:
    """This process holds the store for writing and publishes it to the replicas under `root`."""

    root: Path
    grace: float


@dataclass(frozen=True)
class ReplicaRole:
    """This process answers reads from `store` (a published state) and forwards writes to the leader."""

    store: GraphStore
    follower: Follower
    leader_socket: Path


class RefreshMiddleware:
    """Before each request, catch up with the leader's last published state."""

    def __init__(self, app: ASGIApp, follower: Follower) -> None:
        self.app = app
        self.follower = follower

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.follower.stale():
            await run_in_threadpool(self.follower.refresh)
        await self.app(scope, receive, send)


def is_write(method: str, path: str, query_string: bytes, content_type: str | None,
             body: bytes | None) -> bool | None:
    """Whether a request writes (None: it depends on the body, which the caller must read first)."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    if method != "POST" or path.startswith("/reconcile"):
        return method != "POST"
    if path != "/sparql":
        return True
    if "update" in parse_qs(query_string.decode("latin-1")):
        return True
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == _UPDATE_BODY:
        return True
    if media_type != _FORM:
        return False  # a query body; anything else is refused by the route itself
    if body is None:
        return None
    return "update" in parse_qs(body.decode("utf-8", errors="replace"))


class ForwardWritesMiddleware:
    """Send writes on to the leader over its Unix socket; answer everything else here."""

    def __init__(self, app: ASGIApp, leader_socket: Path, timeout: float) -> None:
        self.app = app
        self.leader_socket = leader_socket
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def _leader(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=httpx.AsyncHTTPTransport(uds=str(self.leader_socket)),
                base_url="http://leader", timeout=self.timeout)
        return self._client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = Headers(scope=scope).get("content-type")
        verdict = is_write(scope["method"], scope["path"], scope.get("query_string", b""), content_type,
                           None)
        body: bytes | None = None
        if verdict is None:
            body = await _read_body(receive)
            verdict = is_write(scope["method"], scope["path"], scope.get("query_string", b""),
                               content_type, body)
        if not verdict:
            await self.app(scope, receive if body is None else _replay(body, receive), send)
            return
        if body is None:
            body = await _read_body(receive)
        await self._forward(scope, body, send)

    async def _forward(self, scope: Scope, body: bytes, send: Send) -> None:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
                   if k.lower() not in _HOP_BY_HOP]
        query = scope.get("query_string", b"").decode("latin-1")
        url = scope.get("raw_path", scope["path"].encode()).decode("latin-1") + (f"?{query}" if query else "")
        request = self._leader().build_request(scope["method"], url, headers=headers, content=body)
        try:
            response = await self._leader().send(request, stream=True)
        except httpx.TransportError:
            await _unavailable(send)
            return
        try:
            await send({"type": "http.response.start", "status": response.status_code, "headers": [
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.multi_items()
                if k.encode("latin-1").lower() not in _HOP_BY_HOP]})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the connection's own messages (its disconnect, when it comes)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _unavailable(send: Send) -> None:
    body = (b'{"status":503,"code":"leader_unavailable","detail":"The process that takes writes is '
            b'not answering (restarting?); send the write again in a moment."}')
    await send({"type": "http.response.start", "status": 503, "headers": [
        (b"content-type", b"application/json"), (b"retry-after", b"1")]})
    await send({"type": "http.response.body", "body": body})
