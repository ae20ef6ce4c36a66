"""HEAD on every GET route: the GET answer's status and headers (Content-Length included), no body."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, StreamingResponse
from fastapi.testclient import TestClient

from kg.api.head import HeadMiddleware
from kg.namespaces import ONTOLOGY_GRAPH

#: A value for each required parameter of the GET routes, chosen so that the route answers 200.
SAMPLES = {
    "q": "科创办", "id": "shanghai-stc-office", "prefix": "科创", "slug": "ndrc", "source": "ndrc",
    "target": "shanghai-stc-office", "direction": "down", "name": "cq01-entity-names",
    "format": "graphml", "evidence": "ev:zj2020-48608ee18f4e",
    "extend": json.dumps({"ids": ["shanghai-stc-office"], "properties": [{"id": "ikg:leads"}]}),
    "candidate": "合肥科创办",
}
#: Routes whose sample names nothing the bundled graph holds (it has no ingested candidates): HEAD must
#: answer their 404 as GET does.
EXPECTED_STATUS = {"/review/{candidate}": 404}
#: Optional parameters some routes need to answer 200 rather than a 400 (compared all the same).
OPTIONAL_SAMPLES = {"/rdf-graphs": {"graph": str(ONTOLOGY_GRAPH)}}


def _get_routes(client: TestClient) -> list[tuple[str, str, dict[str, str]]]:
    """(path template, URL, query) of every GET operation of the OpenAPI schema, parameters filled."""
    routes = []
    for template, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        if "get" not in operations:
            continue
        url, query = template, dict(OPTIONAL_SAMPLES.get(template, {}))
        for parameter in operations["get"].get("parameters", []):
            name = parameter["name"]
            if not parameter.get("required"):
                continue
            assert name in SAMPLES, f"GET {template} needs a sample value for {name!r} in SAMPLES"
            if parameter["in"] == "path":
                url = url.replace("{" + name + "}", SAMPLES[name])
            else:
                query[name] = SAMPLES[name]
        routes.append((template, url, query))
    return routes


def test_head_answers_like_get_on_every_get_route_of_the_schema(client: TestClient) -> None:
    routes = _get_routes(client)
    assert len(routes) > 20 and {"/sparql", "/id/{slug}", "/health"} <= {t for t, _, _ in routes}
    for template, url, query in routes:
        got = client.get(url, params=query)
        head = client.head(url, params=query)
        assert head.status_code == got.status_code, template
        expected = EXPECTED_STATUS.get(template, 200)
        assert got.status_code == expected, f"GET {template}: {got.status_code} {got.text[:200]}"
        one_per_request = {"x-request-id": "(HEAD and GET are two requests)"}
        assert dict(head.headers) | one_per_request == dict(got.headers) | one_per_request, template
        assert head.content == b"", template
        assert head.headers["content-length"] == str(len(got.content)), template


def test_head_of_an_unknown_path_is_the_get_404(client: TestClient) -> None:
    got, head = client.get("/no-such-page"), client.head("/no-such-page")
    assert head.status_code == got.status_code == 404
    assert head.content == b"" and head.headers["content-length"] == str(len(got.content))


def test_head_on_the_live_server_keeps_content_length(live_server: str) -> None:
    got = httpx.get(f"{live_server}/void", headers={"accept": "text/turtle"})
    head = httpx.head(f"{live_server}/void", headers={"accept": "text/turtle"})
    assert head.status_code == got.status_code == 200
    assert head.content == b"" and head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == got.headers["content-type"]


# -- the middleware alone ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_client() -> Iterator[TestClient]:
    app = FastAPI()
    app.add_middleware(HeadMiddleware)

    @app.api_route("/own", methods=["GET", "HEAD"])
    def own(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"answered {request.method}", headers={"X-Method": request.method})

    @app.get("/stream")
    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"one ", b"two ", b"three"]), media_type="text/plain")

    @app.post("/post-only")
    def post_only() -> PlainTextResponse:
        return PlainTextResponse("posted")

    with TestClient(app) as test_client:
        yield test_client


def test_a_route_with_its_own_head_answers_it_itself(small_client: TestClient) -> None:
    head = small_client.head("/own")
    assert head.status_code == 200 and head.headers["x-method"] == "HEAD" and head.content == b""


def test_head_of_a_streamed_answer_drops_every_chunk(small_client: TestClient) -> None:
    head = small_client.head("/stream")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/plain")


def test_head_where_get_is_not_allowed_is_the_get_405(small_client: TestClient) -> None:
    got, head = small_client.get("/post-only"), small_client.head("/post-only")
    assert head.status_code == got.status_code == 405
    assert head.headers["allow"] == got.headers["allow"] == "POST" and head.content == b""
