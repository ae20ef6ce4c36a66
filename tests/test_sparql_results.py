"""The result serialisers, read back with pyoxigraph's and rdflib's own result parsers."""

from __future__ import annotations

import io

import orjson
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
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


# -- the columns of SELECT * ------------------------------------------------------------------------

@pytest.mark.parametrize("query,order", [
    ("SELECT * WHERE { ?zeta ?alpha ?mid }", ("zeta", "alpha", "mid")),
    ("select distinct * { ?zeta ?alpha $mid . ?mid ?x ?zeta }", ("zeta", "alpha", "mid", "x")),
    ('PREFIX ex: <http://e/?q=?b> SELECT * { ?c ex:p "?a" # ?z\n BIND(1 AS ?b) }', ("c", "b")),
    ("SELECT ?b ?a WHERE { ?a ?p ?b }", None),
    ("ASK { { SELECT * { ?s ?p ?o } } }", None),
    ("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT * { ?s ?p ?o } } }", None),
])
def test_star_order_is_first_appearance_in_the_query_text(query: str, order: tuple[str, ...] | None) -> None:
    from kg.store.results import star_order

    assert star_order(query) == order


def test_engine_columns_are_put_in_the_query_order_keeping_unknown_ones_last() -> None:
    from kg.store.results import ordered_columns

    assert ordered_columns(["alpha", "mid", "zeta"], ("zeta", "alpha", "mid")) == ["zeta", "alpha", "mid"]
    assert ordered_columns(["a", "b", "c"], ("c",)) == ["c", "a", "b"]
    assert ordered_columns(["b", "a"], None) == ["b", "a"]


STAR = ("PREFIX ikg: <https://w3id.org/innokg/ontology#> "
        "SELECT * WHERE { ?zeta ikg:coLeads ?alpha . OPTIONAL { ?alpha ?mid ?zeta } }")


@pytest.mark.parametrize("limit", ["", " LIMIT 5"], ids=["written-here", "engine-json-writer"])
def test_select_star_json_lists_columns_in_query_order(client: TestClient, limit: str) -> None:
    document = client.get("/sparql", params={"query": STAR + limit, "format": "json"}).json()
    assert document["head"]["vars"] == ["zeta", "alpha", "mid"]
    assert document["results"]["bindings"] and all("zeta" in b for b in document["results"]["bindings"])


@pytest.mark.parametrize("fmt,header", [("csv", "zeta,alpha,mid"), ("tsv", "?zeta\t?alpha\t?mid")])
def test_select_star_tables_list_columns_in_query_order(client: TestClient, fmt: str, header: str) -> None:
    response = client.get("/sparql", params={"query": STAR, "format": fmt})
    lines = response.text.splitlines()
    assert lines[0] == header
    zeta = lines[1].split("," if fmt == "csv" else "\t")[0]
    assert "id/" in zeta  # the first column holds ?zeta's values


def test_select_star_xml_lists_variables_and_bindings_in_query_order(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": STAR, "format": "xml"})
    parsed = Result.parse(io.BytesIO(response.content), format="xml")
    assert [str(v) for v in parsed.vars or []] == ["zeta", "alpha", "mid"]


def test_the_engine_json_writer_keeps_its_bindings_and_gets_a_new_head() -> None:
    from kg.store.results import write_answer

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o")))
    query = "SELECT * { ?zeta ?alpha ?mid } LIMIT 3"
    engine = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
    answer = write_answer(store.query(query), solutions_format="json", graph_format="turtle", limit=3,
                          max_rows=10, order=("zeta", "alpha", "mid"))
    assert answer.count is None  # written by the engine's writer
    assert answer.body.startswith(b'{"head":{"vars":["zeta","alpha","mid"]}')
    assert answer.body.split(b"}", 1)[1] == engine.split(b"}", 1)[1]  # the bindings untouched
