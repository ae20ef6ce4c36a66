"""`kg query`: the same guard, cap and runner as /sparql, printed for a terminal or a pipe."""

from __future__ import annotations

import io

import pytest
from rdflib.query import Result

from kg.cli import main

COUNT_LABELS = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:prefLabel ?l }")


def test_kg_query_prints_a_table_of_the_bundled_graph(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--memory", COUNT_LABELS]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "n" and int(lines[2]) > 0 and lines[-1] == "(1 row)"


def test_kg_query_writes_csv_and_warns_on_cap(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--memory", "--format", "csv", "--max-rows", "3",
                 "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"]) == 0
    captured = capsys.readouterr()
    assert len(list(Result.parse(io.StringIO(captured.out), format="csv"))) == 3
    assert "cut at 3 rows" in captured.err


def test_kg_query_refuses_service_with_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--memory", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kg query: error: SERVICE is refused") and err.count("\n") == 1


def test_kg_query_stops_at_the_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    slow = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    assert main(["query", "--memory", "--timeout", "1", slow]) == 1
    assert "time limit of 1 s" in capsys.readouterr().err
