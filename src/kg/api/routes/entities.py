"""Entity lookup (`GET /entities?q=`) and the entity view (`GET /entities/{id}`)."""

from __future__ import annotations

import re
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.convertors import Convertor, register_url_convertor

from kg.api.deps import ServicesDep
from kg.api.models import CitationOut, LabelOut
from kg.errors import BadRequestError
from kg.lookup import SearchResult
from kg.lookup.service import search_answer

router = APIRouter(tags=["entities"])


class EntityRefConvertor(Convertor[str]):
    """A path segment naming an entity: a slug, CURIE or name, or a full IRI, bare or in <…> (its
    slashes decoded from %2F).

    The IRI form stops short of a trailing `/neighbourhood`, so sub-resources of an entity still
    reach their own routes.
    """

    regex = r"[^/]+|<?https?:/+(?:(?!/neighbourhood$)[^?#])+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("entity", EntityRefConvertor())


class LookupHitOut(BaseModel):
    id: str
    iri: str
    curie: str
    label: LabelOut
    types: list[str]
    matched: str
    match: str
    score: float


class LookupOut(BaseModel):
    query: str
    total: int
    limit: int
    offset: int
    truncated: bool
    results: list[LookupHitOut]


class NameOut(BaseModel):
    iri: str
    curie: str
    label: LabelOut


class NodeValueOut(BaseModel):
    iri: str
    id: str
    label: LabelOut


class LiteralValueOut(BaseModel):
    literal: str | None
    datatype: str | None
    lang: str | None
    currency: str | None = None


class FactOut(BaseModel):
    property: NameOut
    value: NodeValueOut | LiteralValueOut
    citations: list[CitationOut]


class AliasOut(BaseModel):
    value: str
    lang: str | None
    kind: str


class EntityOut(BaseModel):
    id: str
    iri: str
    curie: str
    label: LabelOut
    aliases: list[AliasOut]
    types: list[NameOut]
    outgoing: list[FactOut]
    incoming: list[FactOut]
    citations: list[CitationOut]


def _lookup_body(result: SearchResult) -> bytes:
    # The LookupOut shape (documented as the response model), written with orjson directly: building
    # and validating pydantic models cost more than the search itself on this hot path.
    return orjson.dumps(search_answer(result))


_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@router.get("/entities", summary="Look up entities by name, abbreviation, pinyin or English",
            response_model=LookupOut)
async def lookup_entities(
    services: ServicesDep,
    q: Annotated[str, Query(pattern=r"\S", description="Name, abbreviation, English words, pinyin "
                            "(tones and spaces optional), pinyin initials; one typo is tolerated when "
                            "fewer than 20 labels match as typed.")],
    type: Annotated[str | None, Query(description="Class IRI or CURIE; subclasses included.")] = None,
    lang: Annotated[str | None, Query(pattern=_LANG.pattern, description="Match labels in this "
                                      "language only (zh, en).")] = None,
    limit: Annotated[int, Query(ge=1, description="Page size (at most KG_LOOKUP_LIMIT).")] = 20,
    offset: Annotated[int, Query(ge=0, description="Hits to skip.")] = 0,
) -> Response:
    """Ranked entities whose labels match `q`, each with the label that matched and how."""
    if limit > services.settings.lookup_limit:
        raise BadRequestError(f"limit={limit} is above the largest page size "
                              f"{services.settings.lookup_limit} (KG_LOOKUP_LIMIT); page with offset.")
    lookup = services.lookup

    def search() -> Response:
        body = lookup.render(_lookup_body, q, limit=limit, offset=offset, lang=lang, type_=type)
        return Response(body, media_type="application/json")

    # A search over a built index takes a millisecond or two: answered on the event loop, it skips
    # two thread hops (most of a cheap request's cost). Anything that reads the store (building the
    # index, a type's subclasses) goes to the thread pool: the store may wait for an update, and the
    # loop must never wait with it.
    return search() if lookup.is_ready(type) else await run_in_threadpool(search)


@router.get("/entities/{id:entity}", summary="Everything the graph says about one entity",
            response_model=EntityOut)
def get_entity(id: str, services: ServicesDep) -> dict[str, Any]:
    """Labels, aliases, types, relations both ways and literal values, each with its citations; the
    entity in any form (id, CURIE, IRI or name)."""
    return services.entity_views.get_entity(id).to_dict()
