"""Constructions of the fourth round: the ways other authors say what the earlier patterns read in one
author's wording (posts and duties, 设在, 内设…N个处室, 由X负责建设, 出资, 依托, 代管, 派出机构, 撤销,
anaphora like 该中心/该基金, declared short forms used later, 同年/次年/次日, qualified amounts,
dated set-ups and approvals of a body set up, a leader's inspection, what a study visit saw). Each on a
short text written for it, with place, body and person names made up for the tests."""

from __future__ import annotations

from kg.ingest.extraction import Extraction, extract
from kg.ingest.facts import Value


def _facts(extraction: Extraction, predicate: str) -> set[tuple[str, str | Value]]:
    return {(f.subject, f.object) for f in extraction.facts if f.predicate == predicate}


def _events(extraction: Extraction, kind: str) -> list[str]:
    return [k for k, e in extraction.entities.items() if e.kind == kind]


def _dates(extraction: Extraction, event: str) -> set[str]:
    return {o.lexical for s, o in _facts(extraction, "dcterms:date") if s == event and isinstance(o, Value)}


def test_a_person_after_a_title_before_yiji_is_named_without_the_conjunction() -> None:
    found = extract("考察组与江城科学中心办公室综合协调处处长刘海、重大平台处副处长周敏以及江城控股集团"
                    "副总经理陈立等同志座谈。")
    assert ("周敏", "重大平台处副处长") in _facts(found, "org:holds")
    assert ("陈立", "江城控股集团副总经理") in _facts(found, "org:holds")
    assert "周敏以" not in found.entities


def test_a_governor_without_a_place_is_the_governor_of_the_province_named_before() -> None:
    found = extract("2019年3月,江西省委、省政府成立江西科学城建设领导小组,由省长任组长,"
                    "分管副省长和南昌市委书记任副组长。")
    posts = {k for k, e in found.entities.items() if e.kind == "org:Post"}
    assert {"江西省省长", "江西省分管副省长", "南昌市委书记"} <= posts
    assert ("江西省省长", "江西省人民政府") in _facts(found, "org:postIn")
    assert ("江西省省长", "江西科学城建设领导小组") in _facts(found, "ikg:leads")
    # A post joined by 和 is no part of the party committee's name.
    assert not any(k.startswith("分管副省长和") for k in found.entities)


def test_who_is_appointed_head_of_a_committee_holds_its_post_and_leads_it() -> None:
    found = extract("领导小组另设专家咨询委员会,由江城大学常务副校长赵青担任主任。")
    assert ("赵青", "专家咨询委员会主任") in _facts(found, "org:holds")
    assert ("专家咨询委员会主任", "专家咨询委员会") in _facts(found, "org:postIn")
    assert ("赵青", "专家咨询委员会") in _facts(found, "ikg:leads")
    assert ("赵青", "江城大学常务副校长") in _facts(found, "org:holds")


def test_an_office_seated_in_a_body_is_part_of_it() -> None:
    found = extract("江城科学城建设领导小组办公室设在江城市发展改革委,承担领导小组日常工作。")
    assert ("江城科学城建设领导小组办公室", "江城市发展改革委") in _facts(found, "org:subOrganizationOf")


def test_units_set_inside_a_body_with_their_count() -> None:
    found = extract("2020年5月,组建江城科学中心办公室,内设综合协调处、重大平台处和成果转化处3个处室。")
    units = {s for s, o in _facts(found, "org:unitOf") if o == "江城科学中心办公室"}
    assert units == {"综合协调处", "重大平台处", "成果转化处"}
    assert ("江城科学中心办公室", Value("3", "xsd:integer")) in _facts(found, "schema:numberOfItems")
    assert "内设综合协调处" not in found.entities


def test_a_dated_setting_up_is_an_establishment_event() -> None:
    found = extract("2017年2月,江西省委、省政府成立江西科学城建设领导小组。")
    [event] = _events(found, "ikg:Establishment")
    assert _dates(found, event) == {"2017-02"}
    assert (event, "江西科学城建设领导小组") in _facts(found, "ikg:establishedThing")
    agents = {o for s, o in _facts(found, "prov:wasAssociatedWith") if s == event}
    assert agents == {"江西省委", "江西省人民政府"}


def test_a_body_set_up_with_approval_is_approved_not_set_up_by_the_approver() -> None:
    found = extract("2019年5月16日,经江西省委编委批复,组建江城科学中心办公室。")
    assert ("江西省委编委", "江城科学中心办公室") in _facts(found, "ikg:approves")
    assert not _facts(found, "ikg:establishes")
    [approval] = _events(found, "ikg:Approval")
    assert (approval, "江城科学中心办公室") in _facts(found, "ikg:approvedThing")
    [event] = _events(found, "ikg:Establishment")
    assert _dates(found, event) == {"2019-05-16"}


def test_launching_an_area_sets_it_up() -> None:
    found = extract("2018年,江城市委、市政府启动江城科学城规划建设。")
    assert ("江城市人民政府", "江城科学城") in _facts(found, "ikg:establishes")
    [event] = _events(found, "ikg:Establishment")
    assert _dates(found, event) == {"2018"}


def test_same_year_and_next_day_count_from_the_date_before() -> None:
    found = extract("2018年,江城市人民政府启动江城科学城规划建设。目前,2019年实现产值约860亿元。"
                    "同年12月,江城市人民政府印发《江城科学城总体规划(2018—2035年)》。")
    plan = "江城科学城总体规划(2018—2035年)"
    assert (plan, Value("2018-12", "xsd:gYearMonth")) in _facts(found, "dcterms:issued")
    assert (plan, Value("2018", "xsd:gYear")) in _facts(found, "schema:startDate")
    assert (plan, Value("2035", "xsd:gYear")) in _facts(found, "schema:endDate")
    visit = extract("2020年6月16日,江城研究室组团赴海城市开展学习考察。次日,考察组赴海城大学参观考察。")
    days = sorted(d for e in _events(visit, "ikg:StudyVisit") for d in _dates(visit, e))
    assert days[-1].endswith("-06-17")


def test_next_year_is_the_year_after() -> None:
    found = extract("2019年5月,江城市政府成立江城创新委员会。次年,江城市政府成立江城人才办公室。")
    years = {d for e in _events(found, "ikg:Establishment") for d in _dates(found, e)}
    assert years == {"2019-05", "2020"}


def test_the_centre_named_by_gai_is_the_one_named_before() -> None:
    found = extract("2017年,国家批复建设江城综合性国家科学中心。该中心由江西省人民政府和江城大学共同牵头建设,"
                    "已建和在建大科学装置共6个。")
    leaders = {s for s, o in _facts(found, "ikg:coLeads") | _facts(found, "ikg:leads")
               if o == "江城综合性国家科学中心"}
    assert leaders == {"江西省人民政府", "江城大学"}
    assert ("江城综合性国家科学中心", Value("6", "xsd:integer")) in _facts(found, "ikg:facilityCount")


def test_a_body_that_pays_funds_the_fund_set_up_and_the_fund_invests_in_what_follows() -> None:
    found = extract("江城控股集团出资20亿元,与江城大学共同发起设立江城天使投资基金,"
                    "重点投向量子信息、先进核能和人工智能等领域。建议由海城集团出资,设立规模不低于10亿元的海城天使基金。")
    assert ("江城控股集团", "江城天使投资基金") in _facts(found, "ikg:funds")
    assert ("海城集团", "海城天使基金") in _facts(found, "ikg:funds")
    assert ("江城大学", "江城天使投资基金") in _facts(found, "ikg:establishes")
    focus = _facts(found, "ikg:focusesOn")
    assert {("江城天使投资基金", "量子信息"), ("江城天使投资基金", "人工智能")} <= focus
    # The 20亿元 are what the group puts in, not an amount the group has.
    assert not any(s == "江城控股集团" for s, _ in _facts(found, "ikg:amount"))


def test_a_qualified_amount_keeps_its_bound() -> None:
    found = extract("江城市设立江城人才发展专项资金,每年安排不低于5亿元,"
                    "对顶尖人才团队给予最高1亿元综合资助。")
    floors = {o.lexical for _, o in _facts(found, "schema:minValue") if isinstance(o, Value)}
    ceilings = {o.lexical for _, o in _facts(found, "schema:maxValue") if isinstance(o, Value)}
    assert floors == {"500000000"} and ceilings == {"100000000"}
    assert not any(k.startswith("不低于") for k in found.entities)


def test_a_body_that_builds_a_facility_runs_it() -> None:
    found = extract("2019年5月,国家发展改革委批复建设江城聚变研究设施,由江城物质科学研究院负责建设和运行。")
    assert ("江城物质科学研究院", "江城聚变研究设施") in _facts(found, "ikg:governs")


def test_a_declared_short_form_names_the_body_where_it_is_used_later() -> None:
    found = extract("江城科学技术大学(以下简称“江城科大”)牵头建设。"
                    "由江城科大常务副校长赵青担任主任。")
    assert ("江城科大常务副校长", "江城科学技术大学") in _facts(found, "org:postIn")


def test_what_is_built_on_a_body_is_set_up_by_it() -> None:
    found = extract("依托江城物质科学研究院建成离子医学中心、超导检测中心等共享平台12个。")
    built = {o for s, o in _facts(found, "ikg:establishes") if s == "江城物质科学研究院"}
    assert built == {"离子医学中心", "超导检测中心"}


def test_managing_on_behalf_a_branch_and_an_abolished_body() -> None:
    found = extract("江城新区管委会代管海川街道办事处。江城科技局为江城市人民政府派出机构。"
                    "2020年3月,江城市政府撤销江城创新办公室。")
    assert ("江城新区管委会", "海川街道办事处") in _facts(found, "ikg:governs")
    assert ("江城科技局", "江城市人民政府") in _facts(found, "org:subOrganizationOf")
    [event] = _events(found, "org:ChangeEvent")
    assert (event, "江城创新办公室") in _facts(found, "org:originalOrganization")
    assert _dates(found, event) == {"2020-03"}


def test_a_leaders_visit_is_an_inspection_and_a_study_visit_sees_what_it_lists() -> None:
    found = extract("2016年4月,习近平总书记在江西考察时,要求加快建设江城科学中心。")
    assert _events(found, "ikg:Inspection") and not _events(found, "ikg:StudyVisit")
    visit = extract("2020年6月16日,江城研究室会同江城集团组成考察组赴江西省南昌市开展交流考察,"
                    "实地调研南昌科学城规划馆、南昌大学先进技术研究院等考察点。")
    [event] = _events(visit, "ikg:StudyVisit")
    went = {o for s, o in _facts(visit, "prov:wasAssociatedWith") if s == event}
    assert went == {"江城研究室", "江城集团"}
    seen = {o for s, o in _facts(visit, "ikg:visited") if s == event}
    assert {"南昌市", "南昌科学城规划馆", "南昌大学先进技术研究院"} <= seen
    assert "江西省" not in seen


def test_the_recommendations_are_the_set_their_introduction_counts() -> None:
    text = ("一、情况\n\n江城推进科学城建设。\n\n二、几点启示和建议\n\n结合实际,提出以下三点建议:\n\n"
            "1.设立江城天使投资基金。建议由江城集团出资。\n\n2.建立推进机制。建议成立领导小组。\n\n"
            "3.加大人才引育力度。建议设立人才基金。\n")
    found = extract(text)
    sets = {k for k, e in found.entities.items() if e.kind == "ikg:RecommendationSet"}
    assert sets == {"三点建议"}
    assert ("三点建议", Value("3", "xsd:integer")) in _facts(found, "schema:numberOfItems")
    # An investment fund without a name of its own is no entity.
    assert "科技创新投资基金" not in extract("设立科技创新投资基金。").entities


def test_what_is_approved_may_be_named_before_its_approver() -> None:
    found = extract("2018年3月,江城科学城总体规划由江西省人民政府批复。")
    assert ("江西省人民政府", "江城科学城总体规划") in _facts(found, "ikg:approves")


def test_an_agreement_signed_by_two_bodies_is_a_dated_event_of_both() -> None:
    found = extract("2020年,江城科学院与江西省人民政府签署共建协议,布局建设江城光源。")
    [event] = _events(found, "ikg:Event")
    assert _dates(found, event) == {"2020"}
    parties = {o for s, o in _facts(found, "prov:wasAssociatedWith") if s == event}
    assert parties == {"江城科学院", "江西省人民政府"}


def test_an_amount_with_yu_is_more_than_its_figure() -> None:
    found = extract("江城市设立江城产业引导基金,规模50余亿元。")
    floors = {o.lexical for _, o in _facts(found, "schema:minValue") if isinstance(o, Value)}
    assert floors == {"5000000000"}


def test_a_build_period_is_the_duration_of_the_facility() -> None:
    found = extract("国家批复建设江城聚变研究设施,项目总投资约42亿元,建设周期5年。")
    assert ("江城聚变研究设施", Value("P5Y", "xsd:duration")) in _facts(found, "schema:duration")
    about = {o.lexical for _, o in _facts(found, "schema:description") if isinstance(o, Value)}
    assert about == {"约数"}


def test_a_directive_named_by_a_title_is_issued_by_the_person_holding_it() -> None:
    found = extract("2016年4月,习近平总书记在江西考察时提出要求。为贯彻落实总书记重要指示精神,"
                    "国家发展改革委、科技部联合批复《江城综合性国家科学中心建设方案》。")
    directive = next(k for k, e in found.entities.items() if e.kind == "ikg:Directive")
    assert ("习近平", directive) in _facts(found, "ikg:issues")
    assert ("习近平", "总书记") in _facts(found, "org:holds")
    implementing = {s for s, o in _facts(found, "ikg:implements") if o == directive}
    assert implementing == {"国家发展改革委", "科技部"}
