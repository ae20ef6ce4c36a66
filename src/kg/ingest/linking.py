"""Linking the names of a report to the entities already in the store, through the one lookup index
(kg.lookup: labels, aliases, abbreviations, pinyin, near misses), with a confidence per link.

A name links when the best hit is exact (a label or an alias), or an abbreviation, a pinyin reading or
a near miss of an entity of a compatible class; anything weaker makes a new entity.
"""

from __future__ import annotations

from typing import Any, Protocol

from kg.ingest.candidates import Link
from kg.namespaces import PREFIXES
from kg.store import Engine

#: Classes that are one family for linking: a name of one kind may link to an entity of another of
#: its family (an office found as a government body), never across families.
_FAMILIES = (
    frozenset({"ikg:GovernmentBody", "ikg:LeadingGroup", "ikg:CoordinationOffice", "ikg:ManagementCommittee",
               "ikg:Council", "ikg:ResearchOrganization", "ikg:WorkingGroup", "ikg:Enterprise",
               "org:OrganizationalUnit", "org:Organization"}),
    frozenset({"schema:AdministrativeArea", "ikg:InnovationArea", "ikg:NationalScienceCenter", "ikg:Venue"}),
)
#: Confidence of each kind of match of the lookup index; kinds not listed never link.
_CONFIDENCE = {"abbreviation": 0.8, "english": 0.85, "pinyin": 0.75, "initials": 0.7, "fuzzy": 0.7}
#: Least confidence of a link; below it the name makes a new entity.
MIN_CONFIDENCE = 0.7


class NameSearch(Protocol):
    """What linking needs of the lookup index (kg.lookup.service.EntityLookup)."""

    def search(self, query: str, *, limit: int) -> Any:
        """Ranked hits (`.hits`, each with `.entity`, `.matched`, `.match`)."""


def _iri(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES.get(prefix, "") + local


def _compatible(kind: str, types: frozenset[str]) -> bool:
    wanted = _iri(kind)
    if wanted in types:
        return True
    return any(kind in family and any(_iri(member) in types for member in family) for family in _FAMILIES)


class StoreLinker:
    """Links names to the entities of one store, through its lookup index."""

    def __init__(self, store: Engine, names: NameSearch) -> None:
        self._store = store
        self._names = names

    def __call__(self, name: str, kind: str) -> Link | None:
        """The store entity `name` (a mention of class `kind`) names, or None."""
        if not name.strip() or len(name) > 200:
            return None
        hits = self._names.search(name, limit=5).hits
        if not hits:
            return None
        best = hits[0]
        labels = frozenset(label.value for label in best.entity.labels)
        if best.match == "exact":
            kinds = {label.kind for label in best.entity.labels if label.value == best.matched}
            how, confidence = ("label", 0.98) if "pref" in kinds else ("alias", 0.95)
            if not _compatible(kind, best.entity.types):
                confidence -= 0.2
        else:
            confidence = _CONFIDENCE.get(best.match, 0.0)
            how = {"english": "label", "initials": "pinyin"}.get(best.match, best.match)
            if len(name) < 3 or not _compatible(kind, best.entity.types):
                return None
            rivals = [h for h in hits[1:] if h.match == best.match and h.score == best.score]
            if rivals:
                return None  # two entities fit equally well: leave it to the curator
        if confidence < MIN_CONFIDENCE:
            return None
        return Link(best.entity.iri, how, round(confidence, 2), labels)

    def known(self, subject: str, predicate: str, obj: str) -> bool:
        """Whether the store already asserts the triple (TriG terms of kg.ingest.candidates)."""
        return self._store.ask(f"ASK {{ {_nt(subject)} {_nt(predicate)} {_nt(obj)} }}")


def _nt(term: str) -> str:
    """A TriG term of kg.ingest.candidates as SPARQL (CURIEs expanded)."""
    if term.startswith(("<", '"')) or term[:1].isdigit():
        if '"^^' in term:
            lexical, _, datatype = term.rpartition("^^")
            return f"{lexical}^^<{_iri(datatype)}>" if not datatype.startswith("<") else term
        return term
    return f"<{_iri(term)}>"
