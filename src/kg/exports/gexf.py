"""GEXF 1.3 for Gephi, with a colour per category and, when laid out, a position per node.

The visualisation module is written as the GEXF 1.3 specification and its examples give it: elements
`color` (r, g, b; hex too), `size` and `position` (x, y, z) in their own namespace,
`http://gexf.net/1.3/viz`, bound to the `viz` prefix. Gephi and networkx (`read_gexf`) read them there.
The official 1.3 XSD (generated from the specification's RELAX NG) lost that namespace: its viz.xsd
has no target namespace and the GEXF schema declares `color`, `position` and `size` in the GEXF
namespace itself, so the document validates against it only with the viz elements moved into the GEXF
namespace (which is how tests/test_exports.py checks every element and attribute against it). The
colour is also a declared attribute, for readers that only take attributes.
networkx's own writer is not used: its output fails the XSD otherwise (an empty graph name,
docs/engine-notes.md §3.7). A cut export says so in its description, keywords and a comment.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import kg
from kg.exports.palette import rgb_of
from kg.exports.presentation import EdgeView, NodeView, Presentation
from kg.exports.xmldoc import element, to_bytes

GEXF_NS = "http://gexf.net/1.3"
#: The namespace of the visualisation module (GEXF 1.3 specification, "Visualization").
VIZ_NS = "http://gexf.net/1.3/viz"
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
    element(parent, f"viz:{name}", **attrs)  # the viz prefix is bound on the root


def _write_node(nodes: ET.Element, node: NodeView) -> None:
    xml_node = element(nodes, "node", id=node.id, label=node.label)
    _attvalues(xml_node, {
        "label_zh": node.label_zh, "label_en": node.label_en, "type": node.category,
        "types": _liststring(node.types), "iri": node.iri, "colour": node.colour,
    })
    r, g, b = rgb_of(node.colour)
    _viz(xml_node, "color", r=str(r), g=str(g), b=str(b), hex=node.colour)
    _viz(xml_node, "size", value="10.0")
    if node.x is not None and node.y is not None:
        # Gephi draws y upwards; the presentation's y points down.
        _viz(xml_node, "position", x=str(node.x), y=str(-node.y), z="0.0")


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
        "xmlns": GEXF_NS, "xmlns:viz": VIZ_NS, "xmlns:xsi": XSI_NS, "version": "1.3",
        "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd",
    })
    note = view.truncation_note()
    meta = element(root, "meta", lastmodifieddate=date.today().isoformat())
    element(meta, "creator", f"innokg {kg.__version__}")
    if note:
        element(meta, "keywords", "truncated")
    element(meta, "description", "Innovation-governance knowledge graph: entities and the relations "
            "between them, each relation citing the report span it comes from."
            + (f" {note}" if note else ""))
    if note:
        root.append(ET.Comment(f" {note.replace('--', '-')} "))  # "--" may not appear in a comment
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
