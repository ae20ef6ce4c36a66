"""The error contract, driven by the OpenAPI schema: every refused parameter is a 400 `invalid_parameter`
in the one error shape, no operation documents 422, every response carries X-Request-ID, and a 500
tells the client only the request id while the log has the whole exception chain."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.config import Settings
from kg.errors import QueryFailedError
from kg.store import GraphStore

ERROR_KEYS = {"status", "code", "detail"}
#: A value for a required parameter that the schema accepts (the route itself may still refuse it).
SAMPLE = "x"


def _app() -> FastAPI:
    """The service over an empty store: validation answers before any route reads the graph."""
    settings = Settings(in_memory=True, warm_up=False, query_workers=1, query_timeout=5.0)
    return create_app(settings, store=GraphStore.in_memory())


SCHEMA: dict[str, Any] = _app().openapi()
OPERATIONS = [(method.upper(), path, operation) for path, operations in SCHEMA["paths"].items()
              for method, operation in operations.items()]


def _value_schema(parameter: dict[str, Any]) -> dict[str, Any]:
    """The parameter's schema without the `null` FastAPI adds to optional ones."""
    schema: dict[str, Any] = parameter.get("schema", {})
    others = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return others[0] if len(others) == 1 else schema


def _invalid_values(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(value, what the detail must say) for each constraint of `schema` a value can break."""
    cases = []
    if "minimum" in schema:
        cases.append((str(schema["minimum"] - 1), f"must be at least {schema['minimum']}"))
    if "exclusiveMinimum" in schema:
        cases.append((str(schema["exclusiveMinimum"]), f"must be more than {schema['exclusiveMinimum']}"))
    if "maximum" in schema:
        cases.append((str(schema["maximum"] + 1), f"must be at most {schema['maximum']}"))
    if "exclusiveMaximum" in schema:
        cases.append((str(schema["exclusiveMaximum"]), f"must be less than {schema['exclusiveMaximum']}"))
    if "enum" in schema:
        cases.append(("not-a-member", "must be one of"))
    if schema.get("type") == "integer":
        cases.append(("abc", "must be a whole number"))
    return cases


def _cases() -> Iterator[Any]:
    for method, path, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            for value, expected in _invalid_values(_value_schema(parameter)):
                yield pytest.param(method, path, operation, parameter["name"], value, expected,
                                   id=f"{method} {path} {parameter['name']}={value}")


CASES = list(_cases())


def _request(method: str, path: str, operation: dict[str, Any], name: str, value: str
             ) -> tuple[str, str, dict[str, str]]:
    """(method, URL, query) with `name` set to `value` and every other required parameter to SAMPLE."""
    url, query = path, {}
    for parameter in operation.get("parameters", []):
        if parameter["name"] != name and not parameter.get("required"):
            continue
        sent = value if parameter["name"] == name else SAMPLE
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", sent)
        else:
            assert parameter["in"] == "query", f"{method} {path}: fill {parameter['in']} parameters too"
            query[parameter["name"]] = sent
    return method, url, query


def _assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) >= ERROR_KEYS
    assert (body["status"], body["code"]) == (status, code)
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in body["detail"]
    return body


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    with TestClient(_app()) as client:
        yield client


# -- 400 invalid_parameter on every operation ------------------------------------------------------

def test_the_schema_has_parameters_to_break() -> None:
    # The parametrized test below must not pass by having nothing to check.
    assert len(CASES) > 40
    assert {"/entities", "/analytics/centrality", "/paths", "/export"} <= {case.values[1] for case in CASES}


@pytest.mark.parametrize(("method", "path", "operation", "name", "value", "expected"), CASES)
def test_every_out_of_range_or_malformed_parameter_is_a_400_naming_it(
        api: TestClient, method: str, path: str, operation: dict[str, Any], name: str, value: str,
        expected: str) -> None:
    method, url, query = _request(method, path, operation, name, value)
    body = _assert_error(api.request(method, url, params=query), 400, "invalid_parameter")
    _, _, refusals = body["detail"].partition(": ")
    # One refusal, of this parameter: the samples sent for the others were accepted.
    assert refusals.startswith(f"{name}: {expected}") and "; " not in refusals, body["detail"]


def test_the_detail_names_the_bound_and_the_value_sent(api: TestClient) -> None:
    body = _assert_error(api.get("/analytics/centrality", params={"limit": 5000}), 400, "invalid_parameter")
    assert body["detail"] == "Invalid request parameter(s): limit: must be at most 1000 (got 5000)."


def test_every_refused_parameter_is_named_at_once(api: TestClient) -> None:
    body = _assert_error(api.get("/entities", params={"limit": "0", "offset": "-1"}), 400,
                         "invalid_parameter")
    assert body["detail"] == ("Invalid request parameter(s): q: is required; limit: must be at least 1 "
                              "(got 0); offset: must be at least 0 (got -1).")


def test_a_sent_value_is_quoted_and_cut_short_in_the_detail(api: TestClient) -> None:
    body = _assert_error(api.get("/entities", params={"q": "x", "limit": "1\n" + "9" * 100}), 400,
                         "invalid_parameter")
    assert "\n" not in body["detail"] and "9" * 50 not in body["detail"]
    assert "limit: must be a whole number (got '1\\n" in body["detail"]


# -- the OpenAPI schema tells the same ---------------------------------------------------------------

def test_no_operation_documents_422() -> None:
    documented = [f"{method} {path}" for method, path, operation in OPERATIONS
                  if "422" in operation.get("responses", {})]
    assert documented == []
    assert not {"HTTPValidationError", "ValidationError"} & set(SCHEMA["components"]["schemas"])


def test_every_operation_taking_input_documents_400_with_the_error_schema() -> None:
    error_schema = {"$ref": "#/components/schemas/ErrorOut"}
    for method, path, operation in OPERATIONS:
        responses = operation["responses"]
        if operation.get("parameters") or operation.get("requestBody"):
            assert "400" in responses, f"{method} {path}"
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == error_schema, (
                    f"{method} {path} {status}")
    assert set(SCHEMA["components"]["schemas"]["ErrorOut"]["required"]) == ERROR_KEYS


def test_the_served_schema_is_the_documented_one(api: TestClient) -> None:
    served = api.get("/openapi.json").json()
    assert served["paths"]["/entities"]["get"]["responses"].keys() == {"200", "400"}


# -- request ids --------------------------------------------------------------------------------------

def test_every_response_carries_a_request_id(api: TestClient) -> None:
    ok, missing, refused = api.get("/health"), api.get("/no/such/route"), api.get("/entities")
    ids = [response.headers["x-request-id"] for response in (ok, missing, refused)]
    assert all(len(found) == 32 for found in ids) and len(set(ids)) == 3


def test_a_sane_client_request_id_is_echoed(api: TestClient) -> None:
    response = api.get("/health", headers={"X-Request-ID": "lb-7f3a.2024_06-01"})
    assert response.headers["x-request-id"] == "lb-7f3a.2024_06-01"


@pytest.mark.parametrize("sent", ["evil\nX-Admin: 1", "x" * 1000, "a b", "<script>", ""],
                         ids=["newline", "1000 chars", "space", "markup", "empty"])
def test_an_unfit_client_request_id_is_replaced(api: TestClient, sent: str) -> None:
    found = api.get("/health", headers={"X-Request-ID": sent}).headers["x-request-id"]
    assert found != sent and len(found) == 32 and found.isalnum()


def test_an_answer_of_another_middleware_carries_a_request_id() -> None:
    # The body limit answers 413 from its own middleware, inside the request-id one.
    settings = Settings(in_memory=True, warm_up=False, query_workers=1, max_body_bytes=10)
    with TestClient(create_app(settings, store=GraphStore.in_memory())) as client:
        response = client.post("/sparql", content=b"x" * 100,
                               headers={"Content-Type": "application/sparql-query", "X-Request-ID": "r1"})
    _assert_error(response, 413, "payload_too_large")
    assert response.headers["x-request-id"] == "r1"


def test_a_429_of_the_rate_limit_carries_a_request_id() -> None:
    settings = Settings(in_memory=True, warm_up=False, query_workers=1, rate_limit=1, rate_burst=1)
    with TestClient(create_app(settings, store=GraphStore.in_memory())) as client:
        client.get("/health")
        response = client.get("/health", headers={"X-Request-ID": "r2"})
    _assert_error(response, 429, "too_many_requests")
    assert response.headers["x-request-id"] == "r2"


# -- server errors --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def failing() -> Iterator[TestClient]:
    """The service with routes that fail: unexpectedly, on purpose (500), and in the middle of a stream."""
    app = _app()

    def fail_unexpectedly() -> None:
        raise RuntimeError("/srv/secret/path broke") from KeyError("engine-state")

    def fail_on_purpose() -> None:
        cause = OSError("pipe to worker 4711 closed")
        raise QueryFailedError("The worker running this query died; simplify the query.") from cause

    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"one,", b"two"]), media_type="text/plain")

    app.add_api_route("/boom", fail_unexpectedly)
    app.add_api_route("/worker-died", fail_on_purpose)
    app.add_api_route("/stream", stream)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_an_unexpected_error_is_a_500_quoting_the_request_id(failing: TestClient,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="kg.api.errors"):
        response = failing.get("/boom")
    request_id = response.headers["x-request-id"]
    body = _assert_error(response, 500, "internal_error")
    assert body == {"status": 500, "code": "internal_error", "request_id": request_id,
                    "detail": f"Internal error; quote request id {request_id} to the operator."}
    [record] = [r for r in caplog.records if r.name == "kg.api.errors"]
    assert request_id in record.getMessage() and "GET /boom" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
    assert isinstance(record.exc_info[1].__cause__, KeyError)  # the whole chain is in the log
    assert "engine-state" in caplog.text and "direct cause" in caplog.text


def test_a_500_echoes_the_clients_request_id(failing: TestClient) -> None:
    response = failing.get("/boom", headers={"X-Request-ID": "trace-42"})
    assert response.headers["x-request-id"] == response.json()["request_id"] == "trace-42"


def test_a_server_error_raised_on_purpose_logs_its_cause_with_the_request_id(
        failing: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="kg.api.errors"):
        response = failing.get("/worker-died", headers={"X-Request-ID": "q-9"})
    assert _assert_error(response, 500, "query_failed")["detail"].startswith("The worker running")
    assert response.headers["x-request-id"] == "q-9"
    [record] = [r for r in caplog.records if r.name == "kg.api.errors"]
    assert "q-9" in record.getMessage() and "GET /worker-died" in record.getMessage()
    assert "pipe to worker 4711 closed" in caplog.text


def test_a_streamed_answer_passes_the_request_id_middleware_whole(failing: TestClient) -> None:
    response = failing.get("/stream")
    assert response.status_code == 200 and response.content == b"one,two"
    assert len(response.headers["x-request-id"]) == 32
