"""The export formats: name, file extension, media type, and which writer makes them (the RDF ones
take their extension and media type from the registry of kg.formats)."""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import UnknownExportFormatError
from kg.formats import RDF_FORMATS

#: What a format is made from: a presentation of a subgraph, a drawing of it, or RDF statements.
GRAPH, IMAGE, RDF = "graph", "image", "rdf"


@dataclass(frozen=True)
class ExportFormat:
    """One export format."""

    name: str
    extension: str
    media_type: str
    family: str  # GRAPH | IMAGE | RDF
    title: str  # shown on the web page's download menu


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("graphml", "graphml", "application/graphml+xml", GRAPH, "GraphML (yEd, Gephi)"),
    ExportFormat("gexf", "gexf", "application/gexf+xml", GRAPH, "GEXF 1.3 (Gephi)"),
    ExportFormat("cytoscape", "cyjs", "application/json", GRAPH, "Cytoscape.js JSON"),
    ExportFormat("dot", "dot", "text/vnd.graphviz; charset=utf-8", GRAPH, "Graphviz DOT"),
    ExportFormat("svg", "svg", "image/svg+xml", IMAGE, "SVG image (Graphviz)"),
    ExportFormat("png", "png", "image/png", IMAGE, "PNG image (Graphviz)"),
    ExportFormat("nodelink", "json", "application/json", GRAPH, "Node-link JSON (D3)"),
    ExportFormat("csv-nodes", "nodes.csv", "text/csv; charset=utf-8", GRAPH, "CSV nodes"),
    ExportFormat("csv-edges", "edges.csv", "text/csv; charset=utf-8", GRAPH, "CSV edges"),
    *(ExportFormat(name, RDF_FORMATS[name].extension, RDF_FORMATS[name].media_type, RDF, title)
      for name, title in (("turtle", "Turtle + evidence"), ("jsonld", "JSON-LD + evidence"),
                          ("ntriples", "N-Triples + evidence"),
                          ("trig", "TriG + evidence (named graphs)"))),
)}


def get_format(name: str) -> ExportFormat:
    """The format called `name`; raises UnknownExportFormatError listing the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownExportFormatError(
            f"Unknown export format {name!r}; use one of {', '.join(FORMATS)}."
        ) from None
