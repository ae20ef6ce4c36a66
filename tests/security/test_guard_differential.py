"""The guard against the real engine: whatever text the guard lets through never reaches the network.

The engine (pyoxigraph's SPARQL grammar) matches keywords without a word boundary, so text the
guard's lexer reads as one token the engine may read as two (`trueSERVICE` is `true SERVICE`). These
tests build texts from terms × separators × keyword spellings × wrappers × prologues, ask the guard
as the endpoint does, run every text on a real in-process store, and count the connections the
engine makes to a canary listener: a text the guard accepts must make none. Dataset clauses, which
pyoxigraph never fetches, are checked the same way against a graph the guard was not told about.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from kg.errors import QueryRefusedError, QuerySyntaxError
from kg.store.guard import check_query, check_update

#: Stands for the canary's base IRI (`http://127.0.0.1:PORT/`) until a test knows the port.
CANARY = "http://canary.invalid/"
EX = "http://example.org/"
#: The graphs the guard is told the store holds (the store also holds EVIL_GRAPH, which it is not).
GRAPHS = frozenset({f"{EX}g"})
EVIL_GRAPH = "http://evil.example/g"

#: Object terms a keyword may be glued behind; every ground one is in the store, so patterns match.
TERMS = [
    "true", "false", "1", "-1", "+1", "1.5", ".5", "1.e5", "1.E+5", ".5e3", "1e5", "1.5e-3",
    '"a"', "'a'", '"""a"""', "'''a'''", '"a"@en', '"1"^^xsd:integer',
    "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>",
    f"<{EX}o>", "ex:o", "?o", "_:b", "[]",
]
SEPARATORS = ["", " ", "\n", "#x\n", "\t"]
SERVICE_SPELLINGS = ["SERVICE", "service", "SeRvIcE"]
LOAD_SPELLINGS = ["LOAD", "load", "LoAd"]
SILENT = ["", " SILENT", "SILENT", " silent"]
#: The remote end: the canary by IRI, by a declared `c:` and by the empty prefix, spaced or glued.
SERVICE_TARGETS = [f" <{CANARY}sparql>", f"<{CANARY}sparql>", " c:sparql", "c:sparql", ":sparql"]
LOAD_TARGETS = [f" <{CANARY}data.ttl>", f"<{CANARY}data.ttl>", " c:data.ttl", "c:data.ttl", ":data.ttl"]
#: Where the pattern holding SERVICE stands; `{}` is the group's contents.
WRAPPERS = {
    "group": "SELECT * WHERE {{ {} }}",
    "exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {} }} }}",
    "not_exists": "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ {} }} }}",
    "optional": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {} }} }}",
    "minus": "SELECT * WHERE {{ ?s ?p ?o MINUS {{ {} }} }}",
    "subquery": "SELECT * WHERE {{ {{ SELECT * WHERE {{ {} }} }} }}",
    "having": "SELECT ?s WHERE {{ ?s ?p ?o }} GROUP BY ?s HAVING (EXISTS {{ {} }})",
    "order_by": "SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (EXISTS {{ {} }})",
    "bind": "SELECT * WHERE {{ ?s ?p ?o BIND(EXISTS {{ {} }} AS ?b) }}",
    "filter": "SELECT * WHERE {{ ?s ?p ?o FILTER(?o = ?o && EXISTS {{ {} }}) }}",
    "graph": f"SELECT * WHERE {{{{ GRAPH <{EX}g> {{{{ {{}} }}}} }}}}",
    "ask": "ASK {{ {} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {} }}",
    "update": f"INSERT {{{{ <{EX}x> <{EX}y> ?s }}}} WHERE {{{{ {{}} }}}}",
}
#: Prologue lines after the fixed prefixes: none, one or two of BASE and VERSION, in any order.
PROLOGUE_EXTRAS = [
    extras for size in range(3)
    for extras in itertools.permutations([f"BASE <{EX}>", 'VERSION "1.2"', "VERSION '1.2'"], size)
]
#: Prefixes every text may use: the canary as `c:` and `:`, the store's vocabulary as `ex:`.
PREFIXES = [f"PREFIX ex: <{EX}>", "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>",
            f"PREFIX c: <{CANARY}>", f"PREFIX : <{CANARY}>"]
#: What comes before and after LOAD in an update: alone, opening or closing a sequence (where the
#: guard sees another update keyword), or inside data, where a `load…:` name may be meant.
_INSERT = f"INSERT DATA {{ <{EX}s> <{EX}p> <{EX}o> }} ;"
LOAD_SLOTS = [
    ("", ""), ("", f" ; CLEAR SILENT GRAPH <{EX}none>"),
    ("", f" INTO GRAPH <{EX}loaded> ; DROP SILENT GRAPH <{EX}loaded>"),
    (_INSERT, ""), (_INSERT, f" ; CLEAR SILENT GRAPH <{EX}none>"),
    (f"INSERT DATA {{ <{EX}s> <{EX}p>", " }"),
]
_GLUED_HEAD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


class Canary(Protocol):
    """The security suite's canary listener (tests/security/conftest.py)."""

    url: str
    hits: int


@dataclass(frozen=True)
class Case:
    """A generated text, with the canary's IRI still a placeholder, and how to send it."""

    text: str
    update: bool
    shape: str  # the wrapper, for the statistics


def _prologue(extras: Sequence[str], body: str, declare: bool) -> str:
    # `declare` also declares the glued name before the target's colon (`trueSERVICEc:` in
    # `trueSERVICEc:sparql`), where the engine may read the name, or the keyword, or neither.
    lines = list(PREFIXES)
    head = _GLUED_HEAD.search(re.split(r":sparql|:data\.ttl", body)[0])
    if declare and head is not None and head.group() != "c":
        lines.append(f"PREFIX {head.group()}: <{EX}>")
    return "\n".join([*lines, *extras]) + "\n"


def service_case(term: str, separator: str, keyword: str, silent: str, target: str, wrapper: str,
                 extras: Sequence[str], declare: bool) -> Case:
    """A query (or an update's WHERE) holding SERVICE behind an object term."""
    pattern = f"?s ?p {term}{separator}{keyword}{silent}{target} {{ ?a ?b ?c }}"
    body = WRAPPERS[wrapper].format(pattern)
    return Case(_prologue(extras, body, declare) + body, wrapper == "update", wrapper)


def load_case(slot: tuple[str, str], separator: str, keyword: str, silent: str, target: str,
              extras: Sequence[str], declare: bool) -> Case:
    """An update holding LOAD after a prologue or another operation."""
    body = f"{slot[0]}{separator}{keyword}{silent}{target}{slot[1]}"
    return Case(_prologue(extras, body, declare) + body, True, "load")


_EXTRAS = st.sampled_from(PROLOGUE_EXTRAS)
#: No separator at all half the time: the glued texts are where the two readings part.
_SEPARATORS = st.one_of(st.just(""), st.sampled_from(SEPARATORS))
SERVICE_CASES = st.builds(
    service_case, st.sampled_from(TERMS), _SEPARATORS, st.sampled_from(SERVICE_SPELLINGS),
    st.sampled_from(SILENT), st.sampled_from(SERVICE_TARGETS), st.sampled_from(sorted(WRAPPERS)),
    _EXTRAS, st.booleans(),
)
LOAD_CASES = st.builds(
    load_case, st.sampled_from(LOAD_SLOTS), _SEPARATORS, st.sampled_from(LOAD_SPELLINGS),
    st.sampled_from(SILENT), st.sampled_from(LOAD_TARGETS), _EXTRAS, st.booleans(),
)


def sample_cases(count: int, seed: int) -> list[Case]:
    """`count` cases drawn at random from the generator's own building blocks."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        extras = rng.choice(PROLOGUE_EXTRAS)
        if rng.random() < 0.75:
            cases.append(service_case(
                rng.choice(TERMS), rng.choice(SEPARATORS), rng.choice(SERVICE_SPELLINGS), rng.choice(SILENT),
                rng.choice(SERVICE_TARGETS), rng.choice(sorted(WRAPPERS)), extras, rng.random() < 0.5))
        else:
            cases.append(load_case(
                rng.choice(LOAD_SLOTS), rng.choice(SEPARATORS), rng.choice(LOAD_SPELLINGS),
                rng.choice(SILENT), rng.choice(LOAD_TARGETS), extras, rng.random() < 0.5))
    return cases


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    """A store where `?s ?p TERM` matches every ground term of TERMS, in the default graph and ex:g."""
    store = pyoxigraph.Store()
    ground = " ".join(f"ex:s ex:p {term} ." for term in TERMS if term[0] not in "?_[")
    evil = f"GRAPH <{EVIL_GRAPH}> {{ ex:s ex:p 'evil' }}"
    store.update(f"PREFIX ex: <{EX}> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
                 f"INSERT DATA {{ {ground} GRAPH ex:g {{ {ground} }} {evil} }}")
    return store


def guard_accepts(case: Case) -> bool:
    """Whether the guard lets the text through, called as the SPARQL endpoint calls it."""
    try:
        if case.update:
            check_update(case.text, GRAPHS)
        else:
            check_query(case.text, GRAPHS)
    except (QueryRefusedError, QuerySyntaxError):
        return False
    return True


def engine_contacts(store: pyoxigraph.Store, text: str, update: bool, canary: Canary) -> bool:
    """Run the text on the engine; whether it connected to the canary meanwhile."""
    hits = canary.hits
    try:
        if update:
            store.update(text)
        else:
            answer = store.query(text)
            if not isinstance(answer, pyoxigraph.QueryBoolean):
                list(answer)
    except (SyntaxError, OSError, RuntimeError):
        pass  # an engine error is fine; only a connection counts
    # The canary counts a connection before it answers, and the engine waits for the answer.
    return canary.hits > hits


def _live(case: Case, canary: Canary) -> str:
    return case.text.replace(CANARY, canary.url.rsplit("/", 1)[0] + "/")


def _assert_silent_if_accepted(store: pyoxigraph.Store, case: Case, canary: Canary) -> None:
    accepted = guard_accepts(case)
    contacted = engine_contacts(store, _live(case, canary), case.update, canary)
    event(f"guard {'accepted' if accepted else 'refused'}, engine {'contacted' if contacted else 'silent'}")
    assert not (accepted and contacted), f"the guard accepted a text that reached the network:\n{case.text}"


#: One text of each family that the engine sends to the canary and a guard without the fix accepted.
QUERY_REGRESSIONS = {
    # 1. a keyword glued behind a literal: the engine reads `true SERVICE <…>`.
    "true_service": "SELECT * WHERE { ?s ?p trueSERVICE <CANARY> { ?a ?b ?c } }",
    "lower_true_service": "SELECT * WHERE { ?s ?p trueservice <CANARY> { ?a ?b ?c } }",
    "false_service_silent": "SELECT * WHERE { ?s ?p falseSERVICESILENT <CANARY> { ?a ?b ?c } }",
    "double_service": "SELECT * WHERE { ?s ?p 1.e5SERVICE <CANARY> { ?a ?b ?c } }",
    "true_service_exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { ?s ?p trueSERVICE <CANARY> {} } }",
    "true_service_in_list": "SELECT * WHERE { ?s ?p 1, trueSERVICE <CANARY> { ?a ?b ?c } }",
    # ...or glued to an undeclared prefix: `true SERVICE :x`, `true SERVICE c:x`.
    "true_service_colon": "PREFIX : <CANARY_BASE> SELECT * WHERE { ?s ?p trueSERVICE:sparql {} }",
    "true_service_prefix": "PREFIX c: <CANARY_BASE> SELECT * WHERE { ?s ?p trueSERVICEc:sparql {} }",
    "true_service_declared_head": ("PREFIX c: <CANARY_BASE> PREFIX SERVICEc: <http://example.org/> "
                                   "SELECT * WHERE { ?s ?p trueSERVICEc:sparql {} }"),
}
UPDATE_REGRESSIONS = {
    "true_service_in_update": ("INSERT { <http://example.org/x> <http://example.org/y> ?s } "
                               "WHERE { ?s ?p trueSERVICE <CANARY> {} }"),
    # 2. a declared `load…:` prefix opening an operation after SPARQL 1.2's VERSION.
    "version_load_prefix": ('PREFIX c: <CANARY_BASE> PREFIX LOADc: <http://example.org/> VERSION "1.2" '
                            "LOADc:data.ttl ; CLEAR SILENT GRAPH <http://example.org/none>"),
    "version_load_silent": ("PREFIX c: <CANARY_BASE> PREFIX loadsilentc: <http://example.org/> "
                            "VERSION '1.2'loadsilentc:data.ttl ; CLEAR SILENT GRAPH <http://example.org/none>"),
}


@pytest.mark.parametrize(("name", "template"), [
    *sorted(QUERY_REGRESSIONS.items()), *sorted(UPDATE_REGRESSIONS.items())])
def test_engine_reaches_the_canary_with_each_known_bypass_and_the_guard_refuses_it(
        name: str, template: str, store: pyoxigraph.Store, canary: Canary) -> None:
    base = canary.url.rsplit("/", 1)[0] + "/"
    text = template.replace("CANARY_BASE", base).replace("CANARY", canary.url)
    update = name in UPDATE_REGRESSIONS
    assert engine_contacts(store, text, update, canary), "the engine no longer reads it so"
    assert not guard_accepts(Case(text, update, name))


@pytest.mark.parametrize("query", [
    # A declared prefix named after a dataset keyword, where the engine reads the keyword.
    f"PREFIX FROMx: <{EX}> PREFIX x: <http://evil.example/> SELECT * FROMx:g {{ ?s ?p 'evil' }}",
    f"PREFIX x: <{EX}> PREFIX PREFIXx: <{EX}> PREFIXx: <http://evil.example/> "
    "SELECT * FROM x:g { ?s ?p 'evil' }",
])
def test_guard_refuses_a_query_the_engine_runs_on_a_graph_outside_the_store(
        query: str, store: pyoxigraph.Store) -> None:
    assert len(list(store.query(query))) == 1  # the engine read the evil graph
    assert not guard_accepts(Case(query, False, "from"))


def test_guard_refuses_an_update_the_engine_runs_on_a_graph_outside_the_store(
        store: pyoxigraph.Store) -> None:
    update = (f"PREFIX USINGx: <{EX}> PREFIX x: <http://evil.example/> "
              f"INSERT {{ GRAPH <{EX}copied> {{ ?s ?p 'evil' }} }} USINGx:g WHERE {{ ?s ?p 'evil' }}")
    copied = pyoxigraph.NamedNode(f"{EX}copied")
    store.update(update)
    assert len(list(store.quads_for_pattern(None, None, None, copied))) == 1  # read the evil graph
    store.remove_graph(copied)
    assert not guard_accepts(Case(update, True, "using"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=SERVICE_CASES)
@example(case=service_case("true", "", "SERVICE", "", " c:sparql", "group", [], False))
@example(case=service_case("1.e5", "", "service", "", SERVICE_TARGETS[0], "exists", ["VERSION '1.2'"], False))
@example(case=service_case("false", "", "SERVICE", " SILENT", SERVICE_TARGETS[0], "having", [], False))
def test_service_the_guard_accepts_never_reaches_the_canary(
        case: Case, store: pyoxigraph.Store, canary: Canary) -> None:
    _assert_silent_if_accepted(store, case, canary)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=LOAD_CASES)
@example(case=load_case(LOAD_SLOTS[1], " ", "LOAD", "", "c:data.ttl", ['VERSION "1.2"'], True))
def test_load_the_guard_accepts_never_reaches_the_canary(
        case: Case, store: pyoxigraph.Store, canary: Canary) -> None:
    _assert_silent_if_accepted(store, case, canary)


def test_generated_texts_reach_the_canary_when_the_guard_is_skipped(
        store: pyoxigraph.Store, canary: Canary) -> None:
    # Without this, the properties above could hold because the engine rejects every text.
    cases = sample_cases(120, seed=7)
    contacted = [case for case in cases if engine_contacts(store, _live(case, canary), case.update, canary)]
    assert len(contacted) >= len(cases) // 2, f"only {len(contacted)} of {len(cases)} reached the canary"
    assert {case.shape for case in contacted} >= {*WRAPPERS, "load"}
    assert not [case.text for case in contacted if guard_accepts(case)]
