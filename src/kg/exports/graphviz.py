"""Graphviz: DOT text written by hand (every id quoted and escaped), SVG/PNG drawn by the `dot` binary,
and `dot`'s own layout read back as positions (kg.exports.layout).

pydot is not used: it writes IRI ids unquoted and Graphviz then silently merges nodes
(docs/engine-notes.md §3.7). A laid-out presentation is written with each node's `pos` (points, y
upwards, pinned with `!`), which `neato -n2` draws as given.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from kg.errors import RendererMissingError, RenderFailedError
from kg.exports.palette import text_colour_on
from kg.exports.presentation import EdgeView, NodeView, Presentation

#: Font with Chinese glyphs (Debian fonts-noto-cjk); Graphviz falls back to its default without it.
FONT = "Noto Sans CJK SC"
#: Seconds `dot` may take to lay out one image; large graphs past it get a clear error instead of a
#: hung request. (A candidate for a Settings field: KG_RENDER_TIMEOUT.)
RENDER_TIMEOUT = 30.0
#: Image formats `dot` renders, with their -T option.
IMAGE_FORMATS = {"svg": "svg", "png": "png"}


def quote(text: str) -> str:
    """`text` as a DOT double-quoted string: backslash, quote and line breaks escaped."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))
    return f'"{escaped}"'


def _attributes(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{name}={quote(value)}" for name, value in attrs.items() if value) + "]"


def _node_line(node: NodeView) -> str:
    attrs = {
        "label": node.label, "fillcolor": node.colour, "fontcolor": text_colour_on(node.colour),
        "tooltip": f"{node.label_zh} / {node.label_en} ({node.category})", "URL": node.iri,
        "class": node.category,
    }
    if node.x is not None and node.y is not None:
        attrs["pos"] = f"{node.x},{-node.y}!"  # Graphviz's y axis points up
    return f"  {quote(node.id)} {_attributes(attrs)};"


def _comment(text: str) -> str:
    # A C++-style comment line cannot be closed early by anything in `text` but a line break.
    return "// " + " ".join(text.splitlines())


def _edge_line(edge: EdgeView) -> str:
    attrs = {"id": edge.id, "label": edge.label, "tooltip": edge.citations, "URL": edge.property_iri}
    return f"  {quote(edge.source)} -> {quote(edge.target)} {_attributes(attrs)};"


def write_dot(view: Presentation) -> bytes:
    """The presentation as a Graphviz digraph (UTF-8)."""
    note = view.truncation_note()
    lines = [_comment(note)] if note else []
    if view.laid_out:
        lines.append(_comment("Positions (pos) are in points; `neato -n2 -Tsvg` draws them as given."))
    graph_attrs = (f'charset="UTF-8", rankdir="LR", fontname={quote(FONT)}, overlap="false"'
                   + (f", comment={quote(note)}" if note else ""))
    lines += [
        'digraph "innokg" {',
        f"  graph [{graph_attrs}];",
        f'  node [shape="box", style="rounded,filled", fontname={quote(FONT)}, fontsize="11"];',
        f'  edge [fontname={quote(FONT)}, fontsize="9", color="#555555", fontcolor="#333333"];',
    ]
    lines += [_node_line(n) for n in view.nodes]
    lines += [_edge_line(e) for e in view.edges]
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def find_dot() -> str | None:
    """The path of Graphviz's `dot`, or None when it is not installed."""
    return shutil.which("dot")


def render(dot_source: bytes, image_format: str, *, pinned: bool = False,
           timeout: float = RENDER_TIMEOUT) -> bytes:
    """The DOT source drawn as SVG or PNG (`pinned`: at the positions its nodes carry, by `neato -n2`);
    raises RendererMissingError or RenderFailedError."""
    layout = ["-Kneato", "-n2"] if pinned else []
    return _graphviz([*layout, f"-T{IMAGE_FORMATS[image_format]}"], dot_source,
                     f"Drawing {image_format.upper()}", timeout)


def dot_positions(dot_source: bytes, *, timeout: float = RENDER_TIMEOUT) -> dict[str, tuple[float, float]]:
    """Where Graphviz's `dot` places each node of the DOT source: {node id: (x, y)} in points, y
    downwards; raises RendererMissingError or RenderFailedError."""
    drawn = json.loads(_graphviz(["-Tjson0"], dot_source, "layout=dot", timeout))
    top = float(drawn["bb"].split(",")[3])
    positions = {}
    for item in drawn.get("objects", []):
        if "pos" in item:  # nodes; clusters have none
            x, y = (float(v) for v in item["pos"].split(","))
            positions[str(item["name"])] = (round(x, 2), round(top - y, 2))
    return positions


def _graphviz(options: list[str], dot_source: bytes, what: str, timeout: float) -> bytes:
    """The output of `dot` with `options` on the DOT source (stdin); raises RendererMissingError or
    RenderFailedError."""
    binary = find_dot()
    if binary is None:
        raise RendererMissingError(
            f"{what} needs Graphviz's `dot`, which is not installed on the server (Debian: apt-get "
            "install graphviz, or scripts/setup-debian); format=dot and layout=spring work without it."
        )
    try:
        # A fixed argument list (no shell); the DOT text goes to stdin, written by write_dot.
        done = subprocess.run([binary, *options], input=dot_source,  # noqa: S603
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RenderFailedError(f"Graphviz took longer than {timeout:g} s to lay out this graph; "
                                "export a smaller scope, format=dot or layout=spring.") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderFailedError(f"Graphviz failed: {message[-1] if message else 'no message'}.")
    return done.stdout
