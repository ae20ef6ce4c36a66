"""Engine results as bytes: term conversion, the SPARQL 1.1 Query Results writers (JSON, XML, CSV,
TSV), booleans, graph serialisation, and the row cap.

`write_answer` runs in the query worker (kg.store.worker), in the thread that ran the query, since pyoxigraph
results are bound to that thread (docs/engine-notes.md §3.1). It stops reading at `Settings.max_rows` (+1 to
know the cap was hit), which the engine's own writers cannot do, so the project writes the answer itself over
plain values (`kg.terms.Term`, None for unbound). Two exceptions, both for speed: SPARQL JSON is built
straight from engine terms (the most asked-for format skips the Term step), and a JSON answer whose own LIMIT
keeps it under the cap is written by the engine's writer (in Rust).

When the cap was hit, the JSON document carries a top-level `"truncated": true` (an extension member
that SPARQL JSON readers ignore); the web layer also says so in the `KG-Truncated` header, from
`QueryAnswer.truncated`.

The columns of a `SELECT *` answer come in the order their variables first appear in the query text
(`star_order`), not in the engine's alphabetical order. SPARQL 1.1 Query (§18.2.5, projection) makes
SELECT * project "all named variables that are in-scope in the query", a set whose order it leaves open;
first appearance is the order of Jena and of rdflib, and the one a reader of the query expects. The
engine's fast JSON path keeps its speed: only the head of its document is rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson
import pyoxigraph as ox

from kg.errors import LoadError, NotAcceptableError
from kg.namespaces import PREFIXES
from kg.store.engine import QueryAnswer
from kg.store.guard import tokens
from kg.store.sandboxed import ENGINE_FORMATS
from kg.terms import RDF_LANG_STRING, XSD_STRING, Term, Triple

SolutionRow = Sequence[Term | None]

_XSD = "http://www.w3.org/2001/XMLSchema#"
# TSV may write these datatypes as bare Turtle numbers/booleans (SPARQL 1.1 CSV/TSV §4.1).
_BARE_TSV = {_XSD + "integer", _XSD + "decimal", _XSD + "double", _XSD + "boolean"}
#: Graph formats written with a prefix header (the project prefixes the answer uses).
_PREFIXED_FORMATS = frozenset({"turtle", "trig", "rdfxml"})
_MISSING = object()


# -- terms -------------------------------------------------------------------------------------

def to_term(node: object) -> Term:
    """The engine-neutral form of a pyoxigraph term."""
    kind = type(node)  # exact type checks: this runs once per term of every answer
    if kind is ox.NamedNode:
        return Term("iri", node.value)  # type: ignore[attr-defined]
    if kind is ox.Literal:
        return Term("literal", node.value, node.datatype.value, node.language)  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        return Term("bnode", node.value)  # type: ignore[attr-defined]
    return Term("triple", str(node))


# -- JSON --------------------------------------------------------------------------------------

def term_to_json(term: Term) -> dict[str, str]:
    """One RDF term as a SPARQL JSON results binding value."""
    kind = term.kind
    if kind == "iri":
        return {"type": "uri", "value": term.value}
    if kind == "literal":
        if term.lang:
            return {"type": "literal", "value": term.value, "xml:lang": term.lang}
        if term.datatype and term.datatype != XSD_STRING:
            return {"type": "literal", "value": term.value, "datatype": term.datatype}
        return {"type": "literal", "value": term.value}
    if kind == "bnode":
        return {"type": "bnode", "value": term.value}
    return {"type": "triple", "value": term.value}


def solutions_to_json(variables: Sequence[str], rows: Sequence[SolutionRow], truncated: bool) -> bytes:
    """SPARQL 1.1 Query Results JSON, with `"truncated": true` when the row cap was hit."""
    cache: dict[Term, dict[str, str]] = {}

    def encode(term: Term) -> dict[str, str]:
        # Repeated terms share one dict: orjson writes it again, Python builds it once.
        found = cache.get(term)
        if found is None:
            found = cache[term] = term_to_json(term)
        return found

    bindings = [
        {name: encode(term) for name, term in zip(variables, row, strict=True) if term is not None}
        for row in rows
    ]
    return bindings_to_json(variables, bindings, truncated)


def bindings_to_json(variables: Sequence[str], bindings: list[dict[str, dict[str, str]]],
                     truncated: bool) -> bytes:
    """The SPARQL JSON document of ready-made bindings (`"truncated": true` when the cap was hit)."""
    document: dict[str, object] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        document["truncated"] = True
    return orjson.dumps(document)


def boolean_to_json(value: bool) -> bytes:
    """The JSON answer of an ASK query."""
    return orjson.dumps({"head": {}, "boolean": value})


# -- XML ---------------------------------------------------------------------------------------

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _xml_term(term: Term) -> str:
    if term.kind == "iri":
        return f"<uri>{escape(term.value)}</uri>"
    if term.kind == "bnode":
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{escape(term.value)}</literal>"
    if term.datatype and term.datatype not in (XSD_STRING, RDF_LANG_STRING):
        return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def solutions_to_xml(variables: Sequence[str], rows: Sequence[SolutionRow], truncated: bool) -> bytes:
    """SPARQL Query Results XML (truncation is reported by the HTTP header only)."""
    parts = [_XML_HEAD, "<head>"]
    parts.extend(f"<variable name={quoteattr(name)}/>" for name in variables)
    parts.append("</head>\n<results>\n")
    for row in rows:
        parts.append("<result>")
        parts.extend(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True) if term is not None
        )
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts).encode()


def boolean_to_xml(value: bool) -> bytes:
    """The XML answer of an ASK query."""
    return f"{_XML_HEAD}<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n".encode()


# -- CSV and TSV -------------------------------------------------------------------------------

def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    value = f"_:{term.value}" if term.kind == "bnode" else term.value
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def solutions_to_csv(variables: Sequence[str], rows: Sequence[SolutionRow], truncated: bool) -> bytes:
    """SPARQL 1.1 CSV results (lexical values only; CRLF line ends)."""
    lines = [",".join(_csv_field(Term("literal", v)) for v in variables)]
    lines.extend(",".join(_csv_field(term) for term in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode()


def _tsv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "literal" and not term.lang and term.datatype in _BARE_TSV:
        return term.value if _is_turtle_number(term) else term.to_ntriples()
    return term.to_ntriples().replace("\t", "\\t")


def _is_turtle_number(term: Term) -> bool:
    # A bare Turtle literal must read back as the same datatype: "1" is an integer, "1.0" a decimal.
    value = term.value
    if term.datatype == _XSD + "boolean":
        return value in ("true", "false")
    if term.datatype == _XSD + "integer":
        return value.lstrip("+-").isdigit()
    if term.datatype == _XSD + "decimal":
        whole, dot, frac = value.lstrip("+-").partition(".")
        return bool(dot) and whole.isdigit() and frac.isdigit()
    return "e" in value.lower() and value.lower() not in ("inf", "-inf", "nan")


def solutions_to_tsv(variables: Sequence[str], rows: Sequence[SolutionRow], truncated: bool) -> bytes:
    """SPARQL 1.1 TSV results (terms in Turtle/N-Triples syntax)."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(_tsv_field(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()


def boolean_to_text(value: bool) -> bytes:
    """The CSV/TSV answer of an ASK query (the formats define none; `true`/`false` as Oxigraph does)."""
    return b"true\n" if value else b"false\n"


SolutionWriter = Callable[[Sequence[str], Sequence[SolutionRow], bool], bytes]
SOLUTION_WRITERS: dict[str, SolutionWriter] = {
    "json": solutions_to_json, "xml": solutions_to_xml, "csv": solutions_to_csv,
    "tsv": solutions_to_tsv,
}
BOOLEAN_WRITERS: dict[str, Callable[[bool], bytes]] = {
    "json": boolean_to_json, "xml": boolean_to_xml, "csv": boolean_to_text, "tsv": boolean_to_text,
}


def write_solutions(fmt: str, variables: Sequence[str], rows: Sequence[SolutionRow],
                    truncated: bool) -> bytes:
    """Solutions serialised in `fmt` (json, xml, csv, tsv); raises KeyError for another name."""
    return SOLUTION_WRITERS[fmt](variables, rows, truncated)


def write_boolean(fmt: str, value: bool) -> bytes:
    """An ASK answer serialised in `fmt`; raises KeyError for another name."""
    return BOOLEAN_WRITERS[fmt](value)


# -- the columns of SELECT * ---------------------------------------------------------------------

_MODIFIERS = frozenset({"DISTINCT", "REDUCED"})


def star_order(query: str) -> tuple[str, ...] | None:
    """For a `SELECT *` query, its variable names in the order they first appear in the text (the
    guard's lexer tells variables from strings, IRIs and comments); None for any other query."""
    read = tokens(query)
    for kind, text in read:
        if kind == "word" and text.upper() == "SELECT":
            break
        if kind == "word" and text.upper() in ("ASK", "CONSTRUCT", "DESCRIBE"):
            return None
    else:
        return None
    names: list[str] = []
    for kind, text in read:
        if kind == "word" and text.upper() in _MODIFIERS:
            continue
        if kind != "punct" or text != "*":
            return None
        break
    for kind, text in read:
        if kind == "var":
            names.append(text[1:])
    return tuple(dict.fromkeys(names))


def ordered_columns(variables: Sequence[str], order: Sequence[str] | None) -> list[str]:
    """`variables` in `order` (names not in it keep their place after those that are)."""
    if not order:
        return list(variables)
    rank = {name: i for i, name in enumerate(order)}
    return sorted(variables, key=lambda name: rank.get(name, len(rank)))


def _with_head(body: bytes, engine_order: list[str], variables: list[str]) -> bytes:
    """The engine's SPARQL JSON document with its head listing `variables` (bindings are objects, so
    nothing else depends on the order): a prefix swap, or a re-encoding should the prefix differ."""
    head = b'{"head":{"vars":'
    written = head + orjson.dumps(engine_order) + b"}"
    if body.startswith(written):
        return head + orjson.dumps(variables) + b"}" + body[len(written):]
    document = orjson.loads(body)
    document["head"]["vars"] = variables
    return orjson.dumps(document)


# -- engine results ----------------------------------------------------------------------------

def write_answer(result: object, *, solutions_format: str, graph_format: str, limit: int | None,
                 max_rows: int, order: Sequence[str] | None = None) -> QueryAnswer:
    """An engine result serialised, cut at `max_rows`; `limit` is the query's own LIMIT as the guard
    read it, `order` the column order of a SELECT * (`star_order`). Raises NotAcceptableError when
    the graph format cannot hold the answer."""
    if isinstance(result, ox.QueryBoolean):
        return QueryAnswer("boolean", solutions_format, write_boolean(solutions_format, bool(result)),
                           False, 1)
    if isinstance(result, ox.QuerySolutions):
        return _write_solutions(result, solutions_format, limit, max_rows, order)
    return write_graph(result, graph_format, max_rows)


def _write_solutions(solutions: ox.QuerySolutions, fmt: str, limit: int | None,
                     max_rows: int, order: Sequence[str] | None) -> QueryAnswer:
    engine_order = [v.value for v in solutions.variables]
    variables = ordered_columns(engine_order, order)
    if fmt == "json" and limit is not None and limit <= max_rows:
        # Its own LIMIT keeps the answer under the cap: the engine's writer (in Rust, five times
        # faster than building the JSON here on answers of thousands of rows) may write it all.
        body = solutions.serialize(format=ox.QueryResultsFormat.JSON) or b""
        if variables != engine_order:
            body = _with_head(body, engine_order, variables)
        return QueryAnswer("solutions", "json", body, False, None)
    positions = [engine_order.index(name) for name in variables]
    if fmt == "json":
        return _json_answer(solutions, variables, positions, max_rows)
    # Terms repeat across rows (predicates, classes, graph IRIs): convert each one once.
    seen: dict[Any, Term | None] = {None: None}

    def term(node: Any) -> Term | None:
        found = seen.get(node, _MISSING)
        if found is _MISSING:
            found = seen[node] = to_term(node)
        return found  # type: ignore[return-value]

    rows = [[term(s[i]) for i in positions] for s in islice(solutions, max_rows + 1)]
    truncated = len(rows) > max_rows
    del rows[max_rows:]
    return QueryAnswer("solutions", fmt, write_solutions(fmt, variables, rows, truncated),
                       truncated, len(rows))


def _json_answer(solutions: ox.QuerySolutions, variables: list[str], positions: list[int],
                 max_rows: int) -> QueryAnswer:
    """SPARQL JSON straight from engine terms: the most asked-for format skips the Term step."""
    encoded: dict[Any, dict[str, str]] = {}
    columns = list(zip(positions, variables, strict=True))
    bindings = []
    for solution in islice(solutions, max_rows + 1):
        row = {}
        for position, name in columns:
            node = solution[position]
            if node is not None:
                value = encoded.get(node)
                if value is None:
                    value = encoded[node] = term_to_json(to_term(node))
                row[name] = value
        bindings.append(row)
    truncated = len(bindings) > max_rows
    del bindings[max_rows:]
    return QueryAnswer("solutions", "json", bindings_to_json(variables, bindings, truncated),
                       truncated, len(bindings))


def write_graph(triples: Any, fmt: str, max_rows: int) -> QueryAnswer:
    """The triples of a CONSTRUCT/DESCRIBE result in `fmt` (a kg.formats.RDF_FORMATS name), cut at `max_rows`;
    raises NotAcceptableError when the format cannot hold them (RDF 1.2 triple terms in JSON-LD)."""
    kept = list(islice(triples, max_rows + 1))
    truncated = len(kept) > max_rows
    del kept[max_rows:]
    prefixes = _used_prefixes(kept) if fmt in _PREFIXED_FORMATS else None
    try:
        body = ox.serialize(kept, format=ENGINE_FORMATS[fmt], prefixes=prefixes) or b""
    except (OSError, ValueError) as exc:  # the writer's refusal, e.g. "JSON-LD does not support RDF 1.2"
        raise NotAcceptableError(f"The answer cannot be written as {fmt} ({exc}); ask for Turtle, "
                                 "N-Triples, N-Quads or TriG.") from exc
    return QueryAnswer("graph", fmt, body, truncated, len(kept))


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """The project prefixes whose namespace some IRI of `triples` is in (a short Turtle header)."""
    namespaces = set()
    for triple in triples:
        for node in (triple.subject, triple.predicate, triple.object):
            if type(node) is ox.NamedNode:
                value = node.value
                namespaces.add(value[: max(value.rfind("#"), value.rfind("/")) + 1])
    return {p: ns for p, ns in PREFIXES.items() if ns in namespaces}


def one_graph(nquads: bytes, graph: str, name: str) -> bytes:
    """The parser's N-Quads of one graph's worth of client RDF (every triple put into `graph`) as
    N-Triples; raises LoadError when the document names graphs of its own (JSON-LD, TriG)."""
    scratch = ox.Store()
    scratch.load(nquads, format=ox.RdfFormat.N_QUADS)
    if any(g != ox.NamedNode(graph) for g in scratch.named_graphs()):
        raise LoadError(f"{name}: it holds named graphs; a graph write takes one graph.", file=name)
    return scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""


def distinct_triples(nquads: bytes) -> list[Triple]:
    """The triples of the parser's N-Quads, in any graph, duplicates merged, as engine-neutral terms."""
    found = dict.fromkeys((q.subject, q.predicate, q.object)
                          for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    return [(to_term(s), to_term(p), to_term(o)) for s, p, o in found]
