"""The HTTP server: uvicorn over sockets the caller has bound, with the connection limits of Settings.

`run_server` is the one place that configures uvicorn (0.54, httptools 0.9, h11 0.16). Its protocol
class adds what uvicorn lacks, each found by experiment on this machine:

- **A deadline on request heads.** uvicorn's keep-alive timer starts only after a response: a
  connection that opened and sent nothing was still open after 12 s with a 2 s keep-alive, and so was
  one sending its head a byte a second. Here a connection is closed when a request head is not
  complete Settings.request_timeout seconds after the connection opened or after its last response
  (the body then has its own deadline, kg.api.admission). Heads are also capped at MAX_HEAD_BYTES
  (431; checked after each read, so one read may pass it): httptools has no cap of its own (a
  200 MB header was read to its end).
- **Bodies of upgrade requests.** Java 11+ HttpClient (hence Apache Jena) sends `Connection: Upgrade,
  HTTP2-Settings` and `Upgrade: h2c` on every POST and PUT. httptools tells llhttp to skip the body of
  any upgrade request, so uvicorn ran it with an empty body (a Graph Store PUT emptied the graph) and
  parsed body bytes arriving later as a new request. This server speaks HTTP/1.1 only, so such a
  request is an ordinary one: its head and the bytes after it are replayed into uvicorn's h11
  protocol, which reads the body and serves the rest of that connection. Other connections keep
  httptools, which is faster than h11 (`wrk -t1 -c8 -d5s` on 2 shared cores, in-memory bundled
  graph, `kg serve`-like app; requests/s, median and range of 9 alternating rounds in two runs):

  | protocol                               | GET /health         | GET /sparql, 5-row SELECT |
  | -------------------------------------- | ------------------- | ------------------------- |
  | uvicorn's httptools protocol           | 2,310 (1,980–2,550) | 1,950 (1,270–2,300)       |
  | this module's (httptools, h11 replay)  | 2,140 (1,540–2,840) | 1,950 (1,420–2,410)       |
  | `http="h11"` for every connection      | 1,770 (1,080–1,950) | 1,680 (1,490–1,880)       |

- **Busy answers in the error shape.** Past Settings.max_connections open connections (or as many
  requests in flight), a request is answered 503 `service_busy` with Retry-After and its connection is
  closed, as uvicorn's `limit_concurrency` would, but in the project's JSON error shape (uvicorn's own
  answer is plain text), so that option is left unset.

No WebSocket protocol is configured (`ws="none"`): the service has no WebSocket route, and every
upgrade request is served as plain HTTP/1.1.
"""

from __future__ import annotations

import asyncio
import http
import logging
import socket
from typing import Any

import httptools
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from kg.api.errors import error_response
from kg.config import Settings
from kg.errors import ServiceBusyError

log = logging.getLogger(__name__)

#: Most bytes of one request head (request line and headers); larger heads get 431 and a closed
#: connection. Generous: browsers and SPARQL clients send a few KB (long GET queries included).
MAX_HEAD_BYTES = 64 * 1024


def run_server(app: ASGIApp, settings: Settings, *, sockets: list[socket.socket]) -> None:
    """Serve `app` on `sockets` (already bound and listening) until SIGINT or SIGTERM."""
    uvicorn.Server(server_config(app, settings)).run(sockets=sockets)


def server_config(app: ASGIApp, settings: Settings) -> ServerConfig:
    """uvicorn's configuration for `settings`, with this module's protocol class."""
    return ServerConfig(
        app, request_timeout=settings.request_timeout, max_connections=settings.max_connections,
        http=HttpToolsConnection, ws="none", log_level="info",
        # uvicorn annotates it as int but only hands it to loop.call_later, which takes a float.
        timeout_keep_alive=settings.keepalive_timeout,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration plus the limits this module's protocols enforce."""

    def __init__(self, app: ASGIApp, *, request_timeout: float, max_connections: int,
                 **options: Any) -> None:
        super().__init__(app, **options)
        self.request_timeout = request_timeout
        self.max_connections = max_connections


class _Limits:
    """What both protocol classes share: the head deadline of one connection and the busy check."""

    def __init__(self, config: uvicorn.Config, loop: asyncio.AbstractEventLoop,
                 server_state: ServerState) -> None:
        if not isinstance(config, ServerConfig):
            raise TypeError("the protocols need kg.api.server.ServerConfig")
        self.loop = loop
        self.request_timeout = config.request_timeout
        self.max_connections = config.max_connections
        self.server_state = server_state
        self._timer: asyncio.TimerHandle | None = None

    def start_head_deadline(self, transport: asyncio.BaseTransport) -> None:
        """Close `transport` unless `stop_head_deadline` is called within request_timeout seconds."""
        self.stop_head_deadline()
        self._timer = self.loop.call_later(self.request_timeout, _close, transport)

    def stop_head_deadline(self) -> None:
        """A request head is complete (or the connection is gone)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def busy(self) -> bool:
        """Whether a request whose head just arrived is past max_connections (its connection counts)."""
        state = self.server_state
        return len(state.connections) > self.max_connections or len(state.tasks) >= self.max_connections


def _close(transport: asyncio.BaseTransport) -> None:
    if not transport.is_closing():
        log.debug("closing a connection whose request head did not arrive in time")
        transport.close()


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer past max_connections: 503 service_busy, Retry-After, and the connection closed."""
    log.warning("More than KG_MAX_CONNECTIONS connections: answered 503 service_busy.")
    error = ServiceBusyError("The server has as many connections as it serves at once "
                             "(KG_MAX_CONNECTIONS); retry after Retry-After seconds.")
    response = error_response(error.status, error.code, error.detail)
    response.headers.update({**error.headers, "Connection": "close"})
    await response(scope, receive, send)


def _raw_error(status: int, code: str, detail: str) -> bytes:
    """An error in the project's JSON shape as raw HTTP/1.1 bytes, for answers outside any ASGI cycle."""
    body = bytes(error_response(status, code, detail).body)
    head = (f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")
    return head.encode("ascii") + body


class _HeadDeadline:
    """The request-head deadline's start and stop, shared by both protocol classes below."""

    limits: _Limits

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self.limits.start_head_deadline(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.limits.stop_head_deadline()
        super().connection_lost(exc)  # type: ignore[misc]


class HttpToolsConnection(_HeadDeadline, HttpToolsProtocol):
    """uvicorn's httptools protocol with the head deadline and cap, upgrade requests replayed into
    h11 (`H11Connection`), and busy answers in the error shape."""

    def __init__(self, config: uvicorn.Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = _Limits(config, self.loop, server_state)
        self._served_app = self.app
        self._busy_app: Any = _busy
        self._head_open = False  # between a message's first byte and the end of its head
        self._head_bytes = 0
        #: An upgrade request's head, and the bytes after it, until h11 takes the connection over.
        self._replay_head: bytes | None = None
        self._replay_rest: bytearray | None = None

    def data_received(self, data: bytes) -> None:
        if self._replay_rest is not None:  # an upgrade request waits for the responses before it
            self._replay_rest += data
            return
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:  # after on_headers_complete saw the upgrade
            self._replay_rest = bytearray(data[upgrade.args[0]:])
            self._replay_when_idle()
            return
        except httptools.HttpParserError:
            message = "Invalid HTTP request received."
            self.logger.warning(message)
            self.send_400_response(message)
            return
        # Counts the whole read in which a head began: a client that does not pipeline sends nothing
        # else with it, so this is exact for all but pipelined requests behind a large body.
        if self._head_open:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_open = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._head_open = False
        self.limits.stop_head_deadline()
        if self.parser.should_upgrade():  # llhttp now skips the body: replay the request into h11
            self._replay_head = self._head()
            return
        self.app = self._busy_app if self.limits.busy() else self._served_app
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        if self._replay_head is None:
            super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing() or not self.cycle.response_complete:
            return  # closed, or a pipelined request runs now
        if self._replay_rest is not None:
            self._replay_when_idle()
        else:
            self.limits.start_head_deadline(self.transport)

    def _head(self) -> bytes:
        version = self.parser.get_http_version().encode("ascii")
        lines = [self.parser.get_method() + b" " + self.url + b" HTTP/" + version]
        lines += [name + b": " + value for name, value in self.headers]
        return b"\r\n".join(lines) + b"\r\n\r\n"

    def _replay_when_idle(self) -> None:
        """Hand the connection to h11 once no earlier request is still being answered."""
        if self.cycle is not None and not self.cycle.response_complete:
            self.flow.pause_reading()  # resumed by on_response_complete, then handed over
            return
        if self._replay_head is None or self._replay_rest is None:
            raise RuntimeError("a replay without the request it replays")
        self.limits.stop_head_deadline()
        self._unset_keepalive_if_required()
        self.flow.resume_reading()
        self.connections.discard(self)
        protocol = H11Connection(self.config, self.server_state, self.app_state, self.loop)
        self.transport.set_protocol(protocol)
        protocol.connection_made(self.transport)
        protocol.data_received(self._replay_head + bytes(self._replay_rest))

    def _refuse_head(self) -> None:
        if self.cycle is None or self.cycle.response_complete:  # no answer is being written
            self.transport.write(_raw_error(
                431, "request_header_too_large", f"The request head is larger than {MAX_HEAD_BYTES} "
                "bytes; send long queries in a POST body."))
        self.transport.close()


class H11Connection(_HeadDeadline, H11Protocol):
    """uvicorn's h11 protocol with the head deadline and busy answers in the error shape; serves the
    connections whose request asked for an upgrade (h11 reads its body; the head cap is h11's
    max_incomplete_event_size)."""

    def __init__(self, config: uvicorn.Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = _Limits(config, self.loop, server_state)
        self._served_app = self.app
        self._busy_app: Any = _busy

    def handle_events(self) -> None:
        scope = self.scope
        self.app = self._busy_app if self.limits.busy() else self._served_app
        super().handle_events()
        if self.scope is not scope:  # a new request head is complete
            self.limits.stop_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.cycle.response_complete:
            self.limits.start_head_deadline(self.transport)

    def _unsupported_upgrade_warning(self) -> None:
        # Every request of a Java client asks for h2c; serving it as HTTP/1.1 is the expected answer.
        self.logger.debug("Upgrade request served as HTTP/1.1.")
