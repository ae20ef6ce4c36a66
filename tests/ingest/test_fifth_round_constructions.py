"""Constructions of the fifth round (developed on blind/nanjing, blind/hefei and the seed's development
sections): 位于, a district after its city, places written one after the other, a unit named after its
body, 其办公室设在Y, an approval with the topic first (X于DATE经Y批准成立), 走访 lists, a person before
任, dated starts of work (开工/运营), 增设, 由A和B共同出资建设, the subject of a 牵头 clause, and the
scoring of numbers by value. Each on a short text written for it, with made-up names."""

from __future__ import annotations

from pathlib import Path

from kg.ingest.evaluation import evaluate, read_graph
from kg.ingest.extraction import Extraction, extract
from kg.ingest.facts import Value


def _facts(extraction: Extraction, predicate: str) -> set[tuple[str, str | Value]]:
    return {(f.subject, f.object) for f in extraction.facts if f.predicate == predicate}


def _lexicals(extraction: Extraction, predicate: str) -> set[tuple[str, str]]:
    return {(s, o.lexical) for s, o in _facts(extraction, predicate) if isinstance(o, Value)}


def test_what_lies_in_a_district_of_a_city_is_located_in_the_district() -> None:
    found = extract("青川实验室位于江城市梅溪区,实行理事会领导下的主任负责制。")
    assert ("青川实验室", "梅溪区") in _facts(found, "ikg:locatedIn")
    assert ("梅溪区", "江城市") in _facts(found, "ikg:locatedIn")
    assert found.entities["梅溪区"].kind == "schema:AdministrativeArea"


def test_a_headquarters_lies_where_it_is_said_to() -> None:
    found = extract("江城产业技术研究院总部位于江城科学城,主要有三项改革举措。")
    assert ("江城产业技术研究院", "江城科学城") in _facts(found, "ikg:locatedIn")


def test_a_unit_named_after_its_body_is_a_unit_of_it_and_not_located_by_the_name() -> None:
    found = extract("考察组与江城新区管理委员会科技创新局、青川实验室综合办公室座谈。")
    units = _facts(found, "org:unitOf")
    assert ("江城新区管理委员会科技创新局", "江城新区管理委员会") in units
    assert ("青川实验室综合办公室", "青川实验室") in units
    assert not {o for s, o in _facts(found, "ikg:locatedIn") if s == "江城新区管理委员会科技创新局"}


def test_the_body_housing_a_groups_office_does_its_daily_work() -> None:
    found = extract("江城新区建设领导小组由江城市委、市政府组建,其办公室设在江城新区管委会,"
                    "承担领导小组日常工作。")
    assert ("江城新区管委会", "江城新区建设领导小组") in _facts(found, "ikg:handlesDailyWorkOf")
    assert not _facts(found, "org:subOrganizationOf")


def test_an_approval_with_the_approved_body_first_and_a_date_between() -> None:
    found = extract("江城产业技术研究院于2013年12月经江城省人民政府批准成立,是省政府直属事业单位。")
    assert ("江城省人民政府", "江城产业技术研究院") in _facts(found, "ikg:approves")
    assert not any(k.startswith("2013") for k in found.entities)
    assert not {o for s, o in _facts(found, "ikg:approves") if s == "江城产业技术研究院"}
    # 批准成立,是省政府…: the body after the clause was not set up
    assert not _facts(found, "ikg:establishedThing")


def test_what_a_visit_walked_through_was_visited() -> None:
    found = extract("2020年7月14日,江城研究院一行赴青川新区开展交流考察,先后实地走访青川实验室、"
                    "青川产业技术研究院以及青川新区产业技术研创园,与有关同志座谈。")
    visited = {o for _, o in _facts(found, "ikg:visited")}
    assert {"青川实验室", "青川产业技术研究院", "青川新区产业技术研创园"} <= visited
    assert "先后实地走访青川实验室" not in found.entities


def test_a_person_before_ren_is_named_without_it() -> None:
    found = extract("研究院实行理事会领导下的院长负责制,周明任院长。")
    assert "周明" in found.entities and "周明任" not in found.entities


def test_a_dated_start_of_work_or_service_is_the_start_date_of_the_thing_it_is_about() -> None:
    found = extract("青川实验室重点建设江城网络试验设施,该设施由青川实验室负责建设运行,2019年9月正式开工。"
                    "新区组建江城集成电路服务中心,该中心于2018年10月正式运营。")
    starts = _lexicals(found, "schema:startDate")
    assert ("江城网络试验设施", "2019-09") in starts
    assert ("江城集成电路服务中心", "2018-10") in starts
    assert not {o for s, o in starts if s == "青川实验室"}


def test_a_unit_added_to_a_body_is_set_up_by_it() -> None:
    found = extract("2018年3月,江城高新区管委会更名为江城研创园管理办公室;次年,江城研创园管理办公室"
                    "又增设了江城知识产权服务中心。")
    assert ("江城研创园管理办公室", "江城知识产权服务中心") in _facts(found, "ikg:establishes")


def test_bodies_that_pay_for_building_a_thing_fund_it_and_the_subject_of_the_next_clause_leads_it() -> None:
    found = extract("2018年2月,江城省决定组建青川实验室,该实验室由江城省人民政府和青川市人民政府共同出资建设,"
                    "青山大学牵头,联合江城邮电大学共同参与。")
    funds = _facts(found, "ikg:funds")
    assert {("江城省人民政府", "青川实验室"), ("青川市人民政府", "青川实验室")} <= funds
    leads = {s for s, o in _facts(found, "ikg:leads") | _facts(found, "ikg:coLeads") if o == "青川实验室"}
    assert leads == {"青山大学"}


_GOLD = """@prefix ikg: <https://w3id.org/innokg/ontology#> .
@prefix id: <https://w3id.org/innokg/id/> .
@prefix ev: <https://w3id.org/innokg/evidence/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
id:r a ikg:Report ; skos:prefLabel "关于某事的报告"@zh ; ikg:issueNumber 15 .
id:a a schema:MonetaryAmount ; schema:value "%s"^^xsd:decimal .
ev:1 a ikg:Evidence ; rdf:subject id:a ; rdf:predicate schema:value ; rdf:object "%s"^^xsd:decimal .
ev:2 a ikg:Evidence ; rdf:subject id:r ; rdf:predicate ikg:issueNumber ; rdf:object 15 .
"""


def test_numbers_are_scored_by_value_and_the_report_counts_without_a_cited_type(tmp_path: Path) -> None:
    gold, found = tmp_path / "gold.ttl", tmp_path / "found.ttl"
    gold.write_text(_GOLD % ("1000000000.0", "1000000000.0"), encoding="utf-8")
    found.write_text(_GOLD % ("1000000000", "1000000000"), encoding="utf-8")
    scores = evaluate(read_graph(gold), read_graph(found))
    assert scores["numbers"].recall == scores["numbers"].precision == 1.0
    assert scores["entities"].gold == 1  # the report, whose type the gold does not cite
    found.write_text(_GOLD % ("1000000001", "1000000001"), encoding="utf-8")
    assert evaluate(read_graph(gold), read_graph(found))["numbers"].recall == 0.5


def test_a_council_that_an_institution_is_run_under_governs_it_with_its_members_and_head() -> None:
    found = extract("青川实验室位于江城市梅溪区,实验室实行理事会领导下的主任负责制,理事会由江城省科技厅、"
                    "江城市人民政府以及青山大学等共同组成,周明院士担任实验室主任。")
    assert ("青川实验室理事会", "青川实验室") in _facts(found, "ikg:governs")
    members = {s for s, o in _facts(found, "ikg:partOf") if o == "青川实验室理事会"}
    assert members == {"江城省科技厅", "江城市人民政府", "青山大学"}
    assert ("周明", "青川实验室主任") in _facts(found, "org:holds")
    assert ("青川实验室主任", "青川实验室") in _facts(found, "org:postIn")


def test_a_head_appointed_by_you_belongs_to_the_body_named_before_not_the_subject() -> None:
    found = extract("领导小组另设专家咨询委员会,由江城大学常务副校长赵青担任主任。")
    assert not any(k.startswith("江城大学主任") for k in found.entities)


def test_a_numbered_group_keeps_its_kind_word_and_an_item_holding_a_joiner() -> None:
    found = extract("青川实验室下设网络通信、网络安全、内生安全、毫米波与太赫兹四个研究方向。"
                    "2019年5月,新区管委会设立江城科技创新发展基金,总规模50亿元,"
                    "重点投向集成电路、生命健康和新金融三大主导产业。")
    parts = _facts(found, "ikg:partOf")
    directions = {s for s, o in parts if o == "四个研究方向"}
    assert directions == {"网络通信", "网络安全", "内生安全", "毫米波与太赫兹"}
    assert ("青川实验室", "四个研究方向") in _facts(found, "ikg:focusesOn")
    assert {s for s, o in parts if o == "三大主导产业"} == {"集成电路", "生命健康", "新金融"}
    focus = {o for s, o in _facts(found, "ikg:focusesOn") if s == "江城科技创新发展基金"}
    assert {"三大主导产业", "集成电路", "生命健康", "新金融"} <= focus


def test_a_visit_over_several_days_has_a_start_and_an_end() -> None:
    found = extract("2020年8月7日\n\n7月14日至15日,江城研究院一行赴青川新区开展交流考察。")
    visits = [k for k, e in found.entities.items() if e.kind == "ikg:StudyVisit"]
    assert len(visits) == 1
    assert (visits[0], "2020-07-14") in _lexicals(found, "schema:startDate")
    assert (visits[0], "2020-07-15") in _lexicals(found, "schema:endDate")


def test_recipients_named_each_of_are_in_the_area_the_other_recipients_are_named_after() -> None:
    found = extract("(第3期)\n\n江城研究院\n\n2020年8月7日\n\n关于赴某地考察的报告\n\n"
                    "一、基本情况\n\n江城新区管委会组织考察组赴青川市考察,座谈交流。现将有关情况报告如下。\n\n"
                    "送: 江城新区管委会、江城集团班子成员。\n\n"
                    "发: 各新城管委会班子成员及部门,江城管委会各部门、江城集团各部门,各街办(镇)。\n")
    distributed = {o for s, o in _facts(found, "ikg:distributedTo")}
    assert {"各新城管委会", "各街办(镇)"} <= distributed
    located = _facts(found, "ikg:locatedIn")
    assert ("各新城管委会", "江城新区") in located and ("各街办(镇)", "江城新区") in located
