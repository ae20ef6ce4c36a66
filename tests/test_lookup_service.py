"""Lookup over a store: what is indexed, type filters through subclasses, rebuilds after writes; the
bundled graph's names; and the HTTP contract of GET /entities."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kg.errors import BadRequestError
from kg.lookup.service import EntityLookup
from kg.store import GraphStore
from kg.terms import iri, literal
from test_entities import NDRC, OFFICE, fixture_store

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


@pytest.fixture()
def lookup() -> EntityLookup:
    return EntityLookup(fixture_store())


def _iris(lookup: EntityLookup, query: str, **options: object) -> list[str]:
    return [h.entity.iri for h in lookup.search(query, limit=10, **options).hits]  # type: ignore[arg-type]


def test_lookup_skips_posts_sections_and_ontology_terms(lookup: EntityLookup) -> None:
    assert _iris(lookup, "科创办主任") == [OFFICE]  # the post's own label is not indexed
    assert _iris(lookup, "组织架构") == []  # a section title
    assert "https://w3id.org/innokg/ontology#CoordinationOffice" not in _iris(lookup, "推进办公室")


def test_lookup_type_filter_includes_subclasses(lookup: EntityLookup) -> None:
    assert set(_iris(lookup, "办公室", type_="org:Organization")) == {OFFICE}
    assert _iris(lookup, "发改委", type_="http://www.w3.org/ns/org#Organization") == [NDRC]
    assert _iris(lookup, "发改委", type_="ikg:CoordinationOffice") == []


@pytest.mark.parametrize("type_", ["ikg:NoSuchClass", "not a class"])
def test_lookup_unknown_type_is_refused(lookup: EntityLookup, type_: str) -> None:
    with pytest.raises(BadRequestError, match=r"(?i)type"):
        lookup.search("科创办", limit=5, type_=type_)


def test_lookup_repeated_query_is_answered_from_the_cache() -> None:
    lookup = EntityLookup(fixture_store(), cache_size=2)
    first = lookup.search("科创办", limit=5)
    assert lookup.search("科创办", limit=5) is first
    assert lookup.search("科创办", limit=6) is not first  # another page size is another answer
    lookup.search("发改委", limit=5)
    lookup.search("临港", limit=5)  # a third answer pushes out the least recently used
    assert lookup.search("科创办", limit=5) is not first
    uncached = EntityLookup(fixture_store(), cache_size=0)
    assert uncached.search("科创办", limit=5) is not uncached.search("科创办", limit=5)


@pytest.mark.parametrize("cache_size", [0, 16])
def test_lookup_rebuilds_after_a_write(cache_size: int) -> None:
    store = fixture_store()
    lookup = EntityLookup(store, cache_size=cache_size)
    assert _iris(lookup, "临港") == []
    lingang = "https://w3id.org/innokg/id/lingang"
    store.add_triples([(iri(lingang), iri(SKOS_PREF), literal("临港新片区", lang="zh"))],
                      graph="https://w3id.org/innokg/graph/extra")
    assert _iris(lookup, "临港") == [lingang]


# -- the bundled graph ----------------------------------------------------------------------------

STC_OFFICE = "https://w3id.org/innokg/id/shanghai-stc-office"
BUNDLED_NDRC = "https://w3id.org/innokg/id/ndrc"


@pytest.fixture(scope="module")
def bundled_lookup(bundled_store: GraphStore) -> EntityLookup:
    return EntityLookup(bundled_store)


@pytest.mark.parametrize("query", [
    "科创办", "上海科创办", "kechuangban", "ke chuang ban", "kcb", "上海推进科技创新中心建设办公室",
    "科創辦", "kechuangbna",
])
def test_bundled_lookup_finds_stc_office_first(bundled_lookup: EntityLookup, query: str) -> None:
    assert _iris(bundled_lookup, query)[0] == STC_OFFICE


@pytest.mark.parametrize("query", ["发改委", "NDRC", "ndrc", "national development"])
def test_bundled_lookup_finds_ndrc_first(bundled_lookup: EntityLookup, query: str) -> None:
    assert _iris(bundled_lookup, query)[0] == BUNDLED_NDRC


def test_bundled_lookup_source_spelling_with_space(bundled_lookup: EntityLookup) -> None:
    assert _iris(bundled_lookup, "上海 张江科学城")[0] == "https://w3id.org/innokg/id/zhangjiang-science-city"


# -- HTTP -------------------------------------------------------------------------------------------


def test_entities_endpoint_answers_the_contract_shape(client: TestClient) -> None:
    response = client.get("/entities", params={"q": "kcb", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert {"query", "total", "limit", "offset", "results"} <= set(body)
    first = body["results"][0]
    assert (first["id"], first["curie"], first["match"]) == ("shanghai-stc-office", "id:shanghai-stc-office",
                                                             "initials")
    assert set(first) >= {"iri", "label", "types", "matched", "score"} and len(body["results"]) <= 2


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "  \n "}])
def test_entities_endpoint_missing_or_blank_q_is_422(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/entities", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid_parameter" and "q" in body["detail"]


def test_entities_endpoint_limit_above_setting_is_refused(client: TestClient) -> None:
    response = client.get("/entities", params={"q": "张江", "limit": 10_000})
    assert response.status_code == 400 and "KG_LOOKUP_LIMIT" in response.json()["detail"]


def test_entities_endpoint_filters_by_type_curie(client: TestClient) -> None:
    body = client.get("/entities", params={"q": "张江", "type": "ikg:InnovationArea"}).json()
    assert body["total"] >= 1
    assert all("ikg:InnovationArea" in r["types"] or "ikg:NationalScienceCenter" in r["types"]
               for r in body["results"])


def test_overlong_query_is_refused_not_run(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/entities", params={"q": "kechuang" * 600})
    assert response.status_code == 400
    assert "at most" in response.json()["detail"]


def test_type_filter_refuses_text_that_is_no_iri(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/entities", params={"q": "kcb", "type": "http://x> a ?k } #"})
    assert response.status_code == 400


def test_lookup_rendering_is_cached_with_the_answer_and_dropped_by_a_write() -> None:
    store = fixture_store()
    lookup = EntityLookup(store, cache_size=8)
    calls: list[int] = []

    def render(result: object) -> int:
        calls.append(1)
        return len(calls)

    assert lookup.render(render, "临港", limit=5) == 1
    assert lookup.render(render, "临港", limit=5) == 1  # from the cache: not rendered again
    store.add_triples([(iri("https://w3id.org/innokg/id/lingang"), iri(SKOS_PREF),
                        literal("临港新片区", lang="zh"))], graph="https://w3id.org/innokg/graph/extra")
    assert lookup.render(render, "临港", limit=5) == 2


# -- researchers' English names for bodies of the bundled graph ------------------------------------

BUNDLED = "https://w3id.org/innokg/id/"


@pytest.mark.parametrize(("query", "slug"), [
    # Each found nothing before the partial-word fallback, but the last, which found the 2018
    # renaming event (its label holds "Administrative Committee" and "Administration Office").
    ("Shanghai Municipal Party Committee", "shanghai-party-committee"),
    ("Shanghai Municipal Committee of the CPC", "shanghai-party-committee"),
    ("Xixian New Area Management Committee", "xixian-admin-committee"),
    ("Shaanxi Provincial Party Committee Policy Research Office", "shaanxi-party-policy-research-office"),
    ("Xi'an Municipal Party Committee Policy Research Office", "xian-party-policy-research-office"),
    ("Zhangjiang Hi-Tech Park Management Committee", "zhangjiang-hitech-park-committee"),
    ("People's Government of Shaanxi Province", "shaanxi-provincial-government"),
    ("Ministry of Science and Technology of China", "most"),
    ("Silk Road Science and Technology Innovation Valley", "silk-road-innovation-valley"),
    ("Shanghai Municipal Bureau of Finance", "shanghai-municipal-finance"),
    ("Shanghai Leading Group for the S&T Innovation Center", "shanghai-stc-leading-group"),
    ("Zhangjiang Science City Administrative Office", "zhangjiang-admin-office"),
])
def test_bundled_lookup_finds_bodies_by_researchers_english_names(bundled_lookup: EntityLookup,
                                                                 query: str, slug: str) -> None:
    assert _iris(bundled_lookup, query)[0] == BUNDLED + slug


def test_bundled_lookup_exact_english_label_still_ranks_first(bundled_lookup: EntityLookup) -> None:
    for label in ("CPC Shanghai Municipal Committee", "Shanghai Party Committee"):
        hits = bundled_lookup.search(label, limit=10).hits
        assert (hits[0].entity.iri, hits[0].match) == (BUNDLED + "shanghai-party-committee", "exact")
    hits = bundled_lookup.search("Shanghai Municipal Government", limit=10).hits
    assert hits[0].match == "exact" and all(h.score < hits[0].score for h in hits[1:])


def test_bundled_lookup_party_committee_finds_only_that_committee(bundled_lookup: EntityLookup) -> None:
    # "Municipal" and "Committee" are in many labels: the Xi'an committee's office, holding just those
    # two words, does not hold most of the query.
    found = _iris(bundled_lookup, "Shanghai Municipal Party Committee")
    assert found == [BUNDLED + "shanghai-party-committee"]


def test_entities_endpoint_finds_the_party_committee_by_its_english_name(client: TestClient) -> None:
    body = client.get("/entities", params={"q": "Shanghai Municipal Party Committee"}).json()
    first = body["results"][0]
    assert (first["id"], first["match"]) == ("shanghai-party-committee", "most_words")


def test_lookup_is_ready_for_a_type_only_once_its_subclasses_are_known(lookup: EntityLookup) -> None:
    # The route answers on the event loop only when a search reads no store (the store may be
    # waiting for an update): a type's subclasses are read from the store the first time.
    lookup.index()
    assert lookup.is_ready()
    assert not lookup.is_ready("ikg:GovernmentBody")
    lookup.search("发改委", type_="ikg:GovernmentBody", limit=5)
    assert lookup.is_ready("ikg:GovernmentBody")
    assert not lookup.is_ready("ikg:NoSuchClass")
