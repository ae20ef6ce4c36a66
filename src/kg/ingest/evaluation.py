"""Scoring a candidate graph against a gold graph: precision, recall and F1 of entities, relations and
numbers (`kg eval`).

Both graphs are read the same way (`read_graph`): the gold is a curated graph such as
data/zhangjiang-2020.trig, derived as it is, not copied. An entity is everything the graph types
with a cited `rdf:type` (evidence, sections and amounts aside), and the `ikg:Report` whose masthead
facts it cites (a gold may leave its type uncited). A candidate entity matches a gold
entity when they share a label after normalisation (`kg.lookup.normalise`: any preferred, alternative
or hidden label, or a title), or are the same IRI, or are events of the same class on the same date
(events are named by what happened when, not by a name). A relation (s, p, o) matches when p is the
same (`org:hasUnit` read as the inverse `org:unitOf`, `ikg:coLeads` as `ikg:leads`) and s and o match;
a number (s, p, value) when p and the value are the same (as numbers: `1000000000.0` is
`1000000000`) and s matches. `sections` keeps what has
evidence in those sections (a number like "三" keeps "三.1" too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import RDF, SKOS, XSD

from kg.lookup.normalise import normalise
from kg.namespaces import DCTERMS, IKG, OA, ORG, SDO

_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, DCTERMS.title)
#: Structure and values, not named things: a gold may carry them, a name never matches them.
_NOT_ENTITIES = {IKG.Evidence, IKG.Section, SDO.MonetaryAmount, OA.TextQuoteSelector, SDO.Observation,
                 SDO.MonetaryGrant, SDO.QuantitativeValue}
_EVENTS = {IKG.Approval, IKG.Renaming, IKG.Reorganisation, IKG.Inspection, IKG.StudyVisit, IKG.Survey,
           IKG.Establishment, IKG.Meeting, IKG.Event, ORG.ChangeEvent}
_NUMBER_TYPES = {XSD.integer, XSD.decimal, XSD.date, XSD.gYear, XSD.gYearMonth, XSD.duration}
_INVERSE = {ORG.hasUnit: ORG.unitOf, ORG.hasSubOrganization: ORG.subOrganizationOf}
_SAME = {IKG.coLeads: IKG.leads, IKG.mainlyFundsUpfront: IKG.funds}
_DATES = (DCTERMS.date, SDO.startDate)
#: Predicates that are not relations between entities of the report (structure, provenance).
_NOT_RELATIONS = {RDF.type, *_LABELS, DCTERMS.isPartOf, IKG.inSection}


@dataclass
class GraphFacts:
    """What a graph states, read for scoring: entities with labels, relations, numbers, by section."""

    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    events: dict[str, tuple[str, str]] = field(default_factory=dict)
    sections: dict[object, set[str]] = field(default_factory=lambda: defaultdict(set))
    relations: set[tuple[str, str, str]] = field(default_factory=set)
    numbers: set[tuple[str, str, str]] = field(default_factory=set)

    @property
    def entities(self) -> set[str]:
        """Every entity (IRI)."""
        return set(self.labels) | set(self.events)


def read_graph(path: Path) -> GraphFacts:
    """The entities, relations and numbers a TriG/Turtle file states with evidence."""
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="trig" if path.suffix in (".trig", ".nq") else None)
    facts = GraphFacts()
    cited: dict[tuple[Any, Any, Any], set[str]] = defaultdict(set)
    for evidence in dataset.subjects(RDF.type, IKG.Evidence):
        statement = (dataset.value(evidence, RDF.subject), dataset.value(evidence, RDF.predicate),
                     dataset.value(evidence, RDF.object))
        section = dataset.value(evidence, IKG.inSection)
        number = dataset.value(section, IKG.sectionNumber) if section is not None else None
        cited[statement].add(str(number) if number is not None else "")
    typed = {s for (s, p, o) in cited if p == RDF.type and o not in _NOT_ENTITIES}
    # The report a graph describes is an entity even where its gold cites no type for it (the masthead's
    # facts about it are cited all the same).
    typed |= {s for s in dataset.subjects(RDF.type, IKG.Report) if any(k[0] == s for k in cited)}
    type_sections: dict[Any, set[str]] = defaultdict(set)
    for (s, p, _), where in cited.items():
        if p == RDF.type:
            type_sections[s] |= where
    for subject in typed:
        classes = set(dataset.objects(subject, RDF.type))
        if classes & _NOT_ENTITIES:
            continue
        key = str(subject)
        for prop in _LABELS:
            for label in dataset.objects(subject, prop):
                if isinstance(label, rdflib.Literal) and label.language in (None, "zh"):
                    facts.labels[key].add(normalise(str(label)))
        event = sorted(str(c) for c in classes & _EVENTS)
        if event:
            date = next((str(d) for p in _DATES for d in dataset.objects(subject, p)), "")
            facts.events[key] = (event[0], date)
        facts.sections[key] |= type_sections[subject]
    for (subject, predicate, obj), where in cited.items():
        if predicate in _NOT_RELATIONS or subject is None or predicate is None:
            continue
        if isinstance(obj, rdflib.URIRef) and obj in typed and subject in typed:
            s, p, o = str(subject), _SAME.get(predicate, predicate), str(obj)
            if predicate in _INVERSE:
                s, p, o = o, _INVERSE[predicate], s
            facts.relations.add((s, str(p), o))
            facts.sections[(s, str(p), o)] |= where
        elif isinstance(obj, rdflib.Literal) and obj.datatype in _NUMBER_TYPES:
            item = (str(subject), str(predicate), _number(obj))
            facts.numbers.add(item)
            facts.sections[item] |= where
    return facts


def _number(value: rdflib.Literal) -> str:
    """A number's value, not its spelling: "1000000000.0" and "1000000000" (xsd:decimal) are one."""
    if value.datatype in (XSD.decimal, XSD.integer):
        try:
            number = Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
        return format(number, "f")
    return str(value)


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 of one kind of item."""

    gold: int
    candidates: int
    recalled: int
    correct: int

    @property
    def precision(self) -> float:
        """Share of candidates that match the gold."""
        return self.correct / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        """Share of the gold that some candidate matches."""
        return self.recalled / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def to_dict(self) -> dict[str, float | int]:
        """The score as JSON-ready values."""
        return {"gold": self.gold, "candidates": self.candidates, "recalled": self.recalled,
                "correct": self.correct, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _in_sections(where: set[str], sections: tuple[str, ...] | None) -> bool:
    if not sections:
        return True
    return any(w == s or w.startswith(s + ".") for w in where for s in sections)


def _matches(gold: GraphFacts, found: GraphFacts) -> dict[str, set[str]]:
    """For each candidate entity, the gold entities it matches."""
    by_label: dict[str, set[str]] = defaultdict(set)
    for entity, labels in gold.labels.items():
        for label in labels:
            by_label[label].add(entity)
    by_event: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity, event in gold.events.items():
        by_event[event].add(entity)
    aligned: dict[str, set[str]] = {}
    for entity in found.entities:
        match = set().union(*(by_label.get(label, set()) for label in found.labels.get(entity, ())))
        if entity in gold.entities:
            match.add(entity)
        if entity in found.events and found.events[entity][1]:
            match |= by_event.get(found.events[entity], set())
        aligned[entity] = match
    return aligned


def _score(gold_items: Iterable[object], found_items: Iterable[object], hits: dict[object, set[object]],
           gold: GraphFacts, found: GraphFacts, sections: tuple[str, ...] | None) -> Score:
    gold_kept = [g for g in gold_items if _in_sections(gold.sections[g], sections)]
    found_kept = [f for f in found_items if _in_sections(found.sections[f], sections)]
    recalled = set().union(*(hits.get(f, set()) for f in found_kept)) & set(gold_kept)
    correct = sum(1 for f in found_kept if hits.get(f, set()) & set(gold_kept))
    return Score(len(gold_kept), len(found_kept), len(recalled), correct)


def evaluate(gold: GraphFacts, found: GraphFacts, *,
             sections: tuple[str, ...] | None = None) -> dict[str, Score]:
    """Scores of entities, relations and numbers of `found` against `gold` (within `sections`)."""
    aligned = _matches(gold, found)
    entity_hits: dict[object, set[object]] = {e: set(m) for e, m in aligned.items()}
    relation_hits: dict[object, set[object]] = {}
    for s, p, o in found.relations:
        relation_hits[(s, p, o)] = {(gs, gp, go) for (gs, gp, go) in gold.relations
                                    if gp == p and gs in aligned.get(s, ()) and go in aligned.get(o, ())}
    number_hits: dict[object, set[object]] = {}
    for s, p, v in found.numbers:
        number_hits[(s, p, v)] = {(gs, gp, gv) for (gs, gp, gv) in gold.numbers
                                  if gp == p and gv == v and (gs in aligned.get(s, ()) or s not in aligned)}
    return {
        "entities": _score(gold.entities, found.entities, entity_hits, gold, found, sections),
        "relations": _score(gold.relations, found.relations, relation_hits, gold, found, sections),
        "numbers": _score(gold.numbers, found.numbers, number_hits, gold, found, sections),
    }
