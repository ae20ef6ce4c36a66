"""The candidate graph of a report, in the model of data/ (docs/ingestion.md §"Candidate graphs").

Every extracted triple (types and labels included) gets an evidence node with the section, the span
of the ORIGINAL text (code points), the quote, a confidence and the ingest activity. Entities linked
to the store keep their IRI and get only what is new; new ones get `id:c-{key}-{hash of the label}`.
The TriG is written here, sorted, so the same report gives the same bytes (idempotent re-ingest).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kg.ingest.extraction import Extraction
from kg.ingest.facts import REPORT, Fact, Value
from kg.ingest.romanise import romanise
from kg.ingest.sections import Section, innermost
from kg.namespaces import EV, GRAPH, ID, PREFIXES

#: Classes that are events or values, never linked to the store by name.
_UNLINKED = ("ikg:Approval", "ikg:Renaming", "ikg:Reorganisation", "ikg:Inspection", "ikg:StudyVisit",
             "ikg:Survey", "schema:MonetaryAmount", "ikg:Establishment", "org:ChangeEvent", "ikg:Event")
_SAFE_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")


@dataclass(frozen=True)
class Link:
    """An entity of the store a name was linked to: its IRI, how (label|alias|abbreviation|pinyin|fuzzy)
    and the confidence of the link."""

    iri: str
    how: str
    confidence: float
    labels: frozenset[str] = frozenset()


#: Finds the store entity a name (with its class CURIE) links to, or None.
Linker = Callable[[str, str], Link | None]
#: Whether the store already asserts a triple (N-Triples terms), so it is not repeated.
Known = Callable[[str, str, str], bool]


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def iri_term(iri: str) -> str:
    """An IRI as a TriG term: a CURIE under the project's prefixes when its local part allows, else <…>."""
    best = max((p for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda p: len(PREFIXES[p]),
               default=None)
    if best is not None and _SAFE_LOCAL.fullmatch(iri[len(PREFIXES[best]):]):
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    return f"<{iri}>"


def literal_term(value: Value) -> str:
    """A literal as a TriG term (escaped; language-tagged or typed)."""
    text = (value.lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))
    if value.datatype.startswith("@"):
        return f'"{text}"{value.datatype}'
    if value.datatype == "xsd:string":
        return f'"{text}"'
    if value.datatype == "xsd:integer":
        return text
    return f'"{text}"^^{value.datatype}'


def _hash(text: str, size: int) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:size]  # noqa: S324 - an identifier, not a secret


@dataclass(frozen=True)
class ReportIds:
    """The IRIs of one report's nodes, from its key."""

    key: str

    @property
    def report(self) -> str:
        """The report node."""
        return f"{ID}report-{self.key}"

    @property
    def graph(self) -> str:
        """The named graph of its candidates."""
        return f"{GRAPH}candidates/{self.key}"

    @property
    def activity(self) -> str:
        """The ingest activity."""
        return f"{ID}activity/ingest-{self.key}"

    def section(self, index: int) -> str:
        """The section at `index` (1-based, text order)."""
        return f"{ID}report-{self.key}-section-{index}"

    def entity(self, label: str) -> str:
        """A new entity, named by a hash of its normalised label."""
        return f"{ID}c-{self.key}-{_hash(label, 10)}"

    def evidence(self, statement: str, rank: int) -> str:
        """The evidence of a statement (N-Triples of s p o); rank > 1 for further spans."""
        suffix = "" if rank == 1 else f"-{rank}"
        return f"{EV}c-{self.key}-{_hash(statement, 12)}{suffix}"


@dataclass(frozen=True)
class CandidateInput:
    """What a candidate graph is made of, besides the extraction."""

    file_name: str
    checksum: str
    version: str
    started: datetime


def build_candidates(extraction: Extraction, source: CandidateInput, *, linker: Linker | None = None,
                     known: Known | None = None) -> list[tuple[str, str, str]]:
    """The triples (TriG terms) of the candidate graph, sorted."""
    ids = ReportIds(source.checksum[:12])
    iris, links = _entity_iris(extraction, ids, linker)
    triples: set[tuple[str, str, str]] = set()
    report = iri_term(ids.report)
    _report_node(triples, ids, source)
    sections = _sections(triples, extraction.sections, ids, report)
    spans: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for fact in extraction.facts:
        statement = _statement(fact, iris, report)
        if statement is not None:
            spans[statement].append(fact)
    for key, entity in sorted(extraction.entities.items()):
        node = iris[key]
        link = links.get(key)
        if link is not None:
            triples.add((node, "ikg:linkedBy", f'"{link.how}"'))
            triples.add((node, "ikg:linkConfidence", f'"{link.confidence:.2f}"^^xsd:decimal'))
        triples.add((node, "ikg:reviewStatus", "ikg:Pending"))
        first = min(entity.mentions)
        labels = {entity.label} if link is None else set()
        for label in sorted(labels):
            spans[(node, "skos:prefLabel", literal_term(Value(label, "@zh")))].append(
                Fact(key, "skos:prefLabel", Value(label, "@zh"), first.start, first.end, 0.8))
            if entity.kind not in ("schema:MonetaryAmount",):
                english = romanise(label)
                spans[(node, "skos:prefLabel", literal_term(Value(english, "@en")))].append(
                    Fact(key, "skos:prefLabel", Value(english, "@en"), first.start, first.end, 0.5))
    evidence_for = {iri_term(ids.report)}
    for statement, facts in sorted(spans.items()):
        if known is not None and statement[0] in {iris[k] for k in links} and known(*statement):
            continue
        if link_label_known(statement, links, iris):
            continue
        triples.add(statement)
        _evidence(triples, statement, facts, extraction, sections, ids)
    del evidence_for
    return sorted(triples)


def link_label_known(statement: tuple[str, str, str], links: dict[str, Link], iris: dict[str, str]) -> bool:
    """Whether `statement` is a label a linked entity already has in the store (not repeated)."""
    if statement[1] not in ("skos:altLabel", "skos:prefLabel"):
        return False
    for key, link in links.items():
        if iris[key] == statement[0]:
            text = statement[2].rsplit("@", 1)[0].strip('"')
            return text in link.labels
    return False


def _entity_iris(extraction: Extraction, ids: ReportIds,
                 linker: Linker | None) -> tuple[dict[str, str], dict[str, Link]]:
    iris: dict[str, str] = {}
    links: dict[str, Link] = {}
    for key, entity in sorted(extraction.entities.items()):
        link = None
        if linker is not None and entity.kind not in _UNLINKED:
            for name in (entity.label, *sorted(entity.aliases)):
                link = linker(name, entity.kind)
                if link is not None:
                    break
        if link is not None:
            links[key] = link
            iris[key] = iri_term(link.iri)
        else:
            iris[key] = iri_term(ids.entity(key))
    return iris, links


def _statement(fact: Fact, iris: dict[str, str], report: str) -> tuple[str, str, str] | None:
    subject = report if fact.subject == REPORT else iris.get(fact.subject)
    if subject is None:
        return None
    if isinstance(fact.object, Value):
        obj = fact.object.lexical if fact.object.datatype == "type" else literal_term(fact.object)
    else:
        found = iris.get(fact.object)
        if found is None:
            return None
        obj = found
    return subject, fact.predicate, obj


def _report_node(triples: set[tuple[str, str, str]], ids: ReportIds, source: CandidateInput) -> None:
    report, activity = iri_term(ids.report), iri_term(ids.activity)
    triples.update({
        (report, "ikg:sourceChecksum", f'"sha256:{source.checksum}"'),
        (report, "ikg:sourceFile", literal_term(Value(source.file_name, "xsd:string"))),
        (report, "ikg:reviewStatus", "ikg:Pending"),
        (activity, "rdf:type", "prov:Activity"),
        (activity, "prov:startedAtTime",
         f'"{source.started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}"^^xsd:dateTime'),
        (activity, "ikg:extractor", f'"kg ingest {source.version}"'),
        (activity, "prov:used", report),
    })


def _sections(triples: set[tuple[str, str, str]], sections: list[Section], ids: ReportIds,
              report: str) -> dict[Section, str]:
    found = {}
    for index, section in enumerate(sections, 1):
        node = iri_term(ids.section(index))
        found[section] = node
        triples.update({
            (node, "rdf:type", "ikg:Section"),
            (node, "ikg:sectionNumber", literal_term(Value(section.number, "xsd:string"))),
            (node, "dcterms:title", literal_term(Value(section.title, "@zh"))),
            (node, "dcterms:isPartOf", report),
            (node, "oa:start", str(section.start)),
            (node, "oa:end", str(section.end)),
        })
    return found


def _evidence(triples: set[tuple[str, str, str]], statement: tuple[str, str, str], facts: list[Fact],
              extraction: Extraction, sections: dict[Section, str], ids: ReportIds) -> None:
    seen: set[tuple[int, int]] = set()
    rank = 0
    for fact in sorted(facts, key=lambda f: (f.start, f.end, -f.confidence)):
        start, end = extraction.original_span(fact.start, fact.end)
        section = innermost(extraction.sections, start, end)
        if section is None or (start, end) in seen:
            continue
        seen.add((start, end))
        rank += 1
        node = iri_term(ids.evidence(" ".join(statement), rank))
        triples.update({
            (node, "rdf:type", "ikg:Evidence"),
            (node, "rdf:type", "oa:TextQuoteSelector"),
            (node, "rdf:subject", statement[0]),
            (node, "rdf:predicate", statement[1]),
            (node, "rdf:object", statement[2]),
            (node, "prov:wasDerivedFrom", iri_term(ids.report)),
            (node, "prov:wasGeneratedBy", iri_term(ids.activity)),
            (node, "ikg:inSection", sections[section]),
            (node, "oa:start", str(start)),
            (node, "oa:end", str(end)),
            (node, "oa:exact", literal_term(Value(extraction.original[start:end], "xsd:string"))),
            (node, "ikg:confidence", f'"{fact.confidence:.2f}"^^xsd:decimal'),
        })


def to_trig(triples: list[tuple[str, str, str]], graph: str) -> str:
    """The triples as a TriG document: the project's prefixes, then one named graph, one triple a line."""
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    lines += ["", f"{iri_term(graph)} {{"]
    lines += [f"    {s} {p} {o} ." for s, p, o in triples]
    lines += ["}", ""]
    return "\n".join(lines)


__all__ = ["CandidateInput", "Link", "ReportIds", "build_candidates", "romanise", "to_trig"]
