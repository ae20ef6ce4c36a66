"""The project's IRIs: its vocabulary, its identifier bases, and the standard vocabularies it reuses.

Identifier policy (see ontology/README.md): every IRI is minted once under BASE and never changes when
a label's spelling does; entity IRIs are readable English slugs chosen at minting time.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

BASE = "https://w3id.org/innokg/"
#: The project's own ontology terms (classes and properties).
IKG = Namespace(BASE + "ontology#")
#: Entities (organisations, people, events, documents...).
ID = Namespace(BASE + "id/")
#: Evidence nodes: one per asserted statement, pointing at a span of a source document.
EV = Namespace(BASE + "id/ev/")
#: Named graphs: one per source document, plus the ontology.
GRAPH = Namespace(BASE + "graph/")
ONTOLOGY_GRAPH = GRAPH["ontology"]
#: Named graphs under this prefix hold what `kg ingest` extracted from a report, until a curator
#: accepts it (kg.review): they are outside the default graph, reached only by name (GRAPH, FROM NAMED).
CANDIDATE_GRAPHS = f"{GRAPH}candidates/"

ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefixes used in serialisations, CURIEs and the SPARQL examples (prefix -> namespace IRI).
PREFIXES: dict[str, str] = {
    "ikg": str(IKG),
    "id": str(ID),
    "ev": str(EV),
    "graph": str(GRAPH),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SDO),
    "foaf": str(FOAF),
    "oa": str(OA),
    "time": str(TIME),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "void": str(VOID),
    "sd": str(SD),
    "sh": str(SH),
}

__all__ = [
    "BASE", "DCTERMS", "EV", "FOAF", "GRAPH", "ID", "IKG", "OA", "ONTOLOGY_GRAPH", "ORG", "OWL",
    "PREFIXES", "PROV", "RDF", "RDFS", "SD", "SDO", "SH", "SKOS", "TIME", "VOID", "XSD",
]


@lru_cache(maxsize=65536)  # answers name the same classes and entities over and over
def to_curie(iri: str) -> str:
    """The CURIE of `iri` under the project's prefixes, or the IRI itself when none applies."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def from_curie(curie: str) -> str | None:
    """The full IRI of a CURIE with a known prefix, or None."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local
