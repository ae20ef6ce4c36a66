"""The reconciliation service: the domain over the bundled graph and a small fixture graph, the HTTP
API through the app factory, and every response checked against the W3C JSON Schemas (0.2, 1.0-draft)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kg.api.routes import ROUTERS
from kg.api.routes import reconcile as reconcile_routes
from kg.config import Settings
from kg.entities import find_names
from kg.lookup.service import EntityLookup
from kg.namespaces import ID, IKG
from kg.reconcile import (
    EntityRef,
    ExtendProperty,
    PropertyConstraint,
    Reconciler,
    ReconQuery,
    literal_cell,
)
from kg.store import GraphStore
from kg.terms import iri, literal
from support import SHARED, require_shared

SCHEMAS = SHARED / "schemas" / "reconciliation"
OFFICE = str(ID["shanghai-stc-office"])
XI_DIRECTIVE = str(ID["xi-2014-directive"])
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Two offices that share the label 示范办 (one as prefLabel, one as altLabel), and markup in a label.
FIXTURE = """
@prefix ikg: <https://w3id.org/innokg/ontology#> .
@prefix id: <https://w3id.org/innokg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ikg:CoordinationOffice a owl:Class ; rdfs:label "推进办公室"@zh , "coordination office"@en .
ikg:GovernmentBody a owl:Class ; rdfs:label "政府机构"@zh , "government body"@en .
ikg:reportsTo a owl:ObjectProperty ; rdfs:label "汇报"@zh , "reports to"@en .
id:pilot-office a ikg:CoordinationOffice ; skos:prefLabel "示范办公室"@zh , "Pilot Office"@en ;
    skos:altLabel "示范办"@zh ; ikg:reportsTo id:city .
id:model-office a ikg:CoordinationOffice ; skos:prefLabel "示范办"@zh , "Model <b>Office</b> & Co"@en .
id:city a ikg:GovernmentBody ; skos:prefLabel "示范市政府"@zh , "Model City Government"@en .
"""


# -- fixtures ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reconciler(bundled_store: GraphStore, settings: Settings) -> Reconciler:
    return Reconciler(bundled_store, EntityLookup(bundled_store), limit_cap=settings.lookup_limit)


def _small_store() -> GraphStore:
    store = GraphStore.in_memory()
    store.load_bytes(FIXTURE.encode(), fmt="turtle")
    return store


@pytest.fixture(scope="module")
def small() -> Reconciler:
    store = _small_store()
    return Reconciler(store, EntityLookup(store), limit_cap=5)


@pytest.fixture(scope="module")
def api(settings: Settings, bundled_store: GraphStore) -> Iterator[TestClient]:
    from kg.api.app import create_app

    app = create_app(settings, store=bundled_store)
    if reconcile_routes.router not in ROUTERS:
        # Until the router is registered in kg.api.routes (the lead's file), mount it here.
        app.include_router(reconcile_routes.router)
    with TestClient(app) as client:
        yield client


def _validator(version: str, name: str) -> Callable[[Any], None]:
    """A validator for one schema file, with every $ref resolved locally (no network)."""
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    folder = require_shared(SCHEMAS / version)
    resources = []
    for path in sorted(Path(folder).glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        resources.append((document["$id"].rstrip("#"), Resource.from_contents(document, DRAFT7)))
    registry = Registry().with_resources(resources)
    schema = json.loads((folder / name).read_text(encoding="utf-8"))
    validator = Draft7Validator(schema, registry=registry)

    def validate(instance: Any) -> None:
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]

    return validate


def _batch(client: TestClient, queries: dict[str, Any], *, method: str = "post") -> dict[str, Any]:
    payload = json.dumps(queries, ensure_ascii=False)
    if method == "get":
        response = client.get("/reconcile", params={"queries": payload})
    else:
        response = client.post("/reconcile", data={"queries": payload})
    assert response.status_code == 200, response.text
    return response.json()


def _ids(candidates: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in candidates]


# -- reconciliation: the domain ----------------------------------------------------------------------

def test_reconcile_abbreviation_matches_office_exactly(reconciler: Reconciler) -> None:
    found = reconciler.reconcile(ReconQuery("科创办")).candidates
    assert found[0].iri == OFFICE and found[0].match
    assert not any(c.match for c in found[1:])
    assert all(0 <= c.score <= 100 for c in found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_reconcile_english_abbreviation_with_type_finds_ndrc(reconciler: Reconciler) -> None:
    found = reconciler.reconcile(ReconQuery("NDRC", types=("ikg:GovernmentBody",))).candidates
    assert found[0].id == "ndrc" and found[0].match
    assert found[0].name == "National Development and Reform Commission"  # English query, English name


def test_type_constraint_excludes_wrong_typed_candidates(reconciler: Reconciler) -> None:
    untyped = reconciler.reconcile(ReconQuery("科创办")).candidates
    typed = reconciler.reconcile(ReconQuery("科创办", types=("ikg:LeadingGroup",))).candidates
    assert any(str(IKG.LeadingGroup) not in {t.iri for t in c.types} for c in untyped)
    assert typed and all(str(IKG.LeadingGroup) in {t.iri for t in c.types} for c in typed)
    assert OFFICE not in {c.iri for c in typed}


def test_several_types_any_admit_either_type(reconciler: Reconciler) -> None:
    query = ReconQuery("科创办", types=("ikg:LeadingGroup", "ikg:CoordinationOffice"), type_strict="should")
    found = reconciler.reconcile(query).candidates
    kinds = {t.curie for c in found for t in c.types}
    assert found[0].iri == OFFICE and {"ikg:LeadingGroup", "ikg:CoordinationOffice"} <= kinds
    assert kinds <= {"ikg:LeadingGroup", "ikg:CoordinationOffice"}


def test_property_constraint_reorders_candidates(reconciler: Reconciler) -> None:
    plain = reconciler.reconcile(ReconQuery("leading group")).candidates
    constraint = PropertyConstraint("ikg:implements", ("id:xi-2014-directive",))
    ranked = reconciler.reconcile(ReconQuery("leading group", constraints=(constraint,))).candidates
    implementers = {c.iri for c in ranked if reconciler.holds(c.iri, str(IKG.implements), constraint)}
    assert plain[0].iri not in implementers and implementers
    assert ranked[0].iri in implementers
    assert {f.id for f in ranked[0].features} == {"name", "property:ikg:implements"}


def test_property_constraint_matches_entity_value_by_label(reconciler: Reconciler,
                                                          bundled_store: GraphStore) -> None:
    label = find_names(bundled_store, [XI_DIRECTIVE])[XI_DIRECTIVE].label_zh
    assert label
    by_label = PropertyConstraint("ikg:implements", (f"  {label} ",))
    by_ref = PropertyConstraint("ikg:implements", (EntityRef(XI_DIRECTIVE),))
    wrong = PropertyConstraint("ikg:implements", ("something else",))
    assert reconciler.holds(OFFICE, str(IKG.implements), by_label)
    assert reconciler.holds(OFFICE, str(IKG.implements), by_ref)
    assert not reconciler.holds(OFFICE, str(IKG.implements), wrong)


def test_required_property_drops_candidates_that_fail_it(reconciler: Reconciler) -> None:
    required = PropertyConstraint("ikg:implements", ("id:xi-2014-directive",), required=True)
    found = reconciler.reconcile(ReconQuery("leading group", constraints=(required,))).candidates
    assert found and all(reconciler.holds(c.iri, str(IKG.implements), required) for c in found)


def test_failed_property_constraint_withholds_match(reconciler: Reconciler) -> None:
    wrong = PropertyConstraint("ikg:handlesDailyWorkOf", ("id:ndrc",))
    found = reconciler.reconcile(ReconQuery("科创办", constraints=(wrong,))).candidates
    assert found[0].iri == OFFICE and not found[0].match


def test_shared_label_is_never_a_match(small: Reconciler) -> None:
    found = small.reconcile(ReconQuery("示范办")).candidates
    assert {c.id for c in found[:2]} == {"pilot-office", "model-office"}
    assert not any(c.match for c in found)


def test_property_breaks_a_label_tie(small: Reconciler) -> None:
    constraint = PropertyConstraint("reportsTo", (EntityRef("city"),))  # bare name: the schemaSpace
    found = small.reconcile(ReconQuery("示范办", constraints=(constraint,))).candidates
    assert found[0].id == "pilot-office" and found[0].score > found[1].score


def test_limit_is_capped_and_reported() -> None:
    store = _small_store()
    capped = Reconciler(store, EntityLookup(store), limit_cap=1)
    asked = capped.reconcile(ReconQuery("示范", limit=50))
    assert len(asked.candidates) == 1 and asked.truncated
    assert not capped.reconcile(ReconQuery("示范")).truncated  # no limit asked: nothing was refused


def test_reconcile_english_name_with_other_common_words_finds_party_committee(reconciler: Reconciler) -> None:
    # Labels: "CPC Shanghai Municipal Committee", "Shanghai Party Committee"; neither holds every word.
    found = reconciler.reconcile(ReconQuery("Shanghai Municipal Party Committee",
                                            types=("ikg:GovernmentBody",))).candidates
    exact = reconciler.reconcile(ReconQuery("Shanghai Party Committee")).candidates
    assert found[0].id == exact[0].id == "shanghai-party-committee"
    assert not found[0].match and exact[0].match
    assert found[0].score < exact[0].score
    assert found[0].name == "CPC Shanghai Municipal Committee"  # English query, English name


@pytest.mark.parametrize(("text", "type_", "slug"), [
    ("Xixian New Area Management Committee", "ikg:ManagementCommittee", "xixian-admin-committee"),
    ("Xi'an Municipal Party Committee Policy Research Office", None, "xian-party-policy-research-office"),
    ("Zhangjiang Science City Administrative Office", None, "zhangjiang-admin-office"),
])
def test_reconcile_researchers_english_names(reconciler: Reconciler, text: str, type_: str | None,
                                            slug: str) -> None:
    found = reconciler.reconcile(ReconQuery(text, types=(type_,) if type_ else ())).candidates
    assert found[0].id == slug and not found[0].match


def test_unknown_type_or_property_is_refused(reconciler: Reconciler) -> None:
    from kg.errors import BadRequestError

    with pytest.raises(BadRequestError, match="ikg:NoSuchClass"):
        reconciler.reconcile(ReconQuery("科创办", types=("ikg:NoSuchClass",)))
    with pytest.raises(BadRequestError, match="ikg:noSuchProperty"):
        unknown = PropertyConstraint("ikg:noSuchProperty", ("x",))
        reconciler.reconcile(ReconQuery("科创办", constraints=(unknown,)))


# -- suggest, preview, extension: the domain ------------------------------------------------------

@pytest.mark.parametrize("prefix", ["lead", "领导", "Leading"])
def test_suggest_type_finds_leading_group(reconciler: Reconciler, prefix: str) -> None:
    page = reconciler.suggest_types(prefix, limit=5)
    assert page.items and page.items[0].curie == "ikg:LeadingGroup"


def test_suggest_property_finds_daily_work(reconciler: Reconciler) -> None:
    curies = [p.curie for p in reconciler.suggest_properties("日常工作", limit=5).items]
    assert "ikg:handlesDailyWorkOf" in curies


def test_extension_returns_office_daily_work_entities(reconciler: Reconciler,
                                                     bundled_store: GraphStore) -> None:
    extension = reconciler.extend(["id:shanghai-stc-office"], [ExtendProperty("ikg:handlesDailyWorkOf")])
    cells = extension.rows["id:shanghai-stc-office"]["ikg:handlesDailyWorkOf"]
    in_graph = {o.value for _, _, o in bundled_store.triples(iri(OFFICE), iri(str(IKG.handlesDailyWorkOf)))}
    assert len(cells) == 4 and {str(ID) + str(c.value) for c in cells} == in_graph
    assert all(c.kind == "id" and c.name for c in cells)


def test_extension_setting_limits_values_and_unknown_ids_get_empty_cells(reconciler: Reconciler) -> None:
    extension = reconciler.extend(["shanghai-stc-office", "no-such-entity", "not an iri"],
                                  [ExtendProperty("skos:altLabel", limit=2)])
    assert len(extension.rows["shanghai-stc-office"]["skos:altLabel"]) == 2
    assert extension.rows["no-such-entity"]["skos:altLabel"] == ()
    assert extension.rows["not an iri"]["skos:altLabel"] == ()


def test_literal_cells_keep_their_precision() -> None:
    assert literal_cell(literal("2018-05-03", datatype=XSD + "date")).value == "2018-05-03T00:00:00Z"
    assert literal_cell(literal("2018-05", datatype=XSD + "gYearMonth")).kind == "str"
    assert literal_cell(literal("12", datatype=XSD + "integer")).value == 12
    assert literal_cell(literal("1.5", datatype=XSD + "decimal")).value == 1.5


def test_propose_properties_for_leading_groups_are_used_by_them(reconciler: Reconciler) -> None:
    curies = [p.curie for p in reconciler.propose_properties("ikg:LeadingGroup", limit=50)]
    assert "ikg:focusesOn" in curies and "ikg:handlesDailyWorkOf" not in curies


def test_preview_escapes_labels(small: Reconciler) -> None:
    page = small.preview("model-office").to_html()
    assert "Model &lt;b&gt;Office&lt;/b&gt; &amp; Co" in page and "<b>" not in page


# -- the HTTP API ------------------------------------------------------------------------------------

def test_form_post_batch_reconciles_office_and_ndrc(api: TestClient) -> None:
    answer = _batch(api, {"q0": {"query": "科创办"},
                          "q1": {"query": "NDRC", "type": "ikg:GovernmentBody", "type_strict": "should"}})
    assert answer["q0"]["result"][0]["id"] == "shanghai-stc-office" and answer["q0"]["result"][0]["match"]
    assert answer["q1"]["result"][0]["id"] == "ndrc"
    assert answer["q1"]["result"][0]["type"] == [{"id": "ikg:GovernmentBody", "name": "government body"}]


def test_get_batch_equals_post_batch(api: TestClient) -> None:
    queries = {"q0": {"query": "张江", "limit": 3}}
    assert _batch(api, queries, method="get") == _batch(api, queries)


def test_match_endpoint_answers_in_query_order(api: TestClient) -> None:
    body = {"queries": [
        {"conditions": [{"matchType": "name", "propertyValue": "NDRC"}], "type": "ikg:GovernmentBody"},
        {"conditions": [{"matchType": "name", "propertyValue": "科创办"},
                        {"matchType": "property", "propertyId": "ikg:handlesDailyWorkOf",
                         "propertyValue": {"id": "shanghai-stc-leading-group"}, "required": True}]},
    ]}
    response = api.post("/reconcile/match", json=body)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert results[0]["candidates"][0]["id"] == "ndrc"
    assert _ids(results[1]["candidates"]) == ["shanghai-stc-office"]


def test_form_post_batch_reconciles_english_names_and_keeps_chinese_answers(api: TestClient) -> None:
    answer = _batch(api, {"q0": {"query": "Shanghai Municipal Party Committee"},
                          "q1": {"query": "科创办"}, "q2": {"query": "kechuangban"}})
    assert answer["q0"]["result"][0]["id"] == "shanghai-party-committee"
    assert not answer["q0"]["result"][0]["match"]
    assert answer["q1"]["result"][0]["id"] == answer["q2"]["result"][0]["id"] == "shanghai-stc-office"
    assert answer["q1"]["result"][0]["match"] and not answer["q2"]["result"][0]["match"]


def test_v1_service_answers_relative_to_its_endpoint(api: TestClient) -> None:
    manifest = api.get("/reconcile/1.0").json()
    assert manifest["versions"] == ["1.0-draft"]
    body = {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "NDRC"}]}]}
    response = api.post("/reconcile/1.0/match", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["candidates"][0]["id"] == "ndrc"


def test_v1_suggest_pages_with_offset(api: TestClient) -> None:
    first = api.get("/reconcile/1.0/suggest/entity", params={"prefix": "张江", "limit": 2}).json()["result"]
    second = api.get("/reconcile/1.0/suggest/entity",
                     params={"prefix": "张江", "limit": 1, "offset": 1}).json()["result"]
    assert len(first) == 2 and [s["id"] for s in second] == [first[1]["id"]]


def test_v1_extend_refuses_a_body_that_is_not_json(api: TestClient) -> None:
    response = api.post("/reconcile/1.0/extend", content=b"ids", headers={"content-type": "text/plain"})
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


def test_extend_form_post_on_service_url(api: TestClient) -> None:
    extend = {"ids": ["shanghai-stc-office"], "properties": [{"id": "ikg:handlesDailyWorkOf"}]}
    response = api.post("/reconcile", data={"extend": json.dumps(extend)})
    assert response.status_code == 200, response.text
    document = response.json()
    assert len(document["rows"]["shanghai-stc-office"]["ikg:handlesDailyWorkOf"]) == 4
    assert document["meta"][0]["id"] == "ikg:handlesDailyWorkOf"


def test_preview_is_html_with_labels(api: TestClient) -> None:
    response = api.get("/reconcile/preview", params={"id": "shanghai-stc-office"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "上海推进科技创新中心建设办公室" in response.text


def test_manifest_points_at_this_service(api: TestClient) -> None:
    document = api.get("/reconcile").json()
    assert document["identifierSpace"] == "https://w3id.org/innokg/id/"
    assert document["schemaSpace"] == "https://w3id.org/innokg/ontology#"
    assert document["view"]["url"].endswith("/id/{{id}}")
    assert "ikg:LeadingGroup" in {t["id"] for t in document["defaultTypes"]}


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "needle"), [
    ("post", "/reconcile", {"data": {"queries": "{\"q0\": {\"query\": "}}, 400, "not valid JSON"),
    ("get", "/reconcile", {"params": {"queries": "[1, 2]"}}, 400, "Malformed queries"),
    ("post", "/reconcile", {"data": {"queries": json.dumps({"q0": {"query": "x", "type": "ikg:Nope"}})}},
     400, "ikg:Nope"),
    ("post", "/reconcile", {"data": {"queries": json.dumps(
        {"q0": {"query": "x", "properties": [{"pid": "ikg:nope", "v": "y"}]}})}}, 400, "ikg:nope"),
    ("post", "/reconcile", {"data": {"queries": json.dumps({"q0": {"query": "x", "limit": 0}})}},
     400, "limit"),
    ("post", "/reconcile", {"content": b"queries", "headers": {"content-type": "text/plain"}}, 415, ""),
    ("post", "/reconcile", {"data": {"other": "1"}}, 400, "queries="),
    ("post", "/reconcile/match", {"content": b"{", "headers": {"content-type": "application/json"}},
     400, "not valid JSON"),
    ("post", "/reconcile/match", {"json": {"queries": [{"conditions": []}]}}, 400, "conditions"),
    ("post", "/reconcile/extend", {"data": {"extend": json.dumps({"ids": ["ndrc"],
                                                                  "properties": [{"id": "ikg:nope"}]})}},
     400, "ikg:nope"),
    ("get", "/reconcile/propose_properties", {"params": {"type": "ikg:Nope"}}, 400, "ikg:Nope"),
    ("get", "/reconcile/preview", {"params": {"id": "no-such-entity"}}, 404, "no-such-entity"),
    ("get", "/reconcile", {"params": {"version": "9"}}, 400, "version"),
    ("post", "/reconcile", {"data": {"queries": '{"q0": {"query": "x", "limit": NaN}}'}}, 400, "limit"),
    ("get", "/reconcile/preview", {"params": {"id": "http://x y<"}}, 404, "http://x y<"),
])
def test_bad_input_answers_the_error_shape(api: TestClient, method: str, path: str, kwargs: dict[str, Any],
                                           status: int, needle: str) -> None:
    response = getattr(api, method)(path, **kwargs)
    body = response.json()
    assert response.status_code == status and set(body) >= {"status", "code", "detail"}
    assert body["status"] == status and needle in body["detail"]


# -- every answer against the W3C JSON Schemas -------------------------------------------------------

_QUERIES_V02 = {
    "q0": {"query": "科创办"},
    "q1": {"query": "NDRC", "type": "ikg:GovernmentBody", "type_strict": "should", "limit": 3},
    "q2": {"query": "leading group", "type": ["ikg:LeadingGroup", "ikg:CoordinationOffice"],
           "properties": [{"pid": "ikg:implements", "v": [{"id": "xi-2014-directive", "name": "x"}, "y"]}]},
}
_QUERIES_V1 = {"queries": [
    {"conditions": [{"matchType": "name", "propertyValue": "科创办"}], "lang": "zh"},
    {"conditions": [{"matchType": "name", "propertyValue": "leading group"},
                    {"matchType": "property", "propertyId": "ikg:implements",
                     "propertyValue": "id:xi-2014-directive", "matchQuantifier": "any"}],
     "type": "ikg:LeadingGroup", "limit": 4},
    {"conditions": [{"matchType": "id", "propertyValue": ["ndrc", "most"]}]},
]}
_EXTEND = {"ids": ["shanghai-stc-office", "ndrc", "approval-2017-07"],
           "properties": [{"id": "ikg:handlesDailyWorkOf"}, {"id": "skos:altLabel", "settings": {"limit": 3}},
                          {"id": "dcterms:date"}, {"id": "ikg:sortDate"}, {"id": "rdf:type"}]}

_CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("0.2", "manifest.json", "get", {"url": "/reconcile"}),
    ("1.0-draft", "manifest.json", "get", {"url": "/reconcile", "params": {"version": "1.0-draft"}}),
    ("0.2", "reconciliation-result-batch.json", "post",
     {"url": "/reconcile", "data": {"queries": json.dumps(_QUERIES_V02)}}),
    ("0.2", "reconciliation-result-batch.json", "get",
     {"url": "/reconcile", "params": {"queries": json.dumps(_QUERIES_V02)}}),
    ("1.0-draft", "reconciliation-result-batch.json", "post",
     {"url": "/reconcile/match", "json": _QUERIES_V1}),
    ("0.2", "suggest-entities-response.json", "get", {"url": "/reconcile/suggest/entity",
                                                      "params": {"prefix": "zhangjiang"}}),
    ("1.0-draft", "suggest-entities-response.json", "get", {"url": "/reconcile/suggest/entity",
                                                            "params": {"prefix": "张江"}}),
    ("0.2", "suggest-types-response.json", "get", {"url": "/reconcile/suggest/type",
                                                   "params": {"prefix": "lead"}}),
    ("1.0-draft", "suggest-types-response.json", "get", {"url": "/reconcile/suggest/type",
                                                         "params": {"prefix": "o"}}),
    ("0.2", "suggest-properties-response.json", "get", {"url": "/reconcile/suggest/property",
                                                        "params": {"prefix": "hand"}}),
    ("1.0-draft", "suggest-properties-response.json", "get", {"url": "/reconcile/suggest/property",
                                                              "params": {"prefix": "日常"}}),
    ("0.2", "data-extension-response.json", "post", {"url": "/reconcile/extend",
                                                     "data": {"extend": json.dumps(_EXTEND)}}),
    ("0.2", "data-extension-response.json", "post", {"url": "/reconcile",
                                                     "data": {"extend": json.dumps(_EXTEND)}}),
    ("1.0-draft", "data-extension-response.json", "post", {"url": "/reconcile/extend", "json": _EXTEND}),
    ("0.2", "data-extension-property-proposal.json", "get", {"url": "/reconcile/propose_properties",
                                                             "params": {"type": "ikg:LeadingGroup"}}),
    ("1.0-draft", "data-extension-property-proposal.json", "get", {"url": "/reconcile/extend/propose"}),
]


@pytest.mark.parametrize(("version", "schema", "method", "request_args"), _CASES,
                         ids=[f"{v}-{s.removesuffix('.json')}-{m}-{a['url']}" for v, s, m, a in _CASES])
def test_response_conforms_to_schema(api: TestClient, version: str, schema: str, method: str,
                                     request_args: dict[str, Any]) -> None:
    validate = _validator(version, schema)
    response = api.request(method.upper(), **request_args)
    assert response.status_code == 200, response.text
    document = response.json()
    validate(document)
    assert document  # an empty object would pass most schemas


@pytest.mark.parametrize(("version", "schema", "payload"), [
    ("0.2", "reconciliation-query-batch.json", _QUERIES_V02),
    ("1.0-draft", "reconciliation-query-batch.json", _QUERIES_V1),
    ("0.2", "data-extension-query.json", _EXTEND),
    ("1.0-draft", "data-extension-query.json", _EXTEND),
])
def test_requests_sent_by_these_tests_conform_to_schema(version: str, schema: str,
                                                         payload: dict[str, Any]) -> None:
    _validator(version, schema)(payload)


def test_schema_validator_rejects_a_broken_answer() -> None:
    validate = _validator("0.2", "reconciliation-result-batch.json")
    with pytest.raises(AssertionError):
        validate({"q0": {"result": [{"id": "ndrc", "name": "NDRC"}]}})  # no score
