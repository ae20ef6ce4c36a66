"""/review over HTTP: reads for anyone, actions only with writes on and a write token (403 / 401 in the one
error shape), each action doing what kg.review does, unknown ids 404 with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.auth import token_digest
from kg.config import Settings
from kg.review import candidate_graph, curated_graph, load_candidates
from kg.store import GraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "review" / "candidates.trig"
KEY = "c3e87f27477d"
CENTRE, GOV, OFFICE, XIXIAN = (f"c-{KEY}-{h}" for h in ("9eb751fe", "5c18d36b", "2bda71c3", "8205641b"))
TOKEN = "review-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client(**settings: object) -> TestClient:
    config = Settings(in_memory=True, warm_up=False, query_workers=1, **settings)  # type: ignore[arg-type]
    store = GraphStore.open(config)
    load_candidates(store, FIXTURE.read_bytes())
    return TestClient(create_app(config, store=store))


@pytest.fixture
def api() -> Iterator[TestClient]:
    """The service over the bundled graph and the fixture's candidates, writes on with one token."""
    with _client(allow_updates=True, write_tokens=token_digest(TOKEN)) as client:
        yield client


def error(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert (body["status"], body["code"]) == (status, code) and body["detail"]
    return body


def test_the_list_shows_candidates_with_their_quotes_and_filters(api: TestClient) -> None:
    listed = api.get("/review").json()
    assert listed["total"] == 6 == len(listed["candidates"])
    office = next(c for c in listed["candidates"] if c["id"] == OFFICE)
    assert office["status"] == "pending" and office["types"] == ["ikg:CoordinationOffice"]
    quotes = {s["quote"] for s in office["statements"]}
    assert "合肥科创办负责管理合肥综合性国家科学中心" in quotes
    ndrc = next(c for c in listed["candidates"] if c["id"] == "ndrc")
    assert ndrc["link"] == {"by": "alias", "confidence": 0.95}
    assert {c["id"] for c in api.get("/review", params={"type": "ikg:GovernmentBody"}).json()[
        "candidates"]} == {GOV, "ndrc"}
    assert api.get("/review", params={"status": "rejected"}).json()["total"] == 0
    error(api.get("/review", params={"status": "maybe"}), 400, "invalid_parameter")
    error(api.get("/review", params={"report": "hefei"}), 400, "bad_request")


def test_one_candidate_is_shown_by_id_or_label_and_an_unknown_one_is_404(api: TestClient) -> None:
    shown = api.get(f"/review/{GOV}").json()
    assert shown["label_zh"] == "合肥市政府" and shown["report"] == KEY
    assert api.get("/review/合肥市政府").json()["id"] == GOV
    error(api.get("/review/no-such-candidate"), 404, "candidate_not_found")


@pytest.mark.parametrize(("path", "body"), [
    ("/review/accept", {"candidates": [CENTRE]}), ("/review/reject", {"candidates": [CENTRE]}),
    ("/review/edit", {"candidate": GOV, "label": "合肥市人民政府"}),
    ("/review/merge", {"candidate": XIXIAN, "into": "xixian-institute"}),
])
def test_an_action_needs_a_valid_write_token(api: TestClient, path: str, body: dict[str, object]) -> None:
    before = api.get("/review").json()
    error(api.post(path, json=body), 401, "unauthorized")
    refused = api.post(path, json=body, headers={"Authorization": "Bearer wrong"})
    error(refused, 401, "unauthorized")
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert api.get("/review").json() == before


def test_actions_are_forbidden_when_writes_are_off() -> None:
    with _client(write_tokens=token_digest(TOKEN)) as client:
        error(client.post("/review/accept", json={"candidates": [CENTRE]}, headers=AUTH), 403, "forbidden")


def test_accept_moves_the_statements_and_names_the_token_in_the_record(api: TestClient) -> None:
    done = api.post("/review/accept", json={"candidates": [CENTRE, "ndrc"]}, headers=AUTH).json()
    assert set(done["changed"]) == {CENTRE, "ndrc"} and done["moved"] == 4
    centre = api.get(f"/review/{CENTRE}").json()
    assert centre["status"] == "accepted"
    # Its own statements and the NDRC's approval are curated; the pending office's one waits.
    waiting = {s["subject"]["id"] for s in centre["statements"] if not s["curated"]}
    assert waiting == {OFFICE}
    curated = api.get("/rdf-graphs", params={"graph": curated_graph(KEY)},
                      headers={"Accept": "application/n-triples"}).text
    assert "ikg#approves" not in curated and "ontology#approves" in curated
    record = api.get("/sparql", params={"query": (
        f"SELECT ?who WHERE {{ GRAPH <{candidate_graph(KEY)}> {{ ?a <http://www.w3.org/ns/prov#used> "
        f"<https://w3id.org/innokg/id/{CENTRE}> ; <http://www.w3.org/ns/prov#wasAssociatedWith> ?who }} }}")},
        headers={"Accept": "application/sparql-results+json"}).json()
    who = {b["who"]["value"] for b in record["results"]["bindings"]}
    assert who == {f"urn:innokg:agent:token-{token_digest(TOKEN)[:12]}"}
    again = api.post("/review/accept", json={"candidates": [CENTRE]}, headers=AUTH).json()
    assert again["changed"] == [] and again["activity"] is None


def test_reject_edit_and_merge_over_http(api: TestClient) -> None:
    assert api.post("/review/reject", json={"candidates": ["合肥科创办"]}, headers=AUTH).json()[
        "changed"] == [OFFICE]
    assert api.get(f"/review/{OFFICE}").json()["status"] == "rejected"
    edited = api.post("/review/edit", json={"candidate": GOV, "label": "Hefei Government", "lang": "en",
                                            "type": "ikg:GovernmentBody"}, headers=AUTH)
    assert edited.status_code == 200, edited.text
    assert api.get(f"/review/{GOV}").json()["label_en"] == "Hefei Government"
    merged = api.post("/review/merge", json={"candidate": XIXIAN, "into": "xixian-institute"}, headers=AUTH)
    assert merged.json()["changed"] == [XIXIAN]
    assert api.get(f"/review/{XIXIAN}").json()["replaced_by"] == "xixian-institute"


def test_bad_ids_and_conflicts_answer_in_the_error_shape_and_change_nothing(api: TestClient) -> None:
    before = api.get("/review").json()
    error(api.post("/review/accept", json={"candidates": [CENTRE, "no-such-candidate"]}, headers=AUTH),
          404, "candidate_not_found")
    error(api.post("/review/merge", json={"candidate": GOV, "into": "no-such-body"}, headers=AUTH),
          404, "candidate_not_found")
    error(api.post("/review/accept", json={"candidates": []}, headers=AUTH), 400, "invalid_parameter")
    error(api.post("/review/edit", json={"candidate": GOV, "type": "ikg:approves"}, headers=AUTH),
          400, "bad_request")
    error(api.post("/review/merge", json={"candidate": "ndrc", "into": "most"}, headers=AUTH),
          409, "review_conflict")
    assert api.get("/review").json() == before


def test_new_candidates_are_typed_and_named_from_their_candidate_graph(api: TestClient) -> None:
    # The default graph leaves candidate graphs out: a new candidate's type and labels are read there.
    centre = api.get(f"/review/{CENTRE}").json()
    assert centre["types"] == ["ikg:NationalScienceCenter"] and centre["label_zh"] == "合肥综合性国家科学中心"
    named = {s["subject"]["id"]: s["subject"]["label"] for s in centre["statements"]}
    assert named == {CENTRE: "合肥综合性国家科学中心", OFFICE: "合肥科创办", "ndrc": "国家发展和改革委员会"}


def test_a_named_token_signs_the_review_record_with_its_name() -> None:
    with _client(allow_updates=True, write_tokens=f"curator.li={token_digest(TOKEN)}") as named:
        done = named.post("/review/reject", json={"candidates": ["合肥科创办"]}, headers=AUTH)
        assert done.status_code == 200, done.text
        record = named.get("/sparql", params={"query": (
            f"SELECT ?who WHERE {{ GRAPH <{candidate_graph(KEY)}> {{ ?a "
            "<http://www.w3.org/ns/prov#wasAssociatedWith> ?who } }")},
            headers={"Accept": "application/sparql-results+json"})
        assert record.status_code == 200, record.text
        who = {b["who"]["value"] for b in record.json()["results"]["bindings"]}
        assert who == {"urn:innokg:agent:curator.li"}
