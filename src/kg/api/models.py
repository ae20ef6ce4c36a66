"""Response models more than one router answers with (labels, citations)."""

from __future__ import annotations

from pydantic import BaseModel


class LabelOut(BaseModel):
    """Labels in Chinese and English."""

    zh: str | None
    en: str | None


class CitationOut(BaseModel):
    """Where a statement is stated: document, section and code-point span (with the text)."""

    evidence: str
    document: str
    document_title: str | None
    section: str | None
    section_title: str | None
    start: int
    end: int
    text: str | None
    derived_via: str | None
