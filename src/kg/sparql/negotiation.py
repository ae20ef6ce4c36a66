"""Content negotiation: the Accept header (q-values, wildcards, specificity) and `format=` overrides.

Two families of representations: query *solutions* (SELECT, ASK) and *graphs* (CONSTRUCT, DESCRIBE,
the service description). Each offers canonical media types plus aliases that real clients send:
rdflib's SPARQLStore asks for `application/rdf+xml` even for SELECT (answered with SPARQL XML
results), SPARQLWrapper asks for `application/json` and adds `format=json` (design.md §3).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.errors import NotAcceptableError


@dataclass(frozen=True)
class Format:
    """One representation: its short name (as the runner and `format=` know it) and media type."""

    name: str
    media_type: str


SOLUTION_FORMATS: dict[str, Format] = {
    f.name: f for f in (
        Format("json", "application/sparql-results+json"),
        Format("xml", "application/sparql-results+xml"),
        Format("csv", "text/csv; charset=utf-8"),
        Format("tsv", "text/tab-separated-values; charset=utf-8"),
    )
}
GRAPH_FORMATS: dict[str, Format] = {
    f.name: f for f in (
        Format("turtle", "text/turtle; charset=utf-8"),
        Format("ntriples", "application/n-triples"),
        Format("jsonld", "application/ld+json"),
        Format("rdfxml", "application/rdf+xml"),
        Format("nquads", "application/n-quads"),
        Format("trig", "application/trig"),
    )
}

# (media type, format name) in the server's order of preference: canonical types first, aliases after.
_SOLUTION_OFFERS = (
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
    ("application/xml", "xml"), ("text/xml", "xml"), ("application/rdf+xml", "xml"),
)
_GRAPH_OFFERS = (
    ("text/turtle", "turtle"), ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"), ("application/rdf+xml", "rdfxml"),
    ("application/n-quads", "nquads"), ("application/trig", "trig"),
    ("application/x-turtle", "turtle"), ("application/turtle", "turtle"), ("text/n3", "turtle"),
    ("text/rdf+n3", "turtle"), ("text/plain", "ntriples"), ("application/json", "jsonld"),
    ("application/x-json+ld", "jsonld"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
)
# Names `format=`/`output=`/`results=` may carry (SPARQLWrapper, Virtuoso and Fuseki conventions).
_SOLUTION_NAMES = {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"}
_GRAPH_NAMES = {
    "turtle": "turtle", "ttl": "turtle", "n3": "turtle", "ntriples": "ntriples", "nt": "ntriples",
    "n-triples": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
    "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml", "xml": "rdfxml", "nquads": "nquads",
    "nq": "nquads", "n-quads": "nquads", "trig": "trig",
}


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        """3 for type/subtype, 2 for type/*, 1 for */*."""
        return 1 if self.type == "*" else 2 if self.subtype == "*" else 3

    def matches(self, media_type: str) -> bool:
        """Whether this range covers `media_type` (a bare type/subtype)."""
        type_, _, subtype = media_type.partition("/")
        return self.type in ("*", type_) and self.subtype in ("*", subtype)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; a missing or empty header means */*."""
    ranges = []
    for part in (header or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        type_, slash, subtype = media.lower().partition("/")
        if not slash or not type_ or not subtype:
            continue
        ranges.append(MediaRange(type_, subtype, _quality(params)))
    return ranges or [MediaRange("*", "*", 1.0)]


def _quality(params: Iterable[str]) -> float:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0  # an unreadable q is not a yes
    return 1.0


def _choose(header: str | None, offers: Sequence[tuple[str, str]]) -> str | None:
    """The offered format name the client prefers most (q, then specificity, then server order)."""
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, (media_type, name) in enumerate(offers):
        matching = [r for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        # The most specific matching range decides the quality (RFC 9110 §12.5.1).
        top = max(matching, key=lambda r: r.specificity)
        rank = (top.q, top.specificity, -order)
        if top.q > 0 and (best is None or rank > best):
            best, chosen = rank, name
    return chosen


def _override(values: Sequence[str], names: dict[str, str],
              offers: Sequence[tuple[str, str]]) -> str | None:
    by_media = dict(reversed(offers))
    for value in values:
        key = value.strip().lower()
        name = names.get(key) or by_media.get(key.split(";")[0].strip())
        if name:
            return name
    return None


def _describe(formats: dict[str, Format]) -> str:
    return ", ".join(f.media_type.split(";")[0] for f in formats.values())


def choose_solution_format(accept: str | None, overrides: Sequence[str] = ()) -> Format:
    """The representation of SELECT/ASK results; raises NotAcceptableError when none fits."""
    return _select(accept, overrides, _SOLUTION_NAMES, _SOLUTION_OFFERS, SOLUTION_FORMATS)


def choose_graph_format(accept: str | None, overrides: Sequence[str] = ()) -> Format:
    """The representation of an RDF graph; raises NotAcceptableError when none fits."""
    return _select(accept, overrides, _GRAPH_NAMES, _GRAPH_OFFERS, GRAPH_FORMATS)


def _select(accept: str | None, overrides: Sequence[str], names: dict[str, str],
            offers: Sequence[tuple[str, str]], formats: dict[str, Format]) -> Format:
    if overrides:
        name = _override(overrides, names, offers)
        if name is None:
            raise NotAcceptableError(
                f"Unknown format {', '.join(repr(v) for v in overrides)} for this answer; use one of "
                f"{', '.join(sorted(set(names)))} or a media type ({_describe(formats)})."
            )
        return formats[name]
    name = _choose(accept, offers)
    if name is None:
        raise NotAcceptableError(
            f"Nothing offered matches Accept: {accept!r}; this answer is available as "
            f"{_describe(formats)}."
        )
    return formats[name]
