"""Every JSON answer of the reconciliation services against the W3C JSON Schemas of the version it is
served as: the 0.2 service at /reconcile (what OpenRefine is given) and the 1.0-draft service at
/reconcile/1.0, each reached the way a client of that version finds its routes (0.2: the URLs in the
manifest; 1.0-draft: fixed routes relative to the endpoint), and each manifest valid for every
version it claims."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.api.routes import ROUTERS
from kg.api.routes import reconcile as reconcile_routes
from kg.config import Settings
from kg.store import GraphStore
from support import SHARED, require_shared
from test_reconcile import _EXTEND as EXTEND_V1
from test_reconcile import _QUERIES_V1 as QUERIES_V1

SCHEMAS = SHARED / "schemas" / "reconciliation"
V02, V1 = "0.2", "1.0-draft"
V1_ENDPOINT = "/reconcile/1.0"

_QUERIES_V02 = {
    "q0": {"query": "科创办"},
    "q1": {"query": "Shanghai Municipal Party Committee", "type": "ikg:GovernmentBody",
           "type_strict": "should"},
    "q2": {"query": "leading group", "type": ["ikg:LeadingGroup", "ikg:CoordinationOffice"], "limit": 3,
           "properties": [{"pid": "ikg:implements", "v": [{"id": "xi-2014-directive", "name": "x"}, "y"]}]},
}
# The 1.0 payloads of test_reconcile, plus an English name that needs the most-words fallback.
_QUERIES_V1 = {"queries": [
    *QUERIES_V1["queries"][:1],
    {"conditions": [{"matchType": "name", "propertyValue": "Shanghai Municipal Party Committee"}],
     "type": "ikg:GovernmentBody", "lang": "en"},
    *QUERIES_V1["queries"][1:],
]}
_EXTEND = EXTEND_V1
_PREFIXES = {"entity": ["张江", "zhangjiang", "Shanghai Party Committee"], "type": ["lead", "o"],
             "property": ["hand", "日常"]}


# -- validating ----------------------------------------------------------------------------------

@cache
def _validator_of(version: str, name: str) -> Any:
    """A validator of the schema `name` of `version`, every $ref resolved in the same folder (the
    Swagger schema of `authentication` included: no network), of the draft its $schema names.

    The schemas name "http://json-schema.org/schema#", "the current draft", which no validator
    resolves by itself: the specs' own CI validates them with ajv-cli 3 (ajv 6), whose current draft
    is draft-07, so that is the default here; a schema naming a known draft gets that draft."""
    from jsonschema import Draft7Validator
    from jsonschema.validators import validator_for
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    folder = require_shared(SCHEMAS / version)
    documents = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.json"))]
    registry: Registry[Any] = Registry().with_resources(
        (document["$id"].rstrip("#"), Resource.from_contents(document, default_specification=DRAFT7))
        for document in documents)
    schema = json.loads((folder / name).read_text(encoding="utf-8"))
    return validator_for(schema, default=Draft7Validator)(schema, registry=registry)


def schema_errors(version: str, name: str, instance: Any) -> list[str]:
    """What the W3C schema `name` of `version` finds wrong in `instance` (skips without ../shared)."""
    errors = sorted(_validator_of(version, name).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{list(e.path)}: {e.message}" for e in errors]


def assert_valid(version: str, name: str, instance: Any) -> None:
    """Fails naming the first problems when `instance` does not conform."""
    errors = schema_errors(version, name, instance)
    assert not errors, errors[:5]


# -- fixtures --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(settings: Settings, bundled_store: GraphStore) -> Iterator[TestClient]:
    from kg.api.app import create_app

    app = create_app(settings, store=bundled_store)
    if reconcile_routes.router not in ROUTERS:
        app.include_router(reconcile_routes.router)
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def manifest_v02(api: TestClient) -> dict[str, Any]:
    return _json(api.get("/reconcile"))


@pytest.fixture(scope="module")
def manifest_v1(api: TestClient) -> dict[str, Any]:
    return _json(api.get(V1_ENDPOINT))


def _json(response: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def _service_url(service: dict[str, str]) -> str:
    """A 0.2 service definition as a URL (service_url + service_path)."""
    return service["service_url"] + service["service_path"]


# -- manifests -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "claimed"), [
    ("/reconcile", [V02]), (V1_ENDPOINT, [V1]), ("/reconcile?version=1.0-draft", [V1]),
])
def test_manifest_is_valid_for_every_version_it_claims(api: TestClient, url: str, claimed: list[str]) -> None:
    document = _json(api.get(url))
    assert document["versions"] == claimed
    for version in document["versions"]:
        assert_valid(version, "manifest.json", document)


def test_a_manifest_of_one_version_fails_the_other_versions_schema(manifest_v02: dict[str, Any],
                                                                   manifest_v1: dict[str, Any]) -> None:
    # Why one manifest cannot claim both: 0.2 names suggest services by URL, 1.0-draft by booleans.
    assert any("suggest" in error for error in schema_errors(V1, "manifest.json", manifest_v02))
    assert schema_errors(V02, "manifest.json", manifest_v1)


def test_v1_manifest_uses_rfc6570_view_template_and_announces_its_services(
        manifest_v1: dict[str, Any]) -> None:
    assert manifest_v1["view"]["url"].endswith("/id/{id}")
    assert manifest_v1["suggest"] == {"entity": True, "type": True, "property": True}
    assert manifest_v1["extend"]["proposeProperties"] is True and manifest_v1["standardizedScore"] is True
    assert "identifierSpace" not in manifest_v1 and "schemaSpace" not in manifest_v1


def test_v02_manifest_is_what_openrefine_reads(manifest_v02: dict[str, Any]) -> None:
    assert manifest_v02["identifierSpace"] == "https://w3id.org/innokg/id/"
    assert manifest_v02["schemaSpace"] == "https://w3id.org/innokg/ontology#"
    assert manifest_v02["view"]["url"].endswith("/id/{{id}}")
    assert _service_url(manifest_v02["suggest"]["entity"]).endswith("/reconcile/suggest/entity")
    assert manifest_v02["preview"]["url"].endswith("/reconcile/preview?id={{id}}")


# -- the 0.2 service, found from its manifest ------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "post"])
def test_v02_query_batch_answer_conforms(api: TestClient, method: str) -> None:
    payload = json.dumps(_QUERIES_V02, ensure_ascii=False)
    response = (api.get("/reconcile", params={"queries": payload}) if method == "get"
                else api.post("/reconcile", data={"queries": payload}))
    document = _json(response)
    assert_valid(V02, "reconciliation-result-batch.json", document)
    assert document["q1"]["result"][0]["id"] == "shanghai-party-committee"


@pytest.mark.parametrize(("kind", "prefix"), [(k, p) for k, prefixes in _PREFIXES.items() for p in prefixes])
def test_v02_suggest_answer_conforms(api: TestClient, manifest_v02: dict[str, Any], kind: str,
                                     prefix: str) -> None:
    document = _json(api.get(_service_url(manifest_v02["suggest"][kind]), params={"prefix": prefix}))
    assert document["result"]
    name = {"entity": "entities", "type": "types", "property": "properties"}[kind]
    assert_valid(V02, f"suggest-{name}-response.json", document)


def test_v02_preview_and_view_urls_resolve(api: TestClient, manifest_v02: dict[str, Any]) -> None:
    preview = api.get(manifest_v02["preview"]["url"].replace("{{id}}", "shanghai-party-committee"))
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert "中共上海市委员会" in preview.text
    view = api.get(manifest_v02["view"]["url"].replace("{{id}}", "shanghai-party-committee"))
    assert view.status_code == 200


@pytest.mark.parametrize("url", ["/reconcile", "/reconcile/extend"])
def test_v02_extension_answer_conforms(api: TestClient, url: str) -> None:
    document = _json(api.post(url, data={"extend": json.dumps(_EXTEND)}))
    assert_valid(V02, "data-extension-response.json", document)
    assert len(document["rows"]["shanghai-stc-office"]["ikg:handlesDailyWorkOf"]) == 4


def test_v02_property_proposal_conforms(api: TestClient, manifest_v02: dict[str, Any]) -> None:
    url = _service_url(manifest_v02["extend"]["propose_properties"])
    document = _json(api.get(url, params={"type": "ikg:LeadingGroup"}))
    assert document["properties"]
    assert_valid(V02, "data-extension-property-proposal.json", document)


# -- the 1.0-draft service, its routes relative to its endpoint ----------------------------------

def test_v1_match_answer_conforms(api: TestClient) -> None:
    document = _json(api.post(f"{V1_ENDPOINT}/match", json=_QUERIES_V1))
    assert_valid(V1, "reconciliation-result-batch.json", document)
    results = document["results"]
    assert len(results) == len(_QUERIES_V1["queries"])
    assert results[1]["candidates"][0]["id"] == "shanghai-party-committee"
    assert {c["id"] for c in results[3]["candidates"]} == {"ndrc", "most"}


@pytest.mark.parametrize(("kind", "prefix"), [(k, p) for k, prefixes in _PREFIXES.items() for p in prefixes])
def test_v1_suggest_answer_conforms(api: TestClient, manifest_v1: dict[str, Any], kind: str,
                                    prefix: str) -> None:
    assert manifest_v1["suggest"][kind]
    document = _json(api.get(f"{V1_ENDPOINT}/suggest/{kind}", params={"prefix": prefix, "limit": 5}))
    assert 0 < len(document["result"]) <= 5
    name = {"entity": "entities", "type": "types", "property": "properties"}[kind]
    assert_valid(V1, f"suggest-{name}-response.json", document)


def test_v1_preview_and_view_resolve(api: TestClient, manifest_v1: dict[str, Any]) -> None:
    preview = api.get(f"{V1_ENDPOINT}/preview", params={"id": "ndrc"})
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert manifest_v1["preview"]["width"] > 0
    assert api.get(manifest_v1["view"]["url"].replace("{id}", "ndrc")).status_code == 200


def test_v1_extension_answer_conforms(api: TestClient) -> None:
    document = _json(api.post(f"{V1_ENDPOINT}/extend", json=_EXTEND))
    assert_valid(V1, "data-extension-response.json", document)
    office = next(row for row in document["rows"] if row["id"] == "shanghai-stc-office")
    daily = next(p for p in office["properties"] if p["id"] == "ikg:handlesDailyWorkOf")
    assert len(daily["values"]) == 4


@pytest.mark.parametrize("params", [{"type": "ikg:LeadingGroup"}, {"type": "ikg:GovernmentBody", "limit": 3}])
def test_v1_property_proposal_conforms(api: TestClient, params: dict[str, Any]) -> None:
    document = _json(api.get(f"{V1_ENDPOINT}/extend/propose", params=params))
    assert document["properties"] and document["type"] == params["type"]
    assert_valid(V1, "data-extension-property-proposal.json", document)


# -- the validator itself --------------------------------------------------------------------------

@pytest.mark.parametrize(("version", "schema", "payload"), [
    (V02, "reconciliation-query-batch.json", _QUERIES_V02),
    (V1, "reconciliation-query-batch.json", _QUERIES_V1),
    (V02, "data-extension-query.json", _EXTEND),
    (V1, "data-extension-query.json", _EXTEND),
])
def test_requests_sent_by_these_tests_conform(version: str, schema: str, payload: dict[str, Any]) -> None:
    assert_valid(version, schema, payload)


@pytest.mark.parametrize(("version", "schema", "broken"), [
    (V02, "reconciliation-result-batch.json", {"q0": {"result": [{"id": "ndrc", "name": "NDRC"}]}}),
    (V1, "reconciliation-result-batch.json", {"results": [{"candidates": [{"id": "ndrc"}]}]}),
    (V1, "suggest-entities-response.json", {"result": [{"id": "ndrc", "name": "NDRC", "dir": "up"}]}),
    (V1, "data-extension-response.json", {"meta": [], "rows": {"ndrc": {}}}),
])
def test_schema_validator_rejects_a_broken_answer(version: str, schema: str, broken: Any) -> None:
    assert schema_errors(version, schema, broken)

