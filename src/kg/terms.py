"""Engine-neutral RDF terms: what the store boundary hands to the rest of the project."""

from __future__ import annotations

from dataclasses import dataclass

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term: an IRI, a blank node, or a literal (with datatype or language)."""

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
        """The term in N-Triples syntax."""
        if self.kind == "iri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = (
            self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        )
        if self.lang:
            return f'"{escaped}"@{self.lang}'
        if self.datatype and self.datatype != XSD_STRING:
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'


def iri(value: str) -> Term:
    """An IRI term."""
    return Term("iri", value)


def literal(value: str, *, datatype: str | None = None, lang: str | None = None) -> Term:
    """A literal term."""
    return Term("literal", value, datatype=datatype or (None if lang else XSD_STRING), lang=lang)


Row = dict[str, Term]
Triple = tuple[Term, Term, Term]
