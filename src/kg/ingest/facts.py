"""What extraction finds, before it becomes RDF: entities (grouped mentions) and facts about them, each
with the span of the normalised text that states it."""

from __future__ import annotations

from dataclasses import dataclass

#: What a fact's object may be: an entity (by key), or a literal (lexical form and datatype CURIE, or
#: a language tag starting with "@").
EntityRef = str


@dataclass(frozen=True, order=True)
class Value:
    """A literal: its lexical form and its datatype CURIE (or "@zh" for a language-tagged string)."""

    lexical: str
    datatype: str


@dataclass(frozen=True, order=True)
class Fact:
    """`subject predicate object`, stated by the normalised span [start, end), with a confidence."""

    subject: EntityRef
    predicate: str
    object: EntityRef | Value
    start: int
    end: int
    confidence: float


#: The report itself as a subject (its IRI is made from its key).
REPORT = "report:"
