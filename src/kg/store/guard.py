"""The safety guard: a small SPARQL lexer that refuses what must never run, before anything runs.

Engines execute `SERVICE` (a request to any URL) and `LOAD` (a fetch or a local file read), and `FROM <http…>`
/ `FROM <file:…>` make some engines fetch a document (docs/engine-notes.md §3.3); pyoxigraph has no switch to
turn them off. The guard tokenises the text with the SPARQL grammar's own terminals, so a keyword inside a
string, an IRI, a comment, a variable or a prefixed name never counts, while every bare keyword does, wherever
it is nested (OPTIONAL, EXISTS, subqueries, MINUS, UNION…).

The engine matches keywords without a word boundary, so a keyword glued to what surrounds it counts
too where the engine reads it so: before a prefixed name's colon (`SERVICE:x {…}` is `SERVICE :x {…}`;
`FROM:g` is `FROM :g`), behind a literal (`trueSERVICE <…>` is `true SERVICE <…>`; a bare word
holding SERVICE or LOAD is refused, as no SPARQL keyword holds either), and at the head of a declared
prefix where the keyword can stand and a name cannot (`load:x` opening an update, after SPARQL 1.2's
`VERSION "1.2"` too; `from:g` before a query's pattern). It never parses the query: it is a single
regular-expression scan, microseconds on the queries clients send.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from kg.errors import QueryRefusedError, QuerySyntaxError

#: SPARQL's PN_CHARS_BASE, PN_CHARS_U and PN_CHARS (SPARQL 1.1 Query §19.8), as character-class bodies.
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

# Order matters: longer terminals first, and a prefixed name before a bare word (`service:x`).
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>\s+)",
            r"(?P<comment>#[^\n\r]*)",
            r"(?P<string>'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\""
            r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\")",
            f"(?P<iri><(?:[^<>\"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>)",
            f"(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
            f"(?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
            f"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            # INTEGER, DECIMAL and DOUBLE, `1.e5` included (else `1.e5SERVICE` hides SERVICE).
            r"(?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<punct>.)",
        )
    ),
    re.DOTALL,
)

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
#: Keywords that only an update uses; any of them makes the text an update.
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING"}
)
#: Keywords refused everywhere: both reach outside the store (network or local files).
FORBIDDEN_KEYWORDS = frozenset({"SERVICE", "LOAD"})
#: A forbidden keyword anywhere in a word or a prefix (`trueSERVICE`, `trueSERVICEx:y`).
_HIDDEN = re.compile("|".join(sorted(FORBIDDEN_KEYWORDS)), re.IGNORECASE)
_DATASET_KEYWORDS = frozenset({"FROM", "USING"})
#: Keywords the engine also reads when glued to a prefixed name's colon (`SERVICE:x`, `FROM:g`).
_GLUABLE = FORBIDDEN_KEYWORDS | _DATASET_KEYWORDS | {"NAMED", "PREFIX"}
#: Keywords a declared prefix may begin with and still be read as the keyword (see _Scan._watch).
_WATCHED = ("SERVICE", "LOAD", "PREFIX", "FROM", "USING")
_ESCAPE = re.compile(_UCHAR)
#: Tokens after which `<` can only start an IRI (an operand comes next). After anything else inside
#: parentheses (a variable, a literal, `)`...), the engine reads `<` as less-than: `?o<'a>'` compares
#: ?o with the string 'a>'. The lexer reads `<'a>` as an IRI; if what it swallows holds a quote or a
#: `#`, the two readings of the rest of the text differ, and the query is refused.
_OPERAND_NEXT = frozenset({"(", ",", "=", "!", "<", ">", "&", "|", "+", "-", "*", "/", "^", "IN"})


@dataclass(frozen=True)
class Operation:
    """What the guard learnt of a query or update without parsing it."""

    form: str  # SELECT | ASK | CONSTRUCT | DESCRIBE | UPDATE
    dataset: tuple[str, ...]  # graph IRIs named by FROM, FROM NAMED, USING, USING NAMED
    limit: int | None = None  # the query's own LIMIT (outside every group), if it has one


def _unescape(text: str) -> str:
    # IRIs may carry \\u escapes that the engine decodes (`<\\u0066ile:…>` is `<file:…>`).
    return _ESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), text)


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


class _Scan:
    """The lexer's state while it walks the tokens once (prefixes, base, what it is waiting for)."""

    def __init__(self, text: str, *, refusing: bool = True) -> None:
        self.text = text
        self.refusing = refusing  # False: read the form, dataset and LIMIT only (KG_SPARQL_GUARD)
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.form: str | None = None
        self.dataset: list[str] = []
        self.expect: str | None = None  # the keyword whose operand comes next
        self.prefix_name = ""
        self.previous = ""  # the previous significant token's text
        self.previous_kind = ""  # ...and its kind (iri, string, pname, word...), "dataset" for a graph
        self.service_at: int | None = None  # a declared `service:` name that a `{` would make SERVICE
        self.load_at: int | None = None  # a declared `load:` name where an update operation starts
        self.depth = 0  # open { } groups: a LIMIT outside all of them is the query's own
        self.top_groups = 0  # groups opened outside all others (CONSTRUCT's template, the pattern)
        self.where = False  # WHERE seen outside all groups: no dataset clause may follow
        self.parens = 0  # open ( ): expressions (where `<` may compare), lists, paths
        self.values_at: int | None = None  # group depth of a VALUES block (rows hold terms only)
        self.limit: int | None = None

    def resolve(self, kind: str, text: str) -> str:
        if kind == "iri":
            iri = _unescape(text[1:-1])
            return urljoin(self.base, iri) if self.base else iri
        prefix, _, local = text.partition(":")
        if prefix not in self.prefixes:
            raise QueryRefusedError(f"The prefix {prefix!r}: is not declared; declare it with PREFIX.")
        return self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    def operand(self, kind: str, text: str, offset: int) -> None:
        expect, self.expect = self.expect, None
        if expect == "PREFIX" and kind == "pname":
            self.prefix_name, self.expect = text.partition(":")[0], "PREFIX_IRI"
        elif expect == "PREFIX_IRI" and kind == "iri":
            self.prefixes[self.prefix_name] = self.resolve(kind, text)
        elif expect == "BASE" and kind == "iri":
            self.base = self.resolve(kind, text)
        elif expect == "DATASET" and kind == "word" and text.upper() == "NAMED":
            self.expect = "DATASET"
        elif expect == "DATASET" and kind in ("iri", "pname"):
            self.dataset.append(self.resolve(kind, text))
            self.previous_kind = "dataset"  # another dataset clause may follow it
        elif expect == "LIMIT" and kind == "number" and text.isdigit():
            self.limit = int(text)
        elif expect == "DATASET":
            raise QuerySyntaxError(
                f"SPARQL syntax error at {_line_col(self.text, offset)}: FROM/USING expects a graph IRI."
            )

    def refuse(self, keyword: str, offset: int) -> None:
        if not self.refusing:
            return
        raise QueryRefusedError(
            f"{keyword} is refused by this endpoint ({_line_col(self.text, offset)}): it would "
            "reach outside the store. Query the data held here, without SERVICE or LOAD."
        )

    def keyword(self, word: str, offset: int) -> None:
        keyword = word.upper()
        if keyword in FORBIDDEN_KEYWORDS:
            self.refuse(keyword, offset)
        if keyword in ("PREFIX", "BASE") or (keyword == "LIMIT" and self.depth == self.parens == 0):
            self.expect = keyword
        elif keyword == "WHERE" and self.depth == 0:
            self.where = True
        elif keyword == "VALUES":
            self.values_at = self.depth + 1
        elif keyword in _DATASET_KEYWORDS:
            self.expect = "DATASET"
        if keyword in UPDATE_KEYWORDS:
            self.form = "UPDATE"
        elif self.form is None and keyword in QUERY_FORMS:
            self.form = keyword

    def feed(self, kind: str, text: str, offset: int) -> None:
        """Take the next significant token; raises QueryRefusedError or QuerySyntaxError."""
        if self.service_at is not None:
            at, self.service_at = self.service_at, None
            if text == "{":
                self.refuse("SERVICE", at)
        if kind in ("pname", "word"):
            if _HIDDEN.search(text, 1):  # cheap first look; most words and names hold neither
                self._check_hidden(kind, text, offset)
            if self._glued(kind, text, offset):
                return
        if kind == "punct" and text in "{}()":
            self._nest(text)
        elif kind == "iri":
            self._check_less_than(text, offset)
        previous, previous_kind = self.previous, self.previous_kind
        self.previous, self.previous_kind = text, kind
        if self.expect is not None:
            self.operand(kind, text, offset)
            if kind != "word" or self.expect is not None:
                return
        if kind == "word":
            self.keyword(text, offset)
        elif kind == "pname":
            self._watch(text, previous, previous_kind, offset)

    def _nest(self, bracket: str) -> None:
        if bracket == "{":
            if self.depth == 0:
                self.top_groups += 1
            self.depth += 1
        elif bracket == "}":
            if self.values_at is not None and self.depth <= self.values_at:
                self.values_at = None  # the VALUES block closed
            self.depth -= 1
        else:
            self.parens += 1 if bracket == "(" else -1

    def _check_less_than(self, text: str, offset: int) -> None:
        """Refuse `<…>` that the engine may read as less-than followed by a string or comment."""
        in_values = self.values_at is not None and self.depth >= self.values_at
        if (self.parens > 0 and not in_values and ("'" in text or "#" in text)
                and self.previous.upper() not in _OPERAND_NEXT):
            raise QueryRefusedError(
                f"At {_line_col(self.text, offset)}, {text[:40]!r} may be an IRI or a comparison "
                "(less-than): the guard cannot tell which. To compare, put a space after '<'; "
                "for the IRI, use a prefixed name."
            )

    def _check_hidden(self, kind: str, text: str, offset: int) -> None:
        """Refuse SERVICE or LOAD glued behind a literal: `trueSERVICE`, an undeclared `trueSERVICEx:`."""
        # Bare words are SPARQL's own keywords and function names, and none holds SERVICE or LOAD;
        # the engine reads `trueSERVICE <…>` as `true SERVICE <…>`, and `trueSERVICEx:y` the same
        # way unless the prefix `trueSERVICEx:` is declared (then it reads the name).
        name = text.partition(":")[0]
        hidden = _HIDDEN.search(name, 1)
        if (hidden is None or self.expect == "PREFIX" or (kind == "pname" and name in self.prefixes)
                or not self.refusing):
            return
        keyword, head = hidden.group().upper(), name[:hidden.start()]
        fix = (f"declare the prefix {name}: with PREFIX if a prefixed name is meant" if kind == "pname"
               else f"put a space between {head!r} and the keyword")
        raise QueryRefusedError(
            f"{keyword} is refused by this endpoint ({_line_col(self.text, offset)}): {text[:40]!r} "
            f"may be read as {head!r} followed by {keyword}, which would reach outside the store. "
            f"To write something else, {fix}; SERVICE and LOAD are refused wherever they stand."
        )

    def _glued(self, kind: str, text: str, offset: int) -> bool:
        # The engine matches keywords without a word boundary: `SERVICE:x`, `SERVICEex:x`,
        # `SERVICESILENT<…>` and `FROM:g` read as the keyword followed by the rest, unless the
        # whole prefix is declared (then the name may be meant; see _watch).
        upper = text.upper()
        keyword = next((k for k in _GLUABLE if upper.startswith(k) and len(text) > len(k)), None)
        if keyword is None or self.expect == "PREFIX":
            return False
        if kind == "pname" and text.partition(":")[0] in self.prefixes:
            return False
        self._split(text, keyword, offset)
        return True

    def _split(self, text: str, keyword: str, offset: int) -> None:
        """Feed `text` as the keyword at its head followed by the tokens of the rest."""
        self.feed("word", text[:len(keyword)], offset)
        for match in _TOKEN.finditer(text, len(keyword)):
            if match.lastgroup not in ("ws", "comment"):
                self.feed(match.lastgroup or "punct", match.group(), offset + match.start())

    def _watch(self, text: str, previous: str, previous_kind: str, offset: int) -> None:
        # A declared prefix named after a keyword is still read as the keyword where the keyword
        # can stand and a name cannot: `service:x {` is SERVICE, `load:x` opening an update
        # operation is LOAD, `prefix:` in a prologue is PREFIX, `from:g` before the query pattern
        # is FROM and `using:g` after an update's template is USING.
        prefix = text.partition(":")[0].upper()
        if not prefix.startswith(_WATCHED):
            return
        if prefix.startswith("SERVICE") and previous.upper() != "GRAPH":
            self.service_at = offset
        elif prefix.startswith("LOAD") and self._opens_operation(previous, previous_kind):
            if self.load_at is None:
                self.load_at = offset
        elif prefix.startswith("PREFIX") and self._opens_operation(previous, previous_kind):
            self._split(text, "PREFIX", offset)
        elif prefix.startswith("FROM") and self._before_pattern(previous, previous_kind):
            self._split(text, "FROM", offset)
        elif prefix.startswith("USING") and self._after_template(previous, previous_kind):
            self._split(text, "USING", offset)

    def _opens_operation(self, previous: str, previous_kind: str) -> bool:
        # A prologue or an update operation follows the start, a `;`, or the last token of a
        # prologue: an IRI (PREFIX, BASE) or a string (SPARQL 1.2's VERSION "1.2").
        return self.form is None or (self.form == "UPDATE" and self.depth == 0 and (
            previous == ";" or previous_kind in ("iri", "string")))

    def _before_pattern(self, previous: str, previous_kind: str) -> bool:
        # A query's dataset clauses stand outside all groups, before its pattern (the second
        # top-level group of a CONSTRUCT with a template). In DESCRIBE, a name there may be one
        # more resource to describe, unless it follows `*` or another dataset clause.
        if self.form not in QUERY_FORMS or self.depth or self.parens or self.where:
            return False
        if self.form == "DESCRIBE":
            return previous == "*" or previous_kind == "dataset"
        return self.top_groups < (2 if self.form == "CONSTRUCT" else 1)

    def _after_template(self, previous: str, previous_kind: str) -> bool:
        # USING follows an update's template, or another USING clause's graph.
        return (self.form == "UPDATE" and self.depth == self.parens == 0
                and (previous == "}" or previous_kind == "dataset"))

    def finish(self) -> Operation:
        """The operation scanned; raises QuerySyntaxError without a form, QueryRefusedError for LOAD."""
        if self.form is None:
            raise QuerySyntaxError(
                "Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue."
            )
        if self.form == "UPDATE" and self.load_at is not None:
            self.refuse("LOAD", self.load_at)
        return Operation(self.form, tuple(self.dataset), self.limit)


#: Texts up to this length have their inspection remembered: the endpoint checks a text and the
#: store checks it again in `run` / `update` (so that no caller can skip the check), and clients
#: repeat queries. The answer is a pure function of the text, so a remembered one is as good as a
#: fresh scan; refusals are not remembered (they raise). 256 texts of at most 16 K characters bound
#: the memory.
MEMO_CHARS = 16 * 1024


@functools.lru_cache(maxsize=256)
def _inspect_memo(text: str) -> Operation:
    return _inspect(text)


def inspect(text: str, *, refuse: bool = True) -> Operation:
    """The form and dataset IRIs of a SPARQL text; raises QueryRefusedError for SERVICE/LOAD/escapes
    (with `refuse` False, KG_SPARQL_GUARD=false, it reads without refusing keywords)."""
    if not refuse:
        return _inspect(text, refuse=False)
    if len(text) <= MEMO_CHARS:
        return _inspect_memo(text)
    return _inspect(text)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """The SPARQL tokens of a text as (kind, text), white space and comments left out: the lexer the
    guard reads with, for other readers of a query's text (the column order of SELECT *)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield kind, match.group()


def _inspect(text: str, *, refuse: bool = True) -> Operation:
    scan = _Scan(text, refusing=refuse)
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind == "ws" or kind == "comment":
            continue
        if kind == "punct" and match.group() == "\\":
            raise QueryRefusedError(
                "Codepoint escapes outside strings and IRIs are refused "
                f"({_line_col(text, match.start())})."
            )
        scan.feed(kind, match.group(), match.start())
    return scan.finish()


def check_graphs(iris: Collection[str], graphs: Collection[str], *, what: str) -> None:
    """Refuse any dataset IRI that is not one of `graphs`; raises QueryRefusedError naming it.

    A caller that runs the text on pyoxigraph needs no such check for safety: the engine takes a
    dataset IRI (FROM, USING) as the name of a graph of its own store, never fetching or reading it,
    and a name it does not hold is an empty graph. Callers that promise only their own graphs
    (exports) keep it; the SPARQL endpoint lets the protocol's dataset name any graph.
    """
    for iri in iris:
        if iri not in graphs:
            raise QueryRefusedError(
                f"{what} <{iri}> is not a graph of this store; only its own graphs can be named "
                f"(see the service description at GET /sparql)."
            )


def check_query(text: str, graphs: Collection[str] | None, *, refuse: bool = True) -> str:
    """The form of a query that may run; raises QueryRefusedError (updates, SERVICE, LOAD, and FROM
    graphs not in `graphs`; None lets FROM name any graph, see check_graphs)."""
    operation = inspect(text, refuse=refuse)
    if operation.form == "UPDATE":
        raise QueryRefusedError(
            "This is a SPARQL Update; the query endpoint only runs SELECT, ASK, CONSTRUCT and "
            "DESCRIBE. Send updates with POST as application/sparql-update (when enabled)."
        )
    if graphs is not None:
        check_graphs(operation.dataset, graphs, what="FROM graph")
    return operation.form


def check_update(text: str, graphs: Collection[str] | None, *, refuse: bool = True) -> None:
    """Refuse an update that reaches outside the store, or whose USING graphs are not in `graphs`
    (None: any); raises QueryRefusedError or QuerySyntaxError."""
    operation = inspect(text, refuse=refuse)
    if operation.form != "UPDATE":
        raise QuerySyntaxError("Not a SPARQL Update: send queries with the query parameter.")
    if graphs is not None:
        check_graphs(operation.dataset, graphs, what="USING graph")
