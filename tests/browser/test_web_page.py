"""The web page in real headless Chromium, checked against the API's own answers."""

from __future__ import annotations

import re

import httpx
import pytest
from pagedriver import SCREENSHOTS, run_scenario

from support import SOURCE_REPORT

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("browser_tools")]

OFFICE = "shanghai-stc-office"


def test_search_for_kechuangban_suggests_and_opens_the_office(live_server: str) -> None:
    seen = run_scenario(live_server, "search", "科创办")
    assert seen["suggestions"][0]["id"] == OFFICE
    assert seen["hash"] == f"#/entity/{OFFICE}"
    entity = httpx.get(f"{live_server}/entities/{OFFICE}").json()
    assert seen["title"] == entity["label"]["zh"]
    assert seen["facts"] == len(entity["outgoing"]) + len(entity["incoming"])
    if SOURCE_REPORT.exists():
        assert any("科创办" in text for text in seen["citations"])
    else:  # without ../shared the page shows where each quotation is, not its text
        assert seen["citations"] and all(re.fullmatch(r"\[\d+, \d+\)", t) for t in seen["citations"])
    assert seen["page_errors"] == []
    assert (SCREENSHOTS / "entity.png").stat().st_size > 10_000


def test_entity_graph_draws_the_api_neighbourhood(live_server: str) -> None:
    seen = run_scenario(live_server, "search", "科创办")
    neighbourhood = httpx.get(f"{live_server}/entities/{OFFICE}/neighbourhood").json()
    assert seen["graph_nodes"] == len(neighbourhood["nodes"])
    assert seen["graph_edges"] == len(neighbourhood["edges"])
    export = httpx.get(live_server + seen["downloads"][1])  # GEXF of the same neighbourhood
    assert export.status_code == 200
    assert f'filename="innokg-neighbourhood-{OFFICE}.gexf"' in export.headers["content-disposition"]


def test_clicking_a_node_expands_the_graph_with_its_neighbours(live_server: str) -> None:
    first = httpx.get(f"{live_server}/entities/{OFFICE}/neighbourhood").json()
    shown = {n["id"] for n in first["nodes"]}
    # The neighbour whose own neighbourhood adds the most nodes the page does not show yet.
    def around(entity: str) -> set[str]:
        answer = httpx.get(f"{live_server}/entities/{entity}/neighbourhood").json()
        return {m["id"] for m in answer["nodes"]}

    grows = {n["id"]: around(n["id"]) for n in first["nodes"] if n["id"] != OFFICE}
    neighbour = max(grows, key=lambda i: (len(grows[i] - shown), i))
    assert grows[neighbour] - shown, "fixture data: some neighbour must have further neighbours"
    seen = run_scenario(live_server, "expand", f"{OFFICE},{neighbour}")
    assert seen["before"] == len(shown)
    assert seen["after"] == len(shown | grows[neighbour])
    assert set(seen["ids"]) == shown | grows[neighbour]


def test_path_finder_links_ndrc_to_the_office_with_evidence(live_server: str) -> None:
    seen = run_scenario(live_server, "path", f"ndrc,{OFFICE}")
    answer = httpx.get(f"{live_server}/paths", params={"source": "ndrc", "target": OFFICE, "k": 3}).json()
    assert seen["paths"] == [len(p["hops"]) for p in answer["paths"]]
    assert seen["paths"], "the report links 国家发改委 to 科创办"
    # The page quotes each citation, or shows its span when the report text is not available.
    cited = {c["text"] or f"[{c['start']}, {c['end']})"
             for p in answer["paths"] for hop in p["hops"] for c in hop["citations"]}
    assert set(seen["evidence"]) == cited
    assert seen["graph_nodes"] == len({n for p in answer["paths"] for hop in p["hops"]
                                       for n in (hop["from"]["id"], hop["to"]["id"])})


def test_example_sparql_query_shows_a_table_of_results(live_server: str) -> None:
    seen = run_scenario(live_server, "sparql", "0")
    assert seen["error"] is None
    answer = httpx.get(f"{live_server}/sparql", params={"query": seen["query"]},
                       headers={"Accept": "application/sparql-results+json"}).json()
    assert seen["headers"] == [f"?{v}" for v in answer["head"]["vars"]]
    assert seen["rows"] == len(answer["results"]["bindings"]) > 0


def test_timeline_switches_to_english_labels(live_server: str) -> None:
    seen = run_scenario(live_server, "timeline")
    events = httpx.get(f"{live_server}/timeline").json()["events"]
    assert seen["events"] == len(events)
    assert seen["toggle"] == "中文"
    assert seen["first"] == (events[0]["label"]["en"] or events[0]["label"]["zh"])
