"""The deployment view: which body implements which deployment, through cited hops, doubts said out loud."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from kg.cli import main
from kg.config import Settings
from kg.deployments import Deployment, Deployments
from kg.errors import BadRequestError, EntityNotFoundError
from kg.namespaces import ID, IKG
from kg.paths import POSSIBLE_IDENTITY
from kg.provenance import Provenance
from kg.services import Services
from kg.store import GraphStore
from support import FIXTURES, services_over, tracing_store

OFFICE = str(ID["shanghai-stc-office"])


def slugs(path: object) -> list[str]:
    return [i.removeprefix(str(ID)) for i in path.iris()]  # type: ignore[attr-defined]


# -- the hand-written graph -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_deployments() -> Deployments:
    return services_over(tracing_store(), FIXTURES).deployments


def test_a_directive_is_a_deployment_and_lists_who_carries_it_out(fixture_deployments: Deployments) -> None:
    listed = fixture_deployments.find_all()
    assert [d.node.node.id for d in listed.deployments] == ["directive"]
    directive = listed.deployments[0]
    roles = {c.body.node.id: c.roles for c in directive.carriers}
    assert roles == {"group": ["implements"], "agency": ["leads"], "office": ["executes", "serves"],
                     "division": ["serves"]}
    office = directive.find_carrier(str(ID["office"]))
    assert office is not None
    assert [slugs(c.path) for c in office.chains] == [["directive", "group", "office"]] * 2


def test_the_level_filter_and_bad_arguments(fixture_deployments: Deployments) -> None:
    assert fixture_deployments.find_all(level="national").deployments == ()
    with pytest.raises(BadRequestError):
        fixture_deployments.find_all(level="provincial")
    with pytest.raises(BadRequestError):
        fixture_deployments.find_all(limit=0)
    with pytest.raises(EntityNotFoundError):
        fixture_deployments.get("office")  # a body, not a deployment
    assert fixture_deployments.find("office") is None


# -- the curated graph ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def curated(bundled_store: GraphStore, settings: Settings) -> Deployments:
    return Services(settings, bundled_store).deployments


@pytest.fixture(scope="module")
def national(curated: Deployments) -> dict[str, Deployment]:
    return {d.node.node.id: d for d in curated.find_all(level="national").deployments}


def test_both_national_deployments_of_section_one_are_listed(national: dict[str, Deployment]) -> None:
    assert {"xi-2014-directive", "approval-2016-02"} <= set(national)
    assert national["xi-2014-directive"].date == "2014-05"
    assert national["approval-2016-02"].date == "2016-02"
    issuers = {d: {h.to.node.id for h in national[d].issuers}
               for d in ("xi-2014-directive", "approval-2016-02")}
    assert issuers == {"xi-2014-directive": {"xi-jinping"}, "approval-2016-02": {"ndrc", "most"}}
    assert all(h.citations for d in national.values() for h in d.issuers)


@pytest.mark.parametrize("deployment", ["xi-2014-directive", "approval-2016-02"])
def test_the_office_is_reached_from_each_national_deployment_through_cited_hops(
        national: dict[str, Deployment], deployment: str) -> None:
    office = national[deployment].find_carrier(OFFICE)
    assert office is not None and office.chains
    assert all(hop.citations for chain in office.chains for hop in chain.path.hops)


def test_the_2016_approval_reaches_the_office_as_the_councils_executive_body(
        national: dict[str, Deployment]) -> None:
    office = national["approval-2016-02"].find_carrier(OFFICE)
    assert office is not None and office.roles == ["executes"] and not office.doubtful
    hops = office.chains[0].path.hops
    assert [(h.property, h.to.node.id) for h in hops] == [
        (str(IKG.approvedThing), "zhangjiang-national-science-centre"), (str(IKG.governs), "zjnsc-council"),
        (str(IKG.executiveBodyOf), "shanghai-stc-office")]


def test_the_shanghai_party_committee_and_government_advance_the_2014_requirement(
        national: dict[str, Deployment]) -> None:
    directive = national["xi-2014-directive"]
    advancing = {c.body.node.id for c in directive.carriers if "advances" in c.roles}
    assert advancing == {"shanghai-party-committee", "shanghai-municipal-government"}
    leaders = {c.body.node.id for c in directive.carriers if "leads" in c.roles}
    assert {"ndrc", "shanghai-municipal-government"} <= leaders  # through which leading group


def test_a_chain_through_a_possible_identity_says_so_with_the_reason(national: dict[str, Deployment]) -> None:
    office = national["xi-2014-directive"].find_carrier(OFFICE)
    assert office is not None
    doubted = [c for c in office.chains if any(h.doubt and h.doubt.kind == POSSIBLE_IDENTITY
                                                for h in c.path.hops)]
    assert doubted and all(c.path.doubtful for c in doubted)
    doubt = next(h.doubt for h in doubted[0].path.hops if h.doubt)
    assert doubt is not None and "one body" in (doubt.reason_en or "") and doubt.reason_zh


def test_deployments_without_an_implementer_say_so(curated: Deployments) -> None:
    everything = {d.node.node.id: d for d in curated.find_all().deployments}
    assert {d for d, found in everything.items() if not found.carriers} == {
        "approval-2017-07", "14th-five-year-plan"}
    assert everything["shanghai-stc-decisions"].level == "municipal"


def test_what_a_body_serves(curated: Deployments) -> None:
    served = curated.find_all(body="shanghai-stc-office")
    assert served.body is not None and served.body.node.id == "shanghai-stc-office"
    assert [d.node.node.id for d in served.deployments] == [
        "xi-2014-directive", "approval-2016-02", "shanghai-stc-decisions"]


# -- over HTTP and the command line ---------------------------------------------------------------

def test_deployments_route_lists_both_national_deployments_with_the_office(client: TestClient) -> None:
    response = client.get("/deployments", params={"level": "national"})
    assert response.status_code == 200
    data = response.json()
    found = {d["deployment"]["id"]: d for d in data["deployments"]}
    for deployment in ("xi-2014-directive", "approval-2016-02"):
        assert found[deployment]["level"]["id"] == "national" and found[deployment]["implemented"]
        bodies = {b["body"]["id"]: b for b in found[deployment]["bodies"]}
        office = bodies["shanghai-stc-office"]
        assert office["chains"] and all(h["citations"] for c in office["chains"] for h in c["hops"])


def test_every_citation_with_a_note_returns_it(client: TestClient, bundled_store: GraphStore,
                                               settings: Settings) -> None:
    statements = Provenance(bundled_store, settings.sources_dir).statements()
    noted = {c.evidence: c.note for cs in statements.values() for c in cs if c.note}
    data = client.get("/deployments/xi-2014-directive").json()
    citations = [c for b in data["bodies"] for chain in b["chains"] for h in chain["hops"]
                 for c in h["citations"]] + data["citations"]
    seen = [c for c in citations if c["evidence"] in noted]
    assert seen
    assert all(c["note"] == {"zh": noted[c["evidence"]].zh, "en": noted[c["evidence"]].en} for c in seen)
    assert all(c["note"] is None for c in citations if c["evidence"] not in noted)


def test_one_deployment_route_and_its_errors(client: TestClient) -> None:
    data = client.get("/deployments/approval-2016-02").json()
    assert [h["to"]["id"] for h in data["concerns"]] == ["zhangjiang-national-science-centre"]
    assert client.get("/deployments/nobody").json()["code"] == "entity_not_found"
    assert client.get("/deployments", params={"level": "x"}).status_code == 400
    redirect = client.get("/deployments/shanghai-stc-office", follow_redirects=False)
    assert (redirect.status_code, redirect.headers["location"]) == (
        303, "/deployments?body=shanghai-stc-office")


def test_kg_deployments_prints_the_chains_and_the_doubts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deployments", "xi-2014-directive", "--memory", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Shanghai Office for Promoting" in out and "doubt (possible_identity)" in out
    assert main(["deployments", "--memory", "--json", "--level", "national"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {d["deployment"]["id"] for d in listed["deployments"]} >= {"xi-2014-directive", "approval-2016-02"}
