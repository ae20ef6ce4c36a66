"""The result serialisers, read back with pyoxigraph's and rdflib's own result parsers."""

from __future__ import annotations

import io

import orjson
import pyoxigraph as ox
import pytest
from rdflib.query import Result

from kg.store.embedded import to_node
from kg.store.results import write_boolean, write_solutions
from kg.terms import Term, iri, literal

XSD = "http://www.w3.org/2001/XMLSchema#"
VARIABLES = ["s", "label", "n"]
ROWS = [
    [iri("https://w3id.org/innokg/id/most"), literal("科技部", lang="zh"),
     literal("42", datatype=XSD + "integer")],
    [Term("bnode", "b0"), literal('a "quoted", comma\nand newline\ttab'), None],
    [iri("http://example.org/x?a=1&b=2"), literal("1.5", datatype=XSD + "decimal"),
     literal("2020-05", datatype=XSD + "gYearMonth")],
]
FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "tsv": ox.QueryResultsFormat.TSV}


def _as_ox(term: Term | None) -> object:
    return None if term is None else to_node(term)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_solutions_read_back_identically_with_pyoxigraph(fmt: str) -> None:
    body = write_solutions(fmt, VARIABLES, ROWS, truncated=False)
    parsed = ox.parse_query_results(body, format=FORMATS[fmt])
    assert [v.value for v in parsed.variables] == VARIABLES
    got = [[solution[v] for v in VARIABLES] for solution in parsed]
    assert got == [[_as_ox(t) for t in row] for row in ROWS]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_solutions_read_back_with_rdflib(fmt: str) -> None:
    body = write_solutions(fmt, VARIABLES, ROWS, truncated=False)
    result = Result.parse(io.BytesIO(body), format=fmt)
    assert [str(v) for v in result.vars] == VARIABLES
    assert len(list(result)) == len(ROWS)


def test_csv_quotes_values_with_commas_quotes_and_newlines() -> None:
    body = write_solutions("csv", VARIABLES, ROWS, truncated=False).decode()
    assert body.startswith("s,label,n\r\n")
    assert '"a ""quoted"", comma\nand newline\ttab"' in body


def test_json_reports_truncation_as_top_level_key() -> None:
    capped = orjson.loads(write_solutions("json", VARIABLES, ROWS[:1], truncated=True))
    full = orjson.loads(write_solutions("json", VARIABLES, ROWS[:1], truncated=False))
    assert capped["truncated"] is True
    assert "truncated" not in full


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_boolean_answers_read_back(fmt: str) -> None:
    for value in (True, False):
        assert bool(ox.parse_query_results(write_boolean(fmt, value), format=FORMATS[fmt])) is value
