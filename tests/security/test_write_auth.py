"""Writes need a bearer token: SPARQL Update and Graph Store writes against a real `kg serve`, CORS
that never opens writes to any origin, and the 403-before-401 order of a read-only service.

Each test writes its own graph of the module's writable server, so the tests do not depend on order.
What a write left is read through the Graph Store GET, which the server's own store answers: a
SPARQL query would go through the worker pool, whose restart after a write is not what these tests
are about.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.auth import token_digest
from kg.config import Settings
from kg.store import GraphStore
from live import LiveServer
from security.conftest import WRITE_TOKEN, auth_headers

pytestmark = pytest.mark.e2e  # the writable and read-only servers are real `kg serve` processes

TIMEOUT = 30.0  # a real server's first write may take a moment (the store, the worker pool)
EX = "http://example.org/write-auth/"
TURTLE = b"<http://example.org/write-auth/s> <http://example.org/write-auth/p> 'written' .\n"
UPDATE = "application/sparql-update"
BAD_TOKENS: list[dict[str, str] | None] = [
    None, {"Authorization": "Bearer not-the-token"}, {"Authorization": f"Basic {WRITE_TOKEN}"}]


def _insert(graph: str, value: str) -> str:
    return f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}s> <{EX}p> '{value}' }} }}"


def _served(url: str, graph: str) -> str | None:
    """The graph as N-Triples, None when the store has no such graph."""
    response = httpx.get(f"{url}/rdf-graphs", params={"graph": graph},
                         headers={"accept": "application/n-triples"}, timeout=TIMEOUT)
    assert response.status_code in (200, 404), response.text
    return response.text if response.status_code == 200 else None


def _holds(url: str, graph: str, value: str = "written") -> bool:
    return f'<{EX}s> <{EX}p> "{value}" .' in (_served(url, graph) or "")


def _refused(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"status", "code", "detail"}
    assert body["status"] == status and body["code"] == code
    return str(body["detail"])


def _unauthorized(response: httpx.Response) -> None:
    _refused(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith('Bearer realm="innokg"')
    assert WRITE_TOKEN not in response.text


# -- SPARQL Update -----------------------------------------------------------------------------

def test_queries_need_no_token(writable_server: LiveServer) -> None:
    # First in the module: it runs before any write restarts the query workers.
    response = httpx.post(f"{writable_server.url}/sparql", data={"query": "ASK {}"}, timeout=TIMEOUT)
    assert response.status_code == 200 and response.json()["boolean"] is True


@pytest.mark.parametrize("headers", BAD_TOKENS, ids=["no-token", "wrong-token", "basic-scheme"])
def test_update_without_the_right_token_is_401_and_changes_nothing(writable_server: LiveServer,
                                                                   headers: dict[str, str] | None) -> None:
    url, graph = f"{writable_server.url}/sparql", f"{EX}graph/refused"
    direct = httpx.post(url, content=_insert(graph, "written"),
                        headers={"content-type": UPDATE, **(headers or {})}, timeout=TIMEOUT)
    form = httpx.post(url, data={"update": _insert(graph, "written")}, headers=headers, timeout=TIMEOUT)
    for response in (direct, form):
        _unauthorized(response)
    assert _served(writable_server.url, graph) is None


def test_a_wrong_token_is_named_invalid_in_the_challenge(writable_server: LiveServer) -> None:
    response = httpx.post(f"{writable_server.url}/sparql", content=_insert(f"{EX}graph/x", "x"),
                          headers={"content-type": UPDATE, "authorization": "Bearer not-the-token"},
                          timeout=TIMEOUT)
    _unauthorized(response)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_update_with_the_token_is_204_and_the_data_is_there(writable_server: LiveServer) -> None:
    graph = f"{EX}graph/sparql"
    response = httpx.post(f"{writable_server.url}/sparql", content=_insert(graph, "written"),
                          headers={"content-type": UPDATE, **auth_headers()}, timeout=TIMEOUT)
    assert response.status_code == 204, response.text
    assert _holds(writable_server.url, graph)
    form = httpx.post(f"{writable_server.url}/sparql", data={"update": _insert(graph, "by form")},
                      headers={"authorization": f"bearer {WRITE_TOKEN}"}, timeout=TIMEOUT)
    assert form.status_code == 204, form.text
    assert _holds(writable_server.url, graph, "by form")


# -- Graph Store Protocol ----------------------------------------------------------------------

@pytest.mark.parametrize("headers", BAD_TOKENS, ids=["no-token", "wrong-token", "basic-scheme"])
@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_graph_store_write_without_the_right_token_is_401_and_changes_nothing(
        writable_server: LiveServer, method: str, headers: dict[str, str] | None) -> None:
    graph = f"{EX}graph/gsp-refused"
    response = httpx.request(method, f"{writable_server.url}/rdf-graphs", params={"graph": graph},
                             content=TURTLE, headers={"content-type": "text/turtle", **(headers or {})},
                             timeout=TIMEOUT)
    _unauthorized(response)
    assert _served(writable_server.url, graph) is None


def test_graph_store_put_post_delete_with_the_token(writable_server: LiveServer) -> None:
    url, graph = f"{writable_server.url}/rdf-graphs", f"{EX}graph/gsp"
    turtle = {"content-type": "text/turtle", **auth_headers()}
    put = httpx.put(url, params={"graph": graph}, content=TURTLE, headers=turtle, timeout=TIMEOUT)
    assert put.status_code == 201, put.text
    assert _holds(writable_server.url, graph)
    more = TURTLE.replace(b"'written'", b"'merged'")
    post = httpx.post(url, params={"graph": graph}, content=more, headers=turtle, timeout=TIMEOUT)
    assert post.status_code == 204, post.text
    assert _holds(writable_server.url, graph) and _holds(writable_server.url, graph, "merged")

    for headers in BAD_TOKENS:
        _unauthorized(httpx.delete(url, params={"graph": graph}, headers=headers, timeout=TIMEOUT))
    assert _holds(writable_server.url, graph)
    delete = httpx.delete(url, params={"graph": graph}, headers=auth_headers(), timeout=TIMEOUT)
    assert delete.status_code == 204, delete.text
    assert _served(writable_server.url, graph) is None


# -- CORS --------------------------------------------------------------------------------------

def _preflight(url: str, method: str, headers: str | None = None) -> httpx.Response:
    request_headers = {"origin": "https://elsewhere.example", "access-control-request-method": method}
    if headers:
        request_headers["access-control-request-headers"] = headers
    return httpx.options(url, headers=request_headers, timeout=TIMEOUT)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_cors_with_any_origin_does_not_allow_write_methods(writable_server: LiveServer,
                                                           method: str) -> None:
    response = _preflight(f"{writable_server.url}/rdf-graphs", method)
    assert response.status_code == 400
    assert method not in response.headers.get("access-control-allow-methods", "")


def test_cors_with_any_origin_does_not_allow_the_authorization_header(writable_server: LiveServer) -> None:
    response = _preflight(f"{writable_server.url}/sparql", "POST", "authorization")
    assert response.status_code == 400
    assert "authorization" not in response.headers.get("access-control-allow-headers", "").lower()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_cors_with_any_origin_allows_reads(writable_server: LiveServer, method: str) -> None:
    response = _preflight(f"{writable_server.url}/sparql", method, "content-type")
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert method in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    simple = httpx.get(f"{writable_server.url}/health", headers={"origin": "https://elsewhere.example"},
                       timeout=TIMEOUT)
    assert simple.headers["access-control-allow-origin"] == "*"


# -- a read-only service -----------------------------------------------------------------------

def test_a_read_only_server_answers_403_to_writes_even_with_a_token(live_server: str) -> None:
    graph = f"{EX}graph/read-only"
    update = httpx.post(f"{live_server}/sparql", content=_insert(graph, "written"),
                        headers={"content-type": UPDATE, **auth_headers()}, timeout=TIMEOUT)
    _refused(update, 403, "forbidden")
    for method in ("PUT", "POST", "DELETE"):
        response = httpx.request(method, f"{live_server}/rdf-graphs", params={"graph": graph},
                                 content=TURTLE, timeout=TIMEOUT,
                                 headers={"content-type": "text/turtle", **auth_headers()})
        _refused(response, 403, "forbidden")
    assert _served(live_server, graph) is None


# -- through the app factory: the order of the checks, configured origins --------------------

@pytest.fixture(scope="module")
def small_writable() -> Iterator[TestClient]:
    """A writable app with a 1 KiB body cap and origins listed for CORS."""
    settings = Settings(in_memory=True, allow_updates=True, write_tokens=token_digest(WRITE_TOKEN),
                        max_body_bytes=1024, query_workers=1, warm_up=False,
                        cors_origins="https://curation.example, https://admin.example")
    with TestClient(create_app(settings, store=GraphStore.in_memory())) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "content_type"), [
    ("POST", "/sparql", UPDATE), ("PUT", "/rdf-graphs", "text/turtle"),
    ("POST", "/rdf-graphs", "text/turtle"),
])
def test_the_token_is_checked_before_the_body_is_read(small_writable: TestClient, method: str,
                                                      path: str, content_type: str) -> None:
    # A body over the cap would be a 413 once read: the 401 shows it never was.
    def oversized() -> Iterator[bytes]:
        yield from (b"#" * 1000 for _ in range(5))

    response = small_writable.request(method, path, params={"graph": f"{EX}g"}, content=oversized(),
                                      headers={"content-type": content_type})
    assert response.status_code == 401, response.text


def test_listed_origins_may_write_with_the_authorization_header(small_writable: TestClient) -> None:
    response = small_writable.options("/rdf-graphs", headers={
        "origin": "https://curation.example", "access-control-request-method": "PUT",
        "access-control-request-headers": "authorization, content-type"})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "https://curation.example"
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    other = small_writable.options("/rdf-graphs", headers={
        "origin": "https://elsewhere.example", "access-control-request-method": "PUT"})
    assert "access-control-allow-origin" not in other.headers


def test_a_writable_service_without_tokens_refuses_every_write_saying_how_to_configure() -> None:
    settings = Settings(in_memory=True, allow_updates=True, query_workers=1, warm_up=False)
    with TestClient(create_app(settings, store=GraphStore.in_memory())) as client:
        response = client.post("/sparql", content=_insert(f"{EX}g", "x"),
                               headers={"content-type": UPDATE, **auth_headers()})
    assert response.status_code == 401
    assert "KG_WRITE_TOKENS" in response.json()["detail"] and "kg token" in response.json()["detail"]
