"""The flat, language-resolved view of a subgraph that every graph format writes.

Each writer (GraphML, GEXF, Cytoscape, DOT, node-link, CSV) reads the same `Presentation`, so node ids,
labels, colours and provenance are identical across formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import BadRequestError
from kg.exports.palette import colour_of
from kg.namespaces import to_curie
from kg.naming import entity_id

if TYPE_CHECKING:
    from kg.graphview import Edge, Node, Subgraph
    from kg.provenance import Citation

#: Label languages an export can be written in.
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class NodeView:
    """One node as the formats write it."""

    id: str
    iri: str
    label: str
    label_zh: str
    label_en: str
    category: str
    types: tuple[str, ...]  # CURIEs
    colour: str
    #: Position when the export is laid out (kg.exports.layout): x to the right, y downwards, in points
    #: (as Cytoscape.js, yEd, D3 and SVG draw; the DOT and GEXF writers turn y upwards).
    x: float | None = None
    y: float | None = None


@dataclass(frozen=True)
class EdgeView:
    """One edge as the formats write it, with its provenance flattened to text."""

    id: str
    source: str
    target: str
    property: str  # CURIE
    property_iri: str
    label: str
    label_zh: str
    label_en: str
    citations: str  # "二.2 [120,141); 三.1 [300,320) (note: …)", the curator's note where there is one
    evidence: str  # cited texts joined with " | "
    evidence_iris: tuple[str, ...]


@dataclass(frozen=True)
class Presentation:
    """A subgraph with every label chosen in one language."""

    nodes: tuple[NodeView, ...]
    edges: tuple[EdgeView, ...]
    lang: str
    truncated: bool
    total_nodes: int | None = None  # nodes of the whole scope before a cap cut it, when known
    max_nodes: int | None = None  # the node cap this export was made with

    @property
    def laid_out(self) -> bool:
        """Whether the nodes carry positions."""
        return any(n.x is not None for n in self.nodes)

    def truncation_note(self) -> str | None:
        """One sentence saying that (and how) a cap cut the export; None when nothing was cut."""
        if not self.truncated:
            return None
        of = f" of {self.total_nodes}" if self.total_nodes is not None else ""
        cap = f" (max_nodes={self.max_nodes}, at most KG_MAX_EXPORT_NODES)" if self.max_nodes else ""
        return (f"Truncated: this export holds {len(self.nodes)}{of} nodes; a limit cut it{cap}. "
                "Ask for a smaller scope, or a larger max_nodes.")


def check_lang(lang: str) -> str:
    """The label language itself; raises BadRequestError unless it is zh or en."""
    if lang not in LANGUAGES:
        raise BadRequestError(f"Unknown label language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    return lang


def pick_label(label_zh: str | None, label_en: str | None, lang: str, fallback: str) -> str:
    """The label in `lang`, else in the other language, else `fallback`."""
    first, second = (label_zh, label_en) if lang == "zh" else (label_en, label_zh)
    return first or second or fallback


#: How a citation's editorial note is introduced, per label language.
NOTE_PREFIX = {"zh": "编辑说明", "en": "note"}


def describe_citation(citation: Citation, lang: str = "en") -> str:
    """A citation in one short line: section number and code-point span, then its note (in `lang`)."""
    where = citation.section or to_curie(citation.document)
    line = f"{where} [{citation.start},{citation.end})"
    note = citation.note_in(lang)
    if not note:
        return line
    # "; " separates the citations of an edge: a note keeps its sense with commas instead.
    note = note.replace("；", "，").replace("; ", ", ").replace(";", ",")
    return f"{line} ({NOTE_PREFIX.get(lang, 'note')}: {note})"


def present_node(node: Node, lang: str) -> NodeView:
    """The written form of one node."""
    short = entity_id(node.iri)
    return NodeView(
        id=short, iri=node.iri, label=pick_label(node.label_zh, node.label_en, lang, short),
        label_zh=node.label_zh or "", label_en=node.label_en or "", category=node.category,
        types=tuple(to_curie(t) for t in node.types), colour=colour_of(node.category),
    )


def distinct_citations(citations: tuple[Citation, ...]) -> list[Citation]:
    """One citation per evidence node (the provenance index may repeat one per title language)."""
    first: dict[str, Citation] = {}
    for citation in citations:
        first.setdefault(citation.evidence, citation)
    return list(first.values())


def present_edge(edge: Edge, index: int, lang: str) -> EdgeView:
    """The written form of one edge (`index` makes its id)."""
    curie = to_curie(edge.property)
    citations = distinct_citations(edge.citations)
    fallback = curie.split(":", 1)[-1]
    return EdgeView(
        id=f"e{index}", source=entity_id(edge.source), target=entity_id(edge.target), property=curie,
        property_iri=edge.property, label=pick_label(edge.label_zh, edge.label_en, lang, fallback),
        label_zh=edge.label_zh or "", label_en=edge.label_en or "",
        citations="; ".join(describe_citation(c, lang) for c in citations),
        evidence=" | ".join(c.text for c in citations if c.text),
        evidence_iris=tuple(c.evidence for c in citations),
    )


def present(subgraph: Subgraph, lang: str, *, total_nodes: int | None = None,
            max_nodes: int | None = None) -> Presentation:
    """The subgraph with labels in `lang`; raises BadRequestError for an unknown language."""
    check_lang(lang)
    return Presentation(
        nodes=tuple(present_node(n, lang) for n in subgraph.nodes),
        edges=tuple(present_edge(e, i, lang) for i, e in enumerate(subgraph.edges)),
        lang=lang, truncated=subgraph.truncated, total_nodes=total_nodes, max_nodes=max_nodes,
    )
