"""Query parameters more than one router takes: the relation and type filters of a walk."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from kg.graphview import PropertyFilter, TypeFilter
from kg.naming import term_iris

Properties = Annotated[list[str] | None, Query(
    alias="property", description="only follow these relations (CURIE or IRI; repeatable)")]
AvoidProperties = Annotated[list[str] | None, Query(description="never follow these relations")]
Types = Annotated[list[str] | None, Query(
    alias="type", description="only pass through entities of these classes (repeatable)")]
AvoidTypes = Annotated[list[str] | None, Query(description="never pass through these classes")]


def walk_filters(prop: list[str] | None, avoid_prop: list[str] | None, types: list[str] | None,
                 avoid_types: list[str] | None) -> tuple[PropertyFilter, TypeFilter]:
    """The relation and type filters of a walk; raises BadRequestError naming a bad CURIE or IRI."""
    return (PropertyFilter(term_iris(prop or (), what="property"),
                           term_iris(avoid_prop or (), what="avoid_property")),
            TypeFilter(term_iris(types or (), what="type"),
                       term_iris(avoid_types or (), what="avoid_type")))
