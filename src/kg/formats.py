"""The one registry of formats, and the one content negotiation every answer goes through.

A `Format` names a representation once: its short name (what `format=` and the code say), its
canonical media type, the other media types clients send for it, the `format=` spellings clients use,
its file extensions, and its names in rdflib and in the engine. Three families:

- `RDF`: graphs and datasets (CONSTRUCT/DESCRIBE answers, linked data, the Graph Store, exports,
  `kg load`);
- `RESULTS`: SPARQL query results (SELECT, ASK);
- `PAGE`: the HTML page of a linked-data resource.

`negotiate(accept, overrides, offers)` picks one of `offers` for a request: a `format=` override wins
(by name or media type), else the Accept header: the most specific range that matches a media type
gives its quality (RFC 9110 §12.5.1), ties go to the more specific range and then to the server's
order (canonical media types of the offers first, in their order, then aliases). Clients' quirks live
in the aliases: rdflib's SPARQLStore asks for `application/rdf+xml` even for SELECT (answered with
SPARQL XML results), SPARQLWrapper asks for `application/json` and adds `format=json`
(docs/engine-notes.md §3.6).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.errors import NotAcceptableError

RDF, RESULTS, PAGE = "rdf", "results", "page"


@dataclass(frozen=True)
class Format:
    """One representation."""

    name: str
    media_type: str  # canonical, with its charset where it is text
    family: str  # RDF | RESULTS | PAGE
    aliases: tuple[str, ...] = ()  # further media types (bare, lower case) accepted for it
    names: tuple[str, ...] = ()  # further `format=` spellings
    extensions: tuple[str, ...] = ()  # file extensions, the first one written
    rdflib: str = ""  # rdflib's serializer/parser name ("" where rdflib has none)
    engine: str = ""  # pyoxigraph's RdfFormat member, which kg.store maps ("" where none)
    quads: bool = False  # documents carry graph names (a dataset)

    @property
    def bare_type(self) -> str:
        """The canonical media type without parameters."""
        return self.media_type.split(";")[0].strip()

    @property
    def extension(self) -> str:
        """The extension a file of this format is written with."""
        return self.extensions[0] if self.extensions else self.name


def _index(*formats: Format) -> dict[str, Format]:
    return {f.name: f for f in formats}


#: RDF formats, in the server's order of preference for a wildcard Accept.
RDF_FORMATS = _index(
    Format("turtle", "text/turtle; charset=utf-8", RDF,
           aliases=("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3"),
           names=("ttl", "n3"), extensions=("ttl",), rdflib="turtle", engine="TURTLE"),
    Format("ntriples", "application/n-triples", RDF, aliases=("text/plain",),
           names=("nt", "n-triples"), extensions=("nt",), rdflib="nt", engine="N_TRIPLES"),
    Format("jsonld", "application/ld+json", RDF, aliases=("application/json", "application/x-json+ld"),
           names=("json-ld", "json"), extensions=("jsonld",), rdflib="json-ld", engine="JSON_LD"),
    Format("rdfxml", "application/rdf+xml", RDF, aliases=("application/xml", "text/xml"),
           names=("rdf+xml", "rdf", "xml"), extensions=("rdf", "owl", "xml"), rdflib="xml",
           engine="RDF_XML"),
    Format("nquads", "application/n-quads", RDF, names=("nq", "n-quads"), extensions=("nq",),
           rdflib="nquads", engine="N_QUADS", quads=True),
    Format("trig", "application/trig", RDF, extensions=("trig",), rdflib="trig", engine="TRIG",
           quads=True),
)
#: SPARQL results formats (SELECT and ASK), in the server's order of preference.
RESULT_FORMATS = _index(
    Format("json", "application/sparql-results+json", RESULTS, aliases=("application/json",),
           names=("srj",), extensions=("srj",)),
    Format("xml", "application/sparql-results+xml", RESULTS,
           aliases=("application/xml", "text/xml", "application/rdf+xml"), names=("srx",),
           extensions=("srx",)),
    Format("csv", "text/csv; charset=utf-8", RESULTS, extensions=("csv",)),
    Format("tsv", "text/tab-separated-values; charset=utf-8", RESULTS, extensions=("tsv",)),
)
HTML = Format("html", "text/html; charset=utf-8", PAGE, aliases=("application/xhtml+xml",))

#: Graph formats a single graph can be written in (no graph names).
GRAPH_FORMATS = {name: f for name, f in RDF_FORMATS.items() if not f.quads}
#: What a SPARQL answer is offered as: results (SELECT, ASK), or RDF (CONSTRUCT, DESCRIBE, the
#: service description, Graph Store reads).
RESULT_OFFERS: tuple[Format, ...] = tuple(RESULT_FORMATS.values())
RDF_OFFERS: tuple[Format, ...] = tuple(RDF_FORMATS.values())


def rdf_format(name: str) -> Format:
    """The RDF format called `name` (as the code names it); raises KeyError for an unknown one."""
    return RDF_FORMATS[name]


def by_extension(suffix: str) -> Format | None:
    """The RDF format of a file extension (with or without its dot, any case), or None."""
    wanted = suffix.lower().lstrip(".")
    return next((f for f in RDF_FORMATS.values() if wanted in f.extensions), None)


def by_media_type(media_type: str, offers: Iterable[Format]) -> Format | None:
    """The offered format a Content-Type names (bare, any case), by canonical type or alias, or None."""
    wanted = media_type.split(";")[0].strip().lower()
    offered = list(offers)
    return (next((f for f in offered if f.bare_type == wanted), None)
            or next((f for f in offered if wanted in f.aliases), None))


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


def _media_offers(offers: Sequence[Format]) -> list[tuple[str, Format]]:
    """(media type, format) in the server's order: canonical types first, then aliases."""
    canonical = [(f.bare_type, f) for f in offers]
    aliases = [(alias, f) for f in offers for alias in f.aliases]
    return canonical + aliases


def _by_override(value: str, offers: Sequence[Format]) -> Format | None:
    key = value.strip().lower()
    for f in offers:
        if key == f.name or key in f.names:
            return f
    return by_media_type(key, offers) if "/" in key else None


def negotiate(accept: str | None, overrides: Sequence[str], offers: Sequence[Format]) -> Format:
    """The offered format a request asks for (see the module docstring); raises NotAcceptableError
    naming what is offered when nothing fits."""
    if overrides:
        for value in overrides:
            chosen = _by_override(value, offers)
            if chosen is not None:
                return chosen
        asked = ", ".join(repr(v) for v in overrides)
        names = ", ".join(f.name for f in offers)
        raise NotAcceptableError(f"Unknown format {asked} for this answer; use one of {names} or a "
                                 f"media type ({_describe(offers)}).")
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, (media_type, candidate) in enumerate(_media_offers(offers)):
        matching = [r for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        top = max(matching, key=lambda r: r.specificity)  # the most specific range decides q
        rank = (top.q, top.specificity, -order)
        if top.q > 0 and (best is None or rank > best):
            best, chosen = rank, candidate
    if chosen is None:
        raise NotAcceptableError(f"Nothing offered matches Accept: {accept!r}; this answer is "
                                 f"available as {_describe(offers)} (or add ?format=).")
    return chosen


def _describe(offers: Sequence[Format]) -> str:
    return ", ".join(f.bare_type for f in offers)
