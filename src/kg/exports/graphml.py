"""GraphML for yEd, Gephi and networkx: declared keys, labels in both languages, category colours.

Plain `data` keys carry every attribute (Gephi and networkx read them; Gephi takes `label`, `r`, `g`,
`b`, and `x`, `y` when the export is laid out); yEd additionally gets `y:ShapeNode` / `y:PolyLineEdge`
graphics so that a file opens with coloured, labelled (and placed) nodes and labelled arrows without
any mapping step. Graph data says whether a cap cut the export (`truncated`, `total_nodes`, `note`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kg.exports.palette import rgb_of, text_colour_on
from kg.exports.presentation import EdgeView, NodeView, Presentation
from kg.exports.xmldoc import element, to_bytes

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
YFILES_NS = "http://www.yworks.com/xml/graphml"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA_LOCATION = f"{GRAPHML_NS} http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd"

#: (key id, attribute name, GraphML type) of node data, in the order written.
NODE_KEYS = (
    ("n_label", "label", "string"), ("n_label_zh", "label_zh", "string"),
    ("n_label_en", "label_en", "string"), ("n_type", "type", "string"),
    ("n_types", "types", "string"), ("n_iri", "iri", "string"), ("n_colour", "colour", "string"),
    ("n_r", "r", "int"), ("n_g", "g", "int"), ("n_b", "b", "int"),
)
#: Node positions, written when the export is laid out (y downwards, as yEd draws).
POSITION_KEYS = (("n_x", "x", "double"), ("n_y", "y", "double"))
#: (key id, attribute name, GraphML type) of graph data: what a cap did to the export.
GRAPH_KEYS = (("g_truncated", "truncated", "boolean"), ("g_total_nodes", "total_nodes", "int"),
              ("g_note", "note", "string"))
#: (key id, attribute name, GraphML type) of edge data, in the order written.
EDGE_KEYS = (
    ("e_label", "label", "string"), ("e_label_zh", "label_zh", "string"),
    ("e_label_en", "label_en", "string"), ("e_property", "property", "string"),
    ("e_property_iri", "property_iri", "string"), ("e_citations", "citations", "string"),
    ("e_evidence", "evidence", "string"),
)


def _node_values(node: NodeView) -> tuple[str, ...]:
    r, g, b = rgb_of(node.colour)
    return (node.label, node.label_zh, node.label_en, node.category, " ".join(node.types), node.iri,
            node.colour, str(r), str(g), str(b))


def _edge_values(edge: EdgeView) -> tuple[str, ...]:
    return (edge.label, edge.label_zh, edge.label_en, edge.property, edge.property_iri,
            edge.citations, edge.evidence)


def _label_width(label: str) -> float:
    # yEd does not size nodes to their labels on import: estimate (CJK glyphs are about twice as wide).
    wide = sum(1 for ch in label if ord(ch) > 0x2E80)
    return max(60.0, 14.0 * wide + 7.5 * (len(label) - wide) + 20.0)


def _write_node(graph: ET.Element, node: NodeView) -> None:
    xml_node = element(graph, "node", id=node.id)
    for (key, _, _), value in zip(NODE_KEYS, _node_values(node), strict=True):
        if value:
            element(xml_node, "data", value, key=key)
    x, y = node.x, node.y
    if x is not None and y is not None:
        element(xml_node, "data", str(x), key="n_x")
        element(xml_node, "data", str(y), key="n_y")
    shape = element(element(xml_node, "data", key="n_graphics"), "y:ShapeNode")
    width, height = _label_width(node.label), 30.0
    # yEd places a node by its top-left corner; the position is its centre.
    left, top = ((x - width / 2, y - height / 2) if x is not None and y is not None else (0.0, 0.0))
    element(shape, "y:Geometry", height=f"{height:.1f}", width=f"{width:.1f}", x=f"{left:.1f}",
            y=f"{top:.1f}")
    element(shape, "y:Fill", color=node.colour.upper(), transparent="false")
    element(shape, "y:BorderStyle", color="#333333", type="line", width="1.0")
    element(shape, "y:NodeLabel", node.label, fontFamily="Noto Sans CJK SC", fontSize="12",
            textColor=text_colour_on(node.colour).upper(), modelName="internal", modelPosition="c")
    element(shape, "y:Shape", type="roundrectangle")


def _write_edge(graph: ET.Element, edge: EdgeView) -> None:
    xml_edge = element(graph, "edge", id=edge.id, source=edge.source, target=edge.target)
    for (key, _, _), value in zip(EDGE_KEYS, _edge_values(edge), strict=True):
        if value:
            element(xml_edge, "data", value, key=key)
    line = element(element(xml_edge, "data", key="e_graphics"), "y:PolyLineEdge")
    element(line, "y:LineStyle", color="#555555", type="line", width="1.0")
    element(line, "y:Arrows", source="none", target="standard")
    element(line, "y:EdgeLabel", edge.label, fontFamily="Noto Sans CJK SC", fontSize="10")


def write_graphml(view: Presentation) -> bytes:
    """The presentation as a GraphML document (UTF-8)."""
    root = ET.Element("graphml", {
        "xmlns": GRAPHML_NS, "xmlns:y": YFILES_NS, "xmlns:xsi": XSI_NS,
        "xsi:schemaLocation": _SCHEMA_LOCATION,
    })
    node_keys = NODE_KEYS + (POSITION_KEYS if view.laid_out else ())
    for keys, kind in ((GRAPH_KEYS, "graph"), (node_keys, "node"), (EDGE_KEYS, "edge")):
        for key, name, kind_type in keys:
            element(root, "key", id=key, attr_name=name, attr_type=kind_type, **{"for": kind})
    element(root, "key", id="n_graphics", yfiles_type="nodegraphics", **{"for": "node"})
    element(root, "key", id="e_graphics", yfiles_type="edgegraphics", **{"for": "edge"})
    graph = element(root, "graph", id="innokg", edgedefault="directed")
    element(graph, "data", "true" if view.truncated else "false", key="g_truncated")
    if view.total_nodes is not None:
        element(graph, "data", str(view.total_nodes), key="g_total_nodes")
    note = view.truncation_note()
    if note:
        element(graph, "data", note, key="g_note")
    for node in view.nodes:
        _write_node(graph, node)
    for edge in view.edges:
        _write_edge(graph, edge)
    return to_bytes(root)
