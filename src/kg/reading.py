"""Reading a citation in context: one evidence node, the report it cites, the paragraph around its span,
the statements it supports, and the citation of it in a standard form.

An evidence node (`ev:zj2020-…`) says that the report's code points [start, end) state a fact. Read in
context, it answers what a researcher opening the report at that place sees: the document (title,
issuer, date), the section, the cited span, the paragraph holding it (located in the report's text,
`kg.provenance.Provenance.source_text`), what the graph reads there, and a "cite this" block. When the
report's text is not on the server (Settings.sources_dir), the span is still quoted from the store
(`oa:exact`, kg.quotes) but the paragraph is null, and the answer's notes say why.

The paragraph is the run of lines holding the span, from the line break before it to the one after it.
The report is a PDF extraction: a page break cuts a paragraph mid-sentence with a blank line
(`习近\\n\\n平总书记`), so a line of running text that does not end a sentence continues across the break,
unless the next line starts a new item or heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from kg.entities import Name, Value, find_names
from kg.errors import BadRequestError, EvidenceNotFoundError
from kg.namespaces import DCTERMS, EV, IKG, RDF
from kg.naming import entity_id, read_reference
from kg.terms import Term, iri

if TYPE_CHECKING:
    from kg.provenance import Citation, Provenance
    from kg.store import Engine

#: Languages a reading (its document strings and its citation) is written in.
LANGUAGES = ("zh", "en")
#: What ends a sentence (or a clause a line may end on) in the reports.
_SENTENCE_END = ("。", "！", "？", "；", "：", "…", "”", "」", "』", ".", "!", "?", ";", ":")
#: A line that starts an item or a heading ("- 一是…", "二、…", "(一)…", "3.…") never continues another.
_ITEM_START = re.compile(
    r"\s*(?:[-•·*]\s|[一二三四五六七八九十]+[、.]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、])")
#: Shortest line read as running text cut by a page break: shorter ones are headings, dates, names.
_RUNNING_TEXT = 20
_LINE = re.compile(r"[^\n]*\S[^\n]*")
#: Labels of predicates no vocabulary labels (zh, en): how a statement of them reads.
_PREDICATE_LABELS = {str(RDF.type): ("是", "is a")}
_DOCUMENT_FIELDS = {
    str(DCTERMS.title): "title", str(DCTERMS.issued): "date", str(DCTERMS.date): "date",
    str(DCTERMS.publisher): "issuer", str(DCTERMS.creator): "author", str(IKG.issueNumber): "number",
    str(DCTERMS.isPartOf): "series", str(IKG.sourceFile): "source_file",
}


@dataclass(frozen=True)
class Paragraph:
    """The paragraph of the report holding a span: code points [start, end) and its exact text."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, object]:
        """{"start", "end", "text"}."""
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Document:
    """The report an evidence node cites."""

    iri: str
    title_zh: str | None
    title_en: str | None
    issuer: Name | None  # dcterms:publisher
    author: Name | None  # dcterms:creator
    series: Name | None  # dcterms:isPartOf
    date: str | None  # dcterms:issued (else dcterms:date)
    number: str | None  # ikg:issueNumber
    source_file: str | None  # ikg:sourceFile

    @property
    def year(self) -> str | None:
        """The year of `date`."""
        return self.date[:4] if self.date else None

    def title(self, lang: str) -> str | None:
        """The title in `lang`, else in the other language."""
        return _pick(self.title_zh, self.title_en, lang)

    def to_dict(self, lang: str) -> dict[str, object]:
        """The document as the contract's JSON (strings in `lang`, both titles kept)."""
        return {
            "iri": self.iri, "id": entity_id(self.iri), "title": self.title(lang),
            "title_zh": self.title_zh, "title_en": self.title_en,
            "issuer": _name_in(self.issuer, lang), "issuer_iri": self.issuer.iri if self.issuer else None,
            "author": _name_in(self.author, lang), "series": _name_in(self.series, lang),
            "date": self.date, "number": self.number, "source_file": self.source_file,
        }


@dataclass(frozen=True)
class Statement:
    """A statement an evidence node supports: subject, predicate and object, labelled."""

    subject: Value
    predicate: Name
    obj: Value

    def to_dict(self) -> dict[str, object]:
        """{"subject", "predicate", "object", "text": {"zh", "en"}} (object: an entity or a literal)."""
        return {
            "subject": self.subject.to_dict(), "predicate": self.predicate.to_dict(),
            "object": self.obj.to_dict(),
            "text": {lang: " ".join(_value_text(part, lang) for part in (self.subject, self.predicate,
                                                                          self.obj))
                     for lang in LANGUAGES},
        }


@dataclass(frozen=True)
class Cite:
    """How to cite one evidence node: a reference in a standard form, its permalink, and BibTeX."""

    style: str
    text: str
    permalink: str
    bibtex: str

    def to_dict(self) -> dict[str, object]:
        """{"style", "text", "permalink", "bibtex"}."""
        return {"style": self.style, "text": self.text, "permalink": self.permalink, "bibtex": self.bibtex}


@dataclass(frozen=True)
class Reading:
    """One evidence node read in context."""

    citation: Citation
    document: Document
    paragraph: Paragraph | None
    statements: tuple[Statement, ...]
    cite: Cite
    lang: str
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """The contract's JSON: evidence, document, section, span, text, paragraph, statements, cite."""
        c = self.citation
        section = {"number": c.section, "title": c.section_title} if c.section or c.section_title else None
        note = {"zh": c.note.zh, "en": c.note.en} if c.note else None
        return {
            "evidence": c.evidence, "id": entity_id(c.evidence),
            "document": self.document.to_dict(self.lang), "section": section,
            "start": c.start, "end": c.end, "text": c.text, "note": note,
            "paragraph": self.paragraph.to_dict() if self.paragraph else None,
            "statements": [s.to_dict() for s in self.statements],
            "cite": self.cite.to_dict(), "lang": self.lang, "notes": list(self.notes),
        }


def _pick(zh: str | None, en: str | None, lang: str) -> str | None:
    return (zh or en) if lang == "zh" else (en or zh)


def _name_in(name: Name | None, lang: str) -> str | None:
    return _pick(name.label_zh, name.label_en, lang) if name else None


def _value_text(part: Value | Name, lang: str) -> str:
    if isinstance(part, Name):
        return _pick(part.label_zh, part.label_en, lang) or part.curie
    if part.node is not None:
        return _pick(part.node.label_zh, part.node.label_en, lang) or entity_id(part.node.iri)
    return part.literal or ""


def evidence_iri(text: str) -> str:
    """The IRI of an evidence node given as `ev:` CURIE, full IRI, `<IRI>` or bare local name
    (`zj2020-…`); raises BadRequestError for empty text, EvidenceNotFoundError for a name."""
    text = text.strip()
    if not text:
        raise BadRequestError("An evidence id is required, e.g. ev:zj2020-48608ee18f4e or its IRI.")
    found, form = read_reference(text)
    if form == "id":
        return str(EV) + text  # a bare local name is one under the evidence namespace
    if found is None:
        raise _not_found(text)
    return found


def _not_found(text: str) -> EvidenceNotFoundError:
    return EvidenceNotFoundError(
        f"No evidence node is named {text!r}; give the id a citation carries (e.g. "
        "ev:zj2020-48608ee18f4e) or its full IRI."
    )


# -- the paragraph -------------------------------------------------------------------------------

def find_paragraph(text: str, start: int, end: int) -> Paragraph | None:
    """The paragraph of `text` holding code points [start, end) (see the module docstring); None
    when the span does not lie inside the text."""
    if not 0 <= start <= end <= len(text):
        return None
    lines = [m.span() for m in _LINE.finditer(text)]
    if not lines:
        return None
    first = next((i for i, (_, b) in enumerate(lines) if b > start), len(lines) - 1)
    last = next((i for i, (_, b) in enumerate(lines) if b >= end), len(lines) - 1)
    last = max(first, last)
    while first > 0 and _continues(text, lines[first - 1], lines[first]):
        first -= 1
    while last < len(lines) - 1 and _continues(text, lines[last], lines[last + 1]):
        last += 1
    begin, finish = min(lines[first][0], start), max(lines[last][1], end)
    return Paragraph(begin, finish, text[begin:finish])


def _continues(text: str, before: tuple[int, int], after: tuple[int, int]) -> bool:
    """Whether the line `after` continues the line `before` across a break (see the module docstring)."""
    line = text[before[0]:before[1]].rstrip()
    following = text[after[0]:after[1]]
    return (len(line) >= _RUNNING_TEXT and not line.endswith(_SENTENCE_END)
            and _ITEM_START.match(following) is None)


# -- citing --------------------------------------------------------------------------------------

def cite(citation: Citation, document: Document, permalink: str, lang: str) -> Cite:
    """The citation of one evidence node: after GB/T 7714-2015 (a report, [R]) in zh, after APA 7 in en,
    both with the section, the code-point span and the permalink; and a BibTeX @techreport."""
    where_zh = f"{citation.section}节, " if citation.section else ""
    where_en = f"section {citation.section}, " if citation.section else ""
    span = f"{citation.start}–{citation.end}"
    author_zh = _name_in(document.author, "zh") or _name_in(document.issuer, "zh") or "佚名"
    author_en = _name_in(document.author, "en") or _name_in(document.issuer, "en") or "Anonymous"
    title_zh = document.title("zh") or entity_id(document.iri)
    if lang == "zh":
        issuer = _name_in(document.issuer, "zh")
        published = ", ".join(p for p in (issuer, document.year) if p)
        text = (f"{author_zh}. {title_zh}[R]. {published}: {where_zh}第{span}字(码位). {permalink}.")
        style = "GB/T 7714-2015 (报告 [R])"
    else:
        translated = f" [{document.title_en}]" if document.title_en and document.title_en != title_zh else ""
        number = f" (No. {document.number})" if document.number else ""
        issuer = _name_in(document.issuer, "en")
        dated = _apa_date(document.date)
        text = (f"{author_en}. ({dated}). {title_zh}{translated}{number}."
                f"{f' {issuer}.' if issuer else ''} {where_en[:1].upper() + where_en[1:]}"
                f"characters (code points) {span}. {permalink}")
        style = "APA 7 (report)"
    return Cite(style, text, permalink, _bibtex(citation, document, permalink, author_zh, title_zh))


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _apa_date(date: str | None) -> str:
    """An ISO date as APA writes it: "2020, June 12", "2020, June", "2020"; "n.d." without one."""
    if not date:
        return "n.d."
    year, _, rest = date.partition("-")
    month, _, day = rest.partition("-")
    if not (month.isdigit() and 1 <= int(month) <= 12):
        return year
    return f"{year}, {_MONTHS[int(month) - 1]}" + (f" {int(day)}" if day.isdigit() else "")


def _bibtex_value(text: str) -> str:
    # Braces delimit BibTeX values: unbalanced ones, and backslashes, cannot be carried as typed.
    return text.replace("\\", "/").replace("{", "(").replace("}", ")")


def _bibtex(citation: Citation, document: Document, permalink: str, author: str, title: str) -> str:
    key = re.sub(r"[^A-Za-z0-9_-]+", "-", entity_id(citation.evidence).replace("ev:", "innokg-"))
    fields = [
        ("author", f"{{{_bibtex_value(author)}}}"), ("title", _bibtex_value(title)),
        ("institution", _bibtex_value(_name_in(document.issuer, "zh") or "")),
        ("type", "调研报告"), ("number", document.number or ""), ("year", document.year or ""),
        ("date", document.date or ""),
        ("note", f"Section {citation.section or '?'}, code points {citation.start}--{citation.end}"),
        ("url", permalink), ("language", "chinese"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@techreport{{{key},\n{body}\n}}\n"


# -- the service ---------------------------------------------------------------------------------

class EvidenceReader:
    """Reads evidence nodes in context (see the module docstring)."""

    def __init__(self, store: Engine, provenance: Provenance) -> None:
        self._store = store
        self._provenance = provenance

    def read(self, identifier: str, *, base_url: str, lang: str = "zh") -> Reading:
        """The evidence node `identifier` names, read in context with its permalink under `base_url`;
        raises BadRequestError (empty id, unknown lang) or EvidenceNotFoundError."""
        if lang not in LANGUAGES:
            raise BadRequestError(f"Unknown lang={lang!r}; use zh or en.")
        evidence = evidence_iri(identifier)
        supported = self._provenance.for_evidence(evidence)
        if not supported:
            raise _not_found(identifier)
        citation = supported[0][1]
        document = self.document(citation.document)
        paragraph, notes = self._paragraph(citation, document)
        permalink = f"{base_url.rstrip('/')}/evidence/{quote(entity_id(evidence), safe=':')}"
        return Reading(citation, document, paragraph, self._statements([k for k, _ in supported]),
                       cite(citation, document, permalink, lang), lang, tuple(notes))

    def document(self, document_iri: str) -> Document:
        """What the store says of a report: titles, issuer, author, series, date, number, source file."""
        titles: dict[str, str] = {}
        values: dict[str, Term] = {}
        for _, p, o in self._store.triples(iri(document_iri)):
            field_name = _DOCUMENT_FIELDS.get(p.value)
            if field_name == "title" and o.is_literal:
                titles.setdefault((o.lang or "zh")[:2], o.value)
            elif field_name is not None:
                values.setdefault(field_name, o)
        names = find_names(self._store, [t.value for t in values.values() if t.is_iri])

        def name(field_name: str) -> Name | None:
            found = values.get(field_name)
            return names.get(found.value) if found is not None and found.is_iri else None

        def literal(field_name: str) -> str | None:
            found = values.get(field_name)
            return found.value if found is not None and found.is_literal else None

        return Document(document_iri, titles.get("zh"), titles.get("en"), name("issuer"), name("author"),
                        name("series"), literal("date"), literal("number"), literal("source_file"))

    def _paragraph(self, citation: Citation, document: Document) -> tuple[Paragraph | None, list[str]]:
        if document.source_file is None:
            return None, ["The report names no source file (ikg:sourceFile): the paragraph around the "
                          "span cannot be located."]
        text = self._provenance.source_text(document.source_file, document=document.iri)
        if text is None:
            return None, [f"The report's text ({document.source_file}) is not on this server "
                          "(KG_SOURCES_DIR): the paragraph around the span cannot be shown; the cited "
                          "span is quoted from the store."]
        paragraph = find_paragraph(text, citation.start, citation.end)
        if paragraph is None:
            return None, [f"The span [{citation.start},{citation.end}) lies outside the report's text "
                          f"({len(text)} code points in {document.source_file}): the offsets do not fit "
                          "this copy of the report."]
        return paragraph, []

    def _statements(self, keys: list[tuple[str, str, Term]]) -> tuple[Statement, ...]:
        iris = {s for s, _, _ in keys} | {p for _, p, _ in keys} | {o.value for _, _, o in keys if o.is_iri}
        names = find_names(self._store, iris)
        for predicate, (zh, en) in _PREDICATE_LABELS.items():
            found = names.get(predicate)
            if found is not None and not (found.label_zh or found.label_en):
                names[predicate] = Name(predicate, zh, en)
        return tuple(
            Statement(Value(node=names[s]), names[p],
                      Value(node=names[o.value]) if o.is_iri else
                      Value(literal=o.value, datatype=o.datatype, lang=o.lang))
            for s, p, o in keys
        )
