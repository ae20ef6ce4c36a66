"""Statement-level provenance: which span of which report each fact comes from.

Pattern (ontology/README.md, "Provenance"): every asserted triple (s p o) has one or more evidence nodes

    ?ev a ikg:Evidence ; rdf:subject s ; rdf:predicate p ; rdf:object o ;
        prov:wasDerivedFrom <report> ; ikg:inSection <section> ; oa:start N ; oa:end M .

with N and M code-point offsets into the report's source file exactly as it is, so that
`text[N:M]` is the evidence; where the curator's reading needs context beyond the span, the evidence
carries a `skos:editorialNote` (zh and en), and every citation carries it too. The quoted text comes
from the source file when it is at hand, else from the `oa:exact` the store holds (see kg.quotes).
`Provenance` reads all of them in one query and answers lookups from memory; it rebuilds itself when
the store's generation changes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.quotes import SourceTexts, cut
from kg.store import Engine
from kg.store.index_files import IndexFiles
from kg.terms import Term

__all__ = ["Citation", "Note", "Provenance", "SourceTexts"]

_EVIDENCE_QUERY = """
PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?ev ?s ?p ?o ?doc ?file ?section ?sectionNumber ?start ?end ?via
       (SAMPLE(?dt) AS ?docTitle) (SAMPLE(?st) AS ?sectionTitle) (SAMPLE(?nzh) AS ?noteZh)
       (SAMPLE(?nen) AS ?noteEn) (SAMPLE(?nx) AS ?noteOther) (SAMPLE(?q) AS ?exact)
WHERE {
  ?ev a ikg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      prov:wasDerivedFrom ?doc ; oa:start ?start ; oa:end ?end .
  # Titles come in several languages: the source language (zh) is kept. Notes are kept in zh and en
  # (a note in another or no language stands in for the English one).
  OPTIONAL { ?doc dcterms:title ?dt FILTER(lang(?dt) = "zh") }
  OPTIONAL { ?doc ikg:sourceFile ?file }
  OPTIONAL { ?ev ikg:inSection ?section .
             OPTIONAL { ?section ikg:sectionNumber ?sectionNumber }
             OPTIONAL { ?section dcterms:title ?st FILTER(lang(?st) = "zh") } }
  OPTIONAL { ?ev ikg:derivedVia ?via }
  OPTIONAL { ?ev skos:editorialNote ?nzh FILTER(langMatches(lang(?nzh), "zh")) }
  OPTIONAL { ?ev skos:editorialNote ?nen FILTER(langMatches(lang(?nen), "en")) }
  OPTIONAL { ?ev skos:editorialNote ?nx
             FILTER(!langMatches(lang(?nx), "zh") && !langMatches(lang(?nx), "en")) }
  OPTIONAL { ?ev oa:exact ?q }
}
GROUP BY ?ev ?s ?p ?o ?doc ?file ?section ?sectionNumber ?start ?end ?via
"""

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Note:
    """Why the curator read a span the way the graph states it (skos:editorialNote), in zh and en."""

    zh: str | None
    en: str | None


@dataclass(frozen=True)
class Citation:
    """Where one statement is stated: the document, its section, and a code-point span."""

    evidence: str
    document: str
    document_title: str | None
    section: str | None
    section_title: str | None
    start: int
    end: int
    text: str | None
    derived_via: str | None = None
    note: Note | None = None  # why the curator read the span this way (skos:editorialNote), if noted

    def to_dict(self) -> dict[str, object]:
        """The citation as JSON-ready values (`note` is {"zh", "en"} or None)."""
        return asdict(self)

    def note_in(self, lang: str) -> str | None:
        """The editorial note in `lang` ("zh" or "en"), else in the other language, else None."""
        if self.note is None:
            return None
        first, second = (self.note.zh, self.note.en) if lang == "zh" else (self.note.en, self.note.zh)
        return first or second


StatementKey = tuple[str, str, Term]


@dataclass(frozen=True)
class EvidenceIndex:
    """Every citation of the store by statement, by subject and by evidence node."""

    by_statement: dict[StatementKey, list[Citation]]
    by_subject: dict[str, dict[tuple[str, Term], list[Citation]]]
    by_evidence: dict[str, list[tuple[StatementKey, Citation]]]


class Provenance:
    """All evidence of the store, indexed by statement and by subject; stays in step with the store."""

    def __init__(self, store: Engine, sources_dir: Path | None = None, *,
                 files: IndexFiles | None = None) -> None:
        self._store = store
        self._files = files  # the index of the store's state kept on disk, loaded at a restart
        self._sources = SourceTexts(sources_dir, store)  # the store's copy of a text first
        self._lock = threading.Lock()
        self._generation = -1
        self._by_statement: dict[StatementKey, list[Citation]] = {}
        self._by_subject: dict[str, dict[tuple[str, Term], list[Citation]]] = {}
        self._by_evidence: dict[str, list[tuple[StatementKey, Citation]]] = {}

    def _refresh(self) -> None:
        with self._lock:
            if self._generation == self._store.generation:
                return
            generation = self._store.generation
            state = self._files.state() if self._files is not None else None
            found = self._files.load("evidence", EvidenceIndex) if self._files is not None else None
            if found is None:
                found = self._build()
                if self._files is not None:
                    self._files.save("evidence", found, state)
            self._by_statement = found.by_statement
            self._by_subject = found.by_subject
            self._by_evidence = found.by_evidence
            self._generation = generation

    def _build(self) -> EvidenceIndex:
        by_statement: dict[StatementKey, list[Citation]] = defaultdict(list)
        # One object per distinct text (documents, titles, sections, subjects, predicates repeat on
        # most rows): at a million triples a citation took 2 KB without it. Pickle keeps the sharing.
        shared: dict[str, str] = {}
        for row in self._store.select(_EVIDENCE_QUERY):
            if not (row["start"].value.isdigit() and row["end"].value.isdigit()):
                continue  # malformed offsets (SHACL flags them): no citation rather than a crash
            key = (shared.setdefault(row["s"].value, row["s"].value),
                   shared.setdefault(row["p"].value, row["p"].value), row["o"])
            by_statement[key].append(self._citation(row, shared))
        by_subject: dict[str, dict[tuple[str, Term], list[Citation]]] = defaultdict(dict)
        by_evidence: dict[str, list[tuple[StatementKey, Citation]]] = defaultdict(list)
        for (s, p, o), citations in by_statement.items():
            citations.sort(key=lambda c: (c.start, c.end, c.evidence))
            by_subject[s][(p, o)] = citations
            for citation in citations:
                by_evidence[citation.evidence].append(((s, p, o), citation))
        return EvidenceIndex(dict(by_statement), dict(by_subject), dict(by_evidence))

    def _citation(self, row: dict[str, Term], shared: dict[str, str]) -> Citation:
        def share(value: str) -> str:
            return shared.setdefault(value, value)

        def opt(name: str) -> str | None:
            return share(row[name].value) if name in row else None

        source = self._sources.find_text(opt("file"), document=row["doc"].value)
        text = cut(source, opt("start"), opt("end")) if source is not None else opt("exact")
        zh, en = opt("noteZh"), opt("noteEn") or opt("noteOther")
        return Citation(
            evidence=row["ev"].value, document=share(row["doc"].value), document_title=opt("docTitle"),
            section=opt("sectionNumber"), section_title=opt("sectionTitle"),
            start=int(row["start"].value), end=int(row["end"].value), text=text,
            derived_via=opt("via"), note=Note(zh, en) if zh or en else None,
        )

    def for_statement(self, subject: str, predicate: str, obj: Term) -> list[Citation]:
        """Citations of one statement (empty if it has none)."""
        self._refresh()
        return list(self._by_statement.get((subject, predicate, obj), ()))

    def for_subject(self, subject: str) -> dict[tuple[str, Term], list[Citation]]:
        """Citations of every statement whose subject is `subject`, keyed by (predicate, object)."""
        self._refresh()
        return dict(self._by_subject.get(subject, {}))

    def for_entity(self, iri: str) -> list[Citation]:
        """Citations of the entity's rdf:type statements (where the report names it)."""
        self._refresh()
        return [c for (p, _), cs in self._by_subject.get(iri, {}).items() if p == RDF_TYPE for c in cs]

    def statements(self) -> dict[StatementKey, list[Citation]]:
        """Every cited statement with its citations."""
        self._refresh()
        return dict(self._by_statement)

    def for_evidence(self, evidence: str) -> list[tuple[StatementKey, Citation]]:
        """The statements one evidence node supports, each with its citation (the row repeats per
        title language: one per statement is kept); empty when `evidence` is no evidence node."""
        self._refresh()
        unique = {key: citation for key, citation in self._by_evidence.get(evidence, ())}
        return sorted(unique.items(), key=lambda item: (item[0][0], item[0][1], item[0][2].value))

    def source_text(self, file_name: str | None, *, document: str | None = None) -> str | None:
        """The whole text of a report (`document`, else by its source file's name), as the citations
        quote it: the store's copy first, else the file (None when neither is at hand)."""
        return self._sources.find_text(file_name, document=document)
