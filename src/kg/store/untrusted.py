"""Checks on client text and bytes before any engine parser sees them: nesting depth and well-formedness.

The engine's parsers recurse: 10,000 nested groups in an update or objects in JSON-LD overflow the stack and
kill the process (SIGSEGV), 3,000 kill a query worker (docs/engine-notes.md §4.2). These checks refuse such
input with a 400 naming the limit (`KG_MAX_NESTING`), in time linear in the input. They run in the sandboxed
worker that parses the input next, so even a text that fooled a check here could only kill that worker, never
the service: the checks are for clear answers, the process boundary is the safety.

- SPARQL and the Turtle family (Turtle, TriG, N-Triples, N-Quads): `{ ( [` and `<<` counted outside
  strings and comments, and inside what reads as an IRI too (the engine may read `<` as
  less-than). An update may also hold at most `MAX_TRIPLE_TERMS` `<<` in all, counted anywhere in
  its text: nested triple terms that got into the store would be read by the web process itself
  later, so their depth is bounded without trusting any reading of the text.
- Parsed uploads: triple terms nested at most `MAX_TRIPLE_TERM_DEPTH` deep, checked on the parsed
  quads themselves (`check_triple_terms`), in the sandboxed parser.
- JSON-LD: `{ [` outside JSON strings.
- RDF/XML: expat (not recursive) reads the whole document first: element depth, no DOCTYPE (entity
  expansion), and well-formedness: a truncated document is refused with its line and column instead
  of being loaded in part.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from kg.errors import LoadError, NestingTooDeepError

#: Tokens that matter for depth in SPARQL and Turtle-family text: IRIs (which may hold `#` and
#: quotes, but no `{ }`), long strings, short strings, comments, and the brackets themselves (`<<`
#: and `>>` open and close triple terms and reifiers).
_TEXT_TOKENS = re.compile(
    r"<(?![<(])[^<>\"{}|^`\\\x00-\x20]*>"
    r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n]|\\.)*(?:"|$)'
    r"|'(?:[^'\\\n]|\\.)*(?:'|$)"
    r"|#[^\n]*"
    r"|<<|>>|[{(\[\])}]",
    re.DOTALL | re.MULTILINE,
)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[{\[\]}]', re.DOTALL)
#: Most `<<` an update may hold, and deepest nesting of triple terms in an upload: the graph has no
#: use for RDF 1.2 triple terms beyond a level or two, and the web process reads stored terms.
MAX_TRIPLE_TERMS = 64
MAX_TRIPLE_TERM_DEPTH = 16
_OPENERS = frozenset({"{", "(", "[", "<<"})
_CLOSERS = frozenset({"}", ")", "]", ">>"})


def _too_deep(what: str, limit: int) -> NestingTooDeepError:
    return NestingTooDeepError(
        f"The {what} nests deeper than {limit} levels of brackets (KG_MAX_NESTING); flatten it "
        "(fewer nested groups, blank nodes or objects)."
    )


def check_text_nesting(text: str, limit: int, *, what: str = "query") -> None:
    """Refuse SPARQL or Turtle-family text nested deeper than `limit`; raises NestingTooDeepError."""
    if text.count("{") + text.count("(") + text.count("[") + text.count("<<") <= limit:
        return  # cannot be deeper than the number of its openers (the common case: short queries)
    depth = 0
    for match in _TEXT_TOKENS.finditer(text):
        token = match.group()
        if token in _OPENERS:
            depth += 1
        elif token in _CLOSERS:
            depth = max(depth - 1, 0)
        elif token[0] == "<":
            # An IRI to this reading, maybe a less-than to the engine's (`?o<?s&&((((…?o>`): its
            # openers count before its closers, which can only overestimate the depth.
            depth += token.count("(") + token.count("[")
            if depth > limit:
                raise _too_deep(what, limit)
            depth = max(depth - token.count(")") - token.count("]"), 0)
        if depth > limit:
            raise _too_deep(what, limit)


def check_update_triple_terms(text: str) -> None:
    """Refuse an update holding more than MAX_TRIPLE_TERMS `<<` anywhere; raises NestingTooDeepError."""
    if text.count("<<") > MAX_TRIPLE_TERMS:
        raise NestingTooDeepError(
            f"The update holds more than {MAX_TRIPLE_TERMS} triple terms or reifiers (<<); send them "
            "in a Graph Store upload instead."
        )


def triple_term_depth(term: object) -> int:
    """How deeply RDF 1.2 triple terms nest in `term` (0 for an IRI, blank node or literal)."""
    depth, level = 0, [term]
    while level:
        level = [part for node in level if hasattr(node, "predicate")
                 for part in (node.subject, node.object)]  # type: ignore[attr-defined]
        depth += 1 if level else 0
    return depth


def check_json_nesting(data: bytes, limit: int) -> None:
    """Refuse a JSON document nested deeper than `limit`; raises NestingTooDeepError or LoadError."""
    if data.count(b"{") + data.count(b"[") <= limit:
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"request body: not UTF-8 (byte {exc.start}).") from exc
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in ("{", "["):
            depth += 1
            if depth > limit:
                raise _too_deep("JSON-LD document", limit)
        elif token in ("}", "]"):
            depth = max(depth - 1, 0)


def check_xml(data: bytes, limit: int, *, name: str) -> None:
    """Refuse RDF/XML that is not well-formed, has a DOCTYPE, or nests deeper than `limit`; raises
    LoadError (with line and column) or NestingTooDeepError."""
    parser = expat.ParserCreate()
    depth = 0

    def start(_tag: str, _attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > limit:
            raise _too_deep("RDF/XML document", limit)

    def end(_tag: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_: object) -> None:
        raise LoadError(f"{name}: RDF/XML with a DOCTYPE is refused (entity expansion risk).", file=name)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise LoadError(f"{name}: line {exc.lineno}, column {exc.offset + 1}: the RDF/XML is not "
                        f"well-formed ({expat.ErrorString(exc.code)}); nothing was loaded.",
                        file=name, line=exc.lineno, column=exc.offset + 1) from exc


def check_rdf(data: bytes, fmt: str, limit: int, *, name: str) -> None:
    """The checks for an RDF document in `fmt` (a store format name); raises LoadError or
    NestingTooDeepError."""
    if fmt == "rdfxml":
        check_xml(data, limit, name=name)
    elif fmt == "jsonld":
        check_json_nesting(data, limit)
    else:
        check_text_nesting(data.decode("utf-8", errors="replace"), limit, what=f"{name} document")
