"""Quotes in the store: each evidence node gains the text it cites (oa:exact), cut from the source.

The repository keeps offsets only; `kg.quotes.add_quotes` cuts the quotes from the report's text when it
is at hand. The tests recompute every quote from the source file and compare.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib

from kg.config import PROJECT_ROOT, Settings
from kg.exports.exporter import ExportRequest
from kg.exports.scope import ExportScope
from kg.namespaces import GRAPH, ID, IKG, OA, RDF
from kg.provenance import Provenance
from kg.quotes import add_quotes, display_quote
from kg.store import GraphStore
from kg.terms import iri
from kg.validation import validate_store
from support import SOURCE_REPORT, require_shared, services_over

DATA_DIR = PROJECT_ROOT / "data"
DATA_GRAPH = str(GRAPH["zhangjiang-2020"])
_SPANS = f"""
SELECT ?g ?ev ?start ?end ?exact WHERE {{
  GRAPH ?g {{ ?ev a <{IKG.Evidence}> ; <{OA.start}> ?start ; <{OA.end}> ?end .
              OPTIONAL {{ ?ev <{OA.exact}> ?exact }} }}
}}"""


@pytest.fixture(scope="module")
def source() -> str:
    return require_shared(SOURCE_REPORT).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def quoted(source: str) -> tuple[GraphStore, int]:
    """The bundled graph in a store of its own, with the quotes added (and how many were)."""
    store = GraphStore.open(Settings(in_memory=True, warm_up=False))
    return store, add_quotes(store, SOURCE_REPORT.parent)


def test_every_evidence_node_quotes_exactly_its_source_slice(quoted: tuple[GraphStore, int],
                                                            source: str) -> None:
    store, added = quoted
    rows = store.select(_SPANS)
    assert len(rows) == added > 300
    wrong = [(r["ev"].value, r.get("exact")) for r in rows
             if "exact" not in r or r["exact"].value != source[int(r["start"].value):int(r["end"].value)]]
    assert wrong == []
    assert {r["g"].value for r in rows} == {DATA_GRAPH}  # in the same graph as the evidence


def test_quoted_evidence_is_a_text_quote_selector_and_sparql_reads_the_quote(
        quoted: tuple[GraphStore, int], source: str) -> None:
    store, _ = quoted
    rows = store.select(f"""
        SELECT ?exact WHERE {{
          ?ev a <{IKG.Evidence}> , <{OA.TextQuoteSelector}> ; <{OA.exact}> ?exact ;
              <{RDF.subject}> <{ID['shanghai-stc-office']}> ; <{RDF.predicate}> <{IKG.executiveBodyOf}> .
        }}""")
    assert [r["exact"].value for r in rows] == [source[775:802]]


def test_adding_quotes_twice_adds_nothing(quoted: tuple[GraphStore, int]) -> None:
    store, _ = quoted
    before = len(store)
    assert add_quotes(store, SOURCE_REPORT.parent) == 0
    assert len(store) == before


def test_no_text_no_quotes(tmp_path: Path) -> None:
    store = GraphStore.open(Settings(in_memory=True, warm_up=False))
    generation = store.generation
    assert add_quotes(store, tmp_path) == 0
    assert add_quotes(store, None) == 0
    assert store.generation == generation  # nothing written


def test_citations_quote_from_the_store_when_the_source_is_absent(quoted: tuple[GraphStore, int],
                                                                 source: str) -> None:
    store, _ = quoted
    citations = Provenance(store, sources_dir=None).for_statement(
        str(ID["shanghai-stc-office"]), str(IKG.executiveBodyOf), iri(str(ID["zjnsc-council"])))
    assert [c.text for c in citations] == [source[775:802]]


def test_rdf_export_carries_the_quotes(quoted: tuple[GraphStore, int], source: str) -> None:
    store, _ = quoted
    exporter = services_over(store, PROJECT_ROOT / "no-report-texts-here").exporter  # quotes from the store
    scope = ExportScope("neighbourhood", entity="shanghai-stc-office")
    exported = exporter.export(ExportRequest("turtle", scope)).content
    graph = rdflib.Graph().parse(data=exported, format="turtle")
    quotes = {str(q) for q in graph.objects(None, rdflib.URIRef(str(OA.exact)))}
    assert source[775:802] in quotes and len(quotes) > 10


def test_the_repository_keeps_offsets_only(source: str) -> None:
    data = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DATA_DIR.glob("*")) if p.is_file())
    assert "oa:exact" not in data and str(OA.exact) not in data
    # No literal of the curated data copies a stretch of the report longer than a long name.
    literals = re.findall(r'"((?:[^"\\]|\\.)*)"', data)
    copied = [lit for lit in literals if len(lit) > 34 and lit in source]
    assert copied == []


def test_quoted_graph_still_conforms_to_the_shapes(quoted: tuple[GraphStore, int]) -> None:
    store, _ = quoted
    report = validate_store(store, PROJECT_ROOT / "ontology" / "shapes.ttl")
    assert report.conforms, "\n".join(map(str, report.violations))


# -- the display form ------------------------------------------------------------------------------


@pytest.mark.parametrize(("exact", "shown"), [
    ("科 学平台处", "科学平台处"),  # the extraction's stray space inside a word
    ("上海 科创办(以下简称\"科创办\")", "上海科创办(以下简称\"科创办\")"),
    ("习近\n\n平总书记", "习近平总书记"),  # a page break inside a name
    ("基础 \n 设施", "基础设施"),
    ("科\u3000学", "科学"),  # an ideographic space
    ("Z 箍缩设施", "Z 箍缩设施"),  # a Latin letter next to Han keeps its space
    ("National Development and Reform Commission", "National Development and Reform Commission"),
    ("2020年 5月", "2020年 5月"),  # a digit is no Han character
    ("科  学", "科  学"),  # two spaces are layout, not a stray space
    ("", ""),
])
def test_display_quote_drops_a_stray_break_between_two_han_characters_only(exact: str, shown: str) -> None:
    assert display_quote(exact) == shown


def test_display_quote_mends_the_bundled_reports_stray_spaces(quoted: tuple[GraphStore, int],
                                                             source: str) -> None:
    store, _ = quoted
    rows = store.select(f"""
        SELECT ?exact WHERE {{
          ?ev <{OA.exact}> ?exact ; <{RDF.subject}> <{ID['stc-office-science-platform-division']}> ;
              <{RDF.predicate}> <http://www.w3.org/ns/org#unitOf> .
        }}""")
    exact = rows[0]["exact"].value
    assert exact == "科 学平台处" and exact in source  # the report's own typesetting, kept in the store
    assert display_quote(exact) == "科学平台处"
    spaced = {r["exact"].value for r in store.select(_SPANS) if "exact" in r
              and re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", r["exact"].value)}
    assert len(spaced) > 5
    assert [q for q in map(display_quote, spaced) if re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", q)] == []
