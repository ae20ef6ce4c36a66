"""Exports of the graph for Gephi, Cytoscape, yEd, Graphviz, D3, spreadsheets and RDF tools.

`Exporter.export(ExportRequest(format, scope, lang))` picks a scope of the graph (all, a neighbourhood,
paths, a trace, a CONSTRUCT result) and writes it in one of `FORMATS`; each format family has its
module (graphml, gexf, jsongraph, graphviz, tables, rdf), all fed the same `Presentation`.
"""

from kg.errors import (
    ExportScopeError,
    RendererMissingError,
    RenderFailedError,
    UnknownExportFormatError,
)
from kg.exports.exporter import Exporter, ExportFile, ExportRequest
from kg.exports.formats import FORMATS, ExportFormat, get_format
from kg.exports.scope import SCOPES, ExportScope

__all__ = [
    "FORMATS", "SCOPES", "ExportFile", "ExportFormat", "ExportRequest", "ExportScope",
    "ExportScopeError", "Exporter", "RenderFailedError", "RendererMissingError",
    "UnknownExportFormatError", "get_format",
]
