"""`kg review` on an on-disk store holding the fixture's candidates: list/show print the API's JSON, a
table or CSV; accept/reject/edit/merge write; every failure is one line on stderr with exit status 1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kg.cli import main
from kg.config import Settings
from kg.review import load_candidates
from kg.services import Services

FIXTURE = Path(__file__).parent / "fixtures" / "review" / "candidates.trig"
KEY = "c3e87f27477d"
CENTRE, GOV, OFFICE = (f"c-{KEY}-{h}" for h in ("9eb751fe", "5c18d36b", "2bda71c3"))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store with the bundled graph and the fixture's candidates (shared: tests run in
    file order, the writing ones last)."""
    directory = tmp_path_factory.mktemp("review_cli") / "store"
    with Services.open(Settings(data_dir=directory, warm_up=False, query_workers=1)) as services:
        load_candidates(services.store, FIXTURE.read_bytes())
    return directory


def kg(capsys: pytest.CaptureFixture[str], store_dir: Path, *args: str) -> tuple[int, str, str]:
    try:
        status = main(["review", *args, "--data-dir", str(store_dir)])
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_list_json_is_the_apis_answer_and_csv_is_flat(capsys: pytest.CaptureFixture[str],
                                                       store_dir: Path) -> None:
    status, out, _ = kg(capsys, store_dir, "list", "--format", "json")
    listed = json.loads(out)
    assert status == 0 and listed["total"] == 6
    assert {c["id"] for c in listed["candidates"]} >= {CENTRE, GOV, OFFICE, "ndrc"}
    status, out, _ = kg(capsys, store_dir, "list", "--status", "pending", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0 and len(rows) == 6 and rows[0].keys() >= {"id", "status", "label_zh", "link"}


def test_show_prints_the_statements_with_their_quotes(capsys: pytest.CaptureFixture[str],
                                                      store_dir: Path) -> None:
    status, out, _ = kg(capsys, store_dir, "show", "合肥科创办")
    assert status == 0 and OFFICE in out and "“合肥科创办负责管理合肥综合性国家科学中心”" in out


def test_accept_reject_and_edit_write_and_say_what_they_did(capsys: pytest.CaptureFixture[str],
                                                           store_dir: Path) -> None:
    status, out, _ = kg(capsys, store_dir, "accept", CENTRE, "ndrc")
    assert status == 0 and "statement(s) moved" in out
    status, out, _ = kg(capsys, store_dir, "accept", CENTRE)
    assert status == 0 and "already done" in out
    assert kg(capsys, store_dir, "reject", OFFICE)[0] == 0
    assert kg(capsys, store_dir, "edit", GOV, "--label", "合肥市人民政府")[0] == 0
    _, out, _ = kg(capsys, store_dir, "list", "--format", "json")
    statuses = {c["id"]: (c["status"], c["label_zh"]) for c in json.loads(out)["candidates"]}
    assert statuses[CENTRE][0] == statuses["ndrc"][0] == "accepted"
    assert statuses[OFFICE][0] == "rejected" and statuses[GOV] == ("pending", "合肥市人民政府")


@pytest.mark.parametrize(("args", "says"), [
    (["show", "no-such-candidate"], "No candidate is named 'no-such-candidate'"),
    (["reject", CENTRE], "already accepted"),
    (["edit", GOV], "Nothing to edit"),
    (["merge", GOV, "--into", "no-such-body"], "No entity 'no-such-body'"),
    (["list", "--report", "hefei"], "not a report key"),
])
def test_a_refused_action_is_one_line(capsys: pytest.CaptureFixture[str], store_dir: Path,
                                      args: list[str], says: str) -> None:
    status, _, err = kg(capsys, store_dir, *args)
    lines = err.strip().splitlines()
    assert status == 1 and len(lines) == 1 and lines[0].startswith("kg review: ") and says in lines[0], err
