"""The OpenAPI schema tells the error contract the service keeps, not FastAPI's default one.

FastAPI documents a 422 `HTTPValidationError` on every operation that takes parameters; this service
answers such errors 400 `invalid_parameter` in its one error shape (kg.api.errors). So every operation
that takes parameters or a body documents 400, no operation documents 422, and every documented
error answer (4xx/5xx) points at the error schema.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

#: What a 400 means on every operation, in addition to what the route itself documents.
INVALID_PARAMETER = ("invalid_parameter: a parameter or the body is missing, malformed or out of range; "
                     "the detail names each one and what it must be.")
_FASTAPI_ONLY = ("HTTPValidationError", "ValidationError")


def document_errors(app: FastAPI, error_model: type[BaseModel]) -> None:
    """Make `app.openapi()` document 400 and `error_model` instead of FastAPI's 422."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = to_error_contract(build(), error_model)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def to_error_contract(schema: dict[str, Any], error_model: type[BaseModel]) -> dict[str, Any]:
    """`schema` with 422 replaced by 400 and every error answer pointing at `error_model` (in place)."""
    name = error_model.__name__
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[name] = error_model.model_json_schema(ref_template="#/components/schemas/{model}")
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            _to_error_responses(operation, content)
    for unused in _FASTAPI_ONLY:  # in this order: the first refers to the second
        if f'"#/components/schemas/{unused}"' not in json.dumps(schema):
            components.pop(unused, None)
    return schema


def _to_error_responses(operation: dict[str, Any], content: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    if operation.get("parameters") or operation.get("requestBody"):
        told = responses.setdefault("400", {"description": INVALID_PARAMETER})
        if "invalid_parameter" not in told.get("description", ""):
            told["description"] = f"{told.get('description', '').rstrip()} {INVALID_PARAMETER}".lstrip()
    for status, response in responses.items():
        if status[:1] in ("4", "5") and "content" not in response:
            response["content"] = content
