"""/review: the curator's review of ingested candidates (kg.review).

GET lists candidates (filtered by status, report and type) and shows one, each statement with its
quoted evidence. POST /review/accept|reject|edit|merge decide them: like the Graph Store writes, they
need `KG_ALLOW_UPDATES=true` (403 otherwise) and a write token (401 otherwise, kg.auth), both checked
before the body is read; the activity recorded for each names the token by its digest's first 12 hex
digits. The handlers are plain `def`: the write runs in the thread pool, off the event loop.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from kg.api.auth import require_write_token
from kg.api.deps import ServicesDep
from kg.auth import token_digest
from kg.errors import ForbiddenError
from kg.review import Agent, ReviewResult

router = APIRouter(tags=["review"])


class ReviewTermOut(BaseModel):
    """A subject or object: an entity ({iri, id, label}) or a literal ({literal, datatype, lang})."""

    iri: str | None = None
    id: str | None = None
    label: str | None = None
    literal: str | None = None
    datatype: str | None = None
    lang: str | None = None


class ReviewStatementOut(BaseModel):
    """A statement the candidate takes part in, with its evidence: quote, section, span, confidence."""

    evidence: str
    subject: ReviewTermOut
    predicate: str
    object: ReviewTermOut
    quote: str | None
    section: str | None
    section_title: str | None
    start: int | None
    end: int | None
    confidence: float | None
    curated: bool = Field(description="true once accepted: the statement is in the curated graph")


class LinkOut(BaseModel):
    """How the extractor linked the mention to an entity already in the graph."""

    by: str | None = Field(description="label, alias, abbreviation, pinyin, fuzzy, or curator")
    confidence: float | None


class CandidateOut(BaseModel):
    """One candidate entity of a report's candidate graph."""

    id: str
    iri: str
    report: str = Field(description="the report key (12 hex digits of the SHA-256 of its text)")
    graph: str
    status: Literal["pending", "accepted", "rejected", "merged"]
    types: list[str]
    label_zh: str | None
    label_en: str | None
    alt_labels: list[str]
    link: LinkOut | None
    confidence: float | None
    replaced_by: str | None = Field(description="the entity a merged candidate became")
    statements: list[ReviewStatementOut]


class CandidateListOut(BaseModel):
    """The candidates that pass the filters."""

    total: int
    candidates: list[CandidateOut]


class ReviewResultOut(BaseModel):
    """What an action did; `changed` is empty when it had been done before (nothing was written)."""

    action: str
    changed: list[str]
    unchanged: list[str]
    moved: int = Field(description="statements moved, with their evidence, into the curated graph")
    activity: str | None = Field(description="the prov:Activity recording the action")


class CandidatesIn(BaseModel):
    """Candidates to accept or reject (ids, CURIEs, IRIs or exact labels), all or none."""

    candidates: list[str] = Field(min_length=1, max_length=1000)
    report: str | None = Field(default=None, description="the report key, when an id is ambiguous")


class EditIn(BaseModel):
    """A new preferred label (the old one stays an alternative) and/or a new type."""

    candidate: str
    label: str | None = None
    lang: Literal["zh", "en"] = "zh"
    type: str | None = Field(default=None, description="a class, as CURIE or IRI (ikg:GovernmentBody)")
    report: str | None = None


class MergeIn(BaseModel):
    """Merge a new candidate into an existing entity."""

    candidate: str
    into: str = Field(description="the entity it is: id, CURIE or IRI")
    report: str | None = None


_READ_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"description": "bad_request: a report key that is not 12 hex digits, a type that is no "
          "CURIE or IRI, or an id naming candidates of several reports."},
}
_SHOW_RESPONSES: dict[int | str, dict[str, object]] = {
    **_READ_RESPONSES, 404: {"description": "candidate_not_found: no candidate has that id."},
}
_WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"description": "bad_request: an empty label, a type that is no class, a bad report key."},
    401: {"description": "unauthorized: no valid 'Authorization: Bearer <token>' (KG_WRITE_TOKENS)."},
    403: {"description": "forbidden: writes are switched off (KG_ALLOW_UPDATES)."},
    404: {"description": "candidate_not_found or entity_not_found: an id names nothing (nothing "
          "was changed)."},
    409: {"description": "review_conflict: the action does not fit the candidate (e.g. rejecting an "
          "accepted one, merging a linked one)."},
}


@router.get("/review", response_model=CandidateListOut, responses=_READ_RESPONSES,
            summary="Candidates of ingested reports, with their quoted evidence")
def list_candidates(
    services: ServicesDep,
    status: Annotated[Literal["pending", "accepted", "rejected", "merged"] | None,
                      Query(description="only candidates with this status")] = None,
    report: Annotated[str | None, Query(description="only this report's (its 12-hex-digit key)")] = None,
    type_: Annotated[str | None, Query(alias="type",
                                       description="only this class (CURIE or IRI; subclasses count)")
                     ] = None,
) -> dict[str, object]:
    """Every candidate passing the filters, each with its statements, quotes and sections."""
    found = services.review.candidates(status=status, report=report, type_=type_)
    return {"total": len(found), "candidates": [c.to_dict() for c in found]}


async def _authorize(request: Request, services: ServicesDep) -> Agent:
    """Refuse when writes are off (403), then without a valid token (401); the token's agent."""
    if not services.settings.allow_updates:
        raise ForbiddenError("Review writes are switched off on this service (set KG_ALLOW_UPDATES=true).")
    require_write_token(request, services)
    _, _, token = (request.headers.get("authorization") or "").strip().partition(" ")
    digest = token_digest(token.strip())
    return Agent.for_token(digest, services.write_tokens.name_of(digest))


AgentDep = Annotated[Agent, Depends(_authorize)]


def _answer(result: ReviewResult) -> dict[str, object]:
    return result.to_dict()


@router.post("/review/accept", response_model=ReviewResultOut, responses=_WRITE_RESPONSES,
             summary="Accept candidates: their statements and evidence move into the curated graph")
def accept_candidates(body: CandidatesIn, agent: AgentDep, services: ServicesDep) -> dict[str, object]:
    """Accept every listed candidate in one write (an unknown id changes nothing); a statement moves
    once neither of its ends is a pending or rejected candidate."""
    return _answer(services.review.accept(body.candidates, agent=agent, report=body.report))


@router.post("/review/reject", response_model=ReviewResultOut, responses=_WRITE_RESPONSES,
             summary="Reject candidates (kept, marked, so a re-ingest does not bring them back)")
def reject_candidates(body: CandidatesIn, agent: AgentDep, services: ServicesDep) -> dict[str, object]:
    """Mark every listed candidate rejected, in one write."""
    return _answer(services.review.reject(body.candidates, agent=agent, report=body.report))


@router.post("/review/edit", response_model=ReviewResultOut, responses=_WRITE_RESPONSES,
             summary="Give a candidate a new preferred label or type")
def edit_candidate(body: EditIn, agent: AgentDep, services: ServicesDep) -> dict[str, object]:
    """A new preferred label in `lang` (the report's wording stays an alternative label, with its
    evidence) and/or a new type (its evidence follows)."""
    return _answer(services.review.edit(body.candidate, agent=agent, label=body.label, lang=body.lang,
                                        type_=body.type, report=body.report))


@router.post("/review/merge", response_model=ReviewResultOut, responses=_WRITE_RESPONSES,
             summary="Merge a new candidate into an existing entity")
def merge_candidate(body: MergeIn, agent: AgentDep, services: ServicesDep) -> dict[str, object]:
    """Its statements and evidence name the entity instead; it keeps dcterms:isReplacedBy."""
    return _answer(services.review.merge(body.candidate, into=body.into, agent=agent,
                                         report=body.report))


@router.get("/review/{candidate:path}", response_model=CandidateOut, responses=_SHOW_RESPONSES,
            summary="One candidate with its statements and their quoted evidence")
def show_candidate(
    services: ServicesDep,
    candidate: Annotated[str, Path(description="the candidate: id, CURIE, IRI or exact label")],
    report: Annotated[str | None, Query(description="the report key, when the id is ambiguous")] = None,
) -> dict[str, object]:
    """The candidate, its link, status and every statement it takes part in, quoted."""
    return services.review.candidate(candidate, report=report).to_dict()
