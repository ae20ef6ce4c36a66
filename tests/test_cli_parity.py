"""CLI parity with the API: `kg COMMAND --format json` prints exactly what the matching GET answers,
`--json` is its alias, and `--format csv` gives flat rows with one header line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.cli import main
from kg.commands import COMMANDS
from kg.config import Settings

Case = tuple[list[str], str, dict[str, Any]]

#: (kg arguments, the API request that answers the same question): the same JSON.
EXACT: list[Case] = [
    (["lookup", "kcb", "--limit", "3"], "/entities", {"q": "kcb", "limit": 3}),
    (["analytics", "centrality", "--measure", "pagerank", "--limit", "10"], "/analytics/centrality",
     {"measure": "pagerank", "limit": 10}),
    (["analytics", "communities", "--limit", "3", "--members", "4"], "/analytics/communities",
     {"limit": 3, "members": 4}),
    (["analytics", "components"], "/analytics/components", {}),
    (["queries", "tr02-served-deployments", "body=科创办"], "/queries/tr02-served-deployments",
     {"body": "科创办", "format": "json"}),
]
#: Cases whose answers hold explained nodes (events and others).
WITH_NODES: list[Case] = [
    (["path", "ndrc", "科创办", "-k", "2"], "/paths", {"source": "ndrc", "target": "科创办", "k": 2}),
    (["trace", "up", "shanghai-stc-office"], "/trace/up/shanghai-stc-office", {}),
    (["deployments", "--level", "national"], "/deployments", {"level": "national"}),
    (["deployments", "approval-2016-02"], "/deployments/approval-2016-02", {}),
    (["timeline", "zhangjiang-admin-office"], "/timeline", {"entity": "zhangjiang-admin-office"}),
    (["timeline", "--from", "2016", "--to", "2018-06", "--limit", "3"], "/timeline",
     {"from": "2016", "to": "2018-06", "limit": 3}),
]
PARITY = [*EXACT, *WITH_NODES]


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    """The app over the same in-memory store the commands open with --memory."""
    from kg.api.app import create_app

    with TestClient(create_app(Settings(in_memory=True, warm_up=False, query_workers=1))) as client:
        yield client


def run_kg(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run `kg ARGS --memory` in this process; its standard output (the exit status must be 0)."""
    status = main([*args, "--memory"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def _case_id(value: object) -> str | None:
    return " ".join(value) if isinstance(value, list) else None


@pytest.mark.parametrize(("args", "path", "params"), PARITY, ids=_case_id)
def test_format_json_is_the_api_answer(api: TestClient, capsys: pytest.CaptureFixture[str],
                                       args: list[str], path: str, params: dict[str, Any]) -> None:
    answer = api.get(path, params=params)
    assert answer.status_code == 200, answer.text
    assert json.loads(run_kg(capsys, *args, "--format", "json")) == answer.json()


def test_queries_list_is_the_catalogue_the_api_lists(api: TestClient,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    listed = json.loads(run_kg(capsys, "queries", "--json"))["queries"]
    served = api.get("/queries").json()["queries"]
    assert [q["url"].rsplit("/", 2)[-2:] for q in listed] == [q["url"].rsplit("/", 2)[-2:] for q in served]
    assert [{**q, "url": None} for q in listed] == [{**q, "url": None} for q in served]


def test_query_json_and_csv_are_the_sparql_endpoints_bytes(api: TestClient,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    text = ("SELECT ?s ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } "
            "ORDER BY ?s ?l LIMIT 5")
    for fmt in ("json", "csv"):
        served = api.get("/sparql", params={"query": text, "format": fmt}).text
        assert run_kg(capsys, "query", text, "--format", fmt) == served


def test_json_flag_is_an_alias_of_format_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_kg(capsys, "analytics", "components", "--json") == run_kg(
        capsys, "analytics", "components", "--format", "json")


@pytest.mark.parametrize(("args", "header"), [
    (["lookup", "科创办"], "rank,id,curie,label_zh,label_en,types,match,matched,score"),
    (["stats"], "section,name,count"),
    (["path", "ndrc", "科创办", "-k", "1"], "path,hop,from,from_label,relation,direction,to,to_label"),
    (["trace", "down", "xi-2014-directive"], "chain,hop,from,from_label,relation,direction,to,to_label"),
    (["deployments"], "deployment,label_zh,label_en,level,date,body,body_label_zh,body_label_en"),
    (["timeline"], "date,sort_date,id,label_zh,label_en,category,participants,citations"),
    (["analytics", "centrality"], "rank,id,label_zh,label_en,category,score"),
    (["analytics", "communities"], "group,size,id,label_zh,label_en,category"),
    (["queries"], "name,title_zh,title_en,parameters,file"),
    (["queries", "cq12-renamings"], None),
    (["validate"], "severity,focus,path,message"),
])
def test_format_csv_prints_flat_rows_under_one_header(capsys: pytest.CaptureFixture[str], args: list[str],
                                                      header: str | None) -> None:
    rows = list(csv.reader(io.StringIO(run_kg(capsys, *args, "--format", "csv"))))
    if header is not None:
        assert ",".join(rows[0]).startswith(header)
    assert len({len(row) for row in rows}) == 1, "every row has the header's columns"
    assert len(rows) > 1 or args[0] == "validate"


def test_help_lists_every_command_without_importing_any() -> None:
    code = ("import sys; from kg.cli import build_parser; text = build_parser().format_help(); "
            "print(sorted(m for m in sys.modules if m.startswith('kg.commands.'))); print(text)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported, _, text = done.stdout.partition("\n")
    assert imported == "[]"
    assert all(f"    {name}" in text for name in COMMANDS)
