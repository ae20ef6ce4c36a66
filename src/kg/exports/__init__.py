"""Exports of the graph for Gephi, Cytoscape, yEd, Graphviz, D3, spreadsheets and RDF tools.

`Exporter.export(ExportRequest(format, scope, lang, layout=, max_nodes=))` picks a scope of the graph
(all, a neighbourhood, paths, a trace, a CONSTRUCT result, chosen nodes) and writes it in one of
`FORMATS`, laid out by one of `LAYOUTS` if asked; each format family has its module (graphml, gexf,
jsongraph, graphviz, tables, rdf), all fed the same `Presentation`. `kg.exports.relations` says how a
drawn graph treats an inverse pair (one edge, one relation to a filter); the neighbourhood answer uses it.
"""

from kg.errors import (
    ExportScopeError,
    RendererMissingError,
    RenderFailedError,
    UnknownExportFormatError,
)
from kg.exports.exporter import POSITIONED, Exporter, ExportFile, ExportRequest, Selection
from kg.exports.formats import FORMATS, ExportFormat, get_format
from kg.exports.layout import LAYOUTS
from kg.exports.scope import SCOPES, ExportScope

__all__ = [
    "FORMATS", "LAYOUTS", "POSITIONED", "SCOPES", "ExportFile", "ExportFormat", "ExportRequest",
    "ExportScope", "ExportScopeError", "Exporter", "RenderFailedError", "RendererMissingError",
    "Selection", "UnknownExportFormatError", "get_format",
]
