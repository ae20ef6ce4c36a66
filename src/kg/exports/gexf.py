"""GEXF 1.3 for Gephi, valid against the GEXF project's XSD, with a colour per category.

The 1.3 XSD declares `color` and `size` in the GEXF namespace itself (its viz.xsd has no target
namespace), so an element in the `http://gexf.net/1.3/viz` namespace fails validation. We write
`<viz:color>` with the `viz` prefix bound to the GEXF namespace: the document validates, Gephi (which
matches element local names) reads the colours, and readers that look for the `viz:` prefix find them.
The colour is also a declared attribute, for readers that only take attributes (networkx).
networkx's own writer is not used: its output fails this XSD (docs/engine-notes.md §3.7).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import kg
from kg.exports.palette import rgb_of
from kg.exports.presentation import EdgeView, NodeView, Presentation
from kg.exports.xmldoc import element, to_bytes

GEXF_NS = "http://gexf.net/1.3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: (attribute id, title, GEXF type) of node attributes, in the order written.
NODE_ATTRIBUTES = (
    ("label_zh", "label_zh", "string"), ("label_en", "label_en", "string"),
    ("type", "type", "string"), ("types", "types", "liststring"), ("iri", "iri", "anyURI"),
    ("colour", "colour", "string"),
)
#: (attribute id, title, GEXF type) of edge attributes, in the order written.
EDGE_ATTRIBUTES = (
    ("label_zh", "label_zh", "string"), ("label_en", "label_en", "string"),
    ("property", "property", "string"), ("property_iri", "property_iri", "anyURI"),
    ("citations", "citations", "string"), ("evidence", "evidence", "string"),
)


def _liststring(values: tuple[str, ...]) -> str:
    # GEXF list values are written "[a, b]"; an empty list is left out.
    return "[" + ", ".join(values) + "]" if values else ""


def _declare(graph: ET.Element, kind: str, attributes: tuple[tuple[str, str, str], ...]) -> None:
    block = element(graph, "attributes", mode="static", **{"class": kind})
    for attr_id, title, attr_type in attributes:
        element(block, "attribute", id=attr_id, title=title, type=attr_type)


def _attvalues(parent: ET.Element, values: dict[str, str]) -> None:
    present = {k: v for k, v in values.items() if v}
    if present:
        block = element(parent, "attvalues")
        for attr_id, value in present.items():
            element(block, "attvalue", value=value, **{"for": attr_id})


def _viz(parent: ET.Element, name: str, **attrs: str) -> None:
    element(parent, f"viz:{name}", **{"xmlns:viz": GEXF_NS}, **attrs)


def _write_node(nodes: ET.Element, node: NodeView) -> None:
    xml_node = element(nodes, "node", id=node.id, label=node.label)
    _attvalues(xml_node, {
        "label_zh": node.label_zh, "label_en": node.label_en, "type": node.category,
        "types": _liststring(node.types), "iri": node.iri, "colour": node.colour,
    })
    r, g, b = rgb_of(node.colour)
    _viz(xml_node, "color", r=str(r), g=str(g), b=str(b), hex=node.colour)
    _viz(xml_node, "size", value="10.0")


def _write_edge(edges: ET.Element, edge: EdgeView) -> None:
    xml_edge = element(edges, "edge", id=edge.id, source=edge.source, target=edge.target,
                       label=edge.label, kind=edge.property)
    _attvalues(xml_edge, {
        "label_zh": edge.label_zh, "label_en": edge.label_en, "property": edge.property,
        "property_iri": edge.property_iri, "citations": edge.citations, "evidence": edge.evidence,
    })


def write_gexf(view: Presentation) -> bytes:
    """The presentation as a GEXF 1.3 document (UTF-8)."""
    root = ET.Element("gexf", {
        "xmlns": GEXF_NS, "xmlns:xsi": XSI_NS, "version": "1.3",
        "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd",
    })
    meta = element(root, "meta", lastmodifieddate=date.today().isoformat())
    element(meta, "creator", f"innokg {kg.__version__}")
    element(meta, "description", "Innovation-governance knowledge graph: entities and the relations "
            "between them, each relation citing the report span it comes from.")
    graph = element(root, "graph", defaultedgetype="directed", mode="static", idtype="string")
    _declare(graph, "node", NODE_ATTRIBUTES)
    _declare(graph, "edge", EDGE_ATTRIBUTES)
    nodes = element(graph, "nodes", count=str(len(view.nodes)))
    for node in view.nodes:
        _write_node(nodes, node)
    edges = element(graph, "edges", count=str(len(view.edges)))
    for edge in view.edges:
        _write_edge(edges, edge)
    return to_bytes(root)
