"""Response models more than one router answers with (labels, citations, nodes, explained hops)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LabelOut(BaseModel):
    """Labels in Chinese and English."""

    zh: str | None
    en: str | None


class CitationOut(BaseModel):
    """Where a statement is stated: document, section and code-point span (with the text), and the
    curator's note when the reading needs context beyond the span."""

    evidence: str
    document: str
    document_title: str | None
    section: str | None
    section_title: str | None
    start: int
    end: int
    text: str | None
    derived_via: str | None
    note: LabelOut | None = None


class EventSummaryOut(BaseModel):
    """What an event node says happened."""

    date: str | None
    sort_date: str | None
    summary: LabelOut


class NodeOut(BaseModel):
    """An entity."""

    id: str
    iri: str
    label: LabelOut
    types: list[str]
    category: str


class ExplainedNodeOut(NodeOut):
    """An entity of a path; an event node carries `event` (its date and what happened)."""

    event: EventSummaryOut | None = None


class PropertyOut(BaseModel):
    """A relation."""

    iri: str
    curie: str
    label: LabelOut


class AlsoOut(BaseModel):
    """Another relation joining the same two nodes (e.g. the inverse of the statement walked)."""

    property: str
    direction: str


class DoubtOut(BaseModel):
    """Why a hop is not certain: `possible_identity` (the report leaves open whether two names are one
    body) or `curator_reading` (every span needed the context its note gives)."""

    kind: str
    reason: LabelOut


class HopOut(BaseModel):
    """One explained step of a path or chain: the statement walked, its direction relative to the
    path, its dates, its citations, and its doubt if it has one."""

    from_: ExplainedNodeOut = Field(alias="from")
    to: ExplainedNodeOut
    property: PropertyOut
    direction: str
    statement: LabelOut
    dates: list[str]
    citations: list[CitationOut]
    also: list[AlsoOut]
    doubt: DoubtOut | None = None


class PathOut(BaseModel):
    """A path: its length, hops, and whether a hop is in doubt."""

    length: int
    hops: list[HopOut]
    doubtful: bool = False


class EdgeOut(BaseModel):
    """A statement between two nodes of a subgraph (node ids)."""

    source: str
    target: str
    property: PropertyOut
    citations: list[CitationOut]


class SubgraphOut(BaseModel):
    """Nodes and the edges among them."""

    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool
