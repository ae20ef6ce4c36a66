"""Every route and command that takes an entity reads it the same way (kg.naming): by id, CURIE, IRI,
<IRI>, Chinese name, abbreviation, English name, pinyin or pinyin initials.

One table of forms, one table of routes, one table of commands: every pair must find the same entity.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from kg.cli import main
from kg.naming import ENTITY_BASE

SLUG = "shanghai-stc-office"
IRI = ENTITY_BASE + SLUG
FORMS = {
    "id": SLUG,
    "curie": f"id:{SLUG}",
    "iri": IRI,
    "bracketed iri": f"<{IRI}>",
    "zh name": "上海推进科技创新中心建设办公室",
    "abbreviation": "科创办",
    "en name": "Shanghai STC Office",
    "pinyin": "kechuangban",
    "pinyin initials": "kcb",
}

#: Route → (path template with {e} for the entity, status). Path segments are percent-encoded by the
#: client; an IRI in a path segment is sent with its slashes encoded (%2F), as the web page does.
ROUTES = {
    "entity view": ("/entities/{e}", 200),
    "linked data": ("/id/{e}?format=ntriples", 200),
    "neighbourhood": ("/entities/{e}/neighbourhood", 200),
    "trace": ("/trace/up/{e}", 200),
    "timeline": ("/timeline?entity={e}", 200),
    "paths": ("/paths?source={e}&target=ndrc", 200),
    "deployments of a body": ("/deployments?body={e}", 200),
    "one deployment (a body: see its deployments)": ("/deployments/{e}", 303),
    "catalogue question": ("/queries/cq01-entity-names?entity={e}", 200),
    "export of a neighbourhood": ("/export?scope=neighbourhood&entity={e}&format=nodelink", 200),
    "export of a trace": ("/export?scope=trace&entity={e}&direction=up&format=nodelink", 200),
    "export of chosen nodes": ("/export?scope=nodes&node={e}&node=ndrc&format=nodelink", 200),
}


def _url(template: str, form: str) -> str:
    return template.replace("{e}", quote(form, safe=""))


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
@pytest.mark.parametrize("route", ROUTES, ids=ROUTES.keys())
def test_every_entity_route_accepts_every_form(client: TestClient, route: str, form: str) -> None:
    template, status = ROUTES[route]
    response = client.get(_url(template, form), follow_redirects=False)
    assert response.status_code == status, response.text[:300]
    if status == 303:
        assert "body=" in response.headers["location"]
        return
    # The answer is about the office: its IRI or id is in it, wherever the route puts it.
    text = response.text
    assert IRI in text or f'"{SLUG}"' in text or FORMS["zh name"] in text


def test_a_name_that_names_nothing_is_404_on_every_route(client: TestClient) -> None:
    for route, (template, _) in ROUTES.items():
        if "queries" in template:
            continue  # a catalogue parameter that names nothing is checked below
        response = client.get(_url(template, "no-such-entity-x"), follow_redirects=False)
        assert response.status_code == 404, (route, response.text[:200])
        assert response.json()["code"] == "entity_not_found"


def test_a_catalogue_parameter_that_names_nothing_is_404(client: TestClient) -> None:
    response = client.get("/queries/cq01-entity-names", params={"entity": "no-such-entity-x"})
    assert response.status_code == 404 and response.json()["code"] == "entity_not_found"


# -- the commands -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One on-disk store with the bundled graph, shared by the command runs (opening it is quick)."""
    directory = tmp_path_factory.mktemp("forms-store")
    assert main(["stats", "--data-dir", str(directory)]) == 0
    yield directory


def _json_of(capsys: pytest.CaptureFixture[str], run: Callable[[], int]) -> dict[str, object]:
    capsys.readouterr()
    assert run() == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_entity_command_accepts_every_form(store_dir: Path, capsys: pytest.CaptureFixture[str],
                                                 form: str) -> None:
    traced = _json_of(capsys, lambda: main(["trace", "up", form, "--json", "--data-dir", str(store_dir)]))
    assert traced["start"]["iri"] == IRI  # type: ignore[index]
    found = _json_of(capsys, lambda: main(["path", form, "ndrc", "--json", "--data-dir", str(store_dir)]))
    assert found["source"]["iri"] == IRI  # type: ignore[index]
    out = store_dir / "export.json"
    assert main(["export", "nodelink", "--scope", "neighbourhood", "--entity", form,
                 "--output", str(out), "--data-dir", str(store_dir)]) == 0
    assert IRI in out.read_text(encoding="utf-8")


def test_an_unknown_entity_is_one_line_on_the_command_line(store_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["trace", "up", "no-such-entity-x", "--data-dir", str(store_dir)]) != 0
    err = capsys.readouterr().err.strip()
    assert "no-such-entity-x" in err and "\n" not in err and "Traceback" not in err
