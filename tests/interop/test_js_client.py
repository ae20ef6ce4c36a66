"""fetch-sparql-endpoint (npm, the Comunica family's SPARQL client) against a real `kg serve`, run by
Node from tests/interop/js/sparql_client.mjs: SELECT, ASK, CONSTRUCT, and updates with and without a
bearer token.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from interop.conftest import GRAPH_PREFIX, WRITE_TOKEN, served_graph
from kg.config import PROJECT_ROOT
from live import LiveServer

SCRIPT = PROJECT_ROOT / "tests" / "interop" / "js" / "sparql_client.mjs"
PACKAGE = PROJECT_ROOT / "node_modules" / "fetch-sparql-endpoint"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("node") is None,
                       reason="node is not on PATH: install Node.js 18 or later"),
    pytest.mark.skipif(not PACKAGE.exists(),
                       reason="fetch-sparql-endpoint is not installed: run scripts/setup-web (npm ci)"),
]
ID = "https://w3id.org/innokg/id/"
GRAPH = f"{GRAPH_PREFIX}js:update"


@pytest.fixture(scope="module")
def report(writable_server: LiveServer) -> dict[str, Any]:
    """What the script observed against the writable server (reads and writes)."""
    result = subprocess.run(
        ["node", str(SCRIPT), f"{writable_server.url}/sparql", GRAPH], cwd=PROJECT_ROOT,
        env={**os.environ, "KG_TOKEN": WRITE_TOKEN}, capture_output=True, text=True, encoding="utf-8",
        timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    observed: dict[str, Any] = json.loads(result.stdout)
    return observed


def test_select_by_chinese_abbreviation(report: dict[str, Any]) -> None:
    rows = {(row["s"]["value"], row["label"]["lang"], row["label"]["value"]) for row in report["select"]}
    assert rows == {
        (f"{ID}shanghai-stc-office", "zh", "上海推进科技创新中心建设办公室"),
        (f"{ID}shanghai-stc-office", "en", "Shanghai Office for Promoting the Construction of the Science "
                                           "and Technology Innovation Centre"),
    }


def test_ask(report: dict[str, Any]) -> None:
    assert report["ask"] is True


def test_construct(report: dict[str, Any]) -> None:
    aliases = {(o["value"], o["lang"]) for s, _, o in report["construct"] if s["value"] == f"{ID}ndrc"}
    assert len(report["construct"]) == len(aliases) == 5
    assert ("国家发改委", "zh") in aliases and ("NDRC", "en") in aliases


def test_update_needs_the_bearer_token(report: dict[str, Any]) -> None:
    assert "HTTP status 401" in report["anonymousUpdate"]
    assert report["afterAnonymous"] == []


def test_update_with_token_is_visible_then_dropped(report: dict[str, Any],
                                                   writable_server: LiveServer) -> None:
    assert report["afterUpdate"] == [{"o": {"type": "Literal", "value": "经 fetch-sparql-endpoint 写入",
                                            "lang": "zh"}}]
    assert report["afterDrop"] is False
    assert served_graph(writable_server, GRAPH) is None
