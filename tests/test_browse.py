"""Browsing (kg.browsing, GET /browse): entities by type (subclasses included), date range and section,
sorted and paged, with type and section facets."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.browsing import BrowseQuery, label_key
from kg.errors import BadRequestError
from kg.graphview import Node
from kg.store import GraphStore
from support import services_over


def ids(body: Any) -> list[str]:
    return [item["id"] for item in body["items"]]


def browse(client: TestClient, **params: Any) -> Any:
    response = client.get("/browse", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_browse_answers_the_contract(client: TestClient) -> None:
    body = browse(client, type="ikg:Fund")
    assert (body["total"], body["limit"], body["offset"]) == (1, 100, 0)
    [fund] = body["items"]
    assert fund == {
        "id": "sme-guarantee-fund", "iri": "https://w3id.org/innokg/id/sme-guarantee-fund",
        "label": {"zh": fund["label"]["zh"], "en": "SME Guarantee Fund"}, "types": ["ikg:Fund"],
        "category": "Fund", "date": None, "sections": ["三.3"],
    }
    facet = next(f for f in body["facets"]["types"] if f["curie"] == "ikg:Fund")
    assert facet["count"] == 1 and facet["label"]["en"]
    assert {"number", "title", "count"} == set(body["facets"]["sections"][0])


def test_a_type_includes_its_subclasses(client: TestClient, bundled_store: GraphStore) -> None:
    organisations = browse(client, type="org:Organization", limit=1000)
    rows = bundled_store.select("""PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* org:Organization }""")
    assert organisations["total"] == len(rows) > 20
    assert "LeadingGroup" in {item["category"] for item in organisations["items"]}
    leading = browse(client, type="https://w3id.org/innokg/ontology#LeadingGroup")
    assert set(ids(leading)) < set(ids(organisations))


def test_several_types_list_the_entities_of_any_of_them(client: TestClient) -> None:
    funds, facilities = browse(client, type="ikg:Fund"), browse(client, type="ikg:MajorScienceFacility")
    both = browse(client, type=["ikg:Fund", "ikg:MajorScienceFacility"])
    assert sorted(ids(both)) == sorted(ids(funds) + ids(facilities))


def test_events_sort_by_date_either_way(client: TestClient) -> None:
    ascending = browse(client, type="ikg:Event", sort="date")
    dates = [item["date"] for item in ascending["items"]]
    assert dates == sorted(dates) and dates[0] == "2014"  # the survey of 2014-2015
    descending = browse(client, type="ikg:Event", sort="date", order="desc")
    assert ids(descending) == list(reversed(ids(ascending)))
    assert descending["items"][0]["id"] == "visit-2020-05-20"


def test_undated_entities_come_after_dated_ones_in_both_orders(client: TestClient) -> None:
    for order in ("asc", "desc"):
        items = browse(client, sort="date", order=order, limit=1000)["items"]
        dates = [item["date"] for item in items]
        first_undated = dates.index(None)
        assert all(d is not None for d in dates[:first_undated])
        assert all(d is None for d in dates[first_undated:])


def test_a_date_range_keeps_what_meets_it_at_the_coarser_precision(client: TestClient) -> None:
    assert ids(browse(client, **{"from": "2016", "to": "2017"})) == ["approval-2016-02", "approval-2017-07"]
    # The survey ran 2014-2015: it meets a range starting in 2015.
    assert "survey-2014-2015" in ids(browse(client, **{"from": "2015-06", "to": "2015"}))
    assert ids(browse(client, **{"from": "2016-03", "to": "2016-12"})) == []


def test_a_section_keeps_the_entities_it_cites_and_includes_its_subsections(client: TestClient) -> None:
    policies = browse(client, section="二.4", limit=1000)
    assert policies["total"] > 0
    assert all("二.4" in item["sections"] for item in policies["items"])
    whole = browse(client, section="二", limit=1000)
    assert set(ids(policies)) <= set(ids(whole))


def test_labels_sort_in_pinyin_order_for_zh_and_alphabetically_for_en() -> None:
    nodes = [Node("x:1", "张江", "Zhangjiang", (), "A"), Node("x:2", "暗物质", "Dark matter", (), "A"),
             Node("x:3", "陕西", "Shaanxi", (), "A")]
    assert [n.label_zh for n in sorted(nodes, key=lambda n: label_key(n, "zh"))] == ["暗物质", "陕西", "张江"]
    assert [n.label_en for n in sorted(nodes, key=lambda n: label_key(n, "en"))] == [
        "Dark matter", "Shaanxi", "Zhangjiang"]


def test_pages_split_the_list_without_gaps(client: TestClient) -> None:
    whole = ids(browse(client, type="org:Organization", limit=1000))
    pages = [ids(browse(client, type="org:Organization", limit=10, offset=offset))
             for offset in range(0, len(whole), 10)]
    assert [i for page in pages for i in page] == whole


def test_facets_count_what_choosing_them_would_give(client: TestClient) -> None:
    body = browse(client, type="ikg:LeadingGroup")
    by_curie = {f["curie"]: f["count"] for f in body["facets"]["types"]}
    # The type facets ignore the type filter: they count every type among all entities.
    assert by_curie["ikg:Fund"] == 1 and by_curie["ikg:LeadingGroup"] == body["total"]
    for facet in body["facets"]["sections"][:3]:
        narrowed = browse(client, type="ikg:LeadingGroup", section=facet["number"])
        assert narrowed["total"] == facet["count"]


@pytest.mark.parametrize("params,says", [
    ({"type": "ikg:NoSuchClass"}, "type=ikg:NoSuchClass has no entity in the graph"),
    ({"type": "not a class"}, "type 'not a class' is not a CURIE"),
    ({"section": "九.9"}, "section='九.9' is no section of the reports"),
    ({"from": "2016/02"}, "from='2016/02' is not a date"),
    ({"sort": "size"}, "sort: must be one of"),
    ({"order": "up"}, "order: must be one of"),
    ({"lang": "fr"}, "lang: must be one of"),
    ({"limit": 0}, "limit: must be at least 1"),
    ({"limit": 10001}, "limit=10001 is out of range"),
    ({"offset": -1}, "offset: must be at least 0"),
])
def test_browse_refuses_bad_parameters_naming_them(client: TestClient, params: dict[str, Any],
                                                   says: str) -> None:
    response = client.get("/browse", params=params)
    assert response.status_code == 400
    assert says in response.json()["detail"]


def test_the_shelf_is_built_once_per_store_generation(bundled_store: GraphStore) -> None:
    browser = services_over(bundled_store).browser
    first = browser.shelf()
    assert browser.browse(BrowseQuery(types=("ikg:Fund",))).total == 1
    assert browser.shelf() is first


def test_the_domain_checks_its_choices_for_callers_other_than_http(bundled_store: GraphStore) -> None:
    browser = services_over(bundled_store).browser
    with pytest.raises(BadRequestError, match="Unknown sort='size'"):
        browser.browse(BrowseQuery(sort="size"))
