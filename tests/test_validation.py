"""kg.validation: the query-caching data graph gives pyshacl's own answer, faster; stages reported."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

from kg.config import PROJECT_ROOT
from kg.namespaces import to_curie
from kg.store import GraphStore
from kg.validation import load_shapes, validate_store

SHAPES = PROJECT_ROOT / "ontology" / "shapes.ttl"
ID = "https://w3id.org/innokg/id/"
IKG = "https://w3id.org/innokg/ontology#"
OA = "http://www.w3.org/ns/oa#"


def broken_store(bundled_store: GraphStore) -> GraphStore:
    """The bundled graph with a violation of each SPARQL constraint and of a few core ones."""
    store = GraphStore.in_memory()
    store.load_bytes(bundled_store.dump("nquads"), fmt="nquads")
    store.update(f"""
        DELETE WHERE {{ GRAPH ?g {{ <{ID}ndrc> <{IKG}coLeads> ?o }} }};
        DELETE {{ GRAPH ?g {{ ?ev <{OA}end> ?end }} }} INSERT {{ GRAPH ?g {{ ?ev <{OA}end> 0 }} }}
          WHERE {{ GRAPH ?g {{ ?ev a <{IKG}Evidence> ; <{OA}end> ?end ;
                   <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{ID}most> }} }};
        INSERT DATA {{ GRAPH <urn:x-test> {{
          <{ID}uncited-body> a <http://www.w3.org/ns/org#Organization> ;
            <http://www.w3.org/2004/02/skos/core#prefLabel> "无出处"@zh, "uncited"@en .
          <{ID}approval-2016-02> a <{IKG}MunicipalDeployment> . }} }}""")
    return store


def plain_pyshacl(store: GraphStore) -> set[tuple[str, str]]:
    """(focus, message) of every result, from pyshacl over a plain rdflib graph (no cache)."""
    data = rdflib.Graph().parse(data=store.dump("ntriples"), format="nt")
    _, report, _ = shacl_validate(data, shacl_graph=load_shapes(SHAPES), inference="none",
                                  abort_on_first=False, allow_warnings=True)
    assert isinstance(report, rdflib.Graph)
    return {(to_curie(str(report.value(r, SH.focusNode))), str(report.value(r, SH.resultMessage)))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


@pytest.mark.slow  # plain pyshacl takes ~15 s: what the cache saves
def test_cached_queries_find_what_pyshacl_finds(bundled_store: GraphStore) -> None:
    store = broken_store(bundled_store)
    expected = plain_pyshacl(store)
    report = validate_store(store, SHAPES)
    messages = {v.message for v in report.violations}
    assert {"the cited statement is not asserted in the graph",
            "the evidence span is empty, reversed, or outside its section's span",
            "no ikg:Evidence cites where the report names this entity (its rdf:type statement)",
            "a deployment is national or municipal, not both"} <= messages
    assert len(report.violations) == len(expected) > 4
    assert {(v.focus, v.message) for v in report.violations} == expected


def test_validation_reports_its_stages(bundled_store: GraphStore) -> None:
    stages: list[str] = []
    started = time.perf_counter()
    assert validate_store(bundled_store, SHAPES, progress=stages.append).conforms
    assert [s.split(" ")[0] for s in stages] == ["reading", "reading", "checking"]
    assert "triples against" in stages[-1]
    print(f"validate_store on the bundled graph: {time.perf_counter() - started:.2f} s")


def test_kg_validate_shows_its_stages_on_a_terminal_only() -> None:
    command = [sys.executable, "-m", "kg.cli", "validate", "--memory"]
    leader, follower = pty.openpty()
    try:
        on_terminal = subprocess.run(command, stderr=follower, stdout=subprocess.PIPE, text=True,
                                     timeout=300, check=False)
        os.close(follower)
        shown = b""
        while select.select([leader], [], [], 0.5)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: Linux's way to say the terminal's other end is closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert on_terminal.returncode == 0 and "conforms" in on_terminal.stdout
    stages = shown.decode()
    assert "kg validate: opening the store" in stages and "triples against" in stages
    assert stages.endswith("\r\x1b[K"), "the stage line is cleared at the end"
    piped = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert piped.returncode == 0 and piped.stderr == ""
