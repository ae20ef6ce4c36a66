"""The synthetic graph generator: deterministic, parseable, shaped like the project's data model."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.synth import (
    SYNTH_GRAPH,
    TRIPLES_PER_ENTITY,
    entities_for_triples,
    generate,
    write_file,
)

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
#: Classes of structural nodes, which carry no labels of their own.
STRUCTURAL = "ikg:Evidence, schema:MonetaryAmount, ikg:Section, ikg:Report"
ENTITIES = 3000


def synth_text(entities: int, seed: int, fmt: str = "nquads") -> str:
    """The generator's output as a string."""
    out = io.StringIO()
    generate(out, entities=entities, seed=seed, fmt=fmt)
    return out.getvalue()


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """A store holding one synthetic graph of ENTITIES entities."""
    graph = ox.Store()
    graph.load(synth_text(ENTITIES, 7).encode(), format=ox.RdfFormat.N_QUADS)
    return graph


def select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    """Solutions of a SELECT over the union of graphs."""
    return list(store.query(PREFIXES + query, use_default_graph_as_union=True))  # type: ignore[arg-type]


def count(store: ox.Store, query: str) -> int:
    """The ?n of a one-row COUNT query."""
    return int(select(store, query)[0]["n"].value)


def test_synth_same_seed_gives_identical_bytes() -> None:
    assert synth_text(500, 3).encode() == synth_text(500, 3).encode()


def test_synth_different_seed_gives_different_graph() -> None:
    assert synth_text(500, 3) != synth_text(500, 4)


def test_synth_nquads_and_trig_hold_the_same_quads() -> None:
    nquads = set(ox.parse(synth_text(300, 1).encode(), format=ox.RdfFormat.N_QUADS))
    trig = set(ox.parse(synth_text(300, 1, "trig").encode(), format=ox.RdfFormat.TRIG))
    assert nquads == trig
    assert {q.graph_name for q in nquads} == {ox.NamedNode(SYNTH_GRAPH)}


def test_synth_writes_no_duplicate_statements() -> None:
    lines = synth_text(2000, 5).splitlines()
    assert len(lines) == len(set(lines))


def test_synth_every_entity_has_one_zh_and_one_en_pref_label(store: ox.Store) -> None:
    entities = count(store, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s a ?t FILTER(?t NOT IN ({STRUCTURAL})) }}""")
    labelled = count(store, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
        ?s a ?t FILTER(?t NOT IN ({STRUCTURAL}))
        {{ SELECT ?s WHERE {{ ?s skos:prefLabel ?l FILTER(lang(?l) = "zh") }}
           GROUP BY ?s HAVING(COUNT(?l) = 1) }}
        {{ SELECT ?s WHERE {{ ?s skos:prefLabel ?l FILTER(lang(?l) = "en") }}
           GROUP BY ?s HAVING(COUNT(?l) = 1) }} }}""")
    assert entities > ENTITIES * 0.9
    assert labelled == entities


def test_synth_zh_labels_are_built_from_the_name_vocabulary(store: ox.Store) -> None:
    rows = select(store, """SELECT ?l WHERE { ?s a ikg:CoordinationOffice ; skos:prefLabel ?l
        FILTER(lang(?l) = "zh") } LIMIT 20""")
    assert rows
    assert all(r["l"].value.endswith("办公室") or "办公室（" in r["l"].value for r in rows)


def test_synth_some_entities_have_abbreviations_and_typo_spellings(store: ox.Store) -> None:
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:altLabel ?l }") > ENTITIES * 0.1
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:hiddenLabel ?l }") > 10


def test_synth_ministries_are_hubs_with_many_neighbours(store: ox.Store) -> None:
    rows = select(store, """SELECT ?hub (COUNT(DISTINCT ?x) AS ?n) WHERE {
        ?hub a ikg:GovernmentBody . { ?hub ?p ?x } UNION { ?x ?p ?hub }
        FILTER(isIRI(?x) && ?p != rdf:subject && ?p != rdf:object)
        } GROUP BY ?hub ORDER BY DESC(?n) LIMIT 3""")
    assert len(rows) == 3
    assert all("syn-ministry-" in r["hub"].value for r in rows)
    # Plans and policies (28% of entities), 60% approved by one of three ministries.
    assert min(int(r["n"].value) for r in rows) >= ENTITIES // 25


def test_synth_event_dates_are_typed_and_sortable(store: ox.Store) -> None:
    bad = count(store, """SELECT (COUNT(*) AS ?n) WHERE { ?e dcterms:date ?d
        FILTER(datatype(?d) NOT IN (xsd:date, xsd:gYearMonth, xsd:gYear)) }""")
    dated = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e dcterms:date ?d }")
    sortable = count(store, """SELECT (COUNT(*) AS ?n) WHERE { ?e dcterms:date ?d ;
        ikg:sortDate ?s FILTER(datatype(?s) = xsd:date) }""")
    assert bad == 0
    assert dated > 0
    assert sortable == dated


def test_synth_divisions_nest_under_offices(store: ox.Store) -> None:
    nested = count(store, """SELECT (COUNT(*) AS ?n) WHERE {
        ?section org:unitOf ?division . ?division org:unitOf ?office .
        ?office org:hasUnit ?division . ?division org:hasUnit ?section }""")
    assert nested > 0


def test_synth_renamings_link_original_and_resulting_offices(store: ox.Store) -> None:
    renamings = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?e a ikg:Renaming }")
    complete = count(store, """SELECT (COUNT(*) AS ?n) WHERE { ?e a ikg:Renaming ;
        org:originalOrganization ?old ; org:resultingOrganization ?new .
        ?old ikg:renamedTo ?new ; org:changedBy ?e . ?new org:changedBy ?e }""")
    assert renamings > 0
    assert complete == renamings


def test_synth_funds_have_cny_decimal_amounts(store: ox.Store) -> None:
    funds = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?f a ikg:Fund }")
    amounts = count(store, """SELECT (COUNT(*) AS ?n) WHERE { ?f a ikg:Fund ; ikg:amount ?a .
        ?a a schema:MonetaryAmount ; schema:currency "CNY" ; schema:value ?v
        FILTER(datatype(?v) = xsd:decimal) }""")
    assert funds > 0
    assert amounts == funds


def test_synth_evidence_describes_asserted_statements(store: ox.Store) -> None:
    evidence = count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?ev a ikg:Evidence }")
    asserted = count(store, """SELECT (COUNT(*) AS ?n) WHERE { ?ev a ikg:Evidence ;
        rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; ikg:inSection ?sec .
        ?s ?p ?o . ?sec a ikg:Section }""")
    assert evidence > 0
    assert asserted == evidence


@pytest.mark.parametrize("triples", [10_000, 100_000])
def test_synth_size_scales_with_requested_triples(triples: int) -> None:
    out = io.StringIO()
    summary = generate(out, entities=entities_for_triples(triples), seed=11)
    assert abs(summary.quads - triples) / triples < 0.1
    assert summary.quads == out.getvalue().count("\n")
    assert abs(summary.quads / entities_for_triples(triples) - TRIPLES_PER_ENTITY) < 1.0


def test_synth_cli_writes_trig_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.trig"
    assert main(["synth", "--entities", "200", "--seed", "2", "--out", str(target)]) == 0
    quads = list(ox.parse(path=str(target), format=ox.RdfFormat.TRIG))
    assert len(quads) > 1000


def test_synth_cli_refuses_unknown_extension(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["synth", "--entities", "200", "--out", str(tmp_path / "graph.ttl")]) == 1
    assert ".nq" in capsys.readouterr().err
    assert not (tmp_path / "graph.ttl").exists()


def test_synth_write_file_refuses_tiny_sizes(tmp_path: Path) -> None:
    from kg.errors import BadRequestError

    with pytest.raises(BadRequestError):
        write_file(tmp_path / "tiny.nq", entities=5, seed=0)
