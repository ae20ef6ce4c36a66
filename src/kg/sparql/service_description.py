"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql without a query answers)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.formats import RDF_FORMATS
from kg.namespaces import PREFIXES, SD

_FORMATS = "http://www.w3.org/ns/formats/"
#: Result formats the endpoint writes, as W3C format IRIs.
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG",
)


def description_graph(endpoint: str, graphs: Sequence[str], *, updates: bool,
                      query_timeout: float, max_rows: int) -> Graph:
    """The service description of the endpoint at `endpoint` serving `graphs`."""
    g = Graph()
    for prefix in ("sd", "dcterms"):
        g.bind(prefix, PREFIXES[prefix])
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if updates:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, URIRef(_FORMATS + name)))
    g.add((service, DCTERMS.description, Literal(
        f"SPARQL 1.1 endpoint ({'updates enabled' if updates else 'read-only'}). SERVICE and LOAD "
        "are refused; a dataset graph (default-graph-uri, named-graph-uri, FROM) the store does not "
        "hold is empty, and relative IRIs resolve against this endpoint's URL. "
        f"{'using-graph-uri is not supported (write USING in the update). ' if updates else ''}"
        f"Each query is stopped after {query_timeout:g} s "
        f"and answers at most {max_rows} rows or triples (header KG-Truncated: true when cut; SPARQL "
        "JSON adds \"truncated\": true).", lang="en",
    )))
    dataset = BNode("defaultDataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode("defaultGraph")
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    g.add((default_graph, DCTERMS.description,
           Literal("The union of all named graphs.", lang="en")))
    for iri in graphs:
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
    return g


@lru_cache(maxsize=64)
def render_description(endpoint: str, graphs: tuple[str, ...], fmt: str, *, updates: bool,
                       query_timeout: float, max_rows: int) -> bytes:
    """The service description serialised in `fmt` (a kg.formats.RDF_FORMATS name)."""
    graph = description_graph(endpoint, graphs, updates=updates, query_timeout=query_timeout,
                              max_rows=max_rows)
    if fmt in ("nquads", "trig"):
        # rdflib writes quad formats only from a dataset; the description is its default graph.
        dataset = Dataset()
        for prefix, namespace in graph.namespaces():
            dataset.bind(prefix, namespace)
        for triple in graph:
            dataset.add(triple)
        return dataset.serialize(format=RDF_FORMATS[fmt].rdflib, encoding="utf-8")
    return graph.serialize(format=RDF_FORMATS[fmt].rdflib, encoding="utf-8")
