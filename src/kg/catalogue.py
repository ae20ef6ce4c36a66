"""The question catalogue: named, documented SPARQL queries in `queries/*.rq`, run with parameters.

File format (binding for everyone who writes catalogue queries):

    #+ name: implementing-bodies
    #+ title_en: Bodies that implement a deployment
    #+ title_zh: 落实某一部署的机构
    #+ description_en: ...
    #+ description_zh: ...
    #+ param: deployment = id:xi-2014-directive
    #+ unsupported: virtuoso = why its answer would be wrong there (optional, one line per engine)
    PREFIX ... SELECT ... WHERE { ... ?deployment ... }

A `param` line names a variable and its default: a CURIE, an IRI (`<...>` or absolute), or a quoted
literal (`"2016"`, `"科创办"@zh`). A value given by the caller must be of the same kind: IRIs and
CURIEs (or a bare entity id, read as `id:...`) for IRI parameters, any text for literal ones (quoted
here). Parameters are bound by a `VALUES (?name …) { (term …) }` block placed first inside the query's
outermost WHERE group: by SPARQL 1.1 §18.2.4.3 a trailing ValuesClause is joined with the WHERE
pattern, and a join does not depend on order, so this is the same query, and one that every engine
takes (Virtuoso 7.2 fails on a trailing VALUES whose variable appears in a UNION: "No column";
docs/engine-notes.md §5). A query without a WHERE keyword gets the trailing clause.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.config import PROJECT_ROOT
from kg.errors import BadRequestError, QueryNotFoundError, QuestionUnsupportedError
from kg.namespaces import to_curie
from kg.naming import entity_iri, read_reference

#: Where the catalogue lives by default (Settings.queries_dir).
QUERIES_DIR = PROJECT_ROOT / "queries"

_HEADER = re.compile(r"^#\+\s*([a-z_]+)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LITERAL = re.compile(r'^"((?:[^"\\]|\\.)*)"(@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?$')
_FIELDS = ("name", "title_en", "title_zh", "description_en", "description_zh")


@dataclass(frozen=True)
class Parameter:
    """A variable of a catalogue query, its default term (SPARQL syntax) and kind (iri|literal)."""

    name: str
    default: str
    kind: str

    def to_dict(self) -> dict[str, object]:
        """The parameter as JSON-ready values (default shown as a CURIE where one applies)."""
        shown = to_curie(self.default[1:-1]) if self.kind == "iri" else self.default
        return {"name": self.name, "kind": self.kind, "default": shown}


@dataclass(frozen=True)
class CatalogueQuery:
    """One question of the catalogue."""

    name: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    parameters: tuple[Parameter, ...]
    text: str
    file: str
    #: (engine, why) of the engines known to answer this question wrongly (`#+ unsupported: ENGINE = WHY`).
    unsupported: tuple[tuple[str, str], ...] = ()

    def check_engine(self, engine: str) -> None:
        """Raise QuestionUnsupportedError when `engine` (`Engine.engine_name`) is known to answer this
        question wrongly: an answer that would be silently incomplete is refused, saying why."""
        for name, why in self.unsupported:
            if name == engine:
                raise QuestionUnsupportedError(
                    f"The question {self.name!r} is not run on this store's engine ({engine}): {why} "
                    "Ask it of a service over the embedded store or oxigraph serve.")

    def to_dict(self) -> dict[str, object]:
        """The question's metadata (and its SPARQL text) as JSON-ready values."""
        return {
            "name": self.name,
            "title": {"en": self.title_en, "zh": self.title_zh},
            "description": {"en": self.description_en, "zh": self.description_zh},
            "parameters": [p.to_dict() for p in self.parameters],
            "file": self.file,
            "sparql": self.text,
        }

    def bind(self, values: Mapping[str, str], resolve: Callable[[str], str] | None = None) -> str:
        """The query text with every parameter bound (given or default); `resolve` turns an id or a
        name given for an IRI parameter into the entity's IRI (kg.naming). Raises BadRequestError
        (and what `resolve` raises)."""
        known = {p.name for p in self.parameters}
        unknown = sorted(set(values) - known)
        if unknown:
            raise BadRequestError(
                f"Unknown parameter(s) {', '.join(unknown)} for query {self.name!r}; it takes "
                f"{', '.join(sorted(known)) or 'no parameters'}.")
        if not self.parameters:
            return self.text
        terms = [to_term(p, values[p.name], resolve) if p.name in values else p.default
                 for p in self.parameters]
        names = " ".join(f"?{p.name}" for p in self.parameters)
        values_block = f"VALUES ({names}) {{ ({' '.join(terms)}) }}"
        where = _outermost_where(self.text)
        if where is None:
            return f"{self.text.rstrip()}\n{values_block}\n"
        return f"{self.text[:where]}\n  {values_block}{self.text[where:]}"


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _outermost_where(text: str) -> int | None:
    """The offset just past the `{` of the query's first WHERE outside a comment line (the outermost:
    a sub-select's WHERE comes later in the text), or None."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            found = _WHERE.search(line)
            if found is not None:
                return offset + found.end()
        offset += len(line)
    return None


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def to_term(parameter: Parameter, value: str, resolve: Callable[[str], str] | None = None) -> str:
    """The SPARQL term for a caller's value of `parameter`; raises BadRequestError."""
    if parameter.kind == "literal":
        return _quote(value)
    iri, form = read_reference(value)
    if form in ("id", "name") and resolve is not None:
        iri = resolve(value)  # an id of an entity, or a name, abbreviation, pinyin…
    if iri is None:
        raise BadRequestError(
            f"Parameter {parameter.name}={value!r} is not an IRI; give a CURIE (e.g. id:ndrc), an "
            "absolute IRI or an entity id.")
    return f"<{iri}>"


def _parse_default(name: str, default: str, file: str) -> Parameter:
    if _LITERAL.match(default):
        return Parameter(name, default, "literal")
    iri = entity_iri(default)
    if iri is None:
        raise BadRequestError(f"{file}: default of parameter {name!r} ({default!r}) is neither an "
                              "IRI, a CURIE nor a quoted literal.")
    return Parameter(name, f"<{iri}>", "iri")


def load_query(path: Path) -> CatalogueQuery:
    """One catalogue query from its file; raises BadRequestError naming the file when malformed."""
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    unsupported: list[tuple[str, str]] = []
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        header = _HEADER.match(line)
        if header and not body:
            key, value = header.groups()
            if key == "param":
                match = _PARAM.match(value)
                if match is None:
                    raise BadRequestError(f"{path.name}: malformed param line {line!r}.")
                params.append(_parse_default(match.group(1), match.group(2).strip(), path.name))
            elif key == "unsupported":
                engine, equals, why = value.partition("=")
                if not equals or not engine.strip() or not why.strip():
                    raise BadRequestError(f"{path.name}: malformed unsupported line {line!r} "
                                          "(#+ unsupported: ENGINE = WHY).")
                unsupported.append((engine.strip().lower(), why.strip()))
            else:
                fields[key] = value
        else:
            body.append(line)
    name = fields.get("name") or path.stem
    if not _NAME.match(name):
        raise BadRequestError(f"{path.name}: query name {name!r} must be lower-case words and dashes.")
    return CatalogueQuery(
        name, fields.get("title_en", name), fields.get("title_zh", fields.get("title_en", name)),
        fields.get("description_en", ""), fields.get("description_zh", ""), tuple(params),
        "\n".join(body).strip() + "\n", path.name, tuple(unsupported),
    )


class Catalogue:
    """The catalogue queries of a directory, re-read when its files change."""

    def __init__(self, directory: Path = QUERIES_DIR) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._stamp: tuple[tuple[str, float], ...] | None = None
        self._queries: dict[str, CatalogueQuery] = {}

    def _files(self) -> list[Path]:
        return sorted(self.directory.glob("*.rq")) if self.directory.is_dir() else []

    def _refresh(self) -> dict[str, CatalogueQuery]:
        files = self._files()
        stamp = tuple((p.name, p.stat().st_mtime) for p in files)
        with self._lock:
            if stamp != self._stamp:
                loaded = [load_query(p) for p in files]
                self._queries = {q.name: q for q in sorted(loaded, key=lambda q: q.name)}
                self._stamp = stamp
            return self._queries

    def queries(self) -> list[CatalogueQuery]:
        """Every query, sorted by name."""
        return list(self._refresh().values())

    def get_query(self, name: str) -> CatalogueQuery:
        """The query called `name`; raises QueryNotFoundError."""
        queries = self._refresh()
        if name not in queries:
            raise QueryNotFoundError(
                f"No catalogue query is called {name!r}; GET /queries lists them "
                f"({', '.join(list(queries)[:8])}{', ...' if len(queries) > 8 else ''}).")
        return queries[name]

