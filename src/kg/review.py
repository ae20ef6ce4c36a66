"""Review of ingested candidates: load a candidate graph, list its candidates with their quoted evidence,
and accept, reject, edit or merge them (issue 15, docs/ingestion.md §"Candidate graphs" and §"Review").

`kg ingest` writes what it extracted from a report into the candidate graph `graph:candidates/{key}`
(`key`: the first 12 hex digits of the SHA-256 of the report's text), never into a curated graph. Each
candidate entity there carries `ikg:reviewStatus` (`ikg:Pending`, then `ikg:Accepted` or
`ikg:Rejected`); every extracted statement has an evidence node whose IRI hashes the extracted
statement, so it is the same IRI whenever the same report is ingested again.

Accepting moves statements and their evidence into the curated graph `graph:report-{key}`. A statement
moves only when neither of its ends is a candidate still pending or rejected, so the curated graph
never points at an entity it does not describe: `id:ndrc ikg:approves <new centre>` waits in the
candidate graph until the centre is accepted too. Nodes the extractor minted without a status of
their own (amounts, events) move with the first accepted statement that points at them; sections, the
report's file and checksum and the ingest activity move with the first evidence that cites them.
A label a curator gave (`edit`) moves with its entity, cited by the span where the report names the
entity in its own words and an editorial note saying the name is the curator's (`_curators_labels`).

Every change is one SPARQL update (`Engine.update`, all-or-nothing: docs/engine-notes.md §3.5), built
from terms read from the store (no client text reaches it unescaped). Two separate writes (say
`add_triples` into the curated graph, then `replace_graph` of the candidate graph) would leave a
statement in both graphs, or in neither, if the second failed.

A reload (`load_candidates` of a new extraction of the same report, same key) replaces what is still
pending and keeps every decision, in one write (all or nothing):

- replaced: pending candidates the new extraction no longer finds (their status and link, gone with
  them), the evidence it no longer has with the statements that evidence cited, and the structure
  (sections, the report's file, the ingest activity), which becomes the new extraction's; what it
  finds for the first time is added;
- kept: the curated graph `graph:report-{key}` (never written by a reload: accepted statements stay
  curated, and evidence already curated is not added to the candidate graph again); the status of
  every accepted and rejected candidate; rejected candidates with the statements and evidence that
  cite them (unless another end of such a statement is a pending candidate now dropped), so a reload
  never lists them as pending again; an edited candidate's label and type (the new extraction's
  preferred label of it becomes an alternative label and its type evidence names the curator's type);
  merges (`dcterms:isReplacedBy`: what the new extraction says of a merged candidate names the entity
  it was merged into); the record of every review action (activities and agents). Evidence the new
  extraction finds again keeps the form it has in the store (evidence IRIs hash the extracted
  statement, so it is the same evidence), edits and merges applied.

An accepted candidate the new extraction states something new about goes back to pending: the new
statements wait for review. Every action is recorded as a `prov:Activity` (who, when, what) in the
candidate graph, and repeating an action changes nothing (loading the same extraction twice included).
No graph other than the candidate graph changes on a reload but the sources graph, which gains the
report's text when it did not have it.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from kg.entities import Name, find_names
from kg.errors import BadRequestError, KGError, NotFoundError
from kg.namespaces import DCTERMS, EV, GRAPH, ID, IKG, OA, OWL, PROV, RDF, RDFS, SKOS, XSD, to_curie
from kg.naming import entity_id, read_reference, term_iri
from kg.quotes import SOURCES_GRAPH, SourceTexts, cut, source_text_triples
from kg.store import Engine, GraphStore
from kg.terms import RDF_LANG_STRING, Term, Triple, iri, literal

#: Named graphs of candidates: `{CANDIDATES_BASE}{key}`.
CANDIDATES_BASE = f"{GRAPH}candidates/"
#: The longest label a curator may give (characters): a name, which the store and every index keep.
MAX_LABEL = 1000
#: The review statuses, by the name the CLI and the API use.
STATUSES = {"pending": str(IKG.Pending), "accepted": str(IKG.Accepted), "rejected": str(IKG.Rejected)}
_STATUS_NAMES = {value: name for name, value in STATUSES.items()}
_KEY = re.compile(r"[0-9a-f]{12}")
_CHECKSUM = re.compile(r"sha256:([0-9a-f]{64})")
_SOURCE = re.compile(r"urn:sha256:([0-9a-f]{64})")
#: Most problems of a refused candidate graph the error lists (it says how many more there are).
_SHOWN_PROBLEMS = 8

_TYPE, _STATUS = str(RDF.type), str(IKG.reviewStatus)
_SUBJECT, _PREDICATE, _OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)
_EVIDENCE, _SECTION = str(IKG.Evidence), str(IKG.Section)
_PREF, _ALT = str(SKOS.prefLabel), str(SKOS.altLabel)
_REPLACED_BY = str(DCTERMS.isReplacedBy)
#: Predicates of the review's own bookkeeping: they stay in the candidate graph.
_BOOKKEEPING = frozenset({_STATUS, str(IKG.linkedBy), str(IKG.linkConfidence), _REPLACED_BY,
                          str(OWL.deprecated)})
#: What ties an evidence node to the nodes it needs (section, report, ingest activity).
_SUPPORT = (str(IKG.inSection), str(PROV.wasDerivedFrom), str(PROV.wasGeneratedBy))
#: Where the review's own records live: its activities (see _activity) and their agents (Agent).
_REVIEW_ACTIVITY, _AGENT = f"{ID}activity/review-", "urn:innokg:agent:"


class CandidateNotFoundError(NotFoundError):
    """No candidate of any candidate graph is named so."""

    code = "candidate_not_found"


class CandidateGraphError(BadRequestError):
    """A candidate graph to load breaks the contract (docs/ingestion.md §"Candidate graphs")."""

    code = "bad_candidate_graph"


class ReviewConflictError(KGError):
    """The action does not fit the candidate's state (e.g. rejecting one already accepted)."""

    code = "review_conflict"
    status = 409


def candidate_graph(key: str) -> str:
    """The IRI of the candidate graph of the report `key`."""
    return f"{CANDIDATES_BASE}{key}"


def curated_graph(key: str) -> str:
    """The IRI of the curated graph accepted statements of the report `key` move to."""
    return f"{GRAPH}report-{key}"


def report_iri(key: str) -> str:
    """The IRI of the report node of `key`."""
    return f"{ID}report-{key}"


def check_key(key: str) -> str:
    """`key` when it is a report key (12 lower-case hex digits); raises BadRequestError."""
    if not _KEY.fullmatch(key):
        raise BadRequestError(f"{key!r} is not a report key: give the 12 hex digits that start the "
                              "SHA-256 of the report's text (as in graph:candidates/KEY).")
    return key


# -- who acts ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Agent:
    """Who takes a review action: recorded as the `prov:Agent` of its activity."""

    iri: str
    label: str

    @classmethod
    def for_token(cls, digest: str, name: str | None = None) -> Agent:
        """The holder of the write token of this SHA-256 digest: by the name the configuration gives
        it (`NAME=DIGEST` in KG_WRITE_TOKENS), else by the digest's first 12 hex digits (the digest
        of a secret, never the secret)."""
        if name is not None:
            return cls(f"urn:innokg:agent:{quote(name, safe='')}", name)
        return cls(f"urn:innokg:agent:token-{digest[:12]}", f"write token {digest[:12]}")

    @classmethod
    def for_user(cls, user: str) -> Agent:
        """A local user of the CLI."""
        return cls(f"urn:innokg:agent:cli-{quote(user, safe='')}", f"{user} (kg CLI)")


# -- what a candidate looks like --------------------------------------------------------------------

@dataclass(frozen=True)
class CitedStatement:
    """One statement a candidate takes part in, with the evidence that cites it."""

    evidence: str
    subject: Term
    predicate: str
    obj: Term
    quote: str | None
    section: str | None
    section_title: str | None
    start: int | None
    end: int | None
    confidence: float | None
    curated: bool  # moved to the curated graph (accepted)


@dataclass(frozen=True)
class Candidate:
    """A candidate entity of one report's candidate graph."""

    iri: str
    key: str
    status: str  # pending | accepted | rejected | merged
    types: tuple[str, ...]
    label_zh: str | None
    label_en: str | None
    alt_labels: tuple[str, ...]
    linked_by: str | None
    link_confidence: float | None
    confidence: float | None
    replaced_by: str | None
    statements: tuple[CitedStatement, ...]
    labels: dict[str, tuple[str | None, str | None]] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, object]:
        """The candidate as the API answers it (`GET /review/{id}`)."""
        link = ({"by": self.linked_by, "confidence": self.link_confidence}
                if self.linked_by or self.link_confidence is not None else None)
        return {
            "id": entity_id(self.iri), "iri": self.iri, "report": self.key,
            "graph": candidate_graph(self.key), "status": self.status,
            "types": [to_curie(t) for t in self.types], "label_zh": self.label_zh,
            "label_en": self.label_en, "alt_labels": list(self.alt_labels), "link": link,
            "confidence": self.confidence,
            "replaced_by": entity_id(self.replaced_by) if self.replaced_by else None,
            "statements": [self._statement(s) for s in self.statements],
        }

    def _term(self, term: Term) -> dict[str, object]:
        if term.is_iri:
            zh, en = self.labels.get(term.value, (None, None))
            return {"iri": term.value, "id": entity_id(term.value), "label": zh or en}
        return {"literal": term.value, "datatype": term.datatype, "lang": term.lang}

    def _statement(self, s: CitedStatement) -> dict[str, object]:
        return {
            "evidence": entity_id(s.evidence), "subject": self._term(s.subject),
            "predicate": to_curie(s.predicate), "object": self._term(s.obj), "quote": s.quote,
            "section": s.section, "section_title": s.section_title, "start": s.start, "end": s.end,
            "confidence": s.confidence, "curated": s.curated,
        }


@dataclass(frozen=True)
class ReviewResult:
    """What one action did: the candidates it changed, those it left as they were, what moved."""

    action: str
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    moved: int  # statements (each with its evidence) moved into a curated graph
    activity: str | None  # the recorded prov:Activity; None when nothing changed

    def to_dict(self) -> dict[str, object]:
        """{"action", "changed", "unchanged", "moved", "activity"} with ids."""
        return {"action": self.action, "changed": [entity_id(c) for c in self.changed],
                "unchanged": [entity_id(c) for c in self.unchanged], "moved": self.moved,
                "activity": entity_id(self.activity) if self.activity else None}


@dataclass(frozen=True)
class LoadResult:
    """What `load_candidates` did."""

    key: str
    graph: str
    candidates: int  # candidate entities in the graph after the load
    added: int  # triples added to the candidate graph
    skipped: int  # evidence nodes left out: already curated or already in the candidate graph
    source_text: bool  # the report's text is in the sources graph
    removed: int = 0  # triples removed from the candidate graph: what the new extraction replaced

    def to_dict(self) -> dict[str, object]:
        """The summary as JSON-ready values."""
        return {"report": self.key, "graph": self.graph, "candidates": self.candidates,
                "added": self.added, "removed": self.removed, "skipped": self.skipped,
                "source_text": self.source_text}


# -- one candidate graph, read into memory -----------------------------------------------------------

class _Graph:
    """The triples of one candidate graph, indexed by subject."""

    def __init__(self, key: str, triples: Iterable[Triple]) -> None:
        self.key = key
        self.iri = candidate_graph(key)
        self.triples: set[Triple] = set(triples)
        self.by_subject: dict[str, list[Triple]] = defaultdict(list)
        for triple in self.triples:
            self.by_subject[triple[0].value].append(triple)

    def values(self, subject: str, predicate: str) -> list[Term]:
        return [o for _, p, o in self.by_subject.get(subject, ()) if p.value == predicate]

    def value(self, subject: str, predicate: str) -> Term | None:
        found = self.values(subject, predicate)
        return min(found) if found else None

    def status(self, subject: str) -> str | None:
        found = self.value(subject, _STATUS)
        return _STATUS_NAMES.get(found.value) if found is not None else None

    def statuses(self) -> dict[str, str]:
        return {s: name for s in self.by_subject if (name := self.status(s)) is not None}

    def evidence(self) -> list[str]:
        return sorted(s for s, triples in self.by_subject.items()
                      if any(p.value == _TYPE and o.value == _EVIDENCE for _, p, o in triples))

    def statement(self, evidence: str) -> Triple | None:
        s, p, o = (self.value(evidence, x) for x in (_SUBJECT, _PREDICATE, _OBJECT))
        return (s, p, o) if s is not None and p is not None and o is not None else None

    def replaced_by(self, subject: str) -> str | None:
        found = self.value(subject, _REPLACED_BY)
        return found.value if found is not None else None


def _read_graph(store: Engine, key: str) -> _Graph:
    return _Graph(key, store.triples(graph=candidate_graph(key)))


def _write(store: Engine, deletes: dict[str, set[Triple]], inserts: dict[str, set[Triple]]) -> None:
    """Apply the deletions and insertions, by graph, as one SPARQL update (all or nothing)."""

    def block(by_graph: dict[str, set[Triple]]) -> str:
        parts = []
        for graph, triples in sorted(by_graph.items()):
            lines = "\n".join(sorted(" ".join(t.to_ntriples() for t in triple) + " ." for triple in triples))
            parts.append(f"GRAPH {iri(graph).to_ntriples()} {{\n{lines}\n}}")
        return "\n".join(parts)

    deletes = {g: t for g, t in deletes.items() if t}
    inserts = {g: t for g, t in inserts.items() if t}
    operations = []
    if deletes:
        operations.append(f"DELETE DATA {{\n{block(deletes)}\n}}")
    if inserts:
        operations.append(f"INSERT DATA {{\n{block(inserts)}\n}}")
    if operations:
        store.update(" ;\n".join(operations))


def _now() -> Term:
    return literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=str(XSD.dateTime))


def _activity(action: str, used: Sequence[str], agent: Agent, description: str | None = None
              ) -> tuple[str, set[Triple]]:
    """The prov:Activity recording one action: its IRI and its triples."""
    when = _now()
    seed = "|".join([action, *used, agent.iri, when.value, description or ""])
    node = f"{ID}activity/review-{hashlib.sha256(seed.encode('utf-8')).hexdigest()[:16]}"
    a, who = iri(node), iri(agent.iri)
    triples: set[Triple] = {
        (a, iri(_TYPE), iri(str(PROV.Activity))), (a, iri(str(DCTERMS.type)), literal(action)),
        (a, iri(str(PROV.wasAssociatedWith)), who), (a, iri(str(PROV.endedAtTime)), when),
        (who, iri(_TYPE), iri(str(PROV.Agent))), (who, iri(str(RDFS.label)), literal(agent.label)),
    }
    triples |= {(a, iri(str(PROV.used)), iri(u)) for u in used}
    if description:
        triples.add((a, iri(str(DCTERMS.description)), literal(description)))
    return node, triples


def _status_triples(graph: _Graph, entity: str, status: str) -> tuple[set[Triple], set[Triple]]:
    """(deletions, insertions) that set `entity`'s status in `graph` to `status`."""
    old = {t for t in graph.by_subject.get(entity, ()) if t[1].value == _STATUS}
    return old, {(iri(entity), iri(_STATUS), iri(STATUSES[status]))}


# -- loading ------------------------------------------------------------------------------------------

def load_candidates(store: Engine, data: bytes, *, name: str = "candidates",
                    text: str | None = None) -> LoadResult:
    """Load a candidate TriG (docs/ingestion.md §"Candidate graphs") into `store`: its candidate graph,
    merged with the decisions already taken on that report (see the module docstring), and its report
    text (from its sources graph, or `text`, the report as extracted) into the sources graph, in one
    write. Raises LoadError (not RDF), CandidateGraphError (it breaks the contract, or `text` is not
    the report it names: nothing is written)."""
    scratch = GraphStore.in_memory()
    scratch.load_bytes(data, fmt="trig", name=name)
    key = _candidate_key(scratch, name)
    triples = list(scratch.triples(graph=candidate_graph(key)))
    sources = set(scratch.triples(graph=SOURCES_GRAPH))
    if text is not None:
        node, kept = source_text_triples(text)
        if not node.startswith(f"urn:sha256:{key}"):
            raise CandidateGraphError(f"The text given with {name} is not the report it names (its "
                                      f"SHA-256 does not start with {key}); nothing was loaded.")
        sources |= set(kept)
        triples.append((iri(report_iri(key)), iri(str(IKG.sourceText)), iri(node)))
    new = _Graph(key, triples)
    problems = _contract_problems(new, sources)
    if problems:
        more = len(problems) - _SHOWN_PROBLEMS
        shown = "; ".join(problems[:_SHOWN_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
        raise CandidateGraphError(f"{name} is not a well-formed candidate graph: {shown}. Nothing was "
                                  "loaded (docs/ingestion.md, \"Candidate graphs\").")
    old = _read_graph(store, key)
    curated = set(store.triples(graph=curated_graph(key)))
    deletes, inserts, skipped = _reload(old, new, curated)
    known_sources = set(store.triples(graph=SOURCES_GRAPH))
    _write(store, {old.iri: deletes}, {old.iri: inserts, SOURCES_GRAPH: sources - known_sources})
    after = _Graph(key, (old.triples - deletes) | inserts)
    checksum = new.value(report_iri(key), str(IKG.sourceChecksum))
    text_node = iri(f"urn:{checksum.value}") if checksum is not None else None
    has_text = any(s == text_node and p.value == str(IKG.content) for s, p, _ in sources | known_sources)
    return LoadResult(key, old.iri, len(after.statuses()), len(inserts), skipped, has_text,
                      len(deletes))


def _candidate_key(scratch: Engine, name: str) -> str:
    graphs = scratch.named_graphs()
    candidates = [g for g in graphs if g.startswith(CANDIDATES_BASE)]
    others = [g for g in graphs if g != SOURCES_GRAPH and g not in candidates]
    problems = []
    if len(candidates) != 1:
        problems.append(f"it must hold exactly one graph {CANDIDATES_BASE}KEY, not {len(candidates)}")
    if others:
        problems.append(f"it holds graphs other than the candidate and sources graphs: {others[:3]}")
    if scratch.ask("ASK { ?s ?p ?o }", union=False):
        problems.append("it has triples outside any named graph")
    if candidates and not _KEY.fullmatch(candidates[0][len(CANDIDATES_BASE):]):
        problems.append(f"{candidates[0]} does not end with a report key (12 hex digits)")
    if problems:
        raise CandidateGraphError(f"{name} is not a candidate graph: {'; '.join(problems)}. Nothing "
                                  "was loaded.")
    return candidates[0][len(CANDIDATES_BASE):]


def _contract_problems(graph: _Graph, sources: set[Triple]) -> list[str]:
    """What in a candidate graph (and its sources graph) breaks the contract."""
    key, problems = graph.key, []
    blank = sorted({t.value for triple in graph.triples | sources for t in triple if t.kind == "bnode"})
    if blank:
        problems.append(f"{len(blank)} blank node(s): name every node with an IRI, review moves "
                        "nodes by name")
    report = report_iri(key)
    if str(IKG.Report) not in {t.value for t in graph.values(report, _TYPE)}:
        problems.append(f"no report node <{report}> a ikg:Report")
    checksum = graph.value(report, str(IKG.sourceChecksum))
    digest = _CHECKSUM.fullmatch(checksum.value) if checksum is not None else None
    if digest is None or not digest.group(1).startswith(key):
        problems.append(f"the report needs ikg:sourceChecksum \"sha256:<64 hex>\" starting with {key}")
    for subject, triples in graph.by_subject.items():
        statuses = [o.value for _, p, o in triples if p.value == _STATUS]
        if len(statuses) > 1 or any(s not in _STATUS_NAMES for s in statuses):
            problems.append(f"<{subject}> needs one ikg:reviewStatus of ikg:Pending, ikg:Accepted, "
                            "ikg:Rejected")
    minted = sorted({t.value for triple in graph.triples for t in triple
                     if t.is_iri and t.value.startswith(f"{ID}c-")
                     and not t.value.startswith(f"{ID}c-{key}-")})
    if minted:
        problems.append(f"new entities of another report's key: <{minted[0]}>")
    texts = _source_texts(sources, problems)
    text = texts.get(digest.group(1)) if digest is not None else None
    for evidence in graph.evidence():
        problems += _evidence_problems(graph, evidence, text)
    return problems


def _source_texts(sources: set[Triple], problems: list[str]) -> dict[str, str]:
    """The texts of the sources graph by SHA-256, checked against their names and extents."""
    texts = {}
    for s, p, o in sources:
        if p.value != str(IKG.content):
            continue
        named = _SOURCE.fullmatch(s.value)
        actual = hashlib.sha256(o.value.encode("utf-8")).hexdigest()
        if named is None or named.group(1) != actual:
            problems.append(f"<{s.value}> must be urn:sha256:<the SHA-256 of its ikg:content>")
            continue
        extents = [e.value for x, q, e in sources if x == s and q.value == str(DCTERMS.extent)]
        if extents != [str(len(o.value))]:
            problems.append(f"<{s.value}> needs dcterms:extent {len(o.value)} (its code points)")
        texts[actual] = o.value
    return texts


def _evidence_problems(graph: _Graph, evidence: str, text: str | None) -> list[str]:
    where = f"evidence <{evidence}>"
    if not evidence.startswith(f"{EV}c-{graph.key}-"):
        return [f"{where} is not named {EV}c-{graph.key}-<hash>"]
    counts = [len(graph.values(evidence, p)) for p in (_SUBJECT, _PREDICATE, _OBJECT)]
    if counts != [1, 1, 1]:
        return [f"{where} needs one rdf:subject, rdf:predicate and rdf:object"]
    if report_iri(graph.key) not in {t.value for t in graph.values(evidence, str(PROV.wasDerivedFrom))}:
        return [f"{where} is not prov:wasDerivedFrom the report"]
    section = graph.value(evidence, str(IKG.inSection))
    if section is None or str(IKG.Section) not in {t.value for t in graph.values(section.value, _TYPE)}:
        return [f"{where} lies in no ikg:Section of the graph"]
    start, end = graph.value(evidence, str(OA.start)), graph.value(evidence, str(OA.end))
    if not (start and end and start.value.isdigit() and end.value.isdigit()
            and int(start.value) < int(end.value)):
        return [f"{where} needs oa:start < oa:end, code points"]
    exact = graph.value(evidence, str(OA.exact))
    if text is not None and int(end.value) > len(text):
        return [f"{where} ends past the report's text ({len(text)} code points)"]
    if text is not None and exact is not None and cut(text, start.value, end.value) != exact.value:
        return [f"{where}: oa:exact is not text[{start.value}:{end.value}] of the original text"]
    return []


def _reload(old: _Graph, new: _Graph, curated: set[Triple]) -> tuple[set[Triple], set[Triple], int]:
    """(deletions, insertions) that make the candidate graph the new extraction's while keeping every
    decision, and how many of the new extraction's evidence nodes were left out (already curated or
    already in the graph): the module docstring says what is kept and what is replaced."""
    merges = {s: target for s in old.by_subject if (target := old.replaced_by(s)) is not None}

    def rewrite(term: Term) -> Term:
        return iri(merges[term.value]) if term.is_iri and term.value in merges else term

    statuses = old.statuses()
    edited = _edited(old)
    found = {merges.get(e, e) for e in new.statuses()}
    keepers = {e for e, s in statuses.items() if s == "rejected"} | (edited - found)
    decided = keepers | edited | {e for e, s in statuses.items() if s == "accepted"} | set(merges) | set(
        merges.values())
    alive = decided | found
    old_evidence = old.evidence()
    old_stated = {old.statement(e) for e in old_evidence}
    evidence_set = set(old_evidence)

    def ends_alive(statement: Triple | None) -> bool:
        return statement is not None and all(
            not t.is_iri or t.value not in statuses or t.value in alive for t in (statement[0], statement[2]))

    # Evidence the old graph keeps: what the new extraction finds again (in its old, possibly edited or
    # merged, form) and what cites a rejected candidate or an edited one it no longer finds, as long as
    # no end of it is dropped.
    new_evidence = set(new.evidence())
    kept = [e for e in old_evidence if ends_alive(old.statement(e)) and (
        e in new_evidence or {t.value for t in (old.statement(e) or ())} & keepers)]
    result: set[Triple] = set()
    for evidence in kept:
        result.update(old.by_subject[evidence])
        statement = old.statement(evidence)
        if statement is not None and statement in old.triples:
            result.add(statement)
    # The review's own record (activities, agents) and what decided candidates carry without a citation
    # (statuses, merges, a curator's label) stay.
    for s, p, o in old.triples:
        own = s.value in decided and (s, p, o) not in old_stated and s.value not in evidence_set
        if own or s.value.startswith((_REVIEW_ACTIVITY, _AGENT)):
            result.add((s, p, o))
    for entity in found - decided:
        if entity in statuses:
            result |= {t for t in old.by_subject[entity] if t[1].value in _BOOKKEEPING}
    # The new extraction's evidence never seen before, its statements and its structure.
    seen = evidence_set | {s.value for s, p, o in curated if o.value == _EVIDENCE}
    fresh = [e for e in sorted(new_evidence) if e not in seen]
    labelled = {(iri(e), (o.lang or "")[:2]): o for e in edited for o in sorted(old.values(e, _PREF))}
    typed = {iri(e): t for e in edited if (t := old.value(e, _TYPE)) is not None}
    touched: set[str] = set()
    for evidence in fresh:
        statement = new.statement(evidence)
        if statement is None:
            continue
        s, p, o = rewrite(statement[0]), statement[1], rewrite(statement[2])
        if s.value in edited and p.value == _PREF and labelled.get((s, (o.lang or "")[:2]), o) != o:
            p = iri(_ALT)  # the curator's label stays preferred; the report's wording stays findable
        elif s.value in edited and p.value == _TYPE and typed.get(s, o) != o:
            o = typed[s]  # the curator's type stays
        for x, q, y in new.by_subject[evidence]:
            y = {_SUBJECT: s, _PREDICATE: p, _OBJECT: o}.get(q.value, y)
            result.add((x, q, y))
        if statement in new.triples and (s, p, o) not in curated:
            result.add((s, p, o))
        touched |= {t.value for t in (s, o) if t.is_iri}
    stated = {new.statement(e) for e in new_evidence}
    curated_keys = {(s, p) for s, p, _ in curated}
    described: set[str] = set()
    for s, p, o in new.triples:
        if s.value in new_evidence or (s, p, o) in stated or p.value in _BOOKKEEPING:
            continue
        if (rewrite(s), p) not in curated_keys:  # sections, the report's file, the ingest activity
            result.add((rewrite(s), p, rewrite(o)))
            described.add(rewrite(s).value)
    support = {o.value for e in kept for _, p, o in old.by_subject[e] if p.value in _SUPPORT}
    for node in support - described:  # a section only the kept evidence still cites
        result |= {t for t in old.by_subject.get(node, ()) if t not in old_stated
                   and t[1].value not in _BOOKKEEPING}
    for entity in new.statuses():
        target = merges.get(entity, entity)
        if target not in statuses:
            result |= {(iri(target), p, o) for _, p, o in new.by_subject[entity] if p.value in _BOOKKEEPING}
        elif statuses[target] == "accepted" and target in touched:
            gone, pending = _status_triples(old, target, "pending")  # new statements to review
            result = (result - gone) | pending
    return old.triples - result, result - old.triples, len(new_evidence) - len(fresh)


def _edited(graph: _Graph) -> set[str]:
    """The candidates a curator edited (a recorded `edit` activity used them)."""
    activities = {s for s, triples in graph.by_subject.items()
                  if any(p.value == str(DCTERMS.type) and o.value == "edit" for _, p, o in triples)}
    return {o.value for a in activities for o in graph.values(a, str(PROV.used))}


# -- the service ----------------------------------------------------------------------------------------

class Review:
    """Lists and decides the candidates of every candidate graph of a store."""

    def __init__(self, store: Engine) -> None:
        self._store = store

    # -- reading ------------------------------------------------------------------------------------

    def reports(self) -> list[str]:
        """The keys of the reports that have a candidate graph, sorted."""
        return sorted(g[len(CANDIDATES_BASE):] for g in self._store.named_graphs()
                      if g.startswith(CANDIDATES_BASE))

    def candidates(self, *, status: str | None = None, report: str | None = None,
                   type_: str | None = None) -> list[Candidate]:
        """Candidates, filtered by status (pending|accepted|rejected|merged), report key and type (a
        class IRI or CURIE; its subclasses count); raises BadRequestError for a bad filter."""
        if status is not None and status not in (*STATUSES, "merged"):
            raise BadRequestError(f"Unknown status {status!r}; use pending, accepted, rejected or merged.")
        keys = [check_key(report)] if report is not None else self.reports()
        classes = self._subclasses(term_iri(type_, what="class")) if type_ else None
        found = []
        for key in keys:
            graph = _read_graph(self._store, key)
            entities = set(graph.statuses()) | {s for s in graph.by_subject if graph.replaced_by(s)}
            for entity in sorted(entities):
                candidate = self._candidate(graph, entity)
                if status is not None and candidate.status != status:
                    continue
                if classes is not None and not classes & set(candidate.types):
                    continue
                found.append(candidate)
        return found

    def candidate(self, reference: str, *, report: str | None = None) -> Candidate:
        """One candidate by id, CURIE, IRI or exact label; raises CandidateNotFoundError, or
        BadRequestError when it is a candidate of several reports and `report` is not given."""
        key, entity = self._locate(reference, report)
        return self._candidate(_read_graph(self._store, key), entity)

    def _subclasses(self, cls: str) -> set[str]:
        rows = self._store.select_values(
            f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {iri(cls).to_ntriples()} }}")
        return {cls} | {c for (c,) in rows if c}

    def _locate(self, reference: str, report: str | None) -> tuple[str, str]:
        keys = {check_key(report)} if report is not None else set(self.reports())
        found, form = read_reference(reference)
        if form == "name":
            label = literal(reference.strip()).to_ntriples()
            # A new candidate's labels are in its candidate graph only, outside the default graph.
            query = (f"SELECT DISTINCT ?g ?e WHERE {{ GRAPH ?g {{ ?e <{_STATUS}> ?s }} "
                     f"{{ ?e <{_PREF}>|<{_ALT}> ?l }} UNION {{ GRAPH ?g {{ ?e <{_PREF}>|<{_ALT}> ?l }} }} "
                     f"FILTER(STR(?l) = {label}) }}")
        elif found is None:
            raise BadRequestError(f"{reference!r} is not an id, CURIE or IRI of a candidate.")
        else:
            node = iri(found).to_ntriples()
            query = (f"SELECT DISTINCT ?g ?e WHERE {{ GRAPH ?g {{ {node} <{_STATUS}>|<{_REPLACED_BY}> ?x }} "
                     f"BIND({node} AS ?e) }}")
        hits = sorted({(g[len(CANDIDATES_BASE):], e) for g, e in self._store.select_values(query)
                       if g and e and g.startswith(CANDIDATES_BASE)
                       and g[len(CANDIDATES_BASE):] in keys})
        if not hits:
            raise CandidateNotFoundError(
                f"No candidate is named {reference!r}"
                + (f" in report {report}" if report else "")
                + "; `kg review list` (GET /review) lists them.")
        if len(hits) > 1:
            raise BadRequestError(
                f"{reference!r} names candidates of several reports or entities "
                f"({', '.join(f'{k}: {entity_id(e)}' for k, e in hits[:5])}); give the report key "
                "(--report KEY, ?report=KEY) and the candidate's id.")
        return hits[0]

    def _candidate(self, graph: _Graph, entity: str) -> Candidate:
        replaced = graph.replaced_by(entity)
        status = "merged" if replaced else (graph.status(entity) or "pending")
        types = tuple(sorted({o.value for o in self._stated(graph, entity, _TYPE)}))
        statements = self._statements(graph, entity)
        names = _with_own_labels(graph, find_names(self._store, {entity} | {
            t.value for s in statements for t in (s.subject, s.obj) if t.is_iri}))
        alt = sorted({o.value for o in self._stated(graph, entity, _ALT)})
        link = graph.value(entity, str(IKG.linkConfidence))
        by = graph.value(entity, str(IKG.linkedBy))
        own = [s.confidence for s in statements
               if s.subject.value == entity and s.predicate == _TYPE and s.confidence is not None]
        every = [s.confidence for s in statements if s.confidence is not None]
        name = names[entity]
        titles = {o.lang: o.value for o in self._stated(graph, entity, str(DCTERMS.title))}
        return Candidate(
            iri=entity, key=graph.key, status=status, types=types,
            label_zh=name.label_zh or titles.get("zh"), label_en=name.label_en or titles.get("en"),
            alt_labels=tuple(alt), linked_by=by.value if by else None,
            link_confidence=_number(link), confidence=max(own or every) if own or every else None,
            replaced_by=replaced, statements=tuple(statements),
            labels={i: (n.label_zh, n.label_en) for i, n in names.items()})

    def _stated(self, graph: _Graph, entity: str, predicate: str) -> list[Term]:
        """The values of `predicate` for `entity` in the default graph (curated) and in its candidate
        graph, which the default graph leaves out (kg.store's default_graphs): a new candidate's type
        and labels are there only."""
        curated = [o for _, _, o in self._store.triples(iri(entity), iri(predicate))]
        return curated + graph.values(entity, predicate)

    def _statements(self, graph: _Graph, entity: str) -> list[CitedStatement]:
        """The cited statements `entity` is subject or object of: pending ones in the candidate graph,
        accepted ones in the report's curated graph."""
        curated = _Graph(graph.key, self._store.triples(graph=curated_graph(graph.key)))
        text = SourceTexts(None, self._store).find_text(None, document=report_iri(graph.key))
        found = []
        for where, is_curated in ((graph, False), (curated, True)):
            sections = _Graph(graph.key, where.triples | graph.triples | curated.triples)
            for evidence in where.evidence():
                statement = where.statement(evidence)
                if statement is None or entity not in (statement[0].value, statement[2].value):
                    continue
                found.append(self._cited(where, sections, evidence, statement, text, is_curated))
        return sorted(found, key=lambda s: (s.start or 0, s.end or 0, s.evidence))

    @staticmethod
    def _cited(graph: _Graph, sections: _Graph, evidence: str, statement: Triple, text: str | None,
               curated: bool) -> CitedStatement:
        start, end = graph.value(evidence, str(OA.start)), graph.value(evidence, str(OA.end))
        exact = graph.value(evidence, str(OA.exact))
        quoted = exact.value if exact is not None else (
            cut(text, start.value if start else None, end.value if end else None) if text else None)
        section = graph.value(evidence, str(IKG.inSection))
        number = sections.value(section.value, str(IKG.sectionNumber)) if section else None
        titles = sections.values(section.value, str(DCTERMS.title)) if section else []
        title = next((t.value for t in sorted(titles) if (t.lang or "zh").startswith("zh")), None)
        return CitedStatement(
            evidence=evidence, subject=statement[0], predicate=statement[1].value, obj=statement[2],
            quote=quoted, section=number.value if number else None, section_title=title,
            start=int(start.value) if start and start.value.isdigit() else None,
            end=int(end.value) if end and end.value.isdigit() else None,
            confidence=_number(graph.value(evidence, str(IKG.confidence))), curated=curated)

    # -- deciding ----------------------------------------------------------------------------------

    def accept(self, references: Sequence[str], *, agent: Agent, report: str | None = None
               ) -> ReviewResult:
        """Accept candidates: move their statements whose other end is settled, with their evidence,
        into the report's curated graph, all in one write; raises CandidateNotFoundError,
        BadRequestError (then nothing changes)."""
        located = self._locate_all(references, report)
        deletes: dict[str, set[Triple]] = defaultdict(set)
        inserts: dict[str, set[Triple]] = defaultdict(set)
        changed, unchanged, moved = [], [], 0
        for key, entities in sorted(located.items()):
            graph = _read_graph(self._store, key)
            for entity in entities:
                if graph.replaced_by(entity):
                    raise ReviewConflictError(
                        f"{entity_id(entity)} was merged into {entity_id(graph.replaced_by(entity) or '')}; "
                        "accept that entity instead.")
            to_move = _movable(graph, set(entities))
            to_move |= _curators_labels(graph, set(entities), to_move)
            moved += sum(1 for t in to_move if t[1].value == _SUBJECT)
            deletes[graph.iri] |= to_move
            inserts[curated_graph(key)] |= to_move
            for entity in entities:
                if graph.status(entity) == "accepted" and not any(
                        t[0].value == entity or t[2].value == entity for t in to_move):
                    unchanged.append(entity)
                    continue
                gone, now = _status_triples(graph, entity, "accepted")
                deletes[graph.iri] |= gone - now
                inserts[graph.iri] |= now - gone
                changed.append(entity)
        return self._record("accept", located, changed, unchanged, moved, agent, deletes, inserts)

    def reject(self, references: Sequence[str], *, agent: Agent, report: str | None = None
               ) -> ReviewResult:
        """Mark candidates rejected (kept, with their statements, in the candidate graph); raises
        CandidateNotFoundError, ReviewConflictError for one already accepted."""
        located = self._locate_all(references, report)
        deletes: dict[str, set[Triple]] = defaultdict(set)
        inserts: dict[str, set[Triple]] = defaultdict(set)
        changed, unchanged = [], []
        for key, entities in sorted(located.items()):
            graph = _read_graph(self._store, key)
            for entity in entities:
                status = "merged" if graph.replaced_by(entity) else graph.status(entity)
                if status in ("accepted", "merged"):
                    raise ReviewConflictError(
                        f"{entity_id(entity)} is already {status}: its statements are curated or "
                        f"belong to another entity now; remove them from {curated_graph(key)} with "
                        "the Graph Store if they are wrong.")
                if status == "rejected":
                    unchanged.append(entity)
                    continue
                gone, now = _status_triples(graph, entity, "rejected")
                deletes[graph.iri] |= gone
                inserts[graph.iri] |= now
                changed.append(entity)
        return self._record("reject", located, changed, unchanged, 0, agent, deletes, inserts)

    def edit(self, reference: str, *, agent: Agent, label: str | None = None, lang: str = "zh",
             type_: str | None = None, report: str | None = None) -> ReviewResult:
        """Give a pending or rejected candidate a new preferred label in `lang` (the old one stays as
        an alternative label, with its evidence) and/or a new type (its type evidence follows);
        raises BadRequestError, CandidateNotFoundError, ReviewConflictError."""
        if label is None and type_ is None:
            raise BadRequestError("Nothing to edit: give a new label (--label) or type (--type).")
        if label is not None and not label.strip():
            raise BadRequestError("A label cannot be empty.")
        if label is not None and len(label.strip()) > MAX_LABEL:
            raise BadRequestError(f"A label of {len(label.strip())} characters is past the limit of "
                                  f"{MAX_LABEL}; a name, not a text, is asked for.")
        if lang not in ("zh", "en"):
            raise BadRequestError(f"Unknown label language {lang!r}; use zh or en.")
        key, entity = self._locate(reference, report)
        graph = _read_graph(self._store, key)
        self._check_open(graph, entity, "edit")
        cls = self._check_class(type_) if type_ is not None else None
        deletes, inserts = set(), set()
        notes = []
        if label is not None:
            gone, added = self._relabel(graph, entity, label.strip(), lang)
            deletes |= gone
            inserts |= added
            if added:
                notes.append(f"skos:prefLabel@{lang} → {label.strip()!r}")
        if cls is not None:
            gone, added = self._retype(graph, entity, cls)
            deletes |= gone
            inserts |= added
            if added:
                notes.append(f"rdf:type → {to_curie(cls)}")
        deletes, inserts = deletes - inserts, inserts - deletes
        changed = [entity] if deletes or inserts else []
        return self._record("edit", {key: [entity]}, changed, [entity] if not changed else [], 0, agent,
                            {graph.iri: deletes}, {graph.iri: inserts}, "; ".join(notes) or None)

    def merge(self, reference: str, *, into: str, agent: Agent, report: str | None = None
              ) -> ReviewResult:
        """Merge a new candidate into an existing entity: its statements and evidence name the target
        instead, its labels become the target's alternative labels (where the target has a preferred
        one), and it keeps `dcterms:isReplacedBy` the target and `owl:deprecated true` (ontology/README.md,
        Identifiers). Raises CandidateNotFoundError, EntityNotFoundError, ReviewConflictError."""
        key, entity = self._locate(reference, report)
        graph = _read_graph(self._store, key)
        target = self._target(graph, into)
        if graph.replaced_by(entity) == target:
            return ReviewResult("merge", (), (entity,), 0, None)
        self._check_open(graph, entity, "merge")
        if target == entity:
            raise BadRequestError(f"{entity_id(entity)} cannot be merged into itself.")
        if self._described_elsewhere(entity, graph.iri):
            raise ReviewConflictError(
                f"{entity_id(entity)} is an entity of the curated graph (a linked candidate); only a new "
                "candidate (id c-…) can be merged into another entity.")
        deletes, inserts = self._rewrite(graph, entity, target)
        description = f"{entity_id(entity)} → {entity_id(target)}"
        return self._record("merge", {key: [entity]}, [entity], [], 0, agent, {graph.iri: deletes},
                            {graph.iri: inserts}, description)

    # -- the parts of the actions --------------------------------------------------------------------

    def _locate_all(self, references: Sequence[str], report: str | None) -> dict[str, list[str]]:
        if not references:
            raise BadRequestError("Give at least one candidate id.")
        located: dict[str, list[str]] = defaultdict(list)
        for reference in references:  # every id is checked before anything is written
            key, entity = self._locate(reference, report)
            if entity not in located[key]:
                located[key].append(entity)
        return dict(located)

    @staticmethod
    def _check_open(graph: _Graph, entity: str, action: str) -> None:
        replaced = graph.replaced_by(entity)
        if replaced:
            raise ReviewConflictError(f"{entity_id(entity)} was merged into {entity_id(replaced)}; "
                                      f"{action} that entity instead.")
        if graph.status(entity) == "accepted":
            raise ReviewConflictError(f"{entity_id(entity)} is accepted: its statements are curated "
                                      f"({curated_graph(graph.key)}); {action} them with the Graph Store.")

    def _check_class(self, type_: str) -> str:
        cls = term_iri(type_, what="class")
        if not self._store.ask(f"ASK {{ {iri(cls).to_ntriples()} a ?kind "
                               f"FILTER(?kind IN (<{OWL.Class}>, <{RDFS.Class}>)) }}"):
            raise BadRequestError(f"{type_!r} is not a class of the ontology (e.g. ikg:GovernmentBody).")
        return cls

    def _described_elsewhere(self, node: str, graph: str) -> bool:
        return self._store.ask(f"ASK {{ GRAPH ?g {{ {iri(node).to_ntriples()} ?p ?o }} "
                               f"FILTER(?g != {iri(graph).to_ntriples()}) }}")

    def _target(self, graph: _Graph, into: str) -> str:
        found, _ = read_reference(into)
        if found is None:
            found = next((e for e in graph.statuses() if self._store.ask(
                f"ASK {{ {iri(e).to_ntriples()} <{_PREF}>|<{_ALT}> ?l "
                f"FILTER(STR(?l) = {literal(into.strip()).to_ntriples()}) }}")), None)
        if found is None or not (self._described_elsewhere(found, graph.iri)
                                 or graph.status(found) is not None):
            raise CandidateNotFoundError(f"No entity {into!r} to merge into: give the id, CURIE or IRI "
                                         "of an entity of the graph (e.g. ndrc).")
        if graph.status(found) == "rejected":
            raise ReviewConflictError(f"{entity_id(found)} is a rejected candidate; merge into an "
                                      "accepted or curated entity.")
        return found

    def _relabel(self, graph: _Graph, entity: str, label: str, lang: str) -> tuple[set[Triple], set[Triple]]:
        node, new = iri(entity), Term("literal", label, RDF_LANG_STRING, lang)  # as the store reads it
        olds = [o for o in graph.values(entity, _PREF) if (o.lang or "")[:2] == lang]
        if new in olds and len(olds) == 1:
            return set(), set()
        deletes, inserts = set(), {(node, iri(_PREF), new)}
        for old in olds:
            if old == new:
                continue
            deletes.add((node, iri(_PREF), old))
            inserts.add((node, iri(_ALT), old))  # the report's own wording stays findable
            for evidence in graph.evidence():
                if graph.statement(evidence) == (node, iri(_PREF), old):
                    deletes.add((iri(evidence), iri(_PREDICATE), iri(_PREF)))
                    inserts.add((iri(evidence), iri(_PREDICATE), iri(_ALT)))
        return deletes, inserts

    def _retype(self, graph: _Graph, entity: str, cls: str) -> tuple[set[Triple], set[Triple]]:
        node, kind = iri(entity), iri(_TYPE)
        olds = graph.values(entity, _TYPE)
        if not olds:
            raise ReviewConflictError(f"The candidate graph states no type of {entity_id(entity)} (its "
                                      "type is curated); change it with the Graph Store.")
        deletes = {(node, kind, o) for o in olds if o.value != cls}
        inserts = {(node, kind, iri(cls))} if deletes else set()
        for evidence in graph.evidence():
            statement = graph.statement(evidence)
            if statement is not None and statement[:2] == (node, kind) and statement[2].value != cls:
                deletes.add((iri(evidence), iri(_OBJECT), statement[2]))
                inserts.add((iri(evidence), iri(_OBJECT), iri(cls)))
        return deletes, inserts

    def _rewrite(self, graph: _Graph, entity: str, target: str) -> tuple[set[Triple], set[Triple]]:
        """Every mention of `entity` in the candidate graph made one of `target` (see merge)."""
        old, new = iri(entity), iri(target)
        target_prefs = {o for _, _, o in self._store.triples(new, iri(_PREF))}
        target_langs = {o.lang for o in target_prefs if o.lang}

        def demoted(predicate: Term, label: Term) -> bool:
            # The target keeps its own preferred label: another one of the same language becomes an
            # alternative label; the same one is only cited again.
            return predicate.value == _PREF and label.lang in target_langs and label not in target_prefs

        evidence_nodes = set(graph.evidence())
        deletes, inserts = set(), set()
        for triple in graph.triples:
            s, p, o = triple
            if s == old:
                deletes.add(triple)
                if p.value in _BOOKKEEPING:
                    continue
                rewritten = (new, iri(_ALT) if demoted(p, o) else p, new if o == old else o)
            elif o == old:
                deletes.add(triple)
                rewritten = (s, p, new)  # evidence's rdf:subject/rdf:object included
            else:
                continue
            if s.value in evidence_nodes or not self._store.ask(
                    f"ASK {{ {' '.join(t.to_ntriples() for t in rewritten)} }}"):
                inserts.add(rewritten)  # a statement the store already has is only cited again
        for evidence in evidence_nodes:
            statement = graph.statement(evidence)
            if statement is not None and statement[0] == old and demoted(statement[1], statement[2]):
                deletes.add((iri(evidence), iri(_PREDICATE), statement[1]))
                inserts.add((iri(evidence), iri(_PREDICATE), iri(_ALT)))
        if graph.status(target) in (None, "accepted"):
            gone, now = _status_triples(graph, target, "pending")
            deletes |= gone
            inserts |= now
            if graph.value(target, str(IKG.linkedBy)) is None:
                inserts |= {(new, iri(str(IKG.linkedBy)), literal("curator")),
                            (new, iri(str(IKG.linkConfidence)), literal("1.0", datatype=str(XSD.decimal)))}
        inserts |= {(old, iri(_REPLACED_BY), new),
                    (old, iri(str(OWL.deprecated)), literal("true", datatype=str(XSD.boolean)))}
        return deletes - inserts, inserts - deletes

    def _record(self, action: str, located: dict[str, list[str]], changed: list[str],
                unchanged: list[str], moved: int, agent: Agent, deletes: dict[str, set[Triple]],
                inserts: dict[str, set[Triple]], description: str | None = None) -> ReviewResult:
        """Write the changes with the activity that records them, in one update (nothing when the
        action changes nothing: repeating it is idempotent)."""
        if not changed:
            return ReviewResult(action, (), tuple(unchanged), 0, None)
        activity = None
        for key, entities in located.items():
            mine = [e for e in entities if e in changed]
            if mine:
                activity, triples = _activity(action, mine, agent, description)
                inserts.setdefault(candidate_graph(key), set()).update(triples)
        _write(self._store, deletes, inserts)
        return ReviewResult(action, tuple(changed), tuple(unchanged), moved, activity)


def _with_own_labels(graph: _Graph, names: dict[str, Name]) -> dict[str, Name]:
    """`names` (read from the default graph) with the preferred labels only the candidate graph states
    filled in where the default graph has none."""
    filled = {}
    for node, name in names.items():
        own: dict[str, str] = {}
        for label in sorted(graph.values(node, _PREF)):  # the first of a language, as _Graph.value
            own.setdefault((label.lang or "")[:2], label.value)
        filled[node] = Name(node, name.label_zh or own.get("zh"), name.label_en or own.get("en"))
    return filled


def _movable(graph: _Graph, accepting: set[str]) -> set[Triple]:
    """The triples of `graph` that accepting `accepting` moves to the curated graph (the module
    docstring says which)."""
    statuses = graph.statuses()
    settled_now = accepting | {e for e, s in statuses.items() if s == "accepted"}

    def settled(term: Term) -> bool:
        return not term.is_iri or term.value not in statuses or term.value in settled_now

    evidence_nodes = graph.evidence()
    moving: set[str] = set()
    reached = set(settled_now)
    grew = True
    while grew:  # nodes minted without a status (amounts, events) follow what points at them
        grew = False
        for evidence in evidence_nodes:
            statement = graph.statement(evidence)
            if evidence in moving or statement is None:
                continue
            s, _, o = statement
            if (s.value in reached or o.value in reached) and settled(s) and settled(o):
                moving.add(evidence)
                for end in (s, o):
                    if end.is_iri and end.value not in statuses and end.value not in reached:
                        reached.add(end.value)
                grew = True
    triples: set[Triple] = set()
    support: set[str] = set()
    for evidence in moving:
        triples.update(graph.by_subject[evidence])
        statement = graph.statement(evidence)
        if statement is not None and statement in graph.triples:
            triples.add(statement)
        support |= {o.value for _, p, o in graph.by_subject[evidence] if p.value in _SUPPORT}
    stated = {graph.statement(e) for e in evidence_nodes}
    for node in support:  # sections, the report's file and checksum, the ingest activity
        triples |= {t for t in graph.by_subject.get(node, ())
                    if t[1].value not in _BOOKKEEPING and t not in stated}
    return triples


def _curators_labels(graph: _Graph, accepting: set[str], moving: set[Triple]) -> set[Triple]:
    """The labels a curator gave `accepting` (`edit`: no evidence cites them), with a citation each,
    to go to the curated graph with the rest: the span, section and report of a label the report
    itself gives the entity (its own wording, kept as an alternative label), else of its type, and an
    editorial note saying whose reading the label is. Without this, an accepted candidate whose label
    was edited reached the curated graph with only the report's wording."""
    stated = {graph.statement(e) for e in graph.evidence()}
    moved_evidence = {t[0].value for t in moving if t[1].value == _SUBJECT}
    found: set[Triple] = set()
    for entity in sorted(accepting):
        node = iri(entity)
        given = [t for t in graph.by_subject.get(entity, ())
                 if t[1].value in (_PREF, _ALT) and t[2].is_literal and t not in stated]
        if not given:
            continue
        # The report's own wording first (an alternative label now), then any label, then anything.
        rank = {_ALT: 0, _PREF: 1}
        sources = sorted((rank.get(st[1].value, 2), e) for e in moved_evidence
                         if (st := graph.statement(e)) is not None and st[0] == node)
        if not sources:
            continue
        source = sources[0][1]
        cited = [t for t in graph.by_subject[source]
                 if t[1].value in (*_SUPPORT, str(OA.start), str(OA.end))]
        for statement in given:
            evidence = iri(str(EV) + "curator-" + hashlib.sha256(
                "\n".join(t.to_ntriples() for t in statement).encode()).hexdigest()[:16])
            found |= {statement, (evidence, iri(_TYPE), iri(_EVIDENCE)),
                      (evidence, iri(_SUBJECT), statement[0]), (evidence, iri(_PREDICATE), statement[1]),
                      (evidence, iri(_OBJECT), statement[2]),
                      (evidence, iri(str(SKOS.editorialNote)), literal(
                          "名称由审核人给定;此处为报告原文的写法(见别名)。", lang="zh")),
                      (evidence, iri(str(SKOS.editorialNote)), literal(
                          "The name was given by the curator in review; the span is the report's own "
                          "wording of it (an alternative label).", lang="en"))}
            found |= {(evidence, p, o) for _, p, o in cited}
    return found


def _number(term: Term | None) -> float | None:
    try:
        return float(term.value) if term is not None else None
    except ValueError:
        return None
