"""SparqlHttp: the wire to a remote SPARQL engine (SPARQL 1.1 Protocol, Update, Graph Store Protocol).

One pooled httpx client per store: keep-alive connections make a query cost one round trip, which is
what the remote backend's latency budget is spent on (docs/engine-notes.md §5.4). Every foreign error
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

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Dataset:
    """The protocol's dataset of one operation: default and named graph IRIs (empty: none)."""

    default: Sequence[str]
    named: Sequence[str]


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

    def _pool(self) -> httpx.Client:
        """The pooled client, made on first use (and again after `close`)."""
        client = self._client
        if client is not None:
            return client
        with self._lock:
            if self._client is None:
                self._client = self._new_client()
            return self._client

    def _new_client(self) -> httpx.Client:
        endpoints = self.endpoints
        auth: httpx.Auth | None = None
        if endpoints.user is not None:
            password = endpoints.password or ""
            auth = (httpx.DigestAuth(endpoints.user, password) if endpoints.auth == "digest"
                    else httpx.BasicAuth(endpoints.user, password))
        return httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)),
            limits=httpx.Limits(max_connections=self._connections,
                                max_keepalive_connections=self._connections),
            follow_redirects=False,
        )

    # -- operations ---------------------------------------------------------------------------

    def query(self, text: str, *, accept: str, dataset: Dataset | None,
              timeout: float | None = None) -> httpx.Response:
        """POST a query (form-encoded, so that long texts fit); raises the errors of the module
        docstring."""
        form: dict[str, Any] = {"query": text}
        _add_dataset(form, dataset, "default-graph-uri", "named-graph-uri")
        return self._send("POST", self.endpoints.query_url, what="query", data=form,
                          headers={"Accept": accept}, timeout=timeout)

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
                    content_type: str = NTRIPLES, accept: str = NTRIPLES) -> httpx.Response:
        """One Graph Store Protocol request on `graph` (GET, PUT, POST, DELETE); a DELETE of a graph
        the engine does not know is not an error here. Raises the errors of the module docstring."""
        url = self.endpoints.gsp_url
        if url is None:
            raise EngineFailedError("No Graph Store URL is configured (KG_SPARQL_GSP_URL).")
        headers = {"Accept": accept} if method == "GET" else {"Content-Type": content_type}
        return self._send(method, url, what="graph", params={"graph": graph}, content=body,
                          headers=headers, missing_ok=method == "DELETE")

    def close(self) -> None:
        """Close the pooled connections (the next request opens new ones)."""
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
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout):
                raise _unreachable(url, "no answer to the connection") from exc
            limit = timeout if timeout is not None else self.timeout
            raise QueryTimeoutError(
                f"The {what} ran past the time limit of {limit:g} s (KG_QUERY_TIMEOUT) and was "
                "abandoned; narrow it (more specific patterns, LIMIT) and try again."
            ) from exc
        except httpx.TransportError as exc:
            raise _unreachable(url, str(exc) or type(exc).__name__) from exc
        if response.status_code < 300 or (missing_ok and response.status_code == 404):
            return response
        raise _engine_error(response, what, url)


def _add_dataset(form: dict[str, Any], dataset: Dataset | None, default: str, named: str) -> None:
    if dataset is not None:
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

