"""GET /entities/{id}/neighbourhood draws each inverse pair of relations once (内设 / 内设于: org:hasUnit
and org:unitOf are one relation), exactly as the graph exports draw it, and a relation filter naming
one direction of a pair names both."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi.testclient import TestClient

from kg.graphview import STANDARD_INVERSES

OFFICE = "shanghai-stc-office"
DIVISION = "stc-office-science-platform-division"
ORG = "http://www.w3.org/ns/org#"


def neighbourhood(client: TestClient, entity: str = OFFICE, **params: Any) -> dict[str, Any]:
    answer = client.get(f"/entities/{entity}/neighbourhood", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def keys(edges: list[dict[str, Any]]) -> list[str]:
    return sorted(f"{e['source']}|{e['property']['curie']}|{e['target']}" for e in edges)


def test_a_fact_stated_both_ways_is_one_edge_in_its_primary_direction(client: TestClient) -> None:
    data = neighbourhood(client)
    drawn = Counter(e["property"]["iri"] for e in data["edges"])
    assert [p for p in STANDARD_INVERSES if drawn[p]] == []  # org:hasUnit, org:changedBy, … never drawn
    # The store says both 科创办 org:hasUnit 科学平台处 and 科学平台处 org:unitOf 科创办.
    between = [e for e in data["edges"] if {e["source"], e["target"]} == {OFFICE, DIVISION}]
    assert [(e["source"], e["property"]["curie"], e["target"]) for e in between] == [
        (DIVISION, "org:unitOf", OFFICE)]
    assert between[0]["property"]["label"]["zh"] == "内设于"
    assert len({c["evidence"] for c in between[0]["citations"]}) == 2  # the evidence of both statements
    assert len(keys(data["edges"])) == len(set(keys(data["edges"])))


def test_the_neighbourhood_draws_what_an_export_of_its_nodes_draws(client: TestClient) -> None:
    # The web page draws a neighbourhood, then the export of the nodes on screen: the same edges.
    for depth in (1, 2):
        data = neighbourhood(client, depth=depth)
        exported = client.get("/export", params={"scope": "nodes", "node": [n["id"] for n in data["nodes"]],
                                                 "format": "cytoscape"}).json()["elements"]["edges"]
        assert keys(data["edges"]) == sorted(
            f"{e['data']['source']}|{e['data']['property']}|{e['data']['target']}" for e in exported)


def test_avoiding_either_direction_of_a_pair_avoids_the_relation(client: TestClient) -> None:
    whole = neighbourhood(client)
    assert DIVISION in {n["id"] for n in whole["nodes"]}
    without_unit_of = neighbourhood(client, avoid_property="org:unitOf")
    without_has_unit = neighbourhood(client, avoid_property=ORG + "hasUnit")
    assert without_unit_of == without_has_unit
    # The division is joined to the office by the pair only.
    assert DIVISION not in {n["id"] for n in without_unit_of["nodes"]}
    assert not any(e["property"]["curie"] in {"org:unitOf", "org:hasUnit"} for e in without_unit_of["edges"])
    only = neighbourhood(client, property="org:hasUnit")
    assert {e["property"]["curie"] for e in only["edges"]} == {"org:unitOf"}
    assert DIVISION in {n["id"] for n in only["nodes"]}
