"""The question catalogue: file format, parameter binding and validation, the /queries routes."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.catalogue import QUERIES_DIR, Catalogue, load_query
from kg.errors import BadRequestError, QueryNotFoundError
from kg.namespaces import ID
from kg.store import GraphStore

QUERY = """#+ name: bodies-in
#+ title_en: Bodies in a place
#+ title_zh: 某地的机构
#+ description_en: Bodies located in a place.
#+ description_zh: 位于某地的机构。
#+ param: place = id:shanghai
#+ param: name = "上海"
PREFIX ikg: <https://w3id.org/innokg/ontology#>
SELECT ?body WHERE { ?body ikg:locatedIn ?place . FILTER(CONTAINS(STR(?body), ?name)) }
"""


@pytest.fixture()
def query_file(tmp_path: Path) -> Path:
    path = tmp_path / "bodies-in.rq"
    path.write_text(QUERY, encoding="utf-8")
    return path


def test_query_file_header_is_parsed(query_file: Path) -> None:
    query = load_query(query_file)
    assert (query.name, query.title_zh, query.description_en) == ("bodies-in", "某地的机构",
                                                                 "Bodies located in a place.")
    assert [p.to_dict() for p in query.parameters] == [
        {"name": "place", "kind": "iri", "default": "id:shanghai"},
        {"name": "name", "kind": "literal", "default": '"上海"'},
    ]
    assert query.text.startswith("PREFIX")


def test_parameters_are_bound_first_in_the_outermost_where_group(query_file: Path) -> None:
    query = load_query(query_file)
    bound = f'VALUES (?place ?name) {{ (<{ID.shanghai}> "上海") }}'
    assert f"SELECT ?body WHERE {{\n  {bound} ?body ikg:locatedIn" in query.bind({})
    bound = query.bind({"place": "id:pudong", "name": "浦东"})
    assert f'(<{ID.pudong}> "浦东")' in bound
    assert f"(<{ID.pudong}>" in query.bind({"place": "pudong"})
    assert f"(<{ID.pudong}>" in query.bind({"place": str(ID.pudong)})


def test_a_where_in_a_comment_or_a_sub_select_is_not_where_values_go(tmp_path: Path) -> None:
    path = tmp_path / "nested.rq"
    path.write_text(QUERY.replace("#+ param: name", "# not here: WHERE { x }\n#+ param: name").replace(
        "SELECT ?body WHERE { ?body", "SELECT ?body WHERE { { SELECT ?body WHERE { ?body } } ?body"),
        encoding="utf-8")
    bound = load_query(path).bind({})
    assert bound.index("VALUES") == bound.index("SELECT ?body WHERE {\n") + len("SELECT ?body WHERE {\n  ")
    assert "# not here: WHERE { x }\n" in bound


def test_a_query_without_where_gets_the_trailing_clause(tmp_path: Path) -> None:
    path = tmp_path / "bare.rq"
    path.write_text(QUERY.replace("SELECT ?body WHERE {", "SELECT ?body {"), encoding="utf-8")
    assert load_query(path).bind({}).endswith(f'VALUES (?place ?name) {{ (<{ID.shanghai}> "上海") }}\n')


def test_literal_values_cannot_break_out_of_their_quotes(query_file: Path) -> None:
    bound = load_query(query_file).bind({"name": '" } ; DROP ALL ; #'})
    assert '"\\" } ; DROP ALL ; #"' in bound
    store = GraphStore.in_memory()
    assert store.select(bound) == []  # still one well-formed query


def test_bad_parameter_values_are_refused(query_file: Path) -> None:
    query = load_query(query_file)
    with pytest.raises(BadRequestError, match="not an IRI"):
        query.bind({"place": "<http://x> } INSERT"})
    with pytest.raises(BadRequestError, match="not an IRI"):
        query.bind({"place": "two words"})
    with pytest.raises(BadRequestError, match="Unknown parameter"):
        query.bind({"city": "id:shanghai"})


def test_unknown_query_name_is_not_found(tmp_path: Path, query_file: Path) -> None:
    catalogue = Catalogue(tmp_path)
    assert [q.name for q in catalogue.queries()] == ["bodies-in"]
    with pytest.raises(QueryNotFoundError):
        catalogue.get_query("nothing")


def test_every_bundled_query_loads_with_both_titles() -> None:
    queries = Catalogue(QUERIES_DIR).queries()
    assert len(queries) >= 4
    assert all(q.title_en and q.title_zh and q.name == Path(q.file).stem for q in queries)


def test_bundled_queries_all_answer_on_the_curated_graph(bundled_store: GraphStore) -> None:
    empty = [q.name for q in Catalogue(QUERIES_DIR).queries() if not bundled_store.select(q.bind({}))]
    assert empty == []


def test_queries_route_lists_titles_parameters_and_urls(client: TestClient) -> None:
    data = client.get("/queries").json()
    names = [q["name"] for q in data["queries"]]
    assert names == sorted(names) and "tr01-implementation-chain" in names
    first = data["queries"][0]
    assert first["title"]["zh"] and first["url"].endswith(f"/queries/{first['name']}")


def test_run_route_answers_sparql_json_and_csv(client: TestClient) -> None:
    response = client.get("/queries/tr02-served-deployments", params={"body": "shanghai-stc-office"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    served = {b["deployment"]["value"] for b in response.json()["results"]["bindings"]}
    assert str(ID["xi-2014-directive"]) in served
    as_csv = client.get("/queries/tr02-served-deployments", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {r["deployment"] for r in rows} == served


def test_run_route_errors(client: TestClient) -> None:
    missing = client.get("/queries/no-such-question")
    assert (missing.status_code, missing.json()["code"]) == (404, "query_not_found")
    bad = client.get("/queries/tr02-served-deployments", params={"body": "<not an iri>"})
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_request")
    nobody = client.get("/queries/tr02-served-deployments", params={"body": "nobody at all"})
    assert (nobody.status_code, nobody.json()["code"]) == (404, "entity_not_found")


def test_a_question_an_engine_answers_wrongly_is_refused_there_saying_why(tmp_path: Path) -> None:
    from kg.errors import QuestionUnsupportedError

    path = tmp_path / "paths.rq"
    line = "#+ unsupported: Virtuoso = it walks (p|^q)+ paths.\n"
    path.write_text(QUERY.replace("#+ param: name", line + "#+ param: name"), encoding="utf-8")
    query = load_query(path)
    assert query.unsupported == (("virtuoso", "it walks (p|^q)+ paths."),)
    query.check_engine("embedded")
    with pytest.raises(QuestionUnsupportedError, match=re.escape("virtuoso): it walks (p|^q)+")) as refused:
        query.check_engine("virtuoso")
    assert refused.value.status == 501


def test_a_malformed_unsupported_line_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(QUERY.replace("#+ param: name", "#+ unsupported: virtuoso\n#+ param: name"),
                    encoding="utf-8")
    with pytest.raises(BadRequestError, match=r"bad\.rq: malformed unsupported line"):
        load_query(path)
