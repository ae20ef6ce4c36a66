"""Implementation chains: on the hand-written graph, and 科创办's duties in the curated graph."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kg.errors import BadRequestError, EntityNotFoundError
from kg.namespaces import ID, IKG, ORG
from kg.paths import PathFinder
from kg.store import GraphStore
from kg.trace import GOVERNANCE_DOWN, trace
from support import FIXTURES, services_over, tracing_store


@pytest.fixture(scope="module")
def finder() -> PathFinder:
    return services_over(tracing_store(), FIXTURES).path_finder


def chain_slugs(chain: object) -> list[str]:
    return [i.removeprefix(str(ID)) for i in chain.iris()]  # type: ignore[attr-defined]


def test_trace_down_from_directive_reaches_the_division(finder: PathFinder) -> None:
    result = trace(finder, "directive", "down")
    chains = [chain_slugs(c) for c in result.chains]
    assert ["directive", "group", "office", "division"] in chains
    hops = next(c for c in result.chains if chain_slugs(c)[-1] == "division").hops
    assert [(h.property, h.direction) for h in hops] == [
        (str(IKG.implements), "backward"), (str(IKG.executiveBodyOf), "backward"),
        (str(ORG.unitOf), "backward")]
    assert not result.truncated


def test_trace_follows_only_governance_relations(finder: PathFinder) -> None:
    result = trace(finder, "division", "up")
    walked = {h.property for c in result.chains for h in c.hops}
    assert walked and walked <= set(GOVERNANCE_DOWN)
    assert all("city" not in chain_slugs(c) for c in result.chains)


def test_trace_up_from_office_lists_each_duty(finder: PathFinder) -> None:
    result = trace(finder, "office", "up")
    first_steps = sorted((c.hops[0].property.rsplit("#", 1)[1], chain_slugs(c)[1])
                         for c in result.chains)
    assert set(first_steps) == {("executiveBodyOf", "group"), ("handlesDailyWorkOf", "group"),
                                ("handlesDailyWorkOf", "group2")}
    ends = {chain_slugs(c)[-1] for c in result.chains}
    assert {"directive", "agency", "group2"} == ends


def test_hop_cap_cuts_chains_and_says_so(finder: PathFinder) -> None:
    result = trace(finder, "directive", "down", max_hops=1)
    assert {len(c.hops) for c in result.chains} == {1}
    assert result.truncated and "past 1 hops" in (result.reason or "")


def test_trace_errors(finder: PathFinder) -> None:
    with pytest.raises(EntityNotFoundError):
        trace(finder, "nobody", "up")
    with pytest.raises(BadRequestError):
        trace(finder, "office", "sideways")
    with pytest.raises(BadRequestError):
        trace(finder, "office", "up", max_hops=0)


def test_trace_is_deterministic(finder: PathFinder) -> None:
    assert trace(finder, "division", "up").to_dict() == trace(finder, "division", "up").to_dict()


# -- the curated graph ----------------------------------------------------------------------------

def test_stc_office_up_trace_shows_four_daily_work_duties_and_executive_role(
        client: TestClient, bundled_store: GraphStore) -> None:
    office = str(ID["shanghai-stc-office"])
    stated = {r["g"].value for r in bundled_store.select(
        f"SELECT ?g WHERE {{ <{office}> <{IKG.handlesDailyWorkOf}> ?g }}")}
    executive = {r["g"].value for r in bundled_store.select(
        f"SELECT ?g WHERE {{ <{office}> <{IKG.executiveBodyOf}> ?g }}")}
    response = client.get("/trace/up/shanghai-stc-office")
    assert response.status_code == 200
    data = response.json()
    first = {(c["hops"][0]["property"]["curie"], c["hops"][0]["to"]["iri"]) for c in data["chains"]}
    duties = {iri for curie, iri in first if curie == "ikg:handlesDailyWorkOf"}
    assert len(duties) == 4 and duties == stated
    assert {iri for curie, iri in first if curie == "ikg:executiveBodyOf"} == executive != set()
    assert all(h["citations"] for c in data["chains"] for h in c["hops"])


def test_trace_route_errors(client: TestClient) -> None:
    assert client.get("/trace/up/no-such-body").json()["code"] == "entity_not_found"
    response = client.get("/trace/sideways/shanghai-stc-office")
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")


def test_trace_down_from_directive_in_curated_graph_reaches_the_office(client: TestClient) -> None:
    data = client.get("/trace/down/xi-2014-directive").json()
    reached = {h["to"]["id"] for c in data["chains"] for h in c["hops"]}
    assert "shanghai-stc-office" in reached


def test_a_fact_stated_from_both_ends_is_one_hop() -> None:
    store = tracing_store()
    store.update("INSERT DATA { GRAPH <https://w3id.org/innokg/graph/fixture> { "
                 "<https://w3id.org/innokg/id/office> <http://www.w3.org/ns/org#hasUnit> "
                 "<https://w3id.org/innokg/id/division> } }")
    finder = services_over(store, FIXTURES).path_finder
    chains = trace(finder, "directive", "down").chains
    walked = [(tuple(chain_slugs(c)), tuple(h.property for h in c.hops)) for c in chains]
    assert len(walked) == len(set(walked))
    to_division = [c for c in chains if chain_slugs(c)[-1] == "division"]
    assert [[h.property for h in c.hops][-1] for c in to_division] == [str(ORG.hasUnit)] * 2
    assert all(c.hops[-1].also == ((str(ORG.unitOf), "backward"),) for c in to_division)


# -- the deployments of the curated graph ---------------------------------------------------------

def test_trace_relations_cover_governs_approves_and_executive_body() -> None:
    assert {str(IKG.governs), str(IKG.approves), str(IKG.approvedThing), str(IKG.executiveBodyOf),
            str(IKG.advances)} <= set(GOVERNANCE_DOWN)


@pytest.mark.parametrize(("direction", "start", "reached"), [
    ("down", "approval-2016-02",
     {"zhangjiang-national-science-centre", "zjnsc-council", "shanghai-stc-office"}),
    ("down", "zhangjiang-national-science-centre", {"zjnsc-council", "shanghai-stc-office"}),
    ("up", "zjnsc-council", {"zhangjiang-national-science-centre", "approval-2016-02", "ndrc", "most"}),
    ("up", "shanghai-stc-office", {"zjnsc-council", "approval-2016-02", "ndrc", "xi-2014-directive"}),
])
def test_the_2016_approval_and_the_council_are_traced(client: TestClient, direction: str, start: str,
                                                       reached: set[str]) -> None:
    data = client.get(f"/trace/{direction}/{start}").json()
    assert reached <= {h["to"]["id"] for c in data["chains"] for h in c["hops"]}
    assert all(h["citations"] for c in data["chains"] for h in c["hops"])


def test_chains_from_the_2014_directive_are_distinct(client: TestClient) -> None:
    chains = client.get("/trace/down/xi-2014-directive").json()["chains"]
    nodes = [tuple([c["hops"][0]["from"]["id"]] + [h["to"]["id"] for h in c["hops"]]) for c in chains]
    assert chains and len(nodes) == len(set(nodes))


def test_a_chain_through_a_possible_identity_is_doubtful_with_the_reason(client: TestClient) -> None:
    chains = client.get("/trace/down/xi-2014-directive").json()["chains"]
    through = [c for c in chains if any(h["property"]["curie"] == "ikg:possiblySameAs" for h in c["hops"])]
    assert through and all(c["doubtful"] for c in through)
    for chain in through:
        hop = next(h for h in chain["hops"] if h["property"]["curie"] == "ikg:possiblySameAs")
        assert hop["doubt"]["kind"] == "possible_identity"
        assert hop["doubt"]["reason"]["en"] and hop["doubt"]["reason"]["zh"]
        assert hop["citations"][0]["note"] == hop["doubt"]["reason"]
    clean = [c for c in chains if not any(h["doubt"] for h in c["hops"])]
    assert all(not c["doubtful"] for c in clean)


def test_trace_export_edges_carry_the_curators_notes(client: TestClient) -> None:
    response = client.get("/export", params={"format": "csv-edges", "scope": "trace", "lang": "en",
                                             "entity": "xi-2014-directive", "direction": "down"})
    assert response.status_code == 200
    same_as = [line for line in response.text.splitlines() if "ikg:possiblySameAs" in line]
    assert same_as and all("(note: Section 一 names" in line for line in same_as)
