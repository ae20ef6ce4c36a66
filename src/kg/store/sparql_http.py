"""SparqlHttp: the wire to a remote SPARQL engine (SPARQL 1.1 Protocol, Update, Graph Store Protocol).

One pooled httpx client per store for calls from threads, and for `aquery` (a client's query awaited
on the event loop) a small pool of keep-alive HTTP/1.1 connections per loop, read with httptools
(`_LoopWire`): 0.2 ms a round trip where httpx's AsyncClient took 1.3 ms and a hop to a thread
running the sync client 0.8 ms (docs/engine-notes.md §5.6). Keep-alive connections make a query
cost one round trip, which is what the remote backend's latency budget is spent on
(docs/engine-notes.md §5.4). A loop's connections are closed on that loop when it shuts its async
generators down (asyncio.run, anyio's runner), since its sockets cannot be closed from another
thread. Digest authentication, which needs a challenge first, takes the thread hop. Every foreign error
of the transport or the engine is translated here, and nowhere else, into the project's errors:

- the engine cannot be reached (refused, unknown host, reset): `EngineUnavailableError` (503), naming
  the URL, since the fix is on the operator's side;
- the client's time limit passed, or the engine said its own limit stopped the query:
  `QueryTimeoutError` (503);
- the engine refused the text (400): `QuerySyntaxError` for queries, `QuerySyntaxError` or
  `UpdateFailedError` for updates, with the engine's own message cut to a few lines;
- credentials refused (401/403) and any other engine failure: `EngineFailedError` (502), with the
  detail in the log only.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import ssl
import threading
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httptools
import httpx

from kg.errors import KGError, QuerySyntaxError, QueryTimeoutError, UpdateFailedError

log = logging.getLogger(__name__)

#: Media types asked of the engine: one per kind of answer, parsed here (kg.store.remote_answers).
SPARQL_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
#: The most characters of an engine's error message a client sees (its first lines say what is wrong).
_MESSAGE_CHARS = 400
_MESSAGE_LINES = 3


class EngineUnavailableError(KGError):
    """The remote SPARQL engine (KG_BACKEND=sparql) cannot be reached."""

    code = "engine_unavailable"
    status = 503

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class EngineFailedError(KGError):
    """The remote SPARQL engine answered with an error that is not the client's doing."""

    code = "engine_failed"
    status = 502


class UpdateTooLargeError(UpdateFailedError):
    """The engine refused an update as too large to compile (Virtuoso's cap on generated SQL)."""

    code = "update_too_large"


class UnsupportedByEngineError(UpdateFailedError):
    """The engine cannot store some of the data (Virtuoso 7 and xsd:duration literals)."""

    code = "unsupported_by_engine"


#: The header in which Virtuoso says an answer reached its ResultSetMaxRows (docs/engine-notes.md §5.8).
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"


@dataclass(frozen=True)
class Dataset:
    """The protocol's dataset of one operation: default and named graph IRIs (empty: none), or
    (`union`) `oxigraph serve`'s own flag for "the default graph is the union of every graph", which
    takes no graph list (docs/engine-notes.md §5.6)."""

    default: Sequence[str] = ()
    named: Sequence[str] = ()
    union: bool = False


@dataclass(frozen=True)
class Endpoints:
    """Where the engine listens: query, update and (optionally) Graph Store URLs, and credentials."""

    query_url: str
    update_url: str | None = None
    gsp_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"  # basic | digest


def shorten(message: str) -> str:
    """An engine's error message cut to its first lines and a few hundred characters (it often
    echoes the whole query back)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    text = " ".join(lines[:_MESSAGE_LINES])
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 1] + "…"


class SparqlHttp:
    """A connection pool to one engine, with its time limit and credentials."""

    def __init__(self, endpoints: Endpoints, *, timeout: float, connections: int = 16) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self._connections = connections
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        #: Per running event loop: its connections, and the generator that closes them with it.
        self._wires: dict[asyncio.AbstractEventLoop,
                          tuple[_LoopWire, AsyncGenerator[None, None]]] = {}
        #: The engine's `Server` header, from its first answer ("" until then).
        self.server = ""

    def _pool(self) -> httpx.Client:
        """The pooled client, made on first use (and again after `close`)."""
        client = self._client
        if client is not None:
            return client
        with self._lock:
            if self._client is None:
                self._client = self._new_client()
            return self._client

    def _auth(self) -> httpx.Auth | None:
        endpoints = self.endpoints
        if endpoints.user is None:
            return None
        password = endpoints.password or ""
        return (httpx.DigestAuth(endpoints.user, password) if endpoints.auth == "digest"
                else httpx.BasicAuth(endpoints.user, password))

    def _options(self) -> dict[str, Any]:
        return {
            "auth": self._auth(),
            "timeout": httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)),
            # The pool's size also bounds how many queries one process sends the engine at once.
            "limits": httpx.Limits(max_connections=self._connections,
                                   max_keepalive_connections=self._connections),
            "follow_redirects": False,
        }

    def _new_client(self) -> httpx.Client:
        return httpx.Client(**self._options())

    async def _wire(self) -> _LoopWire:
        """The running loop's connections to the query URL, made on first use there."""
        loop = asyncio.get_running_loop()
        found = self._wires.get(loop)
        if found is not None:
            return found[0]
        wire = _LoopWire(self.endpoints.query_url, self._connections, self.timeout,
                         _basic(self.endpoints))
        keeper = _close_with_loop(wire)
        await anext(keeper)  # first iterated here: the loop now finalises it at its shutdown
        with self._lock:
            for other in [other for other in self._wires if other.is_closed()]:
                del self._wires[other]  # closed with its loop
            self._wires[loop] = (wire, keeper)
        return wire

    # -- operations ---------------------------------------------------------------------------

    def query(self, text: str, *, accept: str, dataset: Dataset | None,
              timeout: float | None = None) -> httpx.Response:
        """POST a query (form-encoded, so that long texts fit); raises the errors of the module
        docstring."""
        form: dict[str, Any] = {"query": text}
        _add_dataset(form, dataset, "default-graph-uri", "named-graph-uri")
        return self._send("POST", self.endpoints.query_url, what="query", data=form,
                          headers={"Accept": accept}, timeout=timeout)

    async def aquery(self, text: str, *, accept: str, dataset: Dataset | None) -> httpx.Response:
        """`query` on the running event loop (its own async client); raises as `query` does."""
        if self.endpoints.user is not None and self.endpoints.auth == "digest":
            return await asyncio.to_thread(self.query, text, accept=accept, dataset=dataset)
        form: dict[str, Any] = {"query": text}
        _add_dataset(form, dataset, "default-graph-uri", "named-graph-uri")
        url = self.endpoints.query_url
        wire = await self._wire()
        try:
            response = await wire.post(urlencode(form, doseq=True).encode("ascii"), accept)
        except TimeoutError as exc:
            raise QueryTimeoutError(
                f"The query ran past the time limit of {self.timeout:g} s (KG_QUERY_TIMEOUT) and "
                "was abandoned; narrow it (more specific patterns, LIMIT) and try again.") from exc
        except (OSError, _WireError) as exc:
            raise _unreachable(url, str(exc) or type(exc).__name__) from exc
        return self._checked(response, url, "query", False)

    def update(self, text: str, *, using: Dataset | None = None,
               timeout: float | None = None) -> None:
        """POST an update (`using`: the dataset of its WHERE clauses); raises the errors of the module
        docstring."""
        url = self.endpoints.update_url
        if url is None:  # the caller checks first; this is the last line of defence
            raise EngineFailedError("No update URL is configured (KG_SPARQL_UPDATE_URL).")
        form: dict[str, Any] = {"update": text}
        _add_dataset(form, using, "using-graph-uri", "using-named-graph-uri")
        self._send("POST", url, what="update", data=form, timeout=timeout)

    def graph_store(self, method: str, graph: str, *, body: bytes | None = None,
                    content_type: str = NTRIPLES, accept: str = NTRIPLES,
                    timeout: float | None = None) -> httpx.Response:
        """One Graph Store Protocol request on `graph` (GET, PUT, POST, DELETE) within `timeout`
        seconds (the query time limit when None); a DELETE of a graph the engine does not know is not
        an error here. Raises the errors of the module docstring."""
        url = self.endpoints.gsp_url
        if url is None:
            raise EngineFailedError("No Graph Store URL is configured (KG_SPARQL_GSP_URL).")
        headers = {"Accept": accept} if method == "GET" else {"Content-Type": content_type}
        return self._send(method, url, what="graph", params={"graph": graph}, content=body,
                          headers=headers, missing_ok=method in ("DELETE", "GET"), timeout=timeout)

    def close(self) -> None:
        """Close the pooled connections of the threads' client (the next request opens new ones);
        each async client is closed with its own event loop (module docstring)."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- the wire -----------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, what: str, missing_ok: bool = False,
              timeout: float | None = None, **options: Any) -> httpx.Response:
        if timeout is not None:
            options["timeout"] = httpx.Timeout(timeout, connect=min(timeout, 5.0))
        try:
            response = self._pool().request(method, url, **options)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, url, what, timeout) from exc
        return self._checked(response, url, what, missing_ok)

    def _transport_error(self, exc: httpx.HTTPError, url: str, what: str,
                         timeout: float | None) -> KGError:
        if isinstance(exc, httpx.ConnectTimeout):
            return _unreachable(url, "no answer to the connection")
        if isinstance(exc, httpx.TimeoutException):
            limit = timeout if timeout is not None else self.timeout
            if what == "query":
                return QueryTimeoutError(
                    f"The query ran past the time limit of {limit:g} s (KG_QUERY_TIMEOUT) and was "
                    "abandoned; narrow it (more specific patterns, LIMIT) and try again.")
            return QueryTimeoutError(
                f"The engine took more than {limit:g} s over a {what} and it was abandoned (the engine "
                "may still finish it); send smaller writes, or raise KG_QUERY_TIMEOUT (writes get six "
                "times it).")
        if isinstance(exc, httpx.TransportError):
            return _unreachable(url, str(exc) or type(exc).__name__)
        return EngineFailedError(f"The exchange with the SPARQL engine at {url} failed: {exc}")

    def _checked(self, response: httpx.Response, url: str, what: str,
                 missing_ok: bool) -> httpx.Response:
        if not self.server:
            self.server = response.headers.get("server", "") or "unknown"
        if response.status_code < 300 or (missing_ok and response.status_code == 404):
            return response
        raise _engine_error(response, what, url)


class _WireError(Exception):
    """The engine's answer broke off or was not HTTP."""


class _Answer:
    """What httptools reads of one response."""

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.complete = False

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.complete = True


class _LoopWire:
    """Keep-alive HTTP/1.1 connections of one event loop to one URL: POST a form, read the answer.
    At most `size` exchanges at once (the others wait), each within `timeout` seconds."""

    def __init__(self, url: str, size: int, timeout: float, authorization: str | None) -> None:
        parts = urlsplit(url)
        self._host = parts.hostname or "localhost"
        self._tls = parts.scheme == "https"
        self._port = parts.port or (443 if self._tls else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        head = (f"POST {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n")
        if authorization is not None:
            head += f"Authorization: {authorization}\r\n"
        self._head = head
        self._timeout = timeout
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(size)

    async def post(self, form: bytes, accept: str) -> httpx.Response:
        """The engine's answer to one POST of `form`; raises TimeoutError, OSError, _WireError."""
        request = (f"{self._head}Accept: {accept}\r\nContent-Length: {len(form)}\r\n\r\n"
                   ).encode("latin-1") + form
        async with self._slots, asyncio.timeout(self._timeout):
            while self._idle:  # a kept connection the engine may have closed meanwhile: try it once
                connection = self._idle.pop()
                try:
                    return await self._exchange(connection, request)
                except (OSError, _WireError):
                    continue
            connection = await asyncio.wait_for(
                asyncio.open_connection(self._host, self._port,
                                        ssl=ssl.create_default_context() if self._tls else None),
                min(self._timeout, 5.0))
            return await self._exchange(connection, request)

    async def _exchange(self, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter],
                        request: bytes) -> httpx.Response:
        reader, writer = connection
        answer = _Answer()
        parser = httptools.HttpResponseParser(answer)
        try:
            writer.write(request)
            while not answer.complete:
                data = await reader.read(1 << 16)
                if not data:
                    raise _WireError("the engine closed the connection")
                try:
                    parser.feed_data(data)
                except httptools.HttpParserError as exc:
                    raise _WireError(f"the engine's answer is not HTTP/1.1 ({exc})") from exc
        except BaseException:
            writer.close()  # half-read: never reused
            raise
        # httptools' should_keep_alive() is reset once the message is complete: read the headers.
        closing = any(name.lower() == b"connection" and b"close" in value.lower()
                      for name, value in answer.headers)
        if parser.get_http_version() == "1.1" and not closing:
            self._idle.append(connection)
        else:
            writer.close()
        return httpx.Response(parser.get_status_code(), headers=answer.headers,
                              content=b"".join(answer.body))

    def close(self) -> None:
        """Close the idle connections (on the wire's own loop)."""
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()


async def _close_with_loop(wire: _LoopWire) -> AsyncGenerator[None, None]:
    """Hold `wire` until its event loop finalises this generator (at the loop's shutdown, or when
    the store drops it), then close its connections there, on their own loop."""
    try:
        yield
    finally:
        wire.close()


def _basic(endpoints: Endpoints) -> str | None:
    if endpoints.user is None or endpoints.auth == "digest":
        return None
    pair = f"{endpoints.user}:{endpoints.password or ''}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _add_dataset(form: dict[str, Any], dataset: Dataset | None, default: str, named: str) -> None:
    if dataset is None:
        return
    if dataset.union:
        form["union-default-graph"] = ""  # oxigraph serve: refused together with graph lists
        return
    form[default] = list(dataset.default)
    form[named] = list(dataset.named)


def _unreachable(url: str, reason: str) -> EngineUnavailableError:
    return EngineUnavailableError(
        f"The SPARQL engine at {url} cannot be reached ({reason}); check that it runs and that "
        "KG_SPARQL_QUERY_URL / KG_SPARQL_UPDATE_URL point at it."
    )


def _engine_error(response: httpx.Response, what: str, url: str) -> KGError:
    """The KGError an engine's error answer means (see the module docstring)."""
    status = response.status_code
    message = shorten(response.text)
    lowered = message.lower()
    if "sql text has exceeded" in lowered:
        return UpdateTooLargeError(f"The engine refused the {what} as too large: {message}")
    if "can not be created from" in lowered or "unsupported case in convert" in lowered:
        return UnsupportedByEngineError(
            f"The SPARQL engine cannot store this data, and nothing of this request was written: "
            f"{message} (Virtuoso 7 holds no xsd:duration literals: docs/engine-notes.md §5.3)."
        )
    if _timed_out(lowered):
        return QueryTimeoutError(f"The engine stopped the {what} at its own time limit: {message}")
    if status in (400, 422) or (status == 500 and _syntax(lowered)):
        if what == "update" and not _syntax(lowered):
            return UpdateFailedError(f"The update failed and changed nothing: {message}")
        noun = "SPARQL Update" if what == "update" else "SPARQL"
        return QuerySyntaxError(f"{noun} syntax error (from the engine): {message}")
    if status in (401, 403):
        log.error("the SPARQL engine at %s refused the credentials (%d): %s", url, status, message)
        return EngineFailedError(f"The SPARQL engine refused this service's credentials ({status}); "
                                 "check KG_SPARQL_USER, KG_SPARQL_PASSWORD and KG_SPARQL_AUTH.")
    if status == 503:
        return EngineUnavailableError(f"The SPARQL engine at {url} is unavailable (503); retry shortly.")
    log.error("the SPARQL engine at %s answered %d to a %s: %s", url, status, what, message)
    return EngineFailedError(f"The SPARQL engine failed on the {what} ({status}; logged on the "
                             "server); try again later, or report it if it persists.")


def _syntax(lowered: str) -> bool:
    return any(word in lowered for word in ("syntax", "parse", "parsing", "unexpected", "expected"))


def _timed_out(lowered: str) -> bool:
    # Virtuoso: "S1T00 ... timeout"; oxigraph serve's --timeout-s: "timeout".
    return "s1t00" in lowered or "timed out" in lowered or "timeout" in lowered

