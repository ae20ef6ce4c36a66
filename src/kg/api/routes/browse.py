"""GET /browse: entities listed by type, date range and section, sorted and paged, with facets."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from kg.api.deps import ServicesDep
from kg.api.models import LabelOut
from kg.browsing import BrowseQuery

router = APIRouter(tags=["browse"])


class BrowseItemOut(BaseModel):
    """One entity of the list."""

    id: str
    iri: str
    label: LabelOut
    types: list[str]
    category: str
    date: str | None = Field(description="the earliest date the entity carries")
    sections: list[str] = Field(description="numbers of the report sections citing it, in report order")


class TypeFacetOut(BaseModel):
    """A type the list can be narrowed to (subclasses included), and how many entities it would leave."""

    curie: str
    iri: str
    label: LabelOut
    count: int


class SectionFacetOut(BaseModel):
    """A section the list can be narrowed to, and how many entities it would leave."""

    number: str
    title: str | None
    count: int


class FacetsOut(BaseModel):
    """Counts of the entities per type and per section among those the other filters leave."""

    types: list[TypeFacetOut]
    sections: list[SectionFacetOut]


class BrowseOut(BaseModel):
    """One page of a browse list."""

    total: int
    limit: int
    offset: int
    items: list[BrowseItemOut]
    facets: FacetsOut


@router.get("/browse", response_model=BrowseOut,
            summary="Entities by type, date range and section, sorted and paged, with facets")
def browse(
    services: ServicesDep,
    types: Annotated[list[str] | None, Query(
        alias="type", description="a class (CURIE or IRI), subclasses included; repeatable")] = None,
    start: Annotated[str | None, Query(alias="from", description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    end: Annotated[str | None, Query(alias="to", description="YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    section: Annotated[str | None, Query(
        description="a section number, e.g. 二.4 (二 includes its subsections)")] = None,
    sort: Annotated[Literal["label", "date", "type"], Query(description="what to sort by")] = "label",
    order: Annotated[Literal["asc", "desc"], Query(description="ascending or descending")] = "asc",
    lang: Annotated[Literal["zh", "en"], Query(
        description="the labels sorted by (zh: pinyin order)")] = "zh",
    limit: Annotated[int, Query(ge=1, description="most items (≤ KG_MAX_ROWS)")] = 100,
    offset: Annotated[int, Query(ge=0, description="items skipped")] = 0,
) -> dict[str, object]:
    """A page of entities with their labels, types, earliest date and citing sections, and the type
    and section facets; 400 naming a bad parameter (an unknown type or section included)."""
    query = BrowseQuery(tuple(types or ()), start or None, end or None, section or None, sort, order,
                        lang, limit, offset)
    return services.browser.browse(query).to_dict()
