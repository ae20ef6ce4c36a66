"""Naming entities: the one home of ids, CURIEs and IRIs, and of resolving what a caller types.

Every route and command that takes an entity accepts the same forms, read here in this order:

1. an IRI, bare or in angle brackets (`https://w3id.org/innokg/id/ndrc`, `<…>`), or `urn:`;
2. a CURIE under a project prefix (`id:ndrc`, `ikg:LeadingGroup`);
3. an id, the slug after the entity base (`ndrc`, `shanghai-stc-office`);
4. a name: Chinese, English, an abbreviation or alias, pinyin, or a near-miss of one of them, found
   through the lookup index (`kg.lookup.service.EntityLookup`).

A text that reads as an IRI, a CURIE or a hyphenated id and names nothing is not searched as a name
(`ndrc-x` is a typo of an id, not a name), so a mistyped id says "not found" rather than resolving to a
lookalike. An inexact or ambiguous name resolves to the best hit, and the resolution's note says so.

Ids in answers (`entity_id`) are the reverse: the slug under the entity base, else the CURIE, else the
IRI itself, so every id an answer gives resolves back to the same node.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from kg.errors import BadRequestError, EntityNotFoundError
from kg.namespaces import ID, IKG, PREFIXES, from_curie, to_curie
from kg.store import Engine
from kg.terms import iri as iri_term

ENTITY_BASE = str(ID)
#: Characters an IRI cannot hold (RFC 3987's IRIREF exclusions): a name with one of them cannot be
#: written into SPARQL as <…> without closing it.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")
_BARE_TERM = re.compile(r"[A-Za-z_][\w.\-]*")
#: Schemes read as IRIs when typed bare (anything else with a colon is a CURIE or a name).
_IRI_SCHEMES = ("http://", "https://", "urn:")
#: Hits the lookup is asked for when resolving a name (the best one wins; the rest tell ambiguity).
_NAME_HITS = 10


# -- ids, CURIEs and IRIs -------------------------------------------------------------------------

def entity_id(iri: str) -> str:
    """The id of a node in URLs and answers: its slug under the entity base, else its CURIE (or IRI)."""
    if iri.startswith(ENTITY_BASE) and "/" not in iri[len(ENTITY_BASE):]:
        return iri[len(ENTITY_BASE):]
    return to_curie(iri)


def local_name(iri: str) -> str:
    """The last segment of an IRI (after its last '#', '/' or ':'), for labels of last resort."""
    return re.split(r"[#/:]", iri.rstrip("/#"))[-1] or iri


def read_reference(text: str) -> tuple[str | None, str]:
    """The IRI `text` names by its form alone, and which form: iri | curie | id | name.

    The IRI is None for a name (and for text that is no well-formed IRI); nothing is looked up.
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return _checked(text[1:-1]), "iri"
    if text.startswith(_IRI_SCHEMES):
        return _checked(text), "iri"
    prefix, colon, _ = text.partition(":")
    if colon and prefix in PREFIXES:
        expanded = from_curie(text)
        return (_checked(expanded) if expanded else None), "curie"
    if _SLUG.fullmatch(text):
        return ENTITY_BASE + text, "id"
    if _SCHEME.match(text) and not _NOT_IN_IRI.search(text):
        return text, "iri"  # an absolute IRI of another scheme (mailto:, tag:, file:…)
    return None, "name"


def entity_iri(text: str) -> str | None:
    """The IRI an IRI, <IRI>, CURIE or id names (existence not checked); None for anything else."""
    found, _ = read_reference(text)
    return found


def _checked(value: str) -> str | None:
    return value if _SCHEME.match(value) and not _NOT_IN_IRI.search(value) else None


def term_iri(value: str, *, what: str = "class or property", bare: bool = True) -> str:
    """The IRI of a class or property given as IRI, CURIE or (when `bare`) a bare ontology name.

    Raises BadRequestError naming `what` when the value is none of them.
    """
    value = value.strip()
    found, form = read_reference(value)
    if found is not None and form in ("iri", "curie"):
        return found
    if _SCHEME.match(value) and _NOT_IN_IRI.search(value):
        raise BadRequestError(f"{what} {value!r} is not a valid IRI: it holds a space or one of "
                              "<>\"{}|^`\\.")
    if bare and _BARE_TERM.fullmatch(value):
        return str(IKG) + value
    example = "ikg:leads" if what.endswith("property") else "ikg:LeadingGroup"
    also = ", or a bare ontology name" if bare else ""
    raise BadRequestError(f"{what} {value!r} is not a CURIE with a known prefix or an IRI (e.g. "
                          f"{example}){also}.")


def term_iris(values: Iterable[str], *, what: str) -> frozenset[str]:
    """IRIs of repeatable CURIE/IRI options (relation and type filters); raises BadRequestError."""
    return frozenset(term_iri(v, what=what, bare=False) for v in values)


# -- resolving what a caller types -----------------------------------------------------------------

@dataclass(frozen=True)
class Resolution:
    """The entity a caller's text names, and how the text was understood."""

    iri: str
    how: str  # iri | curie | id | name
    note: str | None = None  # set when a name was inexact or ambiguous: which hit was used


class NameIndex(Protocol):
    """What resolving names needs of the lookup index (kg.lookup.service.EntityLookup)."""

    def search(self, query: str, *, limit: int) -> Any:
        """Ranked hits (`.hits`, each with `.entity.iri`, `.match`, `.matched`) for a name."""


class EntityResolver:
    """Resolves ids, CURIEs, IRIs and names (through the lookup index) to entities of one store."""

    def __init__(self, store: Engine, names: NameIndex) -> None:
        self._store = store
        self._names = names

    def resolve(self, text: str, *, among: Container[str] | None = None) -> Resolution:
        """The entity `text` names; `among` restricts the candidates (e.g. the nodes of the relation
        graph), else any node the store describes counts. Raises BadRequestError for empty text and
        EntityNotFoundError when nothing matches."""
        text = text.strip()
        if not text:
            raise BadRequestError("An entity is required: give an id, IRI, CURIE or name.")
        found, how = read_reference(text)
        if found is not None and self._known(found, among):
            return Resolution(found, how)
        # Ids with a hyphen, IRIs and CURIEs are typed by people who mean an id: a miss is a miss.
        if how in ("iri", "curie") or (how == "id" and "-" in text):
            raise self._not_found(text, found)
        resolution = self._by_name(text, among)
        if resolution is None:
            raise self._not_found(text, found)
        return resolution

    def _known(self, node: str, among: Container[str] | None) -> bool:
        if among is not None:
            return node in among
        return next(self._store.triples(iri_term(node)), None) is not None

    def _by_name(self, text: str, among: Container[str] | None) -> Resolution | None:
        hits = [h for h in self._names.search(text, limit=_NAME_HITS).hits
                if among is None or h.entity.iri in among]
        if not hits:
            return None
        best = hits[0]
        rivals = [h for h in hits[1:] if h.match == "exact"]
        used = f"used the best hit {entity_id(best.entity.iri)} ({best.matched}, {best.match} match)"
        note = None
        if rivals:
            note = f"{text!r} is ambiguous ({len(rivals) + 1} entities have this name); {used}."
        elif best.match != "exact":
            note = f"{text!r} is not an exact name ({len(hits)} hits); {used}."
        return Resolution(best.entity.iri, "name", note)

    @staticmethod
    def _not_found(text: str, found: str | None) -> EntityNotFoundError:
        where = f" (IRI <{found}>)" if found else ""
        return EntityNotFoundError(
            f"No entity is named {text!r}{where}; give an id (e.g. shanghai-stc-office), an IRI, a "
            "CURIE or a name (GET /entities?q= searches names)."
        )
