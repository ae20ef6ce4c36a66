"""Subcommands of the `kg` CLI, one module each (thin: parse, call the domain, print).

`COMMANDS` names them with their one-line help, so `kg --help` lists every command without importing
any (importing one pulls in its part of the domain: numpy, pinyin tables, rdflib...).
"""

from __future__ import annotations

import argparse
from typing import TypeAlias

#: What each command's `register` receives: the CLI's subparsers.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

COMMANDS: dict[str, str] = {
    "serve": "run the HTTP service (SPARQL, lookup, web page)",
    "load": "load RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD)",
    "query": "run a SPARQL query (same safety guard, row cap and time limit as /sparql)",
    "lookup": "find entities by name, abbreviation, pinyin or English",
    "validate": "validate the graph against the SHACL shapes (exit 1 on violations)",
    "stats": "print counts of triples, graphs, classes, properties",
    "path": "explained paths between two entities (each hop with its evidence)",
    "trace": "implementation chains: down from a deployment, up from a body",
    "deployments": "national and municipal deployments and who carries them out, with every doubt",
    "timeline": "dated events in order, of the whole graph or of one entity",
    "queries": "list the question catalogue, or run one question with its parameters",
    "analytics": "most central entities, communities and connected components",
    "export": "export the graph or part of it (GraphML, GEXF, Cytoscape, DOT, CSV, RDF...)",
    "synth": "generate a deterministic synthetic graph (benchmarks, scale tests)",
    "token": "make a write token and its digest (for KG_WRITE_TOKENS)",
    "review": "review ingested candidates: list, show, accept, reject, edit, merge",
    "ingest": "extract a report's entities and relations, with their spans, into a candidate graph",
    "eval": "score a candidate graph against a gold graph (precision, recall, F1)",
}
