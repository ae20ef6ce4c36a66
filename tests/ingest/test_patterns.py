"""Patterns that read names without a head of their own and the report's advice, on short texts
written for each: lists and numbered groups, a list's kind from the clause before it, recommendations,
bodies named without their place, words that hold a boundary character, quoted words inside names,
descriptions that are no names. The reports written for the tests (tests/fixtures/ingest) are read
into graphs that conform to the shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT, Settings
from kg.ingest.extraction import Extraction, extract
from kg.ingest.facts import Value
from kg.ingest.pipeline import ingest_source
from kg.ingest.source import load_report
from kg.store import GraphStore
from kg.validation import validate_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def _kinds(extraction: Extraction) -> dict[str, str]:
    return {key: entity.kind for key, entity in extraction.entities.items()}


def _facts(extraction: Extraction, predicate: str) -> set[tuple[str, str | Value]]:
    return {(f.subject, f.object) for f in extraction.facts if f.predicate == predicate}


def test_a_list_before_a_numbered_group_gives_its_parts_in_order() -> None:
    found = extract("围绕海洋科学、空间科学和生命科学三大方向开展研究。")
    kinds = _kinds(found)
    assert kinds["三大方向"] == "ikg:PriorityArea"
    assert {kinds[k] for k in ("海洋科学", "空间科学", "生命科学")} == {"ikg:PriorityArea"}
    assert _facts(found, "ikg:partOf") == {(k, "三大方向") for k in ("海洋科学", "空间科学", "生命科学")}
    positions = {s: o.lexical for s, o in _facts(found, "schema:position") if isinstance(o, Value)}
    assert positions == {"海洋科学": "1", "空间科学": "2", "生命科学": "3"}
    assert ("三大方向", Value("3", "xsd:integer")) in _facts(found, "schema:numberOfItems")


def test_a_list_after_its_kind_names_facilities_without_a_head() -> None:
    found = extract("江城科学城已建成大科学装置3个,包括极端光场验证装置、深海模拟设施和子午工程三期等。")
    kinds = _kinds(found)
    assert kinds["子午工程三期"] == "ikg:MajorScienceFacility"
    assert kinds["极端光场验证装置"] == "ikg:MajorScienceFacility"
    located = _facts(found, "ikg:locatedIn")
    assert {("子午工程三期", "江城科学城"), ("深海模拟设施", "江城科学城")} <= located
    assert ("江城科学城", Value("3", "xsd:integer")) in _facts(found, "ikg:facilityCount")


def test_descriptions_of_a_kind_are_no_names() -> None:
    found = extract("江城市集中布局大科学装置,建设高水平实验室,设立专项基金和配套设施。")
    assert not {"大科学装置", "高水平实验室", "专项基金", "配套设施"} & set(found.entities)


ADVICE = """关于赴江城科学城学习考察的报告

一、江城市推进情况

2019年3月,江城市委、市政府成立江城科学城建设领导小组。

四、几点建议

一是设立江城科技创新基金。建议省委、省政府设立规模20亿元的江城科技创新基金,重点支持初创企业。

二是争取重大科技基础设施。争取将超导磁体试验装置列入国家"十四五"重大科技基础设施规划。
"""


@pytest.fixture(scope="module")
def advice() -> Extraction:
    return extract(ADVICE)


def test_the_items_of_a_part_of_advice_are_its_recommendations(advice: Extraction) -> None:
    kinds = _kinds(advice)
    assert kinds["几点建议"] == "ikg:RecommendationSet"
    assert kinds["设立江城科技创新基金"] == kinds["争取重大科技基础设施"] == "ikg:Recommendation"
    assert _facts(advice, "ikg:partOf") >= {("设立江城科技创新基金", "几点建议"),
                                             ("争取重大科技基础设施", "几点建议")}
    assert ("设立江城科技创新基金", "江城科技创新基金") in _facts(advice, "ikg:proposes")
    addressed = {o for s, o in _facts(advice, "ikg:addressedTo") if s == "设立江城科技创新基金"}
    assert addressed == {"省委", "省政府"}


def test_a_plan_a_recommendation_asks_to_enter_keeps_its_quoted_words(advice: Extraction) -> None:
    plan = '国家"十四五"重大科技基础设施规划'
    assert _kinds(advice)[plan] == "ikg:Plan"
    assert ("超导磁体试验装置", plan) in _facts(advice, "ikg:proposedForInclusionIn")


def test_a_government_named_without_its_place_is_the_city_named_before(advice: Extraction) -> None:
    assert _kinds(advice)["江城市人民政府"] == "ikg:GovernmentBody"
    assert "市政府" in advice.entities["江城市人民政府"].aliases
    assert ("江城市人民政府", "江城科学城建设领导小组") in _facts(advice, "ikg:establishes")


def test_a_word_that_holds_a_boundary_character_stays_in_the_name() -> None:
    found = extract("2018年5月,将江城雁栖经济开发区管理委员会更名为江城科学城管理委员会。")
    assert ("江城雁栖经济开发区管理委员会", "江城科学城管理委员会") in _facts(found, "ikg:renamedTo")


def test_a_field_joined_by_he_is_part_of_a_bureau_name() -> None:
    found = extract("9月1日,江城新区科技创新和工业信息化局组团赴海城科学城开展学习考察。")
    assert "江城新区科技创新和工业信息化局" in found.entities
    assert "工业信息化局" not in found.entities


@pytest.mark.parametrize("report", ["huairou", "guangming", "chengdu", "wuhan", "suzhou"])
def test_the_candidates_of_the_reports_written_for_the_tests_conform(report: str, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    source = load_report(FIXTURES / f"{report}-report.txt", max_bytes=10_000_000)
    result = ingest_source(source, datetime(2021, 1, 1, tzinfo=UTC))
    empty = tmp_path / "no-data"
    empty.mkdir()
    store = GraphStore.open(Settings(in_memory=True, bundled_data_dir=empty, warm_up=False,
                                     query_workers=1))
    try:
        store.load_bytes(result.trig.encode("utf-8"), fmt="trig")
        report_ = validate_store(store, PROJECT_ROOT / "ontology" / "shapes.ttl")
    finally:
        store.close()
    assert report_.conforms, [str(v) for v in report_.violations][:10]
