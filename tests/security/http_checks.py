"""Checks the security tests make of a real server's answers (the error shape, graphs, counts)."""

from __future__ import annotations

import httpx

#: Seconds a check waits for the server (writes on a loaded machine may take a while).
TIMEOUT = 60.0
#: Keys an error body may have beside status, code and detail (a load error's position).
ERROR_EXTRAS = {"file", "line", "column"}


def assert_error_shape(response: httpx.Response, status: int | None = None,
                       code: str | None = None) -> dict[str, object]:
    """The response is a 4xx/5xx in the project's JSON error shape; its body."""
    assert 400 <= response.status_code < 600, (response.status_code, response.text[:300])
    body = response.json()
    assert {"status", "code", "detail"} <= set(body), body
    assert set(body) - {"status", "code", "detail"} <= ERROR_EXTRAS, body
    assert body["status"] == response.status_code, body
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    if status is not None:
        assert response.status_code == status, body
    if code is not None:
        assert body["code"] == code, body
    return body


def assert_healthy(url: str) -> None:
    """/health answers 200."""
    response = httpx.get(f"{url}/health", timeout=10.0)
    assert response.status_code == 200, response.text[:300]


def graph_content(url: str, graph: str) -> set[str] | None:
    """The graph's N-Triples lines, None when the store has no such graph."""
    response = httpx.get(f"{url}/rdf-graphs", params={"graph": graph},
                         headers={"accept": "application/n-triples"}, timeout=TIMEOUT)
    assert response.status_code in (200, 404), response.text[:300]
    if response.status_code == 404:
        return None
    return {line.strip() for line in response.text.splitlines() if line.strip()}


def triple_count(url: str) -> int:
    """The store's triple count, as /health reports it."""
    return int(httpx.get(f"{url}/health", timeout=TIMEOUT).json()["triples"])
