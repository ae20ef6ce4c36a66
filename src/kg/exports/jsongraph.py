"""The JSON graph formats: Cytoscape.js elements and D3 node-link.

Both say at the top whether a cap cut the export (`"truncated"`, `"total_nodes"` when known, and a
`"note"`), and carry positions when the export is laid out (Cytoscape: each node's `position`;
node-link: each node's `x`, `y`).
"""

from __future__ import annotations

from typing import Any

import orjson

from kg.exports.palette import text_colour_on
from kg.exports.presentation import EdgeView, NodeView, Presentation


def _node_data(node: NodeView) -> dict[str, Any]:
    return {
        "id": node.id, "label": node.label, "label_zh": node.label_zh, "label_en": node.label_en,
        "type": node.category, "types": list(node.types), "iri": node.iri, "colour": node.colour,
        "text_colour": text_colour_on(node.colour),
    }


def _edge_data(edge: EdgeView) -> dict[str, Any]:
    return {
        "id": edge.id, "source": edge.source, "target": edge.target, "label": edge.label,
        "label_zh": edge.label_zh, "label_en": edge.label_en, "property": edge.property,
        "property_iri": edge.property_iri, "citations": edge.citations, "evidence": edge.evidence,
    }


def _truncation(view: Presentation) -> dict[str, Any]:
    """The top-level members that say whether (and how) a cap cut the export."""
    found: dict[str, Any] = {"truncated": view.truncated}
    if view.total_nodes is not None:
        found["total_nodes"] = view.total_nodes
    note = view.truncation_note()
    if note:
        found["note"] = note
    return found


def _cytoscape_node(node: NodeView) -> dict[str, Any]:
    element: dict[str, Any] = {"data": _node_data(node), "group": "nodes"}
    if node.x is not None and node.y is not None:
        element["position"] = {"x": node.x, "y": node.y}
    return element


def cytoscape_elements(view: Presentation) -> dict[str, Any]:
    """The Cytoscape.js document: `{"elements": {"nodes": [...], "edges": [...]}}` plus graph data."""
    return {
        "format_version": "1.0",
        "generated_by": "innokg",
        **_truncation(view),
        "data": {"name": "innokg", "lang": view.lang, "truncated": view.truncated},
        "elements": {
            "nodes": [_cytoscape_node(n) for n in view.nodes],
            "edges": [{"data": _edge_data(e), "group": "edges"} for e in view.edges],
        },
    }


def _nodelink_node(node: NodeView) -> dict[str, Any]:
    data = _node_data(node)
    if node.x is not None and node.y is not None:
        data["x"], data["y"] = node.x, node.y
    return data


def write_cytoscape(view: Presentation) -> bytes:
    """The presentation as Cytoscape.js JSON (Cytoscape desktop reads it as .cyjs too)."""
    return orjson.dumps(cytoscape_elements(view), option=orjson.OPT_INDENT_2)


def write_nodelink(view: Presentation) -> bytes:
    """The presentation as D3 node-link JSON (`nodes` and `links`; networkx reads it with edges="links")."""
    document = {
        "directed": True, "multigraph": True,
        **_truncation(view),
        "graph": {"name": "innokg", "lang": view.lang, "truncated": view.truncated},
        "nodes": [_nodelink_node(n) for n in view.nodes],
        "links": [{**_edge_data(e), "key": e.id} for e in view.edges],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)
