"""The reconciliation service of a real `kg serve` process, asked the way OpenRefine asks it."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import httpx
import pytest

from kg.api.routes import ROUTERS
from kg.api.routes import reconcile as reconcile_routes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(reconcile_routes.router not in ROUTERS,
                       reason="the reconcile router is not registered in kg.api.routes yet"),
]

#: What OpenRefine 3.x posts for a typed column with one property column (its batch of queries).
OPENREFINE_BATCH = {
    "q0": {"query": "科创办", "type": "ikg:CoordinationOffice", "type_strict": "should",
           "properties": [{"pid": "ikg:handlesDailyWorkOf", "v": "上海市推进科技创新中心建设领导小组"}]},
    "q1": {"query": "NDRC", "type": "ikg:GovernmentBody", "type_strict": "should"},
}


def test_openrefine_form_post_reconciles_a_batch(live_server: str) -> None:
    manifest = httpx.get(f"{live_server}/reconcile", timeout=10).json()
    assert "0.2" in manifest["versions"]
    body = urlencode({"queries": json.dumps(OPENREFINE_BATCH, ensure_ascii=False)})
    response = httpx.post(f"{live_server}/reconcile", content=body.encode("ascii"), timeout=10, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "Accept": "application/json", "User-Agent": "OpenRefine/3.8",
    })
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["q0"]["result"][0]["id"] == "shanghai-stc-office" and answer["q0"]["result"][0]["match"]
    assert answer["q1"]["result"][0]["id"] == "ndrc"
    preview = httpx.get(manifest["preview"]["url"].replace("{{id}}", "ndrc"), timeout=10)
    assert preview.status_code == 200 and "NDRC" in preview.text


def test_openrefine_reconciles_an_english_name_written_another_way(live_server: str) -> None:
    batch = {"q0": {"query": "Shanghai Municipal Party Committee", "type": "ikg:GovernmentBody",
                    "type_strict": "should"}}
    body = urlencode({"queries": json.dumps(batch)})
    response = httpx.post(f"{live_server}/reconcile", content=body.encode("ascii"), timeout=10, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "User-Agent": "OpenRefine/3.8",
    })
    assert response.status_code == 200, response.text
    best = response.json()["q0"]["result"][0]
    assert best["id"] == "shanghai-party-committee" and not best["match"]


def test_each_service_claims_only_its_own_version(live_server: str) -> None:
    assert httpx.get(f"{live_server}/reconcile", timeout=10).json()["versions"] == ["0.2"]
    endpoint = f"{live_server}/reconcile/1.0"
    assert httpx.get(endpoint, timeout=10).json()["versions"] == ["1.0-draft"]
    query = {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "科创办"}]}]}
    response = httpx.post(f"{endpoint}/match", json=query, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["candidates"][0]["id"] == "shanghai-stc-office"
