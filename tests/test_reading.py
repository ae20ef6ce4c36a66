"""Reading a citation in context (kg.reading, GET /evidence/{id}): the report, the paragraph around the
span, the statements the evidence supports, and a citation in a standard form."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kg.config import PROJECT_ROOT
from kg.errors import BadRequestError, EvidenceNotFoundError
from kg.reading import evidence_iri, find_paragraph
from kg.store import GraphStore
from support import SOURCE_REPORT, require_shared, services_over

EV = "https://w3id.org/innokg/id/ev/"
#: 2014年5月 (一, [279,286)): the paragraph a PDF page break cuts after 习近 runs on to 平总书记.
DATE_OF_THE_INSPECTION = "ev:zj2020-0fd24be0d665"
#: The survey of 2014-2015 (二.1, [507,533)): a list item of its own.
SURVEY = "ev:zj2020-48608ee18f4e"


# -- the paragraph --------------------------------------------------------------------------------

def test_paragraph_is_the_line_holding_the_span() -> None:
    text = "一、标题\n\n第一段的文字。\n- 一是第二段的文字写得比较长一些。\n- 二是第三段。\n"
    start = text.index("第二段")
    paragraph = find_paragraph(text, start, start + 3)
    assert paragraph is not None
    assert paragraph.text == "- 一是第二段的文字写得比较长一些。"
    assert text[paragraph.start:paragraph.end] == paragraph.text


def test_paragraph_runs_on_across_a_page_break_in_mid_sentence() -> None:
    head = "二、上海市委推进情况"
    body = "2014年5月,总书记在上海视察时,要求上海加快向科技创新中心进军。为全面落实习近"
    text = f"{head}\n\n{body}\n\n平总书记讲话精神,建立领导小组。\n\n三、下一节\n"
    paragraph = find_paragraph(text, text.index("2014"), text.index("2014") + 7)
    assert paragraph is not None
    assert paragraph.text == f"{body}\n\n平总书记讲话精神,建立领导小组。"  # not the heading, not 三


def test_paragraph_holds_a_span_across_lines_whole_and_none_outside_the_text() -> None:
    text = "第一行的文字到此为止。\n第二行的文字。\n"
    paragraph = find_paragraph(text, 3, text.index("第二行") + 2)
    assert paragraph is not None and paragraph.start == 0 and paragraph.text.endswith("第二行的文字。")
    assert find_paragraph(text, 5, len(text) + 1) is None


def test_paragraph_in_the_real_report_stops_at_its_heading_and_crosses_the_page_break() -> None:
    text = require_shared(SOURCE_REPORT).read_text(encoding="utf-8")
    paragraph = find_paragraph(text, 279, 286)
    assert paragraph is not None
    assert paragraph.text.startswith("2014年5月,习近平总书记在上海视察时")
    assert "习近\n\n平总书记讲话精神" in paragraph.text
    assert paragraph.text.endswith("批复同意建设张江综合性国家科学中心。")


# -- naming evidence --------------------------------------------------------------------------------

@pytest.mark.parametrize("form", ["ev:zj2020-48608ee18f4e", "zj2020-48608ee18f4e",
                                  f"{EV}zj2020-48608ee18f4e", f"<{EV}zj2020-48608ee18f4e>"])
def test_evidence_is_named_by_curie_iri_or_local_name(form: str) -> None:
    assert evidence_iri(form) == f"{EV}zj2020-48608ee18f4e"


def test_an_evidence_id_must_be_given_and_be_no_name() -> None:
    with pytest.raises(BadRequestError):
        evidence_iri(" ")
    with pytest.raises(EvidenceNotFoundError):
        evidence_iri("科创办")


# -- the service over the bundled graph -------------------------------------------------------------

def test_reading_with_the_report_text_gives_the_paragraph_and_no_note(bundled_store: GraphStore) -> None:
    require_shared(SOURCE_REPORT)
    reader = services_over(bundled_store, SOURCE_REPORT.parent).reader
    reading = reader.read(SURVEY, base_url="https://kg.example/")
    assert reading.paragraph is not None and reading.notes == ()
    assert reading.citation.text == "2014-2015 年,上海市开展了为期一年的大调研"
    assert reading.citation.text in reading.paragraph.text
    assert reading.cite.permalink == f"https://kg.example/evidence/{SURVEY}"


def test_reading_without_the_report_text_says_why_there_is_no_paragraph(
        bundled_store: GraphStore) -> None:
    reader = services_over(bundled_store, PROJECT_ROOT / "no-report-texts-here").reader
    reading = reader.read(SURVEY, base_url="http://localhost:8000")
    assert reading.paragraph is None
    assert reading.notes and "000_16dc973f41d2697c.txt" in reading.notes[0]
    assert "KG_SOURCES_DIR" in reading.notes[0]
    assert reading.to_dict()["paragraph"] is None


def test_the_citation_is_in_a_standard_form_in_each_language(bundled_store: GraphStore) -> None:
    reader = services_over(bundled_store).reader
    zh = reader.read(SURVEY, base_url="http://h", lang="zh").cite
    assert zh.text == ("丝路科创谷发展战略规划专题调研组. 关于赴上海张江科学城交流考察工作的报告[R]. "
                       f"西咸研究院, 2020: 二.1节, 第507–533字(码位). http://h/evidence/{SURVEY}.")
    assert zh.style.startswith("GB/T 7714")
    en = reader.read(SURVEY, base_url="http://h", lang="en").cite
    assert en.text.startswith("Research Team on the Development Strategy and Planning of the Silk Road "
                              "Innovation Valley. (2020, June 12). 关于赴上海张江科学城交流考察工作的报告 "
                              "[Report on the study visit to Zhangjiang Science City, Shanghai] (No. 12).")
    assert "Section 二.1, characters (code points) 507–533." in en.text
    assert en.bibtex.startswith("@techreport{innokg-zj2020-48608ee18f4e,")
    assert "note = {Section 二.1, code points 507--533}" in en.bibtex


# -- GET /evidence/{id} -----------------------------------------------------------------------------

def test_evidence_api_answers_the_contract(client: TestClient) -> None:
    require_shared(SOURCE_REPORT)
    response = client.get(f"/evidence/{DATE_OF_THE_INSPECTION}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["evidence"] == f"{EV}zj2020-0fd24be0d665" and body["id"] == DATE_OF_THE_INSPECTION
    assert body["document"]["iri"] == "https://w3id.org/innokg/id/report-xixian-2020-12"
    assert body["document"]["title"] == "关于赴上海张江科学城交流考察工作的报告"
    assert body["document"]["issuer"] == "西咸研究院" and body["document"]["date"] == "2020-06-12"
    assert body["section"] == {"number": "一", "title": "国家层面部署安排情况"}
    assert (body["start"], body["end"], body["text"]) == (279, 286, "2014年5月")
    paragraph = body["paragraph"]
    assert paragraph["start"] <= body["start"] < body["end"] <= paragraph["end"]
    offset = paragraph["start"]
    assert paragraph["text"][body["start"] - offset:body["end"] - offset] == "2014年5月"
    [statement] = body["statements"]
    assert statement["subject"]["id"] == "inspection-2014-05"
    assert statement["predicate"]["curie"] == "dcterms:date"
    assert statement["object"]["literal"] == "2014-05"
    assert statement["text"]["zh"] == "习近平总书记视察上海 日期 2014-05"
    assert body["cite"]["permalink"] == f"http://testserver/evidence/{DATE_OF_THE_INSPECTION}"
    assert body["cite"]["text"].startswith("丝路科创谷发展战略规划专题调研组. 关于赴上海张江科学城")


@pytest.mark.parametrize("form", [f"{EV}zj2020-48608ee18f4e", "zj2020-48608ee18f4e",
                                  "https%3A%2F%2Fw3id.org%2Finnokg%2Fid%2Fev%2Fzj2020-48608ee18f4e"])
def test_evidence_api_takes_the_iri_and_the_local_name(client: TestClient, form: str) -> None:
    response = client.get(f"/evidence/{form}")
    assert response.status_code == 200, response.text
    assert response.json()["id"] == SURVEY


def test_evidence_api_statement_joins_two_entities(client: TestClient) -> None:
    # 科创办 内设 产业促进处: an evidence node of org:hasUnit.
    rows = client.get("/entities/shanghai-stc-office").json()
    evidence = next(c["evidence"] for f in rows["outgoing"] if f["property"]["curie"] == "org:hasUnit"
                    for c in f["citations"])
    body = client.get("/evidence/" + evidence.rsplit("/", 1)[-1], params={"lang": "en"}).json()
    [statement] = body["statements"]
    assert statement["subject"]["id"] == "shanghai-stc-office"
    assert statement["object"]["id"].startswith("stc-office-") and statement["object"]["label"]["zh"]
    assert statement["predicate"]["label"] == {"zh": "内设", "en": "has unit"}
    assert body["lang"] == "en" and body["document"]["issuer"] == "Xixian Research Institute"


@pytest.mark.parametrize("form", ["ev:zj2020-nope", "shanghai-stc-office", "id:shanghai-stc-office"])
def test_evidence_api_is_404_for_what_names_no_evidence(client: TestClient, form: str) -> None:
    response = client.get(f"/evidence/{form}")
    assert response.status_code == 404
    assert response.json()["code"] == "evidence_not_found"
    assert form in response.json()["detail"]


def test_evidence_api_refuses_an_unknown_language(client: TestClient) -> None:
    response = client.get(f"/evidence/{SURVEY}", params={"lang": "fr"})
    assert response.status_code == 400
    assert "lang" in response.json()["detail"]
