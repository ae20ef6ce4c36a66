"""The candidate graph of a report: every quote is its span of the original text, the same report gives
the same bytes, the graph conforms to the shapes, and the patterns read a report written for this test
(tests/fixtures/ingest/synthetic-report.txt: a visit to Hefei, not the bundled report)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS, XSD

from kg.config import PROJECT_ROOT, Settings
from kg.ingest.pipeline import Ingested, ingest_source
from kg.ingest.source import ReportSource, load_report
from kg.namespaces import IKG, OA, ORG, SDO
from kg.store import GraphStore
from kg.validation import validate_store
from support import SOURCE_REPORT, require_shared

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "synthetic-report.txt"
WHEN = datetime(2021, 9, 9, tzinfo=UTC)


def _ingest(path: Path) -> Ingested:
    return ingest_source(load_report(path, max_bytes=10_000_000), WHEN)


@pytest.fixture(scope="module")
def synthetic() -> Ingested:
    return _ingest(FIXTURE)


def _dataset(result: Ingested) -> rdflib.Dataset:
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=result.trig, format="trig")
    return dataset


def _by_label(dataset: rdflib.Dataset, label: str) -> rdflib.term.Node:
    found = [s for s in dataset.subjects(SKOS.prefLabel, rdflib.Literal(label, lang="zh"))]
    assert len(found) == 1, f"{label}: {found}"
    return found[0]


def _check_spans(result: Ingested) -> int:
    dataset = _dataset(result)
    text = result.source.text
    checked = 0
    for evidence in dataset.subjects(RDF.type, IKG.Evidence):
        start, end = int(dataset.value(evidence, OA.start)), int(dataset.value(evidence, OA.end))
        assert str(dataset.value(evidence, OA.exact)) == text[start:end]
        section = dataset.value(evidence, IKG.inSection)
        assert int(dataset.value(section, OA.start)) <= start < end <= int(dataset.value(section, OA.end))
        checked += 1
    return checked


def test_every_quote_is_its_span_of_the_original(synthetic: Ingested) -> None:
    assert _check_spans(synthetic) > 100


def test_every_quote_of_the_bundled_report_is_its_span() -> None:
    result = _ingest(require_shared(SOURCE_REPORT))
    assert _check_spans(result) > 200


def test_the_same_report_gives_the_same_bytes(synthetic: Ingested) -> None:
    again = ingest_source(ReportSource(FIXTURE.read_text(encoding="utf-8"), FIXTURE.name), WHEN)
    assert again.trig == synthetic.trig


def test_the_cli_writes_the_same_file_twice(tmp_path: Path) -> None:
    from kg.cli import main

    first, second = tmp_path / "a.trig", tmp_path / "b.trig"
    assert main(["ingest", str(FIXTURE), "--scratch", "-o", str(first)]) == 0
    assert main(["ingest", str(FIXTURE), "--scratch", "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_the_report_node_follows_the_contract(synthetic: Ingested) -> None:
    dataset = _dataset(synthetic)
    key = synthetic.source.key
    report = rdflib.URIRef(f"https://w3id.org/innokg/id/report-{key}")
    assert synthetic.graph == f"https://w3id.org/innokg/graph/candidates/{key}"
    assert (report, RDF.type, IKG.Report) in dataset
    assert str(dataset.value(report, IKG.sourceChecksum)) == f"sha256:{synthetic.source.checksum}"
    assert dataset.value(report, rdflib.URIRef("http://purl.org/dc/terms/issued")) == rdflib.Literal(
        "2021-09-08", datatype=XSD.date)
    assert dataset.value(report, IKG.issueNumber).toPython() == 3
    assert dataset.value(report, IKG.cumulativeIssueNumber).toPython() == 88
    evidence = next(dataset.subjects(RDF.type, IKG.Evidence))
    activity = dataset.value(evidence, rdflib.URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"))
    assert str(activity) == f"https://w3id.org/innokg/id/activity/ingest-{key}"
    assert str(dataset.value(activity, IKG.extractor)).startswith("kg ingest ")
    assert all(str(s).startswith(f"https://w3id.org/innokg/id/c-{key}-")
               for s in dataset.subjects(IKG.reviewStatus, IKG.Pending) if s != report)


def test_relations_of_a_report_the_patterns_were_not_written_on(synthetic: Ingested) -> None:
    dataset = _dataset(synthetic)
    center = _by_label(dataset, "合肥综合性国家科学中心")
    ndrc, most = _by_label(dataset, "国家发展改革委"), _by_label(dataset, "科技部")
    assert (ndrc, IKG.approves, center) in dataset and (most, IKG.approves, center) in dataset
    group = _by_label(dataset, "合肥综合性国家科学中心建设领导小组")
    assert (most, IKG.coLeads, group) in dataset
    office = _by_label(dataset, "安徽省科技创新推进办公室")
    assert (office, IKG.executiveBodyOf, _by_label(dataset, "合肥综合性国家科学中心理事会")) in dataset
    assert (office, IKG.handlesDailyWorkOf, group) in dataset
    assert (_by_label(dataset, "安徽省人民政府"), IKG.establishes, office) in dataset
    old = _by_label(dataset, "合肥市高新技术产业开发区管理委员会")
    assert (old, IKG.renamedTo, _by_label(dataset, "合肥市滨湖科学城管理委员会")) in dataset
    renaming = dataset.value(old, ORG.changedBy)
    assert dataset.value(renaming, rdflib.URIRef("http://purl.org/dc/terms/date")) == rdflib.Literal(
        "2019-06", datatype=XSD.gYearMonth)
    division = _by_label(dataset, "重大专项处")
    assert (division, ORG.unitOf, _by_label(dataset, "安徽省科技厅")) in dataset
    person = _by_label(dataset, "周明远")
    assert (person, ORG.holds, _by_label(dataset, "重大专项处处长")) in dataset
    fund = _by_label(dataset, "量子科技产业基金")
    amount = dataset.value(fund, IKG.amount)
    assert dataset.value(amount, SDO.value) == rdflib.Literal("2000000000", datatype=XSD.decimal)
    # the declared short form is an alias
    assert rdflib.Literal("省科技厅", lang="zh") in set(dataset.objects(
        _by_label(dataset, "安徽省科技厅"), SKOS.altLabel))


def test_the_candidate_graph_conforms_to_the_shapes(synthetic: Ingested, tmp_path: Path) -> None:
    empty = tmp_path / "no-data"
    empty.mkdir()
    store = GraphStore.open(Settings(in_memory=True, bundled_data_dir=empty, warm_up=False,
                                     query_workers=1))
    try:
        store.load_bytes(synthetic.trig.encode("utf-8"), fmt="trig")
        report = validate_store(store, PROJECT_ROOT / "ontology" / "shapes.ttl")
    finally:
        store.close()
    assert report.conforms, [str(v) for v in report.violations][:10]
