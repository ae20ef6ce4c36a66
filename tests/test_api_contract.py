"""The API's cross-cutting contract: one error shape everywhere, body limits, CORS, OpenAPI, health."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.config import Settings
from kg.store import GraphStore

ERROR_KEYS = {"status", "code", "detail"}


def _assert_error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) >= ERROR_KEYS
    assert (body["status"], body["code"]) == (status, code)
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in body["detail"]
    return body


@pytest.fixture(scope="module")
def small_client(bundled_store: GraphStore) -> Iterator[TestClient]:
    settings = Settings(in_memory=True, max_body_bytes=1000, query_workers=1)
    with TestClient(create_app(settings, store=bundled_store)) as test_client:
        yield test_client


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/no/such/route", 404, "not_found"),
    ("GET", "/entities/no-such-entity", 404, "entity_not_found"),
    ("GET", "/entities", 400, "invalid_parameter"),
    ("GET", "/entities?q=x&limit=abc", 400, "invalid_parameter"),
    ("DELETE", "/health", 405, "method_not_allowed"),
    ("GET", "/sparql?query=SELEC", 400, "query_syntax_error"),
    ("GET", "/sparql?query=SELECT%20*%20%7B%20SERVICE%20%3Chttp%3A%2F%2Fx%2F%3E%20%7B%7D%20%7D", 400,
     "query_refused"),
])
def test_every_error_has_the_one_json_shape(client: TestClient, method: str, path: str, status: int,
                                            code: str) -> None:
    _assert_error(client.request(method, path), status, code)


def test_iri_parameter_cannot_inject_query_text(client: TestClient) -> None:
    # Before: the class IRI went into an in-process ASK unchecked, and this ran SERVICE.
    evil = "http://x> a ?k } UNION { SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } } } #"
    body = _assert_error(client.get("/entities", params={"q": "kcb", "type": evil}), 400, "bad_request")
    assert "not a valid IRI" in body["detail"]


def test_keyword_glued_to_a_prefixed_name_is_refused_over_http(client: TestClient) -> None:
    query = "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }"
    body = _assert_error(client.get("/sparql", params={"query": query}), 400, "query_refused")
    assert "SERVICE" in body["detail"]


def test_validation_errors_name_the_bad_parameter(client: TestClient) -> None:
    body = _assert_error(client.get("/entities?q=x&limit=abc"), 400, "invalid_parameter")
    assert "limit" in body["detail"]


def test_body_over_the_limit_is_refused_by_content_length(small_client: TestClient) -> None:
    response = small_client.post("/sparql", content=b"x" * 5000,
                                 headers={"Content-Type": "application/sparql-query"})
    body = _assert_error(response, 413, "payload_too_large")
    assert "1000 bytes" in body["detail"]


def test_chunked_body_over_the_limit_is_refused(small_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"#" * 300

    response = small_client.post("/sparql", content=chunks(),
                                 headers={"Content-Type": "application/sparql-query"})
    _assert_error(response, 413, "payload_too_large")


def test_service_keeps_serving_after_bad_input(small_client: TestClient) -> None:
    small_client.post("/sparql", content=b"x" * 5000, headers={"Content-Type": "application/sparql-query"})
    assert small_client.get("/health").json()["status"] == "ok"


def test_cors_allows_browser_clients(client: TestClient) -> None:
    response = client.options("/sparql", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] in {"*", "http://example.org"}


def test_openapi_documents_the_resources(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/sparql", "/entities", "/entities/{id}", "/health"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_health_reports_the_bundled_graph(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["triples"] > 3000
    assert "https://w3id.org/innokg/graph/zhangjiang-2020" in body["graphs"]


def test_warm_up_builds_the_indexes_at_start(bundled_store: GraphStore) -> None:
    app = create_app(Settings(in_memory=True, query_workers=1, warm_up=True), store=bundled_store)
    with TestClient(app) as client:
        services = app.state.services
        deadline = time.monotonic() + 30
        while "graph_view" not in services.built() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert {"lookup", "provenance", "graph_view"} <= services.built()
        services.ready.wait(30)
        assert client.get("/health").json()["ready"] is True


def test_no_warm_up_builds_nothing_before_the_first_request(bundled_store: GraphStore) -> None:
    app = create_app(Settings(in_memory=True, query_workers=1, warm_up=False), store=bundled_store)
    with TestClient(app) as client:
        time.sleep(0.2)
        assert "lookup" not in app.state.services.built()
        assert client.get("/health").json()["ready"] is True  # nothing to wait for
