"""The W3C SPARQL 1.1 query test suite: manifests, expected results, and solution comparison.

Read with rdflib (the manifests are Turtle). Every file is named by its W3C URL
(`http://www.w3.org/2009/sparql/docs/tests/data-sparql11/<dir>/<file>`), because expected results
hold IRIs resolved against it (graph names are the data files' URLs, `rdf:resource=""` is the file).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD
from rdflib.query import Result
from rdflib.term import Node

from support import SHARED

W3C_DIR = SHARED / "w3c-sparql11"
W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")

#: A solution: variable name -> term (unbound variables absent).
Solution = Mapping[str, Node]

_NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}


@dataclass(frozen=True)
class EvaluationTest:
    """One mf:QueryEvaluationTest (or another manifest entry, kept to be skipped with a reason)."""

    directory: str
    name: str  # the entry's local name, e.g. "agg01"
    kinds: tuple[str, ...]  # local names of its rdf:types
    query: Path | None
    data: tuple[Path, ...]
    graph_data: tuple[Path, ...]
    result: Path | None

    @property
    def id(self) -> str:
        """A pytest id: directory/name."""
        return f"{self.directory}/{self.name}"

    @property
    def files(self) -> tuple[Path, ...]:
        """Every data file the test loads."""
        return self.data + self.graph_data


@dataclass(frozen=True)
class Solutions:
    """Expected or actual SELECT results: the variables and the rows, in document order."""

    variables: tuple[str, ...]
    rows: tuple[Solution, ...]


def url_of(path: Path) -> str:
    """The W3C URL of a file of the suite (its base IRI and its graph name)."""
    return W3C_BASE + path.relative_to(W3C_DIR).as_posix()


def path_of(node: Node) -> Path:
    """The local file of a manifest IRI."""
    value = str(node)
    if not value.startswith(W3C_BASE):
        raise ValueError(f"{value} is not a file of the W3C suite")
    return W3C_DIR / value[len(W3C_BASE):]


# -- manifests ---------------------------------------------------------------------------------

def read_manifest(directory: str) -> list[EvaluationTest]:
    """The entries of `<directory>/manifest.ttl`, in manifest order."""
    path = W3C_DIR / directory / "manifest.ttl"
    graph = Graph().parse(path, format="turtle", publicID=url_of(path))
    manifest = URIRef(url_of(path))
    entries = graph.value(manifest, MF.entries)
    return [_entry(graph, directory, entry) for entry in Collection(graph, entries)] if entries else []


def _entry(graph: Graph, directory: str, entry: Node) -> EvaluationTest:
    kinds = tuple(sorted(str(t).rpartition("#")[2] for t in graph.objects(entry, RDF.type)))
    action = graph.value(entry, MF.action)
    result = graph.value(entry, MF.result)
    query = data = graph_data = None
    if isinstance(action, (BNode, URIRef)) and graph.value(action, QT.query) is not None:
        query = path_of(graph.value(action, QT.query))  # type: ignore[arg-type]
        data = tuple(sorted(path_of(d) for d in graph.objects(action, QT.data)))
        graph_data = tuple(sorted(path_of(d) for d in graph.objects(action, QT.graphData)))
    return EvaluationTest(
        directory=directory, name=str(entry).rpartition("#")[2], kinds=kinds, query=query,
        data=data or (), graph_data=graph_data or (),
        result=path_of(result) if result is not None else None,
    )


# -- expected results --------------------------------------------------------------------------

def read_expected(path: Path) -> Solutions | bool | Graph:
    """The expected answer of a test: solutions, a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""
    suffix = path.suffix
    if suffix == ".csv":
        return csv_solutions(path.read_bytes())
    if suffix in (".srx", ".srj", ".tsv"):
        fmt = {".srx": "xml", ".srj": "json", ".tsv": "tsv"}[suffix]
        with path.open("rb") as handle:
            return _from_result(Result.parse(handle, format=fmt))
    graph = Graph().parse(path, format="turtle" if suffix == ".ttl" else "nt",
                          publicID=url_of(path))
    result_set = next(graph.subjects(RDF.type, RS.ResultSet), None)
    return _from_result_set(graph, result_set) if result_set is not None else graph


def _from_result(result: Result) -> Solutions | bool:
    if result.type == "ASK":
        return bool(result.askAnswer)
    variables = tuple(str(v) for v in result.vars or ())
    rows = tuple(
        {str(k): v for k, v in binding.items() if v is not None}
        for binding in result.bindings
    )
    return Solutions(variables, rows)


def _from_result_set(graph: Graph, result_set: Node) -> Solutions | bool:
    """The RDF result-set vocabulary (rs:) some expected results use."""
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return str(boolean) == "true"
    variables = tuple(str(v) for v in graph.objects(result_set, RS.resultVariable))
    solutions = []
    for solution in graph.objects(result_set, RS.solution):
        row = {str(graph.value(b, RS.variable)): graph.value(b, RS.value)
               for b in graph.objects(solution, RS.binding)}
        index = graph.value(solution, RS["index"])  # RS.index would be str.index
        solutions.append((int(str(index)) if index is not None else 0, row))
    solutions.sort(key=lambda pair: pair[0])
    return Solutions(variables, tuple(row for _, row in solutions))  # type: ignore[misc]


# -- our answers -------------------------------------------------------------------------------

def _json_term(value: Mapping[str, str]) -> Node:
    """One SPARQL JSON term, strictly: an unknown type or a stray member is an error."""
    kind = value["type"]
    extra = set(value) - {"type", "value", "datatype", "xml:lang"}
    if extra or kind not in ("uri", "bnode", "literal"):
        raise ValueError(f"not a SPARQL 1.1 JSON term: {value}")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value and "datatype" in value:
        raise ValueError(f"a literal with both xml:lang and datatype: {value}")
    datatype = value.get("datatype")
    return Literal(value["value"], lang=value.get("xml:lang"),
                   datatype=URIRef(datatype) if datatype else None)


def parse_json_answer(body: bytes) -> Solutions | bool:
    """Our runner's SPARQL JSON answer, read strictly (head.vars, results.bindings or boolean)."""
    document = json.loads(body)
    if "boolean" in document:
        if not isinstance(document["boolean"], bool):
            raise ValueError("boolean member is not a JSON boolean")
        return document["boolean"]
    variables = tuple(document["head"]["vars"])
    rows = tuple(
        {name: _json_term(term) for name, term in binding.items()}
        for binding in document["results"]["bindings"]
    )
    for row in rows:
        if not set(row) <= set(variables):
            raise ValueError(f"a binding of a variable not in head.vars: {sorted(row)}")
    return Solutions(variables, rows)


def parse_tsv_answer(body: bytes) -> Solutions:
    """Our runner's TSV answer, read by rdflib's TSV result parser."""
    solutions = _from_result(Result.parse(io.BytesIO(body), format="tsv"))
    assert isinstance(solutions, Solutions)
    return solutions


def parse_xml_answer(body: bytes) -> Solutions | bool:
    """Our runner's SPARQL XML answer, read by rdflib's XML result parser (what SPARQLStore uses)."""
    return _from_result(Result.parse(io.BytesIO(body), format="xml"))


def csv_solutions(body: bytes) -> Solutions:
    """A CSV results document as solutions of lexical values (CSV carries no datatypes; `_:x` is a
    blank node; an empty field is read as unbound)."""
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    # One column, unbound: the line is empty and the reader gives no field at all.
    return Solutions(tuple(header), tuple(
        {name: BNode(value[2:]) if value.startswith("_:") else Literal(value)
         for name, value in zip(header, row or [""] * len(header), strict=True) if value}
        for row in rows
    ))


# -- comparison --------------------------------------------------------------------------------

def normalise(term: Node) -> Node:
    """A term in the form compared: xsd:string literals are simple literals, language tags lower
    case, numbers by value (the suite's expected lexical forms differ between engines: 2.0 vs 2)."""
    if not isinstance(term, Literal):
        return term
    if term.language:
        return Literal(str(term), lang=term.language.lower())
    if term.datatype == XSD.string:
        return Literal(str(term))
    if term.datatype in _NUMERIC:
        number = _number(str(term))
        if number is not None:
            kind = XSD.double if term.datatype in (XSD.double, XSD.float) else term.datatype
            return Literal(format(number, "f") if kind != XSD.double else repr(float(number)),
                           datatype=kind)
    return term


def _number(lexical: str) -> Decimal | None:
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    return value.normalize() if value.is_finite() else None


def _has_bnode(rows: Sequence[Solution]) -> bool:
    return any(isinstance(t, BNode) for row in rows for t in row.values())


def _normalised(rows: Sequence[Solution]) -> list[Solution]:
    return [{k: normalise(v) for k, v in row.items()} for row in rows]


def solutions_equal(expected: Sequence[Solution], actual: Sequence[Solution], *, ordered: bool) -> bool:
    """Whether two solution sequences are equal as multisets (or sequences), blank nodes up to a
    consistent renaming."""
    if len(expected) != len(actual):
        return False
    left, right = _normalised(expected), _normalised(actual)
    if not _has_bnode(left) and not _has_bnode(right):
        if ordered:
            return left == right
        return Counter(_key(r) for r in left) == Counter(_key(r) for r in right)
    return next(_matches(left, right, 0, set(), {}, ordered), False)


def _key(row: Solution) -> frozenset[tuple[str, Node]]:
    return frozenset(row.items())


def _extend(mapping: dict[Node, Node], left: Solution, right: Solution) -> dict[Node, Node] | None:
    """`mapping` extended so that `left` maps onto `right`, or None if they cannot match."""
    if left.keys() != right.keys():
        return None
    extended = dict(mapping)
    used = set(extended.values())
    for name, term in left.items():
        other = right[name]
        if isinstance(term, BNode) and isinstance(other, BNode):
            if term in extended:
                if extended[term] != other:
                    return None
            elif other in used:
                return None
            else:
                extended[term] = other
                used.add(other)
        elif term != other:
            return None
    return extended


def _matches(left: list[Solution], right: list[Solution], index: int, taken: set[int],
             mapping: dict[Node, Node], ordered: bool) -> Iterator[bool]:
    """Backtracking search for a bijection of rows consistent with one blank-node renaming."""
    if index == len(left):
        yield True
        return
    candidates = [index] if ordered else [i for i in range(len(right)) if i not in taken]
    for i in candidates:
        extended = _extend(mapping, left[index], right[i])
        if extended is not None:
            yield from _matches(left, right, index + 1, taken | {i}, extended, ordered)
