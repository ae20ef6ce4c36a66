"""SHACL validation of the graph with pyshacl (ontology/shapes.ttl)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

from kg.errors import LoadError
from kg.namespaces import to_curie
from kg.store import GraphStore


@dataclass(frozen=True)
class Violation:
    """One failed constraint: the focus node, the property path, and the shape's message."""

    focus: str
    path: str | None
    message: str
    severity: str

    def __str__(self) -> str:
        return f"{self.focus} — {self.path or '(node)'} — {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating the store against the shapes."""

    conforms: bool
    violations: tuple[Violation, ...]
    focus_nodes_checked: int


def load_shapes(path: Path) -> rdflib.Graph:
    """The shapes graph; raises LoadError when it does not parse."""
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise LoadError(f"Cannot read shapes {path}: {exc}", file=str(path)) from None
    return graph


def _data_graph(store: GraphStore) -> rdflib.Graph:
    # The data graphs plus the ontology (for rdfs:subClassOf in sh:class), as one rdflib graph.
    graph = rdflib.Graph()
    graph.parse(data=store.dump("ntriples"), format="nt")
    return graph


def _path_text(report: rdflib.Graph, result: rdflib.term.Node) -> str | None:
    path = report.value(result, SH.resultPath)
    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return to_curie(str(path))
    return "(complex path)"


def _to_violation(report: rdflib.Graph, result: rdflib.term.Node) -> Violation:
    focus = report.value(result, SH.focusNode)
    message = report.value(result, SH.resultMessage)
    severity = report.value(result, SH.resultSeverity)
    return Violation(
        focus=to_curie(str(focus)) if focus is not None else "?",
        path=_path_text(report, result),
        message=str(message) if message is not None else "constraint not met",
        severity=to_curie(str(severity)).removeprefix("sh:") if severity is not None else "Violation",
    )


def validate_store(store: GraphStore, shapes_path: Path) -> ValidationReport:
    """Validate the whole store against the shapes; violations sorted by focus node and path."""
    shapes = load_shapes(shapes_path)
    data = _data_graph(store)
    _, report_graph, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True,
    )
    report_graph = cast(rdflib.Graph, report_graph)  # pyshacl returns the report as a Graph here
    results = [_to_violation(report_graph, r) for r in report_graph.subjects(RDF.type, SH.ValidationResult)]
    results.sort(key=lambda v: (v.focus, v.path or "", v.message))
    violations = tuple(v for v in results if v.severity == "Violation")
    return ValidationReport(conforms=not violations, violations=tuple(results),
                            focus_nodes_checked=len(set(data.subjects())))


__all__ = ["ValidationReport", "Violation", "load_shapes", "validate_store"]
