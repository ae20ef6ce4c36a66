"""The registry of formats and content negotiation: q-values, wildcards, specificity, client quirks,
format= overrides, and the registry's names in rdflib and the engine."""

from __future__ import annotations

import pytest

from kg.errors import NotAcceptableError
from kg.formats import (
    GRAPH_FORMATS,
    RDF_FORMATS,
    RDF_OFFERS,
    RESULT_OFFERS,
    by_extension,
    by_media_type,
    negotiate,
    parse_accept,
)


def choose_solution_format(accept: str | None, overrides: tuple[str, ...] = ()) -> object:
    return negotiate(accept, overrides, RESULT_OFFERS)


def choose_graph_format(accept: str | None, overrides: tuple[str, ...] = ()) -> object:
    return negotiate(accept, overrides, RDF_OFFERS)


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "json"),
    ("*/*", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "xml"),
    ("text/*;q=0.9, */*;q=0.1", "csv"),
    ("text/csv, */*", "csv"),  # the exact match beats the wildcard at equal q
    ("application/sparql-results+json;q=0, */*", "xml"),  # q=0 means never
    # rdflib's SPARQLStore asks for RDF/XML first, even for SELECT: SPARQL XML results answer it.
    ("application/rdf+xml, application/sparql-results+xml", "xml"),
    ("application/rdf+xml", "xml"),
    # SPARQLWrapper's JSON Accept header.
    ("application/sparql-results+json,application/json,text/javascript,application/javascript",
     "json"),
])
def test_solution_format_follows_accept(accept: str | None, expected: str) -> None:
    assert negotiate(accept, (), RESULT_OFFERS).name == expected


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/ld+json;q=0.8, text/turtle;q=0.7", "jsonld"),
    ("application/rdf+xml, application/sparql-results+xml", "rdfxml"),
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
    ("text/plain", "ntriples"),
    ("application/*", "ntriples"),
])
def test_graph_format_follows_accept(accept: str | None, expected: str) -> None:
    assert negotiate(accept, (), RDF_OFFERS).name == expected


def test_nothing_acceptable_raises_406_listing_the_offers() -> None:
    with pytest.raises(NotAcceptableError) as error:
        choose_solution_format("image/png")
    assert "application/sparql-results+json" in error.value.detail
    with pytest.raises(NotAcceptableError):
        choose_graph_format("text/csv")


@pytest.mark.parametrize(("overrides", "expected"), [
    (("json", "json", "json"), "json"),
    (("xml",), "xml"),
    (("tsv", "text/tab-separated-values"), "tsv"),
    (("csv",), "csv"),
    (("application/sparql-results+xml",), "xml"),
])
def test_format_parameter_overrides_accept_for_solutions(overrides: tuple[str, ...],
                                                         expected: str) -> None:
    assert negotiate("application/sparql-results+json", overrides, RESULT_OFFERS).name == expected


@pytest.mark.parametrize(("overrides", "expected"), [
    (("json",), "jsonld"), (("xml",), "rdfxml"), (("turtle",), "turtle"), (("n3",), "turtle"),
    (("rdf+xml", "application/rdf+xml"), "rdfxml"), (("nt",), "ntriples"), (("json-ld",), "jsonld"),
])
def test_format_parameter_overrides_accept_for_graphs(overrides: tuple[str, ...],
                                                      expected: str) -> None:
    assert negotiate("text/turtle", overrides, RDF_OFFERS).name == expected


def test_unknown_format_parameter_is_not_acceptable() -> None:
    with pytest.raises(NotAcceptableError, match="'html'"):
        choose_solution_format(None, ("html",))


def test_parse_accept_reads_quality_and_ignores_garbage() -> None:
    ranges = parse_accept("text/csv;q=0.3, nonsense, application/json; q=oops")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "csv", 0.3),
                                                           ("application", "json", 0.0)]


def test_every_rdf_format_names_a_real_rdflib_plugin_and_engine_format() -> None:
    import pyoxigraph as ox
    from rdflib.plugin import Serializer, get

    for fmt in RDF_FORMATS.values():
        assert get(fmt.rdflib, Serializer) is not None
        assert isinstance(getattr(ox.RdfFormat, fmt.engine), ox.RdfFormat)
        assert fmt.quads == (fmt.name in ("nquads", "trig"))


def test_files_and_bodies_are_read_by_extension_and_media_type() -> None:
    assert by_extension(".TTL") is RDF_FORMATS["turtle"] and by_extension("owl") is RDF_FORMATS["rdfxml"]
    assert by_extension(".docx") is None
    graphs = GRAPH_FORMATS.values()
    assert by_media_type("Application/N-Triples; charset=utf-8", graphs) is RDF_FORMATS["ntriples"]
    assert by_media_type("text/plain", graphs) is RDF_FORMATS["ntriples"]  # an alias
    assert by_media_type("application/trig", graphs) is None  # a dataset is not one graph
