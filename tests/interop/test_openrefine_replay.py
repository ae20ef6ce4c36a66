"""OpenRefine 3.6 reconciling a researcher's spreadsheet against a real `kg serve`, replayed request by
request as OpenRefine sends them.

OpenRefine talks to a reconciliation service from two places. Its Java server (Apache HttpClient 5)
posts the query batches and data-extension requests: one form field (`queries=` or `extend=`) encoded
by UrlEncodedFormEntity, `Content-Type: application/x-www-form-urlencoded; charset=UTF-8`, its own
User-Agent, batches of 10 cells, `{"query", "type", "type_strict": "should", "properties": [{"pid",
"v"}]}` per cell (`v` is the cell's text, or `{"id", "name"}` once that column is reconciled), and
`{"query", "limit": 3}` when it guesses a column's type. The browser page fetches the manifest, the
suggest type-aheads, the preview card and the property proposals with jQuery (cross-origin, so CORS),
building each URL from the manifest's `service_url` + `service_path` or `{{id}}` template.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import httpx
import pytest

from live import LiveServer
from support import SHARED, require_shared

pytestmark = pytest.mark.e2e

TIMEOUT = 30.0
#: RefineServlet.getUserAgent() of a 3.6 release: "OpenRefine/" + version + " [" + revision + "]".
OPENREFINE = {
    "User-Agent": "OpenRefine/3.6.2 [f4b1b3b]",
    "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
    "Accept-Encoding": "gzip, x-gzip, deflate",
}
#: OpenRefine's page (on its default port) asking with jQuery's `dataType: "json"`.
BROWSER = {
    "Origin": "http://127.0.0.1:3333",
    "Referer": "http://127.0.0.1:3333/project?project=2071458633123",
    "Accept": "application/json, text/javascript, */*; q=0.01",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:102.0) Gecko/20100101 Firefox/102.0",
}
SCHEMAS = SHARED / "schemas" / "reconciliation" / "0.2"


def _post_field(url: str, name: str, value: Any) -> httpx.Response:
    """One form field as OpenRefine's HttpClient.postNameValue sends it (Jackson's compact JSON, raw
    UTF-8 inside, then form-encoded: space as +, only alphanumerics and -._* left as they are)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    body = f"{name}={quote_plus(text, safe='*')}".encode("ascii")
    return httpx.post(url, content=body, headers=OPENREFINE, timeout=TIMEOUT)


def _browser_get(url: str, **params: str) -> httpx.Response:
    response = httpx.get(url, params=params, headers=BROWSER, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers.get("access-control-allow-origin") in ("*", BROWSER["Origin"])
    return response


def _batch(service: str, queries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The `result` lists of a batch of queries keyed q0, q1, … (OpenRefine's keys), in order."""
    response = _post_field(service, "queries", {f"q{i}": query for i, query in enumerate(queries)})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert set(answer) == {f"q{i}" for i in range(len(queries))}
    for result in answer.values():
        _check_candidates(result["result"])
    return [answer[f"q{i}"]["result"] for i in range(len(queries))]


def _check_candidates(candidates: list[dict[str, Any]]) -> None:
    """What StandardReconConfig.ReconResult reads: id, name, type [{id, name}], score, match."""
    for candidate in candidates:
        assert isinstance(candidate["id"], str) and isinstance(candidate["name"], str)
        assert all(isinstance(t["id"], str) and isinstance(t["name"], str) for t in candidate["type"])
        assert isinstance(candidate["score"], int | float) and isinstance(candidate["match"], bool)
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)


def _typed(names: list[str], type_id: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"query": name, "type": type_id, "type_strict": "should", **extra} for name in names]


@pytest.fixture(scope="module")
def service(readonly_server: LiveServer) -> str:
    """The URL a user enters in *Add standard service…*."""
    return f"{readonly_server.url}/reconcile"


@pytest.fixture(scope="module")
def manifest(service: str) -> dict[str, Any]:
    """The manifest, fetched as the page fetches it when the service is added."""
    document: dict[str, Any] = _browser_get(service).json()
    return document


def _endpoint(manifest: dict[str, Any], *keys: str) -> str:
    node = manifest
    for key in keys:
        node = node[key]
    return f"{node['service_url']}{node['service_path']}"


# -- adding the service --------------------------------------------------------------------------

def test_manifest_has_what_openrefine_uses(manifest: dict[str, Any], readonly_server: LiveServer) -> None:
    assert "0.2" in manifest["versions"] and manifest["name"]
    assert manifest["identifierSpace"] == "https://w3id.org/innokg/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/innokg/ontology#"
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
    assert isinstance(manifest["preview"]["width"], int) and isinstance(manifest["preview"]["height"], int)
    for kind in ("entity", "type", "property"):
        assert _endpoint(manifest, "suggest", kind).startswith(readonly_server.url)
    assert _endpoint(manifest, "extend", "propose_properties").startswith(readonly_server.url)
    settings = {s["name"]: s for s in manifest["extend"]["property_settings"]}
    assert settings["limit"]["type"] == "number"
    assert {c["value"] for c in settings["lang"]["choices"]} == {"zh", "en"}
    default_types = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    assert "ikg:GovernmentBody" in default_types and "ikg:CoordinationOffice" in default_types


# -- reconciling columns ---------------------------------------------------------------------------

def test_guessing_a_column_type(service: str) -> None:
    # GuessTypesOfColumnCommand: the column's first cells, no type, at most 3 candidates each; the
    # page offers the types counted over all candidates, most frequent first.
    cells = ["国家发改委", "上海市政府", "State Council", "科技部", "Shaanxi Provincial Government"]
    results = _batch(service, [{"query": cell, "limit": 3} for cell in cells])
    assert all(0 < len(result) <= 3 for result in results)
    counts = Counter(t["id"] for result in results for candidate in result for t in candidate["type"])
    assert counts.most_common(1)[0][0] == "ikg:GovernmentBody"


GOVERNMENT_BODIES = {  # cell text -> entity, whether the cell should be auto-matched
    "国家发展和改革委员会": ("ndrc", True),
    "National Development and Reform Commission": ("ndrc", True),
    "NDRC": ("ndrc", True),
    "guojia fagaiwei": ("ndrc", False),  # pinyin of 国家发改委: found, left for the user to confirm
    "上海市政府": ("shanghai-municipal-government", True),
    "Shanghai Municipal Government": ("shanghai-municipal-government", True),
    "国务院": ("state-council", True),
    "科技部": ("most", True),
    "Ministry of Science and Technology": ("most", True),
    "陕西省政府": ("shaanxi-provincial-government", True),
}


def test_reconciling_government_bodies_in_three_scripts(service: str) -> None:
    names = list(GOVERNMENT_BODIES)
    assert len(names) == 10  # one batch, OpenRefine's default batch size
    for name, result in zip(names, _batch(service, _typed(names, "ikg:GovernmentBody")), strict=True):
        expected, auto_match = GOVERNMENT_BODIES[name]
        assert result[0]["id"] == expected, (name, result[:2])
        assert result[0]["match"] is auto_match, name
        assert all("ikg:GovernmentBody" in {t["id"] for t in c["type"]} for c in result)


def test_reconciling_researchers_with_a_post_column(service: str) -> None:
    # A "name" column typed foaf:Person, with its "post" column as property org:holds: text while
    # that column is not reconciled, {"id", "name"} once it is.
    post = {"id": "post-industry-promotion-director", "name": "产业促进处处长"}
    rows = [
        ("李祖兴", "产业促进处处长", "li-zuxing"),
        ("Li Zuxing", post, "li-zuxing"),
        ("Zuxing Li", None, "li-zuxing"),
        ("li zuxing", None, "li-zuxing"),
        ("胥喆", "科学平台处处长", "xu-zhe"),
        ("Xu Zhe", None, "xu-zhe"),
        ("闫雪花", "科技金融处副处长", "yan-xuehua"),
        ("yan xuehua", None, "yan-xuehua"),
        ("习近平", None, "xi-jinping"),
        ("Xi Jinping", None, "xi-jinping"),
    ]
    queries = [{"query": name, "type": "foaf:Person", "type_strict": "should",
                **({"properties": [{"pid": "org:holds", "v": value}]} if value else {})}
               for name, value, _ in rows]
    for (name, value, expected), result in zip(rows, _batch(service, queries), strict=True):
        assert result[0]["id"] == expected and result[0]["match"], (name, result[:2])
        features = {f["id"]: f["value"] for f in result[0]["features"]}
        if value:
            assert features["property:org:holds"] is True, name


def test_reconciling_an_office_by_abbreviation_pinyin_and_typo(service: str) -> None:
    # Typed ikg:CoordinationOffice, with a reconciled "leading group" column as a property.
    group = {"pid": "ikg:handlesDailyWorkOf",
             "v": {"id": "shanghai-stc-leading-group", "name": "上海市推进科技创新中心建设领导小组"}}
    cells = {"科创办": True, "上海科创办": True, "科創辦": True, "Shanghai STC Office": True,
             "kechuangban": False, "kcb": False, "kechuangbna": False}
    queries = _typed(list(cells), "ikg:CoordinationOffice", properties=[group])
    for (cell, auto_match), result in zip(cells.items(), _batch(service, queries), strict=True):
        assert result[0]["id"] == "shanghai-stc-office", (cell, result[:2])
        assert result[0]["match"] is auto_match, cell
        assert not any(candidate["match"] for candidate in result[1:])


def test_a_name_nobody_has_gives_no_candidates(service: str) -> None:
    assert _batch(service, _typed(["Ministry of Magic"], "ikg:GovernmentBody")) == [[]]


# -- the page: type-aheads, preview, view --------------------------------------------------------

def test_suggest_entity_as_the_search_for_match_box(manifest: dict[str, Any]) -> None:
    url = _endpoint(manifest, "suggest", "entity")
    first = _browser_get(url, prefix="科创").json()["result"]
    assert "shanghai-stc-office" in [item["id"] for item in first]
    assert all(isinstance(item["name"], str) for item in first)
    people = _browser_get(url, prefix="li zu", type="foaf:Person").json()["result"]
    assert [item["id"] for item in people] == ["li-zuxing"]
    assert people[0]["notable"][0]["id"] == "foaf:Person"
    page = _browser_get(url, prefix="上海").json()
    assert page["truncated"] is True  # more than one page: OpenRefine's "view more" asks with cursor=
    more = _browser_get(url, prefix="上海", cursor=str(len(page["result"]))).json()["result"]
    assert more and not {item["id"] for item in more} & {item["id"] for item in page["result"]}


def test_suggest_type_and_property(manifest: dict[str, Any]) -> None:
    types = _endpoint(manifest, "suggest", "type")
    assert _browser_get(types, prefix="领导").json()["result"][0]["id"] == "ikg:LeadingGroup"
    assert "ikg:CoordinationOffice" in [t["id"] for t in
                                        _browser_get(types, prefix="coordination").json()["result"]]
    properties = _endpoint(manifest, "suggest", "property")
    assert _browser_get(properties, prefix="日常").json()["result"][0]["id"] == "ikg:handlesDailyWorkOf"
    assert "org:holds" in [p["id"] for p in _browser_get(properties, prefix="hold").json()["result"]]


def test_preview_card_and_view_page(manifest: dict[str, Any]) -> None:
    card = httpx.get(manifest["preview"]["url"].replace("{{id}}", "li-zuxing"), timeout=TIMEOUT,
                     headers={**BROWSER, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert card.status_code == 200 and card.headers["content-type"].startswith("text/html")
    assert "李祖兴" in card.text and "Li Zuxing" in card.text and "产业促进处处长" in card.text
    view = httpx.get(manifest["view"]["url"].replace("{{id}}", "shanghai-stc-office"), timeout=TIMEOUT,
                     headers={**BROWSER, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert view.status_code == 200 and view.headers["content-type"].startswith("text/html")
    assert "上海推进科技创新中心建设办公室" in view.text


# -- adding columns from reconciled values ----------------------------------------------------------

def test_propose_properties_as_the_extend_dialog_asks(manifest: dict[str, Any]) -> None:
    # ExtendReconciledDataPreviewDialog.getAllProperties: url + "?type=" + typeID, not encoded, and
    # an empty type when the column was reconciled without one.
    url = _endpoint(manifest, "extend", "propose_properties")
    proposal = httpx.get(f"{url}?type=ikg:CoordinationOffice", headers=BROWSER, timeout=TIMEOUT)
    assert proposal.status_code == 200, proposal.text
    offered = {p["id"]: p["name"] for p in proposal.json()["properties"]}
    assert {"ikg:handlesDailyWorkOf", "org:hasUnit", "skos:altLabel"} <= set(offered)
    untyped = httpx.get(f"{url}?type=", headers=BROWSER, timeout=TIMEOUT)
    assert untyped.status_code == 200 and untyped.json()["properties"]


def test_data_extension_of_reconciled_cells(service: str) -> None:
    # ReconciledDataExtensionJob: the ids of matched cells and the chosen properties, with their
    # names and the settings the dialog's form gave (strings).
    request: dict[str, Any] = {
        "ids": ["shanghai-stc-office", "li-zuxing", "sme-guarantee-fund", "approval-2016-02", "no-such-id"],
        "properties": [
            {"id": "ikg:handlesDailyWorkOf", "name": "承担日常工作",
             "settings": {"limit": "0", "lang": "en"}},
            {"id": "org:holds", "name": "担任"},
            {"id": "skos:altLabel", "name": "别名", "settings": {"limit": "2", "lang": "zh"}},
            {"id": "ikg:amount", "name": "金额"},
            {"id": "dcterms:date", "name": "日期"},
        ],
    }
    response = _post_field(service, "extend", request)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [m["id"] for m in answer["meta"]] == [p["id"] for p in request["properties"]]
    assert all(isinstance(m["name"], str) for m in answer["meta"])
    assert set(answer["rows"]) == set(request["ids"])
    office, person = answer["rows"]["shanghai-stc-office"], answer["rows"]["li-zuxing"]
    groups = {value["id"]: value["name"] for value in office["ikg:handlesDailyWorkOf"]}
    assert groups["shanghai-stc-leading-group"].startswith("Shanghai Leading Group")  # lang=en
    assert len(office["skos:altLabel"]) == 2 and all("str" in v for v in office["skos:altLabel"])
    assert person["org:holds"] == [{"id": "post-industry-promotion-director", "name": "产业促进处处长"}]
    assert answer["rows"]["sme-guarantee-fund"]["ikg:amount"] == [{"float": 5e9}]
    assert answer["rows"]["approval-2016-02"]["dcterms:date"] == [{"str": "2016-02"}]  # gYearMonth
    assert all(cell == [] for cell in answer["rows"]["no-such-id"].values())


# -- the W3C shapes -----------------------------------------------------------------------------------

def _validator(name: str) -> Any:
    """A Draft 7 validator of one 0.2 schema file, every $ref resolved from the local folder."""
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    folder = require_shared(SCHEMAS)
    documents = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.json"))]
    registry = Registry().with_resources(
        (document["$id"].rstrip("#"), Resource.from_contents(document, DRAFT7)) for document in documents)
    return Draft7Validator(json.loads((folder / name).read_text(encoding="utf-8")), registry=registry)


def test_answers_conform_to_the_w3c_0_2_schemas(service: str, manifest: dict[str, Any]) -> None:
    queries = {"q0": _typed(["科创办"], "ikg:CoordinationOffice")[0],
               "q1": {"query": "Li Zuxing", "limit": 3}}
    answers = {
        "manifest.json": manifest,
        "reconciliation-result-batch.json": _post_field(service, "queries", queries).json(),
        "suggest-entities-response.json": _browser_get(_endpoint(manifest, "suggest", "entity"),
                                                       prefix="张江").json(),
        "suggest-types-response.json": _browser_get(_endpoint(manifest, "suggest", "type"),
                                                    prefix="office").json(),
        "suggest-properties-response.json": _browser_get(_endpoint(manifest, "suggest", "property"),
                                                         prefix="unit").json(),
        "data-extension-property-proposal.json": _browser_get(
            _endpoint(manifest, "extend", "propose_properties"), type="ikg:LeadingGroup").json(),
        "data-extension-response.json": _post_field(service, "extend", {
            "ids": ["shanghai-stc-office"], "properties": [{"id": "org:hasUnit"}]}).json(),
    }
    for schema, answer in answers.items():
        errors = [f"{list(e.path)}: {e.message}" for e in _validator(schema).iter_errors(answer)]
        assert not errors, (schema, errors[:5])
