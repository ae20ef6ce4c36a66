"""The web page in real headless Chromium, at a laptop's width and a phone's, checked against the API's
own answers. Screenshots: test-artifacts/screenshots/<picture>-<width>.png."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest
from pagedriver import SCREENSHOTS, WIDTHS, run_scenario

from support import SOURCE_REPORT, require_shared

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("browser_tools")]
at_each_width = pytest.mark.parametrize("width", WIDTHS)

OFFICE = "shanghai-stc-office"
SPARQL_JSON = {"Accept": "application/sparql-results+json"}
#: Han characters (the blocks the report uses) and what the page drops between two of them when it
#: shows a quote: a single space, or a line break (the PDF extraction's page breaks).
_HAN = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_STRAY = re.compile(rf"(?<={_HAN})(?:[ \u00a0\u3000]|[ \t]*(?:\r?\n[ \t]*)+)(?={_HAN})")


def shown(text: str) -> str:
    """A quote as the page should show it."""
    return _STRAY.sub("", text)


def get(base: str, path: str, **params: Any) -> Any:
    # httpx replaces a URL's own query with `params` (even an empty one): pass them only when given.
    answer = httpx.get(f"{base}{path}", params=params or None, timeout=30)
    assert answer.status_code == 200, f"{path} {params}: {answer.status_code} {answer.text[:300]}"
    return answer.json()


def neighbours_by_growth(base: str, entity: str) -> list[str]:
    """The neighbours of `entity`, those whose own neighbourhood adds the most new nodes first."""
    first = get(base, f"/entities/{entity}/neighbourhood")
    shown_ids = {n["id"] for n in first["nodes"]}
    grows = {n["id"]: {m["id"] for m in get(base, f"/entities/{n['id']}/neighbourhood")["nodes"]} - shown_ids
             for n in first["nodes"] if n["id"] != entity}
    return sorted(grows, key=lambda i: (-len(grows[i]), i))


def assert_clean(seen: dict[str, Any], width: int) -> None:
    """No script error, and the page no wider than the screen."""
    assert seen["page_errors"] == []
    header = seen["final_header"]
    assert header["viewport"] == width
    assert header["scroll_width"] <= width, f"the page scrolls sideways: {header['scroll_width']} > {width}"


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def hash_query(hash_: str) -> dict[str, list[str]]:
    return parse_qs(hash_.split("?", 1)[1]) if "?" in hash_ else {}


def exported(base: str, href: str) -> tuple[list[str], list[str]]:
    """Node ids and edge keys (source|property|target) of a Cytoscape.js JSON download."""
    elements = get(base, href)["elements"]
    nodes = sorted(n["data"]["id"] for n in elements["nodes"])
    edges = sorted(f"{e['data']['source']}|{e['data']['property']}|{e['data']['target']}"
                   for e in elements["edges"])
    return nodes, edges


# -- search and the entity page ----------------------------------------------------------------------


@at_each_width
def test_search_for_kechuangban_suggests_and_opens_the_office(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "search", "科创办", width)
    assert seen["suggestions"][0]["id"] == OFFICE
    assert seen["hash"] == f"#/entity/{OFFICE}?lang=zh"
    entity = get(live_server, f"/entities/{OFFICE}")
    assert seen["title"] == entity["label"]["zh"]
    assert seen["facts"] == len(entity["outgoing"]) + len(entity["incoming"])
    if SOURCE_REPORT.exists():
        assert any("科创办" in text for text in seen["citations"])
    else:  # without ../shared the page shows where each quotation is, not its text
        assert seen["citations"] and all(re.fullmatch(r"\[\d+, \d+\)", t) for t in seen["citations"])
    neighbourhood = get(live_server, f"/entities/{OFFICE}/neighbourhood")
    assert seen["graph"]["ids"] == sorted(n["id"] for n in neighbourhood["nodes"])
    assert_clean(seen, width)
    assert (SCREENSHOTS / f"entity-{width}.png").stat().st_size > 10_000


# -- 1. the graph view -----------------------------------------------------------------------------


@at_each_width
def test_graph_expansions_keep_every_node_and_label_on_the_canvas(live_server: str, width: int) -> None:
    first, second = neighbours_by_growth(live_server, OFFICE)[:2]
    seen = run_scenario(live_server, "expand", f"{OFFICE},{first},{second}", width)
    reports = seen["reports"]
    expected: set[str] = set()
    for entity, report in zip((OFFICE, first, second), reports, strict=True):
        expected |= {n["id"] for n in get(live_server, f"/entities/{entity}/neighbourhood")["nodes"]}
        assert report["ids"] == sorted(expected)
        assert report["outside"] == [], f"nodes off the canvas after expanding {entity}"
        assert report["labels_outside"] == [], f"labels cut by the canvas edge after expanding {entity}"
    assert reports[0]["nodes"] < reports[1]["nodes"] < reports[2]["nodes"]
    assert_clean(seen, width)


@at_each_width
def test_graph_layout_keeps_node_labels_apart(live_server: str, width: int) -> None:
    first, second = neighbours_by_growth(live_server, OFFICE)[:2]
    seen = run_scenario(live_server, "expand", f"{OFFICE},{first},{second}", width)
    # The old layout had 6 overlapping label pairs at first and 15 after one expansion.
    assert [r["overlaps"] for r in seen["reports"]] == [0, 0, 0]
    assert (SCREENSHOTS / f"graph-expanded-{width}.png").stat().st_size > 10_000


@at_each_width
def test_graph_downloads_export_exactly_what_is_on_screen(live_server: str, width: int) -> None:
    first, second = neighbours_by_growth(live_server, OFFICE)[:2]
    seen = run_scenario(live_server, "expand", f"{OFFICE},{first},{second}", width)
    screen = seen["reports"][-1]
    assert str(screen["visible"]) in seen["downloads_title"]
    assert len(seen["downloads"]) == 12
    for link in seen["downloads"]:
        params = query_of(link["href"])
        assert params["scope"] == ["nodes"] and params["format"] == [link["format"]]
        assert sorted(params["node"]) == screen["visible_ids"]
    by_format = {link["format"]: link["href"] for link in seen["downloads"]}
    nodes, edges = exported(live_server, by_format["cytoscape"])
    assert nodes == screen["visible_ids"]
    assert edges == screen["edge_keys"]
    table = httpx.get(live_server + by_format["csv-nodes"], timeout=30)
    assert table.status_code == 200
    rows = csv.DictReader(io.StringIO(table.text.lstrip("\ufeff")))
    assert sorted(row["id"] for row in rows) == screen["visible_ids"]
    gexf = httpx.get(live_server + by_format["gexf"], timeout=30)
    assert gexf.status_code == 200 and 'filename="innokg-nodes-' in gexf.headers["content-disposition"]
    # With positions chosen, the graph formats carry a force layout of the same nodes.
    positioned = set(get(live_server, "/export/formats")["positioned_formats"])
    for link in seen["laid_out"]:
        params = query_of(link["href"])
        assert sorted(params["node"]) == screen["visible_ids"]
        assert params.get("layout") == (["spring"] if link["format"] in positioned else None), link
    cytoscape = next(link["href"] for link in seen["laid_out"] if link["format"] == "cytoscape")
    laid_out = get(live_server, cytoscape)
    assert all("position" in node for node in laid_out["elements"]["nodes"])


@at_each_width
def test_graph_controls_zoom_fit_and_reset(live_server: str, width: int) -> None:
    neighbour = neighbours_by_growth(live_server, OFFICE)[0]
    seen = run_scenario(live_server, "controls", f"{OFFICE},{neighbour}", width)
    assert [b["id"] for b in seen["buttons"]] == [
        "graph-fit", "graph-zoom-in", "graph-zoom-out", "graph-reset"]
    assert all(b["label"] for b in seen["buttons"])  # named for screen readers
    assert seen["zoomed_in"] == pytest.approx(seen["zoom_start"] * 1.25)
    assert seen["zoomed_out"] == pytest.approx(seen["zoom_start"] * 1.25)  # in, in, out
    assert seen["in_report"]["zoom"] > seen["zoom_start"]
    assert seen["fitted"]["outside"] == [] and seen["fitted"]["labels_outside"] == []
    assert seen["fitted"]["zoom"] == pytest.approx(seen["zoom_start"])
    assert seen["grown"]["nodes"] > seen["start"]["nodes"]
    assert seen["reset"]["ids"] == seen["start"]["ids"]
    assert seen["reset"]["outside"] == []
    assert seen["keyboard"]["ids"] == seen["grown"]["ids"], "the expand list does what a click does"
    assert seen["keyboard"]["outside"] == []
    assert_clean(seen, width)


@at_each_width
def test_graph_legend_names_each_type_in_its_palette_colour(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "legend", OFFICE, width)
    palette = seen["palette"]

    def rgb(hex_colour: str) -> str:
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return f"rgb({r}, {g}, {b})"

    categories = {n["category"] for n in seen["nodes"]}
    assert {item["category"] for item in seen["legend"]} == categories
    for item in seen["legend"]:
        assert item["colour"] == rgb(palette["colours"].get(item["category"], palette["default"]))
        assert item["name"] and item["name"] != item["category"], "the legend names types in words"
    for node in seen["nodes"]:  # Cytoscape.js writes rgb() without spaces
        colour = rgb(palette["colours"].get(node["category"], palette["default"]))
        assert node["colour"].replace(" ", "") == colour.replace(" ", "")
    assert_clean(seen, width)


def categories_around(base: str, entity: str) -> dict[str, list[str]]:
    """The ids of the neighbourhood of `entity` by category."""
    by_category: dict[str, list[str]] = {}
    for node in get(base, f"/entities/{entity}/neighbourhood")["nodes"]:
        by_category.setdefault(node["category"], []).append(node["id"])
    return by_category


def a_category_to_hide(by_category: dict[str, list[str]], entity: str) -> str:
    """The first category of the neighbourhood the entity itself is not of (hiding it leaves the focus)."""
    return sorted(c for c in by_category if entity not in by_category[c])[0]


@at_each_width
def test_graph_filters_hide_types_and_relations_and_downloads_follow(live_server: str, width: int) -> None:
    by_category = categories_around(live_server, OFFICE)
    category = a_category_to_hide(by_category, OFFICE)
    seen = run_scenario(live_server, "filters", f"{OFFICE},{category},org:unitOf", width)
    start, hidden = seen["start"], seen["without_category"]
    assert hidden["visible_ids"] == sorted(set(start["ids"]) - set(by_category[category]))
    assert hidden["outside"] == []
    for link in seen["hrefs_category"]:
        assert sorted(query_of(link["href"])["node"]) == hidden["visible_ids"]
    without = seen["without_relation"]
    assert without["edge_keys"] and not any("|org:unitOf|" in key for key in without["edge_keys"])
    assert any("|org:unitOf|" in key for key in hidden["edge_keys"])
    for link in seen["hrefs_relation"]:
        assert query_of(link["href"])["avoid_property"] == ["org:unitOf"]
    assert seen["restored"]["visible_ids"] == start["ids"]
    assert seen["restored"]["edge_keys"] == start["edge_keys"]
    assert_clean(seen, width)


def test_graph_download_leaves_out_a_hidden_relation(live_server: str) -> None:
    category = a_category_to_hide(categories_around(live_server, OFFICE), OFFICE)
    seen = run_scenario(live_server, "filters", f"{OFFICE},{category},org:unitOf", 1366)
    hrefs = {link["format"]: link["href"] for link in seen["hrefs_relation"]}
    shown = seen["without_relation"]
    assert exported(live_server, hrefs["cytoscape"]) == (shown["visible_ids"], shown["edge_keys"])
    assert not any("|org:unitOf|" in key for key in shown["edge_keys"])
    edges = httpx.get(live_server + hrefs["csv-edges"], timeout=30)
    assert edges.status_code == 200
    relations = {row["property"] for row in csv.DictReader(io.StringIO(edges.text.lstrip("\ufeff")))}
    assert relations and "org:unitOf" not in relations and "org:hasUnit" not in relations


@at_each_width
def test_switching_language_relabels_the_graph_in_place(live_server: str, width: int) -> None:
    neighbour = neighbours_by_growth(live_server, OFFICE)[0]
    seen = run_scenario(live_server, "language", f"{OFFICE},{neighbour}", width)
    assert seen["same_document"], "the page must not reload"
    assert seen["after"]["ids"] == seen["before"]["ids"], "the expansion stays"
    assert seen["before"]["nodes"] > len(get(live_server, f"/entities/{OFFICE}/neighbourhood")["nodes"])
    labels = {n["id"]: n["label"] for n in get(live_server, f"/entities/{neighbour}/neighbourhood")["nodes"]}
    for node_id, label in labels.items():
        assert seen["labels_before"][node_id] == (label["zh"] or label["en"] or node_id)
        assert seen["labels_after"][node_id] == (label["en"] or label["zh"] or node_id)
    assert seen["after"]["outside"] == []
    assert seen["after"]["overlaps"] == 0, "the longer English labels are spread apart too"
    assert seen["title"] == get(live_server, f"/entities/{OFFICE}")["label"]["en"]
    assert hash_query(seen["hash"])["lang"] == ["en"]
    assert all(re.fullmatch(r"[A-Za-z ,'()-]+", name) for name in seen["legend"]), seen["legend"]
    assert_clean(seen, width)


# -- 2. narrow screens -------------------------------------------------------------------------------


@at_each_width
def test_header_fits_in_english_and_every_page_is_reachable(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "header", "", width)
    closed = seen["closed"]
    assert closed["scroll_width"] <= width and closed["header_scroll_width"] <= width
    for name in ("brand", "search", "lang"):
        box = closed["controls"][name]
        assert box["shown"] and box["left"] >= 0 and box["right"] <= width, f"{name} is off the screen: {box}"
    routes = ["#/browse", "#/path", "#/timeline", "#/sparql", "#/analytics", "#/review", "/docs"]
    assert [link["href"] for link in closed["nav_links"]] == routes
    if width <= 980:
        menu = closed["controls"]["menu"]
        assert menu["shown"] and menu["right"] <= width
        assert not any(link["shown"] for link in closed["nav_links"])  # behind the menu button
        assert seen["opened"]["expanded"] == "true"
        assert all(link["shown"] and link["on_screen"] for link in seen["opened"]["nav_links"])
        assert seen["opened"]["scroll_width"] <= width
        assert (SCREENSHOTS / f"header-menu-en-{width}.png").exists()
    else:
        assert not closed["controls"]["menu"]["shown"]
        assert all(link["shown"] and link["on_screen"] for link in closed["nav_links"])
    assert seen["hash"] == "#/timeline?lang=en"
    assert seen["expanded_after"] == "false"  # the menu closes once a page is chosen
    assert_clean(seen, width)


# -- 3. the language in shared links ----------------------------------------------------------------


@at_each_width
def test_shared_link_opens_in_its_language_and_keeps_it(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "shared", "ndrc", width)
    first = seen["first"]
    assert first["title"] == get(live_server, "/entities/ndrc")["label"]["en"]
    assert (first["toggle"], first["html_lang"], first["nav"]) == ("中文", "en", "Timeline")
    assert seen["followed"] == "#/timeline?lang=en", "a link followed keeps the language in the URL"
    assert seen["toggled"] == "#/timeline?lang=zh"
    assert seen["toggle_after"] == "EN"
    assert_clean(seen, width)


# -- 4. read in context ------------------------------------------------------------------------------


@at_each_width
def test_citation_opens_the_report_paragraph_with_the_span_marked(live_server: str, width: int) -> None:
    require_shared(SOURCE_REPORT)  # the paragraph comes from the report's text
    seen = run_scenario(live_server, "evidence", OFFICE, width)
    evidence_id = seen["link"].removeprefix("#/evidence/")
    reading = get(live_server, f"/evidence/{evidence_id}", lang="zh")
    assert seen["hash"] == f"#/evidence/{evidence_id}?lang=zh"
    assert seen["quote"] == reading["text"]
    assert seen["span"] == shown(reading["text"])
    assert seen["document"] == reading["document"]["title"]
    assert reading["section"]["number"] in seen["section"]
    if reading["paragraph"]:
        assert seen["paragraph"] == shown(reading["paragraph"]["text"])
    assert seen["cite"] == reading["cite"]["text"]
    assert seen["copied"] == reading["cite"]["text"]
    assert seen["permalink"] == reading["cite"]["permalink"]
    assert len(seen["statements"]) == len(reading["statements"])
    # Every citation of the path finder and the timeline opens its own reading.
    assert seen["path_links"] and seen["timeline_links"]
    for link in {*seen["path_links"], *seen["timeline_links"]}:
        assert link.startswith("#/evidence/")
        get(live_server, f"/evidence/{link.removeprefix('#/evidence/')}")
    assert_clean(seen, width)


# -- 5. browse ---------------------------------------------------------------------------------------


@at_each_width
def test_browse_lists_a_type_sortable_with_links_and_a_legend(live_server: str, width: int) -> None:
    events = "ikg:Event"
    seen = run_scenario(live_server, "browse", events, width)
    listed = get(live_server, "/browse", type=events, sort="label", order="asc", limit=50, offset=0)
    assert listed["total"] > 3, "fixture data: several events to sort"
    first = seen["first"]
    assert first["type_value"] == events
    assert [row["id"] for row in first["rows"]] == [item["id"] for item in listed["items"]]
    assert str(listed["total"]) in first["total"]
    assert all(row["href"] == f"#/entity/{row['id']}" for row in first["rows"])
    palette = get(live_server, "/ui/palette.json")["colours"]
    # One legend entry per colour: the project's own class where a standard one shares its name.
    chosen: dict[str, str] = {}
    for facet in listed["facets"]["types"]:
        name = facet["curie"].split(":")[-1]
        if name in palette and (name not in chosen or facet["curie"].startswith("ikg:")):
            chosen[name] = facet["curie"]
    coloured = [f["curie"] for f in listed["facets"]["types"] if f["curie"] in chosen.values()]
    assert [item["curie"] for item in first["legend"]] == coloured
    for item in first["legend"]:
        r, g, b = (int(palette[item["curie"].split(":")[-1]][i:i + 2], 16) for i in (1, 3, 5))
        assert item["colour"] == f"rgb({r}, {g}, {b})"
    assert {"ikg:Fund", "ikg:MajorScienceFacility", "ikg:LeadingGroup"} <= set(first["quick"])
    by_date = get(live_server, "/browse", type=events, sort="date", order="asc", limit=50, offset=0)
    assert [row["id"] for row in seen["by_date"]["rows"]] == [item["id"] for item in by_date["items"]]
    assert [row["date"] for row in seen["by_date"]["rows"]] == [i["date"] or "" for i in by_date["items"]]
    assert seen["by_date"]["aria_sort"] == "ascending"
    assert hash_query(seen["by_date"]["hash"])["sort"] == ["date"]
    newest = get(live_server, "/browse", type=events, sort="date", order="desc", limit=50, offset=0)
    assert [row["id"] for row in seen["by_date_desc"]["rows"]] == [item["id"] for item in newest["items"]]
    assert seen["opened"] == f"#/entity/{newest['items'][0]['id']}?lang=zh"
    assert seen["title"] == newest["items"][0]["label"]["zh"]
    assert_clean(seen, width)


@at_each_width
def test_browse_filters_by_date_range_and_section(live_server: str, width: int) -> None:
    dated = get(live_server, "/browse", **{"from": "2016", "to": "2018"})
    section = max(dated["facets"]["sections"], key=lambda f: (f["count"], f["number"]))["number"]
    seen = run_scenario(live_server, "browseFilters", f"2016,2018,{section}", width)
    listed = get(live_server, "/browse", **{"from": "2016", "to": "2018", "section": section},
                 sort="label", order="asc", limit=50, offset=0)
    assert 0 < listed["total"] < dated["total"]
    assert hash_query(seen["hash"]) == {"from": ["2016"], "to": ["2018"], "section": [section],
                                        "sort": ["label"], "order": ["asc"], "lang": ["zh"]}
    assert seen["rows"] == [item["id"] for item in listed["items"]]
    assert_clean(seen, width)


# -- 6. paths and the timeline with their options -----------------------------------------------------


@at_each_width
def test_path_finder_passes_its_options_and_autocompletes_both_ends(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "pathOptions", "发改委,科创办,内设", width)
    assert (seen["source"], seen["target"], seen["avoided"]) == ("ndrc", OFFICE, "org:hasUnit")
    asked = {"source": ["ndrc"], "target": [OFFICE], "k": ["2"], "max_hops": ["5"],
             "avoid_property": ["org:hasUnit"], "lang": ["zh"]}
    assert hash_query(seen["hash"]) == asked
    answer = get(live_server, "/paths", source="ndrc", target=OFFICE, k=2, max_hops=5,
                 avoid_property="org:hasUnit")
    assert seen["paths"] == [len(p["hops"]) for p in answer["paths"]] and seen["paths"]
    # Without the report texts (no ../shared) a citation is shown by its span.
    cited = {shown(c["text"]) if c["text"] else f"[{c['start']}, {c['end']})"
             for p in answer["paths"] for hop in p["hops"] for c in hop["citations"]}
    assert set(seen["evidence"]) == cited
    assert seen["form"] == {"k": "2", "hops": "5", "avoid": ["org:hasUnit"],
                            "source": get(live_server, "/entities/ndrc")["label"]["zh"]}
    directed = get(live_server, "/paths", source="ndrc", target=OFFICE, k=2, max_hops=5,
                   avoid_property="org:hasUnit", directed="true")
    assert hash_query(seen["directed_hash"])["directed"] == ["true"]
    assert seen["directed_paths"] == len(directed["paths"])
    assert_clean(seen, width)


@at_each_width
def test_timeline_filters_by_dates_and_entity_on_a_time_axis(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "timelineFilters", "2016,2018,科创办", width)
    everything = get(live_server, "/timeline")["events"]
    assert seen["all"]["events"] == len(everything)
    assert seen["all"]["markers"] == sum(1 for e in everything if e["sort_date"])
    ranged = get(live_server, "/timeline", **{"from": "2016", "to": "2018"})["events"]
    assert hash_query(seen["ranged"]["hash"]) == {"from": ["2016"], "to": ["2018"], "lang": ["zh"]}
    assert seen["ranged"]["ids"] == [e["id"] for e in ranged]
    lefts = [m["left"] for m in seen["ranged"]["markers"]]
    dated = [f"#event-{e['id']}" for e in ranged if e["sort_date"]]
    assert [m["href"] for m in seen["ranged"]["markers"]] == dated
    assert lefts == sorted(lefts) and all(0 <= x <= 100 for x in lefts)
    assert seen["ranged"]["ticks"][0] == "2016"
    involving = get(live_server, "/timeline", entity=OFFICE)["events"]
    assert seen["involving"]["entity"] == OFFICE
    assert seen["involving"]["ids"] == [e["id"] for e in involving]
    for event, quotes in zip(involving, seen["involving"]["citations"], strict=True):
        texts = [q for q in quotes if q]  # without the report texts (no ../shared) quotes are empty
        assert len(texts) == len(set(texts)), "a quote is shown once per event"
        assert set(quotes) <= {c["text"] or "" for c in event["citations"]}  # "" without report texts
    assert_clean(seen, width)


# -- 7. the SPARQL page ------------------------------------------------------------------------------


@at_each_width
def test_sparql_results_show_labels_linked_downloads_and_a_permalink(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "sparqlLabels", "cq02-divisions", width)
    answer = httpx.get(f"{live_server}/queries/cq02-divisions", headers=SPARQL_JSON).json()
    assert seen["headers"] == [f"?{v}" for v in answer["head"]["vars"]]
    units = [row["unit"]["value"].rsplit("/", 1)[1] for row in answer["results"]["bindings"]]
    assert [link["href"] for link in seen["links"]] == [f"#/entity/{u}" for u in units]
    labels = [get(live_server, f"/entities/{u}")["label"]["zh"] for u in units]
    assert [link["text"] for link in seen["links"]] == labels
    downloads = {d["format"]: d["href"] for d in seen["downloads"]}
    csv_answer = httpx.get(live_server + downloads["csv"])
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(csv_answer.text)))) == len(units) + 1
    assert httpx.get(live_server + downloads["json"]).json()["results"] == answer["results"]
    assert hash_query(seen["permalink"])["question"] == ["cq02-divisions"]
    assert seen["reopened"] == {"rows": len(units), "selected": "cq02-divisions"}
    free = seen["free"]
    text = "SELECT ?s WHERE { ?s a <https://w3id.org/innokg/ontology#LeadingGroup> } ORDER BY ?s"
    assert hash_query(free["hash"])["query"] == [text]
    assert free["reopened"]["text"] == text and free["reopened"]["rows"] == len(free["links"]) > 0
    assert all(link["text"] and not link["text"].startswith("http") for link in free["links"])
    free_csv = next(d["href"] for d in free["downloads"] if d["format"] == "csv")
    assert dict(parse_qsl(urlsplit(free_csv).query)) == {"query": text, "format": "csv"}
    assert_clean(seen, width)


@at_each_width
def test_every_catalogue_question_is_offered_and_parameters_get_a_form(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "catalogue", "cq05-coled-groups,body,上海市人民政府", width)
    catalogue = get(live_server, "/queries")["queries"]
    assert seen["options"][:len(catalogue)] == [q["name"] for q in catalogue]
    assert sum(1 for q in catalogue if q["parameters"]) >= 29
    question = next(q for q in catalogue if q["name"] == "cq05-coled-groups")
    assert [f["name"] for f in seen["fields"]] == [p["name"] for p in question["parameters"]]
    assert seen["chosen"] == "shanghai-municipal-government"
    assert hash_query(seen["hash"]) == {
        "question": ["cq05-coled-groups"], "body": [seen["chosen"]], "lang": ["zh"]}
    answer = httpx.get(f"{live_server}/queries/cq05-coled-groups", params={"body": seen["chosen"]},
                       headers=SPARQL_JSON).json()
    assert seen["error"] is None
    assert seen["rows"] == len(answer["results"]["bindings"]) > 0
    assert {d["format"] for d in seen["downloads"]} == {"csv", "json"}
    assert all(query_of(d["href"])["body"] == [seen["chosen"]] for d in seen["downloads"])
    assert_clean(seen, width)


# -- 8. analytics ------------------------------------------------------------------------------------


@at_each_width
def test_analytics_from_the_menu_shows_central_bodies_and_communities(live_server: str, width: int) -> None:
    seen = run_scenario(live_server, "analytics", "", width)
    degree = get(live_server, "/analytics/centrality", measure="degree", limit=20)
    assert seen["central"] == [r["id"] for r in degree["results"]]
    pagerank = get(live_server, "/analytics/centrality", measure="pagerank", limit=20)
    assert seen["pagerank"] == [r["id"] for r in pagerank["results"]]
    groups = get(live_server, "/analytics/communities", limit=12, members=40)["groups"]
    assert seen["communities"] == [min(len(g["members"]), 12) for g in groups]
    assert seen["scroll_width"] <= width
    assert_clean(seen, width)


# -- 9. quotes ---------------------------------------------------------------------------------------


@at_each_width
def test_quotes_show_without_stray_spaces_while_the_data_keeps_them(live_server: str, width: int) -> None:
    if not SOURCE_REPORT.exists():
        pytest.skip("the quotes come from ../shared (the report text), absent here")
    seen = run_scenario(live_server, "quotes", OFFICE, width)
    entity = get(live_server, f"/entities/{OFFICE}")
    assert any("上海 科创办" in c["text"] for c in entity["citations"]), "the data keeps the source's space"
    spaced = "上海 科创办(以下简称\"科创办\")"
    assert {"shown": spaced.replace(" ", ""), "source": spaced} in seen["quotes"]
    for quote in seen["quotes"]:
        assert quote["shown"] == shown(quote["source"])
        assert not re.search(rf"{_HAN}\s{_HAN}", quote["shown"])
    assert_clean(seen, width)


def test_every_ui_string_exists_in_both_languages(live_server: str) -> None:
    keys = run_scenario(live_server, "strings")
    assert keys["zh"] == keys["en"]
    assert len(keys["zh"]) > 100
