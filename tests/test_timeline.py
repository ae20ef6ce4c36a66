"""The timeline: events in date order, by entity and date range, with participants and citations."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kg.errors import BadRequestError, EntityNotFoundError
from kg.namespaces import ID
from kg.paths import PathFinder
from kg.timeline import timeline
from support import FIXTURES, services_over, tracing_store


@pytest.fixture(scope="module")
def finder() -> PathFinder:
    return services_over(tracing_store(), FIXTURES).path_finder


def event_ids(finder: PathFinder, **kwargs: str) -> list[str]:
    return [e.event.node.iri.removeprefix(str(ID)) for e in timeline(finder, **kwargs).events]


def test_events_come_in_sort_date_order(finder: PathFinder) -> None:
    assert event_ids(finder) == ["approval-2016", "renaming-2018", "visit-2020"]


def test_entity_timeline_has_the_events_it_is_joined_to(finder: PathFinder) -> None:
    assert event_ids(finder, entity="office") == ["renaming-2018", "visit-2020"]
    assert event_ids(finder, entity="office-old") == ["renaming-2018"]
    assert event_ids(finder, entity="lonely") == []


def test_date_bounds_are_inclusive_at_any_precision(finder: PathFinder) -> None:
    assert event_ids(finder, start="2017", end="2019") == ["renaming-2018"]
    assert event_ids(finder, start="2016-02", end="2016-02") == ["approval-2016"]
    assert event_ids(finder, start="2020-05-20") == ["visit-2020"]


def test_bad_date_or_unknown_entity_is_refused(finder: PathFinder) -> None:
    with pytest.raises(BadRequestError, match="YYYY"):
        timeline(finder, start="May 2018")
    with pytest.raises(EntityNotFoundError):
        timeline(finder, entity="nobody")


def test_event_carries_dates_participants_roles_and_citations(finder: PathFinder) -> None:
    renaming = timeline(finder, entity="office-old").events[0].to_dict()
    assert (renaming["date"], renaming["sort_date"]) == ("2018-05", "2018-05-01")
    roles = {(p["id"], p["role"]["curie"], p["role"]["direction"]) for p in renaming["participants"]}
    assert roles == {("office-old", "org:originalOrganization", "forward"),
                     ("office", "org:resultingOrganization", "forward"),
                     ("office-old", "org:changedBy", "backward")}
    assert [c["text"] for c in renaming["citations"]] == ["旧办公室更名为推进办公室"]
    assert renaming["summary"]["en"] == "Old office renamed to Office in 2018-05"


def test_interval_event_shows_start_and_end(finder: PathFinder) -> None:
    visit = timeline(finder, entity="visit-2020").events[0]
    assert visit.event.date == "2020-05-20/2020-05-21"


def test_limit_truncates_and_counts_the_rest(finder: PathFinder) -> None:
    result = timeline(finder, limit=2)
    assert (len(result.events), result.total, result.truncated) == (2, 3, True)


def test_2018_renaming_is_on_the_timeline_of_both_organisations(client: TestClient) -> None:
    for organisation in ("zhangjiang-admin-office", "zhangjiang-hitech-park-committee"):
        response = client.get("/timeline", params={"entity": organisation})
        assert response.status_code == 200
        events = response.json()["events"]
        assert "renaming-2018-05" in [e["id"] for e in events], organisation
        dates = [e["sort_date"] for e in events if e["sort_date"]]
        assert dates == sorted(dates)


def test_timeline_route_errors(client: TestClient) -> None:
    assert client.get("/timeline", params={"entity": "nobody"}).status_code == 404
    response = client.get("/timeline", params={"from": "yesterday"})
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")
    assert client.get("/timeline", params={"from": "2018", "to": "2018"}).json()["from"] == "2018"


def test_the_2018_05_decisions_are_two_entries_not_three(client: TestClient) -> None:
    events = client.get("/timeline", params={"from": "2018-05", "to": "2018-05"}).json()["events"]
    assert [e["id"] for e in events] == ["renaming-2018-05", "reorganisation-2018-05"]
    renaming = events[0]
    assert {"ikg:Renaming", "ikg:Reorganisation"} <= set(renaming["types"])
    assert renaming["summary"]["en"].startswith(
        "Shanghai Zhangjiang Hi-Tech Park Administrative Committee renamed")


def test_timeline_citations_carry_the_curators_notes(client: TestClient) -> None:
    events = client.get("/timeline", params={"entity": "approval-2016-02"}).json()["events"]
    citations = [c for e in events for c in e["citations"]]
    noted = [c for c in citations if c["note"]]
    assert noted and all(c["note"]["zh"] and c["note"]["en"] for c in noted)
    assert any("national-level deployments" in c["note"]["en"] for c in noted)


def test_an_events_citations_quote_each_span_once(client: TestClient) -> None:
    events = client.get("/timeline").json()["events"]
    for event in events:
        spans = [(c["document"], c["start"], c["end"]) for c in event["citations"]]
        assert len(spans) == len(set(spans)), event["id"]
    # The survey's type, start and end are three evidence nodes citing "2014-2015 年": one citation.
    survey = next(e for e in events if e["id"] == "survey-2014-2015")
    assert [c["text"] for c in survey["citations"]].count("2014-2015 年") <= 1
    assert [(c["start"], c["end"]) for c in survey["citations"]].count((507, 518)) == 1


def test_of_one_spans_citations_the_noted_one_is_kept(client: TestClient) -> None:
    approval = next(e for e in client.get("/timeline").json()["events"] if e["id"] == "approval-2016-02")
    # Two evidence nodes cite [442,478); one carries the curator's note.
    [cited] = [c for c in approval["citations"] if (c["start"], c["end"]) == (442, 478)]
    assert cited["note"] is not None
