"""/docs (Swagger UI) and /redoc (Redoc) work offline: every asset they load is served here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kg.config import PROJECT_ROOT

VENDOR = PROJECT_ROOT / "src" / "kg" / "web" / "static" / "vendor"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


class AssetURLs(HTMLParser):
    """The URLs a page loads: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src"}.get(tag)
        self.urls += [value for name, value in attrs if name == wanted and value]


def asset_urls(html: str) -> list[str]:
    """Every asset URL of `html`."""
    parser = AssetURLs()
    parser.feed(html)
    return parser.urls


def require_assets() -> None:
    """Skip (saying why) when scripts/setup-web has not copied the assets."""
    if not (VENDOR / "swagger-ui" / "swagger-ui-bundle.js").exists():
        pytest.skip("the documentation assets are missing: run scripts/setup-web (npm)")


@pytest.mark.parametrize(("page", "spec"), [("/docs", "url: '/openapi.json'"),
                                             ("/redoc", 'spec-url="/openapi.json"')])
def test_docs_pages_load_only_local_assets_that_answer(client: TestClient, page: str, spec: str) -> None:
    require_assets()
    answer = client.get(page)
    assert answer.status_code == 200 and spec in answer.text
    urls = asset_urls(answer.text)
    assert len(urls) >= (3 if page == "/docs" else 2)
    assert [u for u in urls if not u.startswith("/") or u.startswith("//")] == []
    assert {u: client.get(u).status_code for u in urls} == dict.fromkeys(urls, 200)
    assert "http://" not in answer.text and "https://" not in answer.text
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert client.get("/openapi.json").status_code == 200


def test_docs_pages_say_what_is_missing_without_their_assets(client: TestClient, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.api.routes.docs.STATIC_DIR", tmp_path)
    for page in ("/docs", "/redoc"):
        answer = client.get(page)
        assert answer.status_code == 503 and "scripts/setup-web" in answer.text


def test_docs_pages_are_not_operations_of_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/docs" not in paths and "/redoc" not in paths


@pytest.mark.browser
@pytest.mark.e2e
def test_docs_render_operations_with_the_network_off(live_server: str) -> None:
    require_assets()
    missing = [tool for tool, there in (("node", shutil.which("node")), (CHROMIUM, Path(CHROMIUM).exists()),
               ("node_modules/playwright-core", (PROJECT_ROOT / "node_modules" / "playwright-core").exists()))
               if not there]
    if missing:
        pytest.skip("the offline rendering check needs " + ", ".join(missing))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["node", str(PROJECT_ROOT / "tests" / "js" / "docs_offline.mjs"), live_server,
                           str(SCREENSHOTS)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "CHROMIUM": CHROMIUM})
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    paths = httpx.get(f"{live_server}/openapi.json").json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert seen["refused"] == []
    assert seen["swagger_operations"] == operations
    assert seen["redoc_operations"] >= operations
