"""A remote engine's answers read back: SPARQL JSON results and N-Triples as `kg.terms` values, and a
client's answer re-written (or passed through) with the same formats, columns and row cap as the
embedded store's (kg.store.results).

The engine is always asked for SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE): one
reader per kind, and both cheap to read (orjson; pyoxigraph's N-Triples parser). A JSON answer the
client can have as it is (under the row cap, columns already in the client's order, nothing
non-standard in it) is passed through byte for byte: re-encoding costs more than the round trip to
the engine on answers of thousands of rows (docs/engine-notes.md §5.4). When the query's own LIMIT
keeps it under the row cap, only the head is read (the engines write it first), not the rows.
Everything else is written by the project's own writers, so a capped answer says `"truncated": true`
exactly as the embedded one.

Virtuoso writes SPARQL 1.0's `"typed-literal"` for literals with a datatype (docs/engine-notes.md
§5.2); it is read as a literal, and an answer holding it is re-written rather than passed through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice
from typing import Any

import orjson
import pyoxigraph as ox

from kg.store.engine import QueryAnswer
from kg.store.results import (
    bindings_to_json,
    ordered_columns,
    star_order,
    term_to_json,
    to_term,
    write_boolean,
    write_graph,
    write_solutions,
)
from kg.store.sparql_http import EngineFailedError
from kg.terms import RDF_LANG_STRING, XSD_STRING, Row, Term, Triple

_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEANS = {"1": "true", "0": "false"}
_LABEL = re.compile(r"[^A-Za-z0-9_]")
#: Marks of a JSON answer that must be re-written rather than passed through.
_NONSTANDARD = (b'"typed-literal"',)
#: The head of a SPARQL JSON answer, when the engine wrote it first (oxigraph serve and Virtuoso do).
_HEAD = re.compile(rb'\A\s*\{\s*"head"\s*:\s*(\{[^{}]*\})')


def read_json(body: bytes) -> dict[str, Any]:
    """A SPARQL JSON results document; raises EngineFailedError when the engine sent something else."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise EngineFailedError("The SPARQL engine answered with something other than SPARQL JSON "
                                "results; check KG_SPARQL_QUERY_URL.") from exc
    if not isinstance(document, dict):
        raise EngineFailedError("The SPARQL engine's answer is not a SPARQL JSON results document.")
    return document


def binding_term(value: dict[str, str]) -> Term:
    """One SPARQL JSON binding value as a term (SPARQL 1.0's typed-literal included)."""
    kind = value.get("type")
    if kind == "uri":
        return Term("iri", value["value"])
    if kind == "bnode":
        # Virtuoso labels blank nodes `nodeID://b10001`, which is no blank node label in RDF syntax.
        return Term("bnode", _LABEL.sub("_", value["value"]))
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang")
        if lang:
            return Term("literal", value["value"], RDF_LANG_STRING, lang)
        return Term("literal", lexical(value), value.get("datatype") or XSD_STRING, None)
    return Term("triple", str(value.get("value", "")))


def variables_of(document: dict[str, Any]) -> list[str]:
    """The head's variable names."""
    return list(document.get("head", {}).get("vars", []))


def bindings_of(document: dict[str, Any]) -> list[dict[str, dict[str, str]]]:
    """The result rows, as the engine wrote them."""
    return list(document.get("results", {}).get("bindings", []))


def rows_of(document: dict[str, Any]) -> list[Row]:
    """The solutions as rows of terms (unbound variables left out)."""
    cache: dict[tuple[tuple[str, str], ...], Term] = {}

    def term(value: dict[str, str]) -> Term:
        key = tuple(value.items())
        found = cache.get(key)
        if found is None:
            found = cache[key] = binding_term(value)
        return found

    return [{name: term(value) for name, value in row.items()} for row in bindings_of(document)]


def values_of(document: dict[str, Any]) -> list[tuple[str | None, ...]]:
    """The solutions as tuples of lexical values in the head's order (None if unbound)."""
    names = variables_of(document)
    return [tuple(lexical(row[name]) if name in row else None for name in names)
            for row in bindings_of(document)]


def lexical(value: dict[str, str]) -> str:
    """The lexical form of a binding value, booleans in their canonical form (Virtuoso writes
    xsd:boolean true as "1", docs/engine-notes.md §5.2)."""
    text = value["value"]
    if value.get("datatype") == _XSD_BOOLEAN and text in _BOOLEANS:
        return _BOOLEANS[text]
    return text


def parse_ntriples(body: bytes) -> list[Triple]:
    """The triples of an N-Triples answer; raises EngineFailedError when it does not parse."""
    try:
        return [(to_term(t.subject), to_term(t.predicate), to_term(t.object))
                for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError as exc:
        raise EngineFailedError(f"The SPARQL engine's N-Triples do not parse: {exc}") from exc


# -- a client's answer ------------------------------------------------------------------------------

def boolean_answer(body: bytes, fmt: str) -> QueryAnswer:
    """An ASK answer in `fmt`."""
    value = bool(read_json(body).get("boolean"))
    return QueryAnswer("boolean", fmt, write_boolean(fmt, value), False, 1)


def solutions_answer(body: bytes, *, fmt: str, query: str, max_rows: int,
                     limit: int | None = None, engine_cap: int | None = None) -> QueryAnswer:
    """A SELECT answer in `fmt`, its columns in the order of the embedded store, cut at `max_rows`
    (`limit`: the query's own LIMIT, which may make counting the rows needless; `engine_cap`: the
    row cap the engine said it applies, so that an answer it cut says `truncated` too)."""
    if (fmt == "json" and engine_cap is None and limit is not None and limit <= max_rows
            and _standard(body)):
        head = _head_vars(body)
        if head is not None and ordered_columns(head, star_order(query)) == head:
            return QueryAnswer("solutions", "json", body, False, None)
    document = read_json(body)
    engine_order = variables_of(document)
    variables = ordered_columns(engine_order, star_order(query))
    bindings = bindings_of(document)
    truncated = len(bindings) > max_rows or (
        engine_cap is not None and len(bindings) >= engine_cap and (limit is None or limit > engine_cap))
    if fmt == "json" and not truncated and variables == engine_order and _standard(body):
        return QueryAnswer("solutions", "json", body, False, len(bindings))
    del bindings[max_rows:]
    if fmt == "json":
        encoded = [{name: term_to_json(binding_term(value)) for name, value in row.items()}
                   for row in bindings]
        return QueryAnswer("solutions", "json", bindings_to_json(variables, encoded, truncated),
                           truncated, len(encoded))
    rows = _term_rows(variables, bindings)
    return QueryAnswer("solutions", fmt, write_solutions(fmt, variables, rows, truncated), truncated,
                       len(rows))


def graph_answer(body: bytes, *, fmt: str, max_rows: int, engine_cap: int | None = None) -> QueryAnswer:
    """A CONSTRUCT or DESCRIBE answer (N-Triples from the engine) in `fmt`, cut at `max_rows`;
    raises NotAcceptableError when the format cannot hold it, EngineFailedError. `engine_cap`: the
    row cap the engine reported on earlier answers. Virtuoso cuts a CONSTRUCT there too but says so
    in no header (docs/engine-notes.md §5.8): an answer of at least that many triples may have been
    cut, and says `truncated`."""
    try:
        triples = islice(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), max_rows + 1)
        kept = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
    except SyntaxError as exc:
        raise EngineFailedError(f"The SPARQL engine's N-Triples do not parse: {exc}") from exc
    answer = write_graph(kept, fmt, max_rows)
    if engine_cap is not None and len(kept) >= engine_cap and not answer.truncated:
        return replace(answer, truncated=True)
    return answer


def _head_vars(body: bytes) -> list[str] | None:
    """The head's variables read from the first bytes of the answer, or None when not there."""
    match = _HEAD.match(body[:4096])
    if match is None:
        return None
    try:
        head = orjson.loads(match.group(1))
    except orjson.JSONDecodeError:
        return None
    names = head.get("vars") if isinstance(head, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else None


def _standard(body: bytes) -> bool:
    return not any(mark in body for mark in _NONSTANDARD)


def _term_rows(variables: Sequence[str],
               bindings: list[dict[str, dict[str, str]]]) -> list[list[Term | None]]:
    return [[binding_term(row[name]) if name in row else None for name in variables]
            for row in bindings]
