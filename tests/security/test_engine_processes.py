"""In process: client text reaches the engine only in network-less processes, whatever the guard says.

The store applies the guard itself, in `run` and `update`, so that no caller can hand it client text
unguarded: the first tests show that. The others switch the guard off (`sparql_guard=False`), so only
the sandbox stands between the text and the canary. The same attacks against a real server are in
test_sandbox.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.errors import LoadError, NestingTooDeepError, QueryRefusedError, QuerySyntaxError, UpdateFailedError
from kg.store import GraphStore, QueryRequest, WriteLimits

DATA = b"<http://e/a> <http://e/p> <http://e/b> .\n"
#: Below the guard: only the sandbox stops client text.
UNGUARDED = Settings(in_memory=True, query_workers=1, query_timeout=10.0, sparql_guard=False,
                     warm_up=False)


def _store(settings: Settings) -> GraphStore:
    graph_store = GraphStore.in_memory(settings)
    graph_store.load_bytes(DATA, fmt="ntriples", graph="http://e/g")
    return graph_store


@pytest.fixture
def store() -> Iterator[GraphStore]:
    """A store with the guard on (the default settings)."""
    graph_store = _store(Settings(in_memory=True, query_workers=1, warm_up=False))
    yield graph_store
    graph_store.close()


@pytest.fixture
def unguarded() -> Iterator[GraphStore]:
    graph_store = _store(UNGUARDED)
    yield graph_store
    graph_store.close()


# -- the guard, applied by the store itself ----------------------------------------------------

@pytest.mark.parametrize("on_disk", [False, True])
def test_store_run_refuses_service_before_any_worker_sees_it(tmp_path: Path, canary, on_disk: bool) -> None:
    settings = Settings(data_dir=tmp_path / "store", ontology_dir=tmp_path / "none",
                        bundled_data_dir=tmp_path / "none", in_memory=not on_disk, query_workers=1)
    graph_store = GraphStore.open(settings)
    try:
        with pytest.raises(QueryRefusedError, match="SERVICE is refused"):
            graph_store.run(QueryRequest(f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))
        with pytest.raises(QueryRefusedError, match="SERVICE is refused"):
            graph_store.run(QueryRequest(
                f"SELECT * WHERE {{ ?a ?b ?c . ?a ?b trueSERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))
    finally:
        graph_store.close()
    assert canary.hits == 0


@pytest.mark.parametrize("on_disk", [False, True])
@pytest.mark.parametrize(("update", "keyword"), [
    ("LOAD <{url}>", "LOAD"),
    ("INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "SERVICE"),
])
def test_store_update_called_directly_refuses_service_and_load(tmp_path: Path, canary, on_disk: bool,
                                                                update: str, keyword: str) -> None:
    settings = Settings(data_dir=tmp_path / "store", ontology_dir=tmp_path / "none",
                        bundled_data_dir=tmp_path / "none", in_memory=not on_disk)
    graph_store = GraphStore.open(settings)
    generation = graph_store.generation
    with pytest.raises(QueryRefusedError, match=f"{keyword} is refused"):
        graph_store.update(update.format(url=canary.url))
    assert graph_store.generation == generation  # refused before the write began
    assert canary.hits == 0


def test_store_update_refuses_a_query(store: GraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match="Not a SPARQL Update"):
        store.update("SELECT * WHERE { ?s ?p ?o }")


# -- below the guard: the sandbox -------------------------------------------------------------


@pytest.mark.parametrize("update", [
    "LOAD <{url}>",
    "LOAD SILENT <{url}> INTO GRAPH <http://e/g2>",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?x ?y ?z }} }} }}",
])
def test_update_cannot_reach_the_canary(unguarded: GraphStore, canary, update: str) -> None:
    before = unguarded.dump("nquads")
    try:
        unguarded.update(update.format(url=canary.url))
    except (QueryRefusedError, UpdateFailedError) as exc:
        assert "network" in exc.detail or "failed" in exc.detail
    assert canary.hits == 0
    if "SILENT" not in update:  # a silent failure may still have run the rest of the update
        assert unguarded.dump("nquads") == before


def test_query_worker_cannot_reach_the_canary_with_the_guard_off(unguarded: GraphStore, canary) -> None:
    with pytest.raises(QueryRefusedError, match="network"):
        unguarded.run(QueryRequest(f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))
    # The engine may skip a SERVICE whose join partner has no solutions, or turn its error
    # into false inside EXISTS: either way the canary must hear nothing.
    for text in (f"SELECT * WHERE {{ ?a ?b ?c . ?a ?b trueSERVICE <{canary.url}> {{ ?s ?p ?o }} }}",
                 f"ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{canary.url}> {{ ?x ?y ?z }} }} }}"):
        try:
            unguarded.run(QueryRequest(text))
        except QueryRefusedError as exc:
            assert "network" in exc.detail
    # SERVICE SILENT swallows the failure: the query answers, from the store alone.
    answer = unguarded.run(QueryRequest(
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{canary.url}> {{ ?s ?q ?r }} }} }}"))
    assert answer.count == 1
    assert canary.hits == 0


def test_jsonld_remote_context_is_not_fetched(store: GraphStore, canary) -> None:
    body = ('{"@context": "' + canary.url + '", "@id": "http://e/x", "name": "x"}').encode()
    with pytest.raises(LoadError):
        store.load_bytes(body, fmt="jsonld", graph="http://e/g3")
    assert canary.hits == 0
    assert "http://e/g3" not in store.named_graphs()


def test_deep_update_is_refused_before_any_parser(store: GraphStore) -> None:
    text = "INSERT {} WHERE " + "{" * 10_000 + "}" * 10_000
    started = time.perf_counter()
    with pytest.raises(NestingTooDeepError, match="KG_MAX_NESTING"):
        store.update(text)
    assert time.perf_counter() - started < 1.0


def test_a_parser_crash_kills_only_its_process() -> None:
    # With the nesting check set as high as it goes, a 10,000-deep update reaches the engine's
    # parser, which overflows its stack: the update's process dies, this one goes on.
    deep = GraphStore(ox.Store(), location=None, limits=WriteLimits(max_nesting=10_000, update_timeout=30.0))
    deep.load_bytes(DATA, fmt="ntriples", graph="http://e/g")
    with pytest.raises(UpdateFailedError, match="died"):
        deep.update("INSERT {} WHERE " + "{" * 9_999 + "}" * 9_999)
    deep.update("INSERT DATA { GRAPH <http://e/g> { <http://e/c> <http://e/p> <http://e/d> } }")
    assert len(deep) == 2


@pytest.mark.parametrize(("fmt", "body"), [
    ("turtle", b"@prefix e: <http://e/> . e:a e:p " + b"[ e:p " * 10_000 + b"1" + b" ]" * 10_000 + b" ."),
    ("jsonld", b'{"@id": "http://e/a", "http://e/p": ' + b'{"http://e/p": ' * 10_000 + b"1"
     + b"}" * 10_001),
    ("rdfxml", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
     + b"<a>" * 10_000 + b"</a>" * 10_000 + b"</rdf:RDF>"),
])
def test_deep_uploads_are_refused_before_any_parser(store: GraphStore, fmt: str, body: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(NestingTooDeepError, match="KG_MAX_NESTING"):
        store.load_bytes(body, fmt=fmt, graph="http://e/deep")
    assert time.perf_counter() - started < 1.0
    assert "http://e/deep" not in store.named_graphs()


def test_truncated_rdfxml_is_refused_with_line_and_column(store: GraphStore) -> None:
    body = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">\n'
            b'<rdf:Description rdf:about="http://e/x"><e:p>v</e:p></rdf:Description>\n'
            b'<rdf:Description rdf:about="http://e/y"><e:p>')
    with pytest.raises(LoadError) as caught:
        store.load_bytes(body, fmt="rdfxml", graph="http://e/partial")
    assert caught.value.line == 3 and caught.value.column is not None
    assert "http://e/partial" not in store.named_graphs()


def test_doctype_after_a_long_comment_is_refused(store: GraphStore) -> None:
    body = (b"<?xml version='1.0'?>\n<!--" + b"x" * 70_000 + b"-->\n"
            b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
    with pytest.raises(LoadError, match="DOCTYPE"):
        store.load_bytes(body, fmt="rdfxml", graph="http://e/dtd")


def test_deep_triple_terms_hidden_behind_a_hash_in_an_iri_are_refused(store: GraphStore) -> None:
    # `#` inside an IRI is no comment: the check reads the IRI as one token and sees the nesting.
    body = (b"<http://e/s> <http://e/p> <http://e/#> . <http://e/s> <http://e/p> "
            + b"<<( <http://e/a> <http://e/b> " * 10_000 + b"<http://e/c>" + b" )>>" * 10_000 + b" .")
    with pytest.raises(NestingTooDeepError):
        store.load_bytes(body, fmt="turtle", graph="http://e/deep-term")
    assert "http://e/deep-term" not in store.named_graphs()


def test_triple_terms_deeper_than_the_term_limit_are_refused_after_parsing(store: GraphStore) -> None:
    # Under KG_MAX_NESTING for the text, over the limit of stored triple terms (read on the quads).
    depth = 40
    body = (b"<http://e/s> <http://e/p> " + b"<<( <http://e/a> <http://e/b> " * depth + b"<http://e/c>"
            + b" )>>" * depth + b" .")
    with pytest.raises(NestingTooDeepError, match="triple terms"):
        store.load_bytes(body, fmt="turtle", graph="http://e/deep-term")
    shallow = b"<http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> ."
    store.load_bytes(shallow, fmt="turtle", graph="http://e/shallow-term")
    assert "http://e/shallow-term" in store.named_graphs()


def test_updates_hold_a_bounded_number_of_triple_terms(store: GraphStore) -> None:
    text = ("INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> "
            + "<<( <http://e/a> <http://e/b> " * 70 + "<http://e/c>" + " )>>" * 70 + " } }")
    with pytest.raises(NestingTooDeepError, match="triple terms"):
        store.update(text)


def test_jsonld_of_a_graph_with_triple_terms_is_not_acceptable(store: GraphStore) -> None:
    from kg.errors import NotAcceptableError

    store.load_bytes(b"<http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> .",
                     fmt="turtle", graph="http://e/terms")
    with pytest.raises(NotAcceptableError, match="Turtle"):
        store.dump("jsonld", graph="http://e/terms")
    assert b"<<(" in store.dump("ntriples", graph="http://e/terms")


@pytest.mark.parametrize("graph", ["http://a/[", "http://a/\x01x"])
def test_a_graph_name_the_engine_refuses_is_a_bad_request(store: GraphStore, graph: str) -> None:
    from kg.errors import BadRequestError

    with pytest.raises(BadRequestError, match="Not a valid RDF term"):
        store.parse_graph(b"<http://a> <http://b> <http://c> .", fmt="turtle", graph=graph)
    with pytest.raises(BadRequestError):
        store.load_bytes(b"<http://a> <http://b> <http://c> .", fmt="turtle", graph=graph)
    # The parser process is still the same one and still answers.
    assert store.parse_graph(b"<http://a> <http://b> <http://c> .", fmt="turtle", graph="http://e/ok")
