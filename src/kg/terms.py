"""Engine-neutral RDF terms: what the store boundary hands to the rest of the project."""

from __future__ import annotations

import re
from typing import NamedTuple

from kg.errors import BadRequestError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Characters an IRIREF cannot hold; a caller's IRI with one of them could close the `<…>` and
#: inject query text wherever the term is written into SPARQL.
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANG_TAG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")


def _iriref(value: str) -> str:
    if _NOT_IN_IRI.search(value):
        raise BadRequestError(f"{value!r} is not a valid IRI: it holds a space or one of <>\"{{}}|^`\\.")
    return f"<{value}>"


class Term(NamedTuple):
    """One RDF term: an IRI, a blank node, or a literal (with datatype or language).

    A NamedTuple rather than a frozen dataclass: the store builds millions of these when it reads a
    large graph, and a tuple is several times cheaper to create (immutable and hashable all the same).
    """

    kind: str  # "iri" | "bnode" | "literal" | "triple"
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        """Whether the term is an IRI."""
        return self.kind == "iri"

    @property
    def is_literal(self) -> bool:
        """Whether the term is a literal."""
        return self.kind == "literal"

    def to_ntriples(self) -> str:
        """The term in N-Triples syntax; raises BadRequestError for a malformed IRI or language tag."""
        if self.kind == "iri":
            return _iriref(self.value)
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = (
            self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        )
        if self.lang:
            if not _LANG_TAG.fullmatch(self.lang):
                raise BadRequestError(f"{self.lang!r} is not a language tag; use e.g. zh or en.")
            return f'"{escaped}"@{self.lang}'
        if self.datatype and self.datatype != XSD_STRING:
            return f'"{escaped}"^^{_iriref(self.datatype)}'
        return f'"{escaped}"'


def iri(value: str) -> Term:
    """An IRI term."""
    return Term("iri", value)


def literal(value: str, *, datatype: str | None = None, lang: str | None = None) -> Term:
    """A literal term."""
    return Term("literal", value, datatype=datatype or (None if lang else XSD_STRING), lang=lang)


Row = dict[str, Term]
Triple = tuple[Term, Term, Term]
