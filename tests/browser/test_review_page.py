"""The review page (#/review) in real headless Chromium, at a laptop's width and a phone's, over a live
`kg serve` with writes on, one write token, and the candidates of tests/fixtures/review loaded into its
store: what the page lists is what GET /review answers, and what the curator does there is what the
store then holds. Screenshots: test-artifacts/screenshots/review-<step>-<width>.png."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pagedriver import CHROMIUM, ROOT, SCREENSHOTS, WIDTHS

from kg.auth import token_digest
from kg.config import Settings
from kg.review import load_candidates
from kg.store import GraphStore
from live import serve_live

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("browser_tools")]

SCENARIO = Path(__file__).with_name("review_scenario.mjs")
FIXTURE = ROOT / "tests" / "fixtures" / "review" / "candidates.trig"
KEY = "c3e87f27477d"
CENTRE, GOV, OFFICE, XIXIAN = (f"c-{KEY}-{h}" for h in ("9eb751fe", "5c18d36b", "2bda71c3", "8205641b"))
LINKED, TARGET, REPORT = "ndrc", "xixian-institute", f"report-{KEY}"
TOKEN = "review-page-token"


@dataclass(frozen=True)
class Reviewed:
    """The live server after the scenario ran at `width`: what the API listed first, what the page showed."""

    url: str
    width: int
    before: dict[str, Any]
    seen: dict[str, Any]

    def now(self, candidate: str) -> dict[str, Any]:
        """The candidate as GET /review/{id} answers it now."""
        answer = httpx.get(f"{self.url}/review/{candidate}", timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]


def where(statement: dict[str, Any]) -> str:
    """Where a statement's quote is, as the page says it: §number and the section's title."""
    number, title = statement["section"], statement["section_title"]
    return f"§{number} {title}" if title and title != number else f"§{number}"


def _store_with_candidates(directory: Path) -> None:
    """An on-disk store with the bundled graph and the fixture's candidates (as `kg ingest --load`
    leaves one), closed again before the server opens it."""
    store = GraphStore.open(Settings(data_dir=directory, warm_up=False, query_workers=1))
    try:
        load_candidates(store, FIXTURE.read_bytes(), name=FIXTURE.name)
    finally:
        store.close()


def _run_scenario(url: str, width: int) -> dict[str, Any]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ids = ",".join((CENTRE, OFFICE, GOV, XIXIAN, LINKED, TARGET, REPORT))
    done = subprocess.run(["node", str(SCENARIO), url, str(SCREENSHOTS), str(width), TOKEN, ids],
                          cwd=ROOT, capture_output=True, timeout=180, check=False,
                          env={**os.environ, "CHROMIUM": CHROMIUM})
    if done.returncode != 0:
        raise AssertionError(f"the review scenario failed:\n{done.stderr.decode()[-3000:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda width: f"{width}px")
def reviewed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             browser_tools: None) -> Iterator[Reviewed]:
    """A fresh store and server per width (the scenario decides candidates), the scenario run once."""
    width: int = request.param
    workdir = tmp_path_factory.mktemp(f"review_page_{width}")
    _store_with_candidates(workdir / "store")
    env = {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(TOKEN)}
    with serve_live(workdir, env=env, data_dir=workdir / "store") as server:
        before = httpx.get(f"{server.url}/review", timeout=30).json()
        yield Reviewed(server.url, width, before, _run_scenario(server.url, width))


def test_the_list_shows_every_candidate_with_its_quotes_types_and_link(reviewed: Reviewed) -> None:
    seen, before = reviewed.seen, reviewed.before
    assert "#/review" in seen["nav"]
    listed = {c["id"]: c for c in seen["listed"]}
    assert set(listed) == {c["id"] for c in before["candidates"]} and len(listed) == before["total"] == 6
    assert str(before["total"]) in seen["total"]
    for candidate in before["candidates"]:
        shown = listed[candidate["id"]]
        assert shown["status"] == "pending" and shown["badge"] == "待审"
        assert shown["types"] == candidate["types"]
        # Every statement with its quote, in the API's order; the fixture's quotes have no stray spaces.
        assert [q["source"] for q in shown["quotes"]] == [s["quote"] for s in candidate["statements"]]
        assert all(q["shown"] == q["source"] for q in shown["quotes"])
        assert shown["sections"] == [where(s) for s in candidate["statements"]]
    assert listed[OFFICE]["title"] == "合肥科创办"
    assert "合肥科创办负责管理合肥综合性国家科学中心" in {q["source"] for q in listed[OFFICE]["quotes"]}
    assert "别名" in listed[LINKED]["link"] and "0.95" in listed[LINKED]["link"]  # linked by alias, 0.95
    assert listed[CENTRE]["link"] == "新实体"
    assert set(listed[CENTRE]["actions"]) == {"accept", "reject", "edit", "merge"}


def test_an_action_without_a_valid_token_is_refused_and_changes_nothing(reviewed: Reviewed) -> None:
    no_token, wrong = reviewed.seen["no_token"], reviewed.seen["wrong_token"]
    assert no_token["errors"] == [{"status": "", "code": "", "candidate": CENTRE,
                                   "text": no_token["errors"][0]["text"]}]
    assert "令牌" in no_token["errors"][0]["text"] and no_token["status"] == "pending"
    [error] = wrong["errors"]
    assert (error["status"], error["code"], error["candidate"]) == ("401", "unauthorized", CENTRE)
    assert "not one this service accepts" in error["text"]  # the API's own detail
    assert "KG_WRITE_TOKENS" in error["text"]  # and what to do about it
    assert wrong["status"] == "pending" and wrong["notice"] == ""


def test_the_token_is_kept_in_session_storage_only(reviewed: Reviewed) -> None:
    storage = reviewed.seen["storage"]
    assert storage["session"] == {"innokg.writeToken": TOKEN}
    assert TOKEN not in json.dumps(storage["local"]) and TOKEN not in storage["hash"]
    assert reviewed.seen["token_state"] == "令牌已保存（仅本会话）"
    assert reviewed.seen["filtered"]["token_kept"] == TOKEN  # still there on the next page


def test_accepting_moves_the_candidate_into_the_curated_graph(reviewed: Reviewed) -> None:
    accepted = reviewed.seen["accepted"]
    assert accepted["errors"] == []
    assert "已接受 合肥综合性国家科学中心" in accepted["notice"] and "2 条陈述" in accepted["notice"]
    decided = {c["id"]: c for c in reviewed.seen["decided"]}
    assert decided[CENTRE]["status"] == "accepted" and decided[CENTRE]["actions"] == []
    assert decided[CENTRE]["entity_link"] == f"#/entity/{CENTRE}"
    now = reviewed.now(CENTRE)
    assert now["status"] == "accepted"
    assert decided[CENTRE]["curated"] == [s["curated"] for s in now["statements"]]
    # NDRC's approval of the centre waits: NDRC is still pending.
    assert {s["subject"]["id"] for s in now["statements"] if not s["curated"]} == {LINKED, OFFICE}
    page = httpx.get(f"{reviewed.url}/id/{CENTRE}", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "合肥综合性国家科学中心" in page.text
    assert reviewed.seen["entity_page"]["title"] == "合肥综合性国家科学中心"


def test_rejecting_marks_the_candidate_and_keeps_it(reviewed: Reviewed) -> None:
    rejected = reviewed.seen["rejected"]
    assert rejected["errors"] == [] and "已拒绝 合肥科创办" in rejected["notice"]
    decided = {c["id"]: c for c in reviewed.seen["decided"]}
    assert decided[OFFICE]["status"] == "rejected" and decided[OFFICE]["badge"] == "已拒绝"
    assert "reject" not in decided[OFFICE]["actions"] and "accept" in decided[OFFICE]["actions"]
    assert reviewed.now(OFFICE)["status"] == "rejected"
    assert reviewed.seen["filtered"]["ids"] == [OFFICE]
    assert "status=rejected" in reviewed.seen["filtered"]["hash"]


def test_a_conflict_is_shown_with_the_apis_message(reviewed: Reviewed) -> None:
    [error] = reviewed.seen["conflict"]["errors"]
    assert (error["status"], error["code"], error["candidate"]) == ("409", "review_conflict", LINKED)
    assert "only a new candidate" in error["text"]
    assert reviewed.seen["conflict"]["status"] == "pending"


def test_edit_and_merge_from_the_page(reviewed: Reviewed) -> None:
    edited = reviewed.seen["edited"]
    assert edited["errors"] == [] and "已修改 合肥市政府" in edited["notice"]
    assert reviewed.now(GOV)["label_en"] == "Hefei Municipal Government"
    merged = reviewed.seen["merged"]
    assert merged["errors"] == [] and "合并到 西咸研究院" in merged["notice"]
    assert reviewed.now(XIXIAN)["replaced_by"] == TARGET
    decided = {c["id"]: c for c in reviewed.seen["decided"]}
    assert decided[XIXIAN]["status"] == "merged" and decided[XIXIAN]["entity_link"] == f"#/entity/{TARGET}"


def test_two_selected_candidates_are_accepted_in_one_call(reviewed: Reviewed) -> None:
    bulk = reviewed.seen["bulk"]
    # "Select all shown" ticks every card still open to a decision (the merge made its target one, to
    # review the statements it took over), and clears them again.
    assert bulk["all"] == bulk["boxes"] and set(bulk["boxes"]) == {OFFICE, GOV, LINKED, REPORT, TARGET}
    assert str(len(bulk["boxes"])) in bulk["count_all"] and bulk["none"] == []
    # With nothing ticked the page says so and sends nothing.
    [error] = bulk["empty"]["errors"]
    assert "勾选" in error["text"] and error["candidate"] is None
    assert bulk["two"] == [GOV, REPORT]  # in the order of the list
    assert "2" in bulk["count_two"]
    # One POST with both ids; the page says how many changed; GET /review has both accepted.
    assert bulk["posts"] == [{"path": "/review/accept",
                              "body": {"candidates": bulk["two"], "report": KEY}}]
    assert bulk["accepted"]["errors"] == [] and bulk["result"] == "2"
    assert "已接受 2 个候选" in bulk["accepted"]["notice"]
    assert bulk["statuses"][GOV] == bulk["statuses"][REPORT] == "accepted"
    answer = httpx.get(f"{reviewed.url}/review", timeout=30).json()
    listed = {c["id"]: c["status"] for c in answer["candidates"]}
    assert listed[GOV] == listed[REPORT] == "accepted"
    assert listed[LINKED] == "pending" and listed[OFFICE] == "rejected"


def test_the_page_fits_the_screen_and_has_no_script_errors(reviewed: Reviewed) -> None:
    overflow = reviewed.seen["overflow"]
    assert overflow["viewport"] == reviewed.width
    assert overflow["scroll_width"] <= reviewed.width, f"scrolls sideways: {overflow}"
    assert reviewed.seen["page_errors"] == []
    for step in ("list", "wrong-token", "bulk", "decided", "english"):
        assert (SCREENSHOTS / f"review-{step}-{reviewed.width}.png").stat().st_size > 10_000


def test_the_page_reads_in_english_with_its_filter_kept(reviewed: Reviewed) -> None:
    english = reviewed.seen["english"]
    assert "status=rejected" in english["hash"] and "lang=en" in english["hash"]
    assert english["title"] == "Review candidates" and english["badges"] == ["rejected"]
    assert english["overflow"]["scroll_width"] <= reviewed.width, english["overflow"]
