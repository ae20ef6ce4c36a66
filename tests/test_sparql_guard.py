"""The safety guard: SERVICE, LOAD and foreign FROM graphs are refused however they are written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import QueryRefusedError, QuerySyntaxError
from kg.store import guard
from kg.store.guard import check_query, check_update, inspect

GRAPHS = frozenset({"https://w3id.org/innokg/graph/zhangjiang-2020", "https://w3id.org/innokg/graph/ontology"})

SERVICE_EVASIONS = [
    "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * { SeRvIcE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * { VALUES ?x { <http://127.0.0.1:9/> } SERVICE ?x { ?s ?p ?o } }",
    "SELECT * { ?s ?p ?o OPTIONAL { SERVICE <http://x/> { ?s ?q ?r } } }",
    "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?q ?r } } }",
    "SELECT * { ?s ?p ?o FILTER NOT EXISTS { SERVICE <http://x/> { ?s ?q ?r } } }",
    "SELECT * { { SELECT ?s { SERVICE <http://x/> { ?s ?q ?r } } } }",
    "SELECT * { ?s ?p ?o MINUS { SERVICE <http://x/> { ?s ?q ?r } } }",
    "SELECT * { { ?s ?p ?o } UNION { SERVICE <http://x/> { ?s ?q ?r } } }",
    "PREFIX ex: <http://x/>\nSELECT * {\n  ?s ?p ?o .\n  SERVICE ex:endpoint { ?s ?q ?r }\n}",
    "SELECT * { ?s ?p ?o }SERVICE<http://x/>{}",
    "SELECT * { ?s ?p ?o . #comment\nSERVICE <http://x/> {} }",
    "SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
    "ASK { GRAPH ?g { SERVICE <http://x/> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    # The engine reads a keyword glued to a prefixed name's colon as the keyword (`SERVICE` `:x`).
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x {} }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { service: { ?s ?p ?o } }",
    "PREFIX : <http://127.0.0.1:9/> PREFIX service: <http://x/> SELECT * { service:x {} }",
    "PREFIX a: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEa:x {} }",
    "PREFIX é: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEé:x {} }",
    "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/>{} }",
    "PREFIX a: <http://127.0.0.1:9/> SELECT * WHERE { ServiceSilenta:x {} }",
    'PREFIX a: <http://127.0.0.1:9/> PREFIX SERVICEa: <http://x/> VERSION "1.2" SELECT * { SERVICEa:x {} }',
]


@pytest.mark.parametrize("query", SERVICE_EVASIONS)
def test_guard_refuses_service_in_every_form(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="refused"):
        check_query(query, GRAPHS)


@pytest.mark.parametrize("text", [
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "load silent <file:///etc/passwd> INTO GRAPH <http://g/>",
    "INSERT DATA { <a:b> <a:c> <a:d> } ; LOAD <http://x/>",
    "PREFIX : <http://127.0.0.1:9/> INSERT DATA { :a :b :c } ; LOAD:x",
    "PREFIX : <http://127.0.0.1:9/> PREFIX load: <http://x/> INSERT DATA { :a :b :c } ; load:x",
    "PREFIX a: <http://127.0.0.1:9/> INSERT DATA { a:a a:b a:c } ; LOADa:x",
    "INSERT DATA { <a:b> <a:c> <a:d> } ; LOADSILENT<http://127.0.0.1:9/x>",
])
def test_guard_refuses_load_in_updates(text: str) -> None:
    with pytest.raises(QueryRefusedError, match="LOAD"):
        check_update(text, GRAPHS)


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p 'SERVICE' }",
    'SELECT * { ?s ?p """a long\nSERVICE <http://x/> {} string""" }',
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/> { }",
    "SELECT ?service { ?service ?p ?o }",
    "PREFIX service: <http://x/>\nSELECT * { ?s service:load ?o }",
    "SELECT * { <http://example.org/SERVICE/LOAD> ?p ?o }",
    "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "PREFIX service: <http://x/>\nSELECT * { GRAPH service:g { ?s ?p ?o } }",
    "PREFIX serviceOnt: <http://x/> PREFIX fromage: <http://y/> SELECT * { ?s serviceOnt:p fromage:o }",
    'SELECT * { ?s ?p "load"@en }',
])
def test_guard_lets_keywords_inside_literals_iris_and_names_through(query: str) -> None:
    assert check_query(query, GRAPHS) == "SELECT"


@pytest.mark.parametrize(("query", "iri"), [
    ("SELECT * FROM <http://127.0.0.1:9/g> { ?s ?p ?o }", "http://127.0.0.1:9/g"),
    ("SELECT * FROM NAMED <file:///etc/passwd> { ?s ?p ?o }", "file:///etc/passwd"),
    ("SELECT * FROM <\\u0066ile:///etc/hosts> { ?s ?p ?o }", "file:///etc/hosts"),
    ("BASE <http://evil.example/> SELECT * FROM <g> { ?s ?p ?o }", "http://evil.example/g"),
    ("PREFIX e: <http://evil.example/> SELECT * FROM e:g { ?s ?p ?o }", "http://evil.example/g"),
    ("PREFIX : <http://evil.example/> SELECT * FROM:g { ?s ?p ?o }", "http://evil.example/g"),
    ("PREFIX : <http://evil.example/> SELECT * FROM NAMED:g { ?s ?p ?o }", "http://evil.example/g"),
    ("PREFIX:<http://evil.example/> SELECT * FROM :g { ?s ?p ?o }", "http://evil.example/g"),
    ("PREFIX e: <http://evil.example/> SELECT * FROMNAMEDe:g { ?s ?p ?o }", "http://evil.example/g"),
    # A declared prefix named after FROM is FROM where a dataset clause stands (`FROM e:g`)...
    ("PREFIX FROMe: <http://x/> PREFIX e: <http://evil.example/> SELECT * FROMe:g { ?s ?p ?o }",
     "http://evil.example/g"),
    ("PREFIX frome: <http://x/> PREFIX e: <http://evil.example/> ASK frome:g { ?s ?p ?o }",
     "http://evil.example/g"),
    ("PREFIX FROMe: <http://x/> PREFIX e: <http://evil.example/> CONSTRUCT { ?s ?p ?o } FROMe:g "
     "WHERE { ?s ?p ?o }", "http://evil.example/g"),
    ("PREFIX FROMe: <http://x/> PREFIX e: <http://evil.example/> DESCRIBE * FROMe:g { ?s ?p ?o }",
     "http://evil.example/g"),
    ("PREFIX FROMe: <http://x/> PREFIX e: <http://evil.example/> "
     "SELECT * FROM <https://w3id.org/innokg/graph/ontology> FROMe:g { ?s ?p ?o }", "http://evil.example/g"),
    # ...and one named after PREFIX declares a prefix in the prologue (`PREFIX g: <…>`).
    ("PREFIX g: <https://w3id.org/innokg/graph/> PREFIX PREFIXg: <http://x/> PREFIXg: <http://evil.example/> "
     "SELECT * FROM g:zhangjiang-2020 { ?s ?p ?o }", "http://evil.example/zhangjiang-2020"),
])
def test_guard_refuses_from_graphs_outside_the_store_naming_them(query: str, iri: str) -> None:
    with pytest.raises(QueryRefusedError) as refused:
        check_query(query, GRAPHS)
    assert iri in refused.value.detail


def test_guard_accepts_from_named_store_graph_by_prefixed_name() -> None:
    query = ("PREFIX graph: <https://w3id.org/innokg/graph/>\n"
             "SELECT * FROM graph:zhangjiang-2020 FROM NAMED graph:ontology { ?s ?p ?o }")
    operation = inspect(query)
    assert operation.dataset == ("https://w3id.org/innokg/graph/zhangjiang-2020",
                                 "https://w3id.org/innokg/graph/ontology")
    assert check_query(query, GRAPHS) == "SELECT"


@pytest.mark.parametrize("update", [
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "delete where { ?s ?p ?o }",
    "CLEAR ALL", "DROP GRAPH <http://g/>", "CREATE GRAPH <http://g/>",
    "PREFIX x: <http://x/> WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "ADD <http://a/> TO <http://b/>", "MOVE DEFAULT TO <http://b/>", "COPY <http://a/> TO DEFAULT",
])
def test_guard_refuses_updates_on_the_query_endpoint(update: str) -> None:
    with pytest.raises(QueryRefusedError, match="Update"):
        check_query(update, GRAPHS)


def test_guard_finds_the_form_after_many_prefix_lines() -> None:
    prologue = "".join(f"PREFIX p{i}: <http://example.org/{i}#>\n" for i in range(30))
    assert inspect(prologue + "CONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"
    assert inspect("# c\nBASE <http://x/>\nask {}").form == "ASK"


def test_guard_reports_text_without_a_query_form_as_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError):
        inspect("PREFIX x: <http://x/> { ?s ?p ?o }")


def test_guard_refuses_using_graphs_outside_the_store_in_updates() -> None:
    with pytest.raises(QueryRefusedError, match=r"http://127\.0\.0\.1:9/g"):
        check_update("DELETE { ?s ?p ?o } USING <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", GRAPHS)
    with pytest.raises(QueryRefusedError, match=r"http://127\.0\.0\.1:9/g"):
        check_update("PREFIX : <http://127.0.0.1:9/> DELETE { ?s ?p ?o } USING:g WHERE { ?s ?p ?o }",
                     GRAPHS)


@pytest.mark.parametrize("update", [
    "PREFIX USINGe: <http://x/> PREFIX e: <http://127.0.0.1:9/> "
    "DELETE { ?s ?p ?o } USINGe:g WHERE { ?s ?p ?o }",
    "PREFIX usinge: <http://x/> PREFIX e: <http://127.0.0.1:9/> INSERT { ?s ?p ?o } "
    "USING <https://w3id.org/innokg/graph/ontology> usinge:g WHERE { ?s ?p ?o }",
])
def test_guard_reads_a_declared_using_prefix_after_the_template_as_using(update: str) -> None:
    with pytest.raises(QueryRefusedError, match=r"http://127\.0\.0\.1:9/g"):
        check_update(update, GRAPHS)


def test_guard_lets_a_declared_load_prefix_be_used_inside_an_update() -> None:
    check_update("PREFIX load: <http://x/> INSERT DATA { load:a load:b load:c }", GRAPHS)


_CANARY = "http://127.0.0.1:9/"


@pytest.mark.parametrize("query", [
    # The engine matches keywords without a word boundary: `trueSERVICE` is `true SERVICE`.
    f"SELECT * WHERE {{ ?s ?p trueSERVICE <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p trueservice <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p falseSERVICESILENT <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p 1, trueSERVICE <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ ?s ?p trueSERVICE <{_CANARY}> {{}} }} }}",
    f'VERSION "1.2" SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p falseSERVICE <{_CANARY}> {{}} }} }}',
    # ...behind every number, the DOUBLE `1.e5` included.
    f"SELECT * WHERE {{ ?s ?p 1.e5SERVICE <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p 1.E+5SERVICE <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p .5e3SERVICE <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p -1SERVICE <{_CANARY}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ ?s ?p 1.5SERVICE <{_CANARY}> {{ ?a ?b ?c }} }}",
    # ...behind strings, typed literals, IRIs and brackets.
    f"SELECT * WHERE {{ ?s ?p 'a'SERVICE <{_CANARY}> {{}} }}",
    f'SELECT * WHERE {{ ?s ?p "1"^^<http://www.w3.org/2001/XMLSchema#int>SERVICE <{_CANARY}> {{}} }}',
    f"SELECT * WHERE {{ ?s ?p <http://x/o>SERVICE <{_CANARY}> {{}} }}",
    f"SELECT * WHERE {{ ?s ?p []SERVICE <{_CANARY}> {{}} }}",
    # ...and behind a literal glued to a prefix that is not declared (`true SERVICE x:y`).
    f"PREFIX : <{_CANARY}> SELECT * WHERE {{ ?s ?p trueSERVICE:x {{}} }}",
    f"PREFIX x: <{_CANARY}> SELECT * WHERE {{ ?s ?p trueSERVICEx:y {{}} }}",
    f"PREFIX x: <{_CANARY}> PREFIX SERVICEx: <http://x/> SELECT * WHERE {{ ?s ?p trueSERVICEx:y {{}} }}",
])
def test_guard_refuses_service_glued_behind_a_literal(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE is refused"):
        check_query(query, GRAPHS)


def test_guard_refuses_service_glued_behind_a_literal_in_an_update() -> None:
    with pytest.raises(QueryRefusedError, match="SERVICE is refused"):
        check_update(f"INSERT {{ <a:x> <a:y> ?s }} WHERE {{ ?s ?p trueSERVICE <{_CANARY}> {{}} }}", GRAPHS)


def test_guard_refusal_of_a_glued_keyword_says_how_it_was_read_and_what_to_write() -> None:
    with pytest.raises(QueryRefusedError) as refused:
        check_query(f"SELECT * WHERE {{ ?s ?p trueSERVICE <{_CANARY}> {{}} }}", GRAPHS)
    assert "(line 1, column 24)" in refused.value.detail
    assert "'true' followed by SERVICE" in refused.value.detail
    assert "put a space between 'true' and the keyword" in refused.value.detail
    with pytest.raises(QueryRefusedError) as refused:
        check_query(f"PREFIX x: <{_CANARY}> SELECT * WHERE {{ ?s ?p trueSERVICEx:y {{}} }}", GRAPHS)
    assert "declare the prefix trueSERVICEx: with PREFIX" in refused.value.detail


@pytest.mark.parametrize("update", [
    # SPARQL 1.2's `VERSION "1.2"` may end the prologue: a declared `LOADx:` name after it is LOAD.
    f'PREFIX x: <{_CANARY}> PREFIX LOADx: <http://a/> VERSION "1.2" LOADx:x.ttl ; CLEAR ALL',
    f"PREFIX x: <{_CANARY}> PREFIX LOADx: <http://a/> VERSION '1.2'LOADx:x.ttl ; CLEAR ALL",
    f'PREFIX x: <{_CANARY}> PREFIX loadsilentx: <http://a/> VERSION "1.2" loadsilentx:x.ttl '
    "INTO GRAPH <http://g/> ; DROP ALL",
    f'VERSION "1.2" PREFIX x: <{_CANARY}> PREFIX LOADx: <http://a/> LOADx:x.ttl ; CLEAR ALL',
    # SPARQL lets a prologue follow `;` (pyoxigraph 0.5 does not yet).
    f'PREFIX x: <{_CANARY}> PREFIX LOADx: <http://a/> CLEAR ALL ; VERSION "1.2" LOADx:x.ttl',
    # A bare word never holds LOAD, wherever it stands.
    f"CLEAR ALL ; xLOAD <{_CANARY}x.ttl>",
])
def test_guard_refuses_a_load_prefix_opening_an_operation_after_version(update: str) -> None:
    with pytest.raises(QueryRefusedError, match="LOAD"):
        check_update(update, GRAPHS)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p 1.e5 . ?s ?q true . ?s ?r 1.5E-3 }",
    "SELECT ?trueSERVICE WHERE { ?s ?p ?trueSERVICE . ?s ?q _:trueSERVICE }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ex:trueSERVICE . ?s ?q 'trueSERVICE' }",
    "PREFIX webservice: <http://x/> PREFIX download: <http://y/> "
    "SELECT * WHERE { ?s webservice:p download:o }",
    # A declared prefix is a name wherever a name can stand; the engine reads it so.
    "PREFIX trueSERVICEx: <http://x/> SELECT * WHERE { ?s ?p trueSERVICEx:y }",
    "PREFIX fromage: <http://x/> DESCRIBE fromage:brie",
    "PREFIX fromage: <http://x/> DESCRIBE ?s fromage:brie WHERE { ?s ?p ?o }",
    "PREFIX fromage: <http://x/> SELECT * WHERE { ?s ?p ?o } ORDER BY fromage:weight(?o)",
    "PREFIX fromage: <http://x/> CONSTRUCT WHERE { ?s ?p ?o } ORDER BY fromage:weight(?o)",
    "PREFIX prefixes: <http://x/> SELECT * WHERE { ?s prefixes:p ?o }",
])
def test_guard_accepts_names_that_only_look_glued_to_a_keyword(query: str) -> None:
    assert check_query(query, GRAPHS) in guard.QUERY_FORMS


@pytest.mark.parametrize("update", [
    'PREFIX load: <http://x/> VERSION "1.2" INSERT DATA { load:a load:b load:c }',
    "PREFIX download: <http://x/> CLEAR GRAPH download:g",
    "PREFIX using: <http://x/> PREFIX from: <http://y/> ADD using:a TO from:b",
    "PREFIX using: <http://x/> DELETE { ?s using:p ?o } WHERE { ?s using:p ?o }",
])
def test_guard_accepts_updates_with_names_that_only_look_like_keywords(update: str) -> None:
    check_update(update, GRAPHS)


_BLOCKS = ["OPTIONAL { %s }", "FILTER EXISTS { %s }", "{ SELECT * { %s } }", "MINUS { %s }",
           "{ ?a ?b ?c } UNION { %s }", "GRAPH ?g { %s }", "%s"]
_SERVICE = st.sampled_from(["SERVICE", "service", "Service", "sErViCe"])
_SILENT = st.sampled_from(["", " SILENT", " silent"])
_TARGET = st.sampled_from(["<http://127.0.0.1:9/>", "?endpoint", "ex:remote"])
_SPACE = st.sampled_from([" ", "\n", "\t", " #note\n", "  "])


@settings(max_examples=300, deadline=None)
@given(service=_SERVICE, silent=_SILENT, target=_TARGET, space=_SPACE,
       nesting=st.lists(st.sampled_from(_BLOCKS), min_size=1, max_size=4))
def test_guard_refuses_service_nested_anywhere(service: str, silent: str, target: str, space: str,
                                               nesting: list[str]) -> None:
    pattern = f"{service}{silent}{space}{target}{space}{{ ?s ?p ?o }}"
    for block in nesting:
        pattern = block % pattern
    query = f"PREFIX ex: <http://x/>\nSELECT * WHERE {{ ?s ?p ?o .{space}{pattern} }}"
    with pytest.raises(QueryRefusedError):
        check_query(query, GRAPHS)


_SAFE_TEXT = st.text(alphabet=st.characters(blacklist_characters="'\\\n\r", blacklist_categories=("Cs",)))


@settings(max_examples=300, deadline=None)
@given(content=_SAFE_TEXT)
def test_guard_never_refuses_because_of_string_content(content: str) -> None:
    query = f"SELECT * WHERE {{ ?s ?p '{content}' }}"
    assert check_query(query, GRAPHS) == "SELECT"


@pytest.mark.parametrize("padding", [0, 20_000])
def test_guard_refuses_service_every_time_it_is_asked_short_or_long(padding: int) -> None:
    # Short texts' inspections are remembered; a refusal never is, and long texts are always lexed.
    text = "SELECT * {" + " " * padding + " SERVICE <http://x/> { ?s ?p ?o } }"
    for _ in range(3):
        with pytest.raises(QueryRefusedError, match="SERVICE"):
            check_query(text, GRAPHS)


def test_guard_remembered_inspection_matches_a_fresh_one() -> None:
    text = "SELECT * FROM <https://w3id.org/innokg/graph/ontology> { ?s ?p ?o } LIMIT 4"
    remembered = inspect(text)
    assert inspect(text) is remembered  # from the memo
    assert remembered == guard._inspect(text)  # the same as a fresh scan
    assert remembered.dataset == ("https://w3id.org/innokg/graph/ontology",) and remembered.limit == 4


@pytest.mark.parametrize(("query", "limit"), [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", 10),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s limit 5 OFFSET 2", 5),
    ("SELECT * WHERE { ?s ?p ?o } OFFSET 2 LIMIT 5 VALUES ?s { <urn:x> }", 5),
    ("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 3 } }", None),  # a subquery's own
    ("SELECT * WHERE { ?s ?p 'LIMIT 3' }", None),  # inside a string
    ("SELECT ?limit WHERE { ?s ?p ?limit }", None),
    ("ASK { ?s ?p ?o }", None),
])
def test_guard_reads_the_query_s_own_limit(query: str, limit: int | None) -> None:
    assert inspect(query).limit == limit


@pytest.mark.parametrize("query", [
    # The engine reads `<` after ?o as less-than and 'a>...' as a string: SERVICE runs.
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<'a>' || true) SERVICE <http://127.0.0.1:9/x> { ?x ?y ?z } "
    "FILTER('' = '') }",
    # ...or the rest of the line as a comment.
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<true#>\n) SERVICE <http://127.0.0.1:9/x> { ?x ?y ?z } }",
    # A LIMIT only the lexer sees would lift the row cap.
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<'x>}LIMIT 3' || true) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(STR(?o)<'x>') }",
])
def test_guard_refuses_less_than_it_could_read_as_an_iri(query: str) -> None:
    with pytest.raises(QueryRefusedError, match="comparison"):
        check_query(query, GRAPHS)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s a ?t FILTER(?t = <http://www.w3.org/2002/07/owl#Class>) }",
    "SELECT * WHERE { ?s a ?t FILTER(?t IN (<urn:a#x>, <urn:b#y>)) }",
    "SELECT * WHERE { ?s ?p ?o } VALUES (?s ?p) { (<urn:a#x> <urn:b#y>) (<urn:c'z> UNDEF) }",
    "SELECT * WHERE { ?s <urn:p#x> ?o FILTER(?o < 'b' && ?s<?o) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != <urn:a#x>) }",
])
def test_guard_accepts_iris_with_hash_or_quote_where_only_an_iri_fits(query: str) -> None:
    assert check_query(query, GRAPHS) == "SELECT"
