"""GET /evidence/{id}: one citation read in context (the report, the paragraph around the span, the
statements it supports, and how to cite it)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from kg.api.deps import ServicesDep
from kg.api.models import LabelOut

router = APIRouter(tags=["evidence"])


class DocumentOut(BaseModel):
    """The report an evidence node cites; strings in the answer's `lang`, both titles kept."""

    iri: str
    id: str
    title: str | None
    title_zh: str | None
    title_en: str | None
    issuer: str | None
    issuer_iri: str | None
    author: str | None
    series: str | None
    date: str | None
    number: str | None
    source_file: str | None


class SectionOut(BaseModel):
    """The section of the report holding the span."""

    number: str | None
    title: str | None


class ParagraphOut(BaseModel):
    """The paragraph of the report holding the span: code points [start, end) and its text."""

    start: int
    end: int
    text: str


class TermOut(BaseModel):
    """A subject or object: an entity ({iri, id, label}) or a literal ({literal, datatype, lang})."""

    iri: str | None = None
    id: str | None = None
    label: LabelOut | None = None
    literal: str | None = None
    datatype: str | None = None
    lang: str | None = None


class PredicateOut(BaseModel):
    """A relation or attribute."""

    iri: str
    curie: str
    label: LabelOut


class StatementOut(BaseModel):
    """A statement the evidence supports, and how it reads."""

    subject: TermOut
    predicate: PredicateOut
    object: TermOut
    text: LabelOut


class CiteOut(BaseModel):
    """How to cite the evidence: a reference in a standard form, the permalink, BibTeX."""

    style: str
    text: str
    permalink: str
    bibtex: str


class EvidenceOut(BaseModel):
    """One evidence node read in context."""

    evidence: str
    id: str
    document: DocumentOut
    section: SectionOut | None
    start: int
    end: int
    text: str | None
    note: LabelOut | None
    paragraph: ParagraphOut | None
    statements: list[StatementOut]
    cite: CiteOut
    lang: str
    notes: list[str]


def _base_url(request: Request, configured: str | None) -> str:
    return configured or str(request.base_url)


@router.get("/evidence/{evidence:path}", response_model=EvidenceOut,
            summary="One citation read in context: report, paragraph, statements, how to cite it")
def read_evidence(
    services: ServicesDep,
    request: Request,
    evidence: Annotated[str, Path(description="the evidence node: ev:… CURIE, full IRI or local name")],
    lang: Annotated[Literal["zh", "en"], Query(
        description="language of the document strings and of the citation")] = "zh",
) -> dict[str, object]:
    """The evidence node with its report, section, span, paragraph (null when the report's text is
    not on the server; `notes` says why), the statements it supports and a citation; 404 for an id
    that names no evidence node."""
    base = _base_url(request, services.settings.base_url)
    return services.reader.read(evidence, base_url=base, lang=lang).to_dict()
