"""/paths and /entities/{id}/neighbourhood over the curated graph: the JSON contract and the bounds."""

from __future__ import annotations

from fastapi.testclient import TestClient

from support import SOURCE_REPORT, require_shared

NODE_KEYS = {"id", "iri", "label", "types", "category"}
HOP_KEYS = {"from", "to", "property", "direction", "statement", "dates", "citations", "also", "doubt"}
CITATION_KEYS = {"evidence", "document", "document_title", "section", "section_title", "start",
                 "end", "text", "derived_via", "note"}


def test_ndrc_reaches_the_stc_office_through_the_group_it_co_leads(client: TestClient) -> None:
    response = client.get("/paths", params={"source": "ndrc", "target": "shanghai-stc-office"})
    assert response.status_code == 200
    data = response.json()
    assert (data["source"]["id"], data["target"]["id"]) == ("ndrc", "shanghai-stc-office")
    assert data["paths"] and not data["truncated"]
    via_group = [p for p in data["paths"]
                 if (p["hops"][0]["property"]["curie"], p["hops"][0]["to"]["id"])
                 == ("ikg:coLeads", "national-stc-leading-group")]
    assert via_group, "a path starts with 国家发改委 co-leading the national leading group"
    for path in data["paths"]:
        assert path["length"] == len(path["hops"]) <= 6
        assert path["hops"][-1]["to"]["id"] == "shanghai-stc-office"
        for hop in path["hops"]:
            assert set(hop) == HOP_KEYS and set(hop["from"]) >= NODE_KEYS
            assert hop["direction"] in {"forward", "backward"}
            assert hop["citations"], f"hop {hop['statement']['en']} has no evidence"
            assert set(hop["citations"][0]) == CITATION_KEYS
            assert 0 <= hop["citations"][0]["start"] < hop["citations"][0]["end"]


def test_path_hops_quote_the_report(client: TestClient) -> None:
    require_shared(SOURCE_REPORT)  # the quoted text is cut from the report, which stays in ../shared
    data = client.get("/paths", params={"source": "ndrc", "target": "shanghai-stc-office"}).json()
    assert all(hop["citations"][0]["text"] for path in data["paths"] for hop in path["hops"])


def test_lookup_strings_resolve_and_say_how(client: TestClient) -> None:
    data = client.get("/paths", params={"source": "国家发改委", "target": "科创办", "k": 1}).json()
    assert (data["source"]["id"], data["target"]["id"]) == ("ndrc", "shanghai-stc-office")


def test_unknown_entity_is_404_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/paths", params={"source": "ndrc", "target": "no-such-body"})
    assert response.status_code == 404
    assert response.json()["code"] == "entity_not_found" and response.json()["status"] == 404


def test_limits_past_settings_are_400(client: TestClient) -> None:
    too_many = client.get("/paths", params={"source": "ndrc", "target": "most", "k": 1000})
    assert (too_many.status_code, too_many.json()["code"]) == (400, "bad_request")
    assert "KG_MAX_PATHS" in too_many.json()["detail"]
    bad_filter = client.get("/paths", params={"source": "ndrc", "target": "most",
                                              "property": "leads"})
    assert bad_filter.status_code == 400


def test_filters_that_leave_no_route_answer_no_path(client: TestClient) -> None:
    data = client.get("/paths", params={"source": "ndrc", "target": "shanghai-stc-office",
                                        "property": "ikg:funds"}).json()
    assert data["paths"] == [] and "no path" in data["reason"]


def test_directed_paths_only_walk_forward(client: TestClient) -> None:
    data = client.get("/paths", params={"source": "shanghai-stc-office", "target": "xi-2014-directive",
                                        "directed": "true"}).json()
    assert data["paths"]
    assert {h["direction"] for p in data["paths"] for h in p["hops"]} == {"forward"}


def test_same_request_twice_gives_the_same_json(client: TestClient) -> None:
    params = {"source": "zhangjiang-hitech-park-committee", "target": "ndrc", "k": 5}
    assert client.get("/paths", params=params).json() == client.get("/paths", params=params).json()


def test_neighbourhood_follows_the_subgraph_contract(client: TestClient) -> None:
    response = client.get("/entities/shanghai-stc-office/neighbourhood", params={"depth": 1})
    assert response.status_code == 200
    data = response.json()
    ids = [n["id"] for n in data["nodes"]]
    assert "shanghai-stc-office" in ids
    assert [n["iri"] for n in data["nodes"]] == sorted(n["iri"] for n in data["nodes"])
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert data["truncated"] is False
    curie = client.get("/entities/id:shanghai-stc-office/neighbourhood").json()
    assert curie == data


def test_neighbourhood_limit_is_reported_and_capped(client: TestClient) -> None:
    data = client.get("/entities/shanghai-stc-office/neighbourhood",
                      params={"depth": 3, "limit": 5}).json()
    assert len(data["nodes"]) == 5 and data["truncated"] is True
    too_big = client.get("/entities/shanghai-stc-office/neighbourhood", params={"limit": 10**6})
    assert too_big.status_code == 400
    missing = client.get("/entities/no-such-body/neighbourhood")
    assert missing.status_code == 404


def test_avoiding_one_direction_of_an_inverse_pair_avoids_the_fact(client: TestClient) -> None:
    # 科创办 内设 科学平台处 is stated both ways (org:hasUnit, org:unitOf): one fact, one relation.
    params = {"source": "shanghai-stc-office", "target": "stc-office-science-platform-division", "k": 3}
    found = client.get("/paths", params=params).json()["paths"]
    assert [h["property"]["curie"] for h in found[0]["hops"]] == ["org:hasUnit"]
    for avoided in ("org:unitOf", "org:hasUnit"):
        paths = client.get("/paths", params={**params, "avoid_property": avoided}).json()["paths"]
        hops = {h["property"]["curie"] for path in paths for h in path["hops"]}
        assert paths and not hops & {"org:unitOf", "org:hasUnit"}, (avoided, hops)
