"""RDFS reasoning over the ontology and the curated graph gives no entity a type it does not have.

A domain or range that is too narrow makes a reasoner type things wrongly: `ikg:addressedTo` with domain
`ikg:Directive` made every recommendation a directive, `ikg:visited` with domain `ikg:StudyVisit` made
Xi Jinping's inspection a study visit. The test runs the RDFS closure (owlrl, pyshacl's own reasoner)
and allows an entity only the classes it is asserted to have and their superclasses.
"""

from __future__ import annotations

from collections import defaultdict

import owlrl
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from kg.config import PROJECT_ROOT
from kg.namespaces import IKG, to_curie

ONTOLOGY = PROJECT_ROOT / "ontology" / "innokg.ttl"
DATA = PROJECT_ROOT / "data" / "zhangjiang-2020.trig"
#: Classes RDFS gives every resource (rdfs:Resource) or every class/property: never a wrong type.
UNIVERSAL = {RDFS.Resource}


def _superclasses(ontology: rdflib.Graph) -> dict[rdflib.term.Node, set[rdflib.term.Node]]:
    """Every class's superclasses in the ontology as written (reflexive, transitive)."""
    parents: dict[rdflib.term.Node, set[rdflib.term.Node]] = defaultdict(set)
    for child, parent in ontology.subject_objects(RDFS.subClassOf):
        parents[child].add(parent)
    closure: dict[rdflib.term.Node, set[rdflib.term.Node]] = {}
    for cls in set(parents) | {p for ps in parents.values() for p in ps}:
        seen, stack = {cls}, [cls]
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        closure[cls] = seen
    return closure


def wrong_types(ontology: rdflib.Graph, data: rdflib.Graph) -> dict[str, set[str]]:
    """Per entity, the classes RDFS inference gives it beyond its asserted ones and their superclasses."""
    entities = set(data.subjects(SKOS.prefLabel, None))
    asserted = {e: set(data.objects(e, RDF.type)) for e in entities}
    allowed_by = _superclasses(ontology)
    closure = rdflib.Graph()
    for triple in ontology:
        closure.add(triple)
    for triple in data:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False).expand(closure)
    wrong: dict[str, set[str]] = {}
    for entity in entities:
        allowed = set(UNIVERSAL)
        for cls in asserted[entity]:
            allowed |= allowed_by.get(cls, {cls})
        extra = ({to_curie(str(c)) for c in closure.objects(entity, RDF.type)}
                 - {to_curie(str(c)) for c in allowed})
        if extra:
            wrong[to_curie(str(entity))] = extra
    return wrong


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ONTOLOGY, format="turtle")
    return graph


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    dataset = rdflib.Dataset()
    dataset.parse(DATA, format="trig")
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def test_rdfs_inference_gives_no_entity_a_wrong_type(ontology: rdflib.Graph, data: rdflib.Graph) -> None:
    assert wrong_types(ontology, data) == {}


def test_recommendations_are_not_directives_and_the_inspection_is_not_a_study_visit(
        ontology: rdflib.Graph, data: rdflib.Graph) -> None:
    assert (IKG.addressedTo, RDFS.domain, IKG.Directive) not in ontology
    assert (IKG.visited, RDFS.domain, IKG.StudyVisit) not in ontology
    # The two statements that showed the fault are still there, so the test above covers them.
    assert next(data.objects(rdflib.URIRef("https://w3id.org/innokg/id/recommendation-3"), IKG.addressedTo))
    assert next(data.objects(rdflib.URIRef("https://w3id.org/innokg/id/inspection-2014-05"), IKG.visited))


def test_a_too_narrow_domain_is_caught(ontology: rdflib.Graph, data: rdflib.Graph) -> None:
    narrow = rdflib.Graph()
    for triple in ontology:
        if triple[:2] != (IKG.visited, RDFS.domain):
            narrow.add(triple)
    narrow.add((IKG.visited, RDFS.domain, IKG.StudyVisit))
    assert wrong_types(narrow, data) == {"id:inspection-2014-05": {"ikg:StudyVisit"}}
