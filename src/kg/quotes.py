"""The source texts of the reports, and the quotes cut from them into the store.

The repository keeps offsets only (`oa:start`/`oa:end`, code points into a report's text file, exactly as
it is); the report's text stays out of it. When a report's text is at hand (`Settings.sources_dir`),
`add_quotes` gives each of its evidence nodes the span it cites as W3C Web Annotation: the evidence node
is its own selector, an `oa:TextPositionSelector` by its offsets and, once quoted, an
`oa:TextQuoteSelector` with `oa:exact`. The quotes go into the evidence's own named graph, so SPARQL
answers, Graph Store reads and RDF exports carry them with the evidence.

A quote is kept exactly as the report has it, stray typesetting included (the offsets count every code
point); `display_quote` is the form a page shows.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from kg.namespaces import IKG, OA, RDF
from kg.terms import Term, Triple, iri, literal

if TYPE_CHECKING:
    from kg.store import Engine

#: Han characters: the CJK ideograph blocks (with their extensions and compatibility forms), the radicals,
#: and the ideographic marks 々 〇 〡-〩 〸-〻, as the web page's `\p{Script=Han}` (static/js/quotes.js).
_HAN = ("\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        "\U00020000-\U0003134f")
#: What the report's PDF extraction left between two Han characters: one space (plain, no-break or
#: ideographic) or a line break, blank lines and the spaces around them (a page break mid-word).
_STRAY = re.compile(f"(?<=[{_HAN}])(?:[ \u00a0\u3000]|[ \t]*(?:\r?\n[ \t]*)+)(?=[{_HAN}])")

#: The named graph of the report texts kept in the store (`<urn:sha256:HEX> a ikg:SourceText`).
SOURCES_GRAPH = "https://w3id.org/innokg/graph/sources"

_REPORTS_QUERY = f"SELECT DISTINCT ?doc ?file WHERE {{ ?doc <{IKG.sourceFile}> ?file }}"

#: The unquoted evidence spans of one report (bound as ?doc): asked per report whose text is at hand,
#: since a scan of all evidence takes seconds at a million triples (10 s measured) even when no text is.
_SPANS_QUERY = """
PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT DISTINCT ?g ?ev ?start ?end WHERE {
  GRAPH ?g { ?ev prov:wasDerivedFrom DOC ; a ikg:Evidence ; oa:start ?start ; oa:end ?end . }
  FILTER NOT EXISTS { GRAPH ?g { ?ev oa:exact ?quoted } }
}
"""


class SourceTexts:
    """The source report texts: from the store first (the `ikg:SourceText` a report names with
    `ikg:sourceText`, graph:sources), else read once from a directory when it is there."""

    def __init__(self, directory: Path | None, store: Engine | None = None) -> None:
        self._directory = directory
        self._store = store
        self._texts: dict[str, str | None] = {}
        self._stored: dict[tuple[str | None, str | None], str] = {}

    def find_text(self, file_name: str | None, *, document: str | None = None) -> str | None:
        """The whole text of a report (decoded as UTF-8, not normalised), or None if absent: the one
        the store keeps for `document` (else for a report of that file name), else the file."""
        stored = self._from_store(file_name, document)
        if stored is not None:
            return stored
        if not file_name or self._directory is None:
            return None
        if file_name not in self._texts:
            path = self._directory / Path(file_name).name  # a bare name: never leave the directory
            try:
                self._texts[file_name] = path.read_text(encoding="utf-8")
            except OSError:
                self._texts[file_name] = None
        return self._texts[file_name]

    def _from_store(self, file_name: str | None, document: str | None) -> str | None:
        # Found texts are kept (a text under a checksum never changes); a miss asks again, since a
        # report loaded later may bring its text.
        if self._store is None or not (file_name or document):
            return None
        key = (file_name, document)
        if key not in self._stored:
            doc = iri(document).to_ntriples() if document else "?doc"
            named = ""
            if file_name and not document:
                named = f"{doc} <{IKG.sourceFile}> {literal(file_name).to_ntriples()} ."
            rows = self._store.select_values(
                f"SELECT ?content WHERE {{ {named} {doc} <{IKG.sourceText}> ?text . "
                f"?text <{IKG.content}> ?content }} LIMIT 1")
            if not rows or rows[0][0] is None:
                return None
            self._stored[key] = rows[0][0]
        return self._stored[key]


def cut(text: str, start: str | None, end: str | None) -> str | None:
    """`text[start:end]` for well-formed code-point offsets inside the text, else None."""
    if not (start and end and start.isdigit() and end.isdigit()):
        return None
    a, b = int(start), int(end)
    return text[a:b] if 0 <= a <= b <= len(text) else None


def display_quote(text: str) -> str:
    """`text` as a page shows it: a stray space or line break between two Han characters removed (科 学平台处
    reads 科学平台处); spaces next to Latin letters or digits, and between Latin words, stay."""
    return _STRAY.sub("", text)


def quote_triples(store: Engine, sources: SourceTexts) -> dict[str, list[Triple]]:
    """The oa:TextQuoteSelector triples of every unquoted evidence node whose text is found, by graph."""
    by_graph: dict[str, list[Triple]] = defaultdict(list)
    for document, file_name in store.select_values(_REPORTS_QUERY):
        text = sources.find_text(file_name, document=document) if document else None
        if document is None or text is None:
            continue  # no text for this report
        spans = _SPANS_QUERY.replace("DOC", iri(document).to_ntriples())
        for graph, evidence, start, end in store.select_values(spans):
            quote = cut(text, start, end)
            if graph is None or evidence is None or quote is None:
                continue  # malformed offsets (SHACL flags those)
            node: Term = iri(evidence)
            by_graph[graph] += [(node, iri(str(RDF.type)), iri(str(OA.TextQuoteSelector))),
                                (node, iri(str(OA.exact)), literal(quote))]
    return by_graph


def add_quotes(store: Engine, sources_dir: Path | None) -> int:
    """Add `oa:exact` quotes to evidence whose report text is in `sources_dir`; returns how many."""
    found = quote_triples(store, SourceTexts(sources_dir, store))
    for graph, triples in sorted(found.items()):
        store.add_triples(triples, graph=graph)
    if found:
        store.flush()
    return sum(len(triples) for triples in found.values()) // 2


_UNSTORED_QUERY = f"""
SELECT DISTINCT ?g ?doc ?file WHERE {{
  GRAPH ?g {{ ?doc <{IKG.sourceFile}> ?file }}
  FILTER NOT EXISTS {{ ?doc <{IKG.sourceText}> ?text }}
}}
"""


def source_text_triples(text: str) -> tuple[str, list[Triple]]:
    """The IRI of a report text in the store (`urn:sha256:HEX` of its UTF-8 bytes) and the triples that
    keep it there (`a ikg:SourceText ; ikg:content ; dcterms:extent`, code points)."""
    node = f"urn:sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"
    extent = literal(str(len(text)), datatype="http://www.w3.org/2001/XMLSchema#integer")
    return node, [(iri(node), iri(str(RDF.type)), iri(str(IKG.SourceText))),
                  (iri(node), iri(str(IKG.content)), literal(text)),
                  (iri(node), iri("http://purl.org/dc/terms/extent"), extent)]


def add_source_texts(store: Engine, sources_dir: Path | None) -> int:
    """Keep in the store the text of every report whose file is in `sources_dir` and whose text the
    store does not hold yet (graph:sources, and `ikg:sourceText` on the report, in its graph);
    returns how many (idempotent: a report with its text is left alone)."""
    files = SourceTexts(sources_dir)
    added = 0
    for graph, document, file_name in store.select_values(_UNSTORED_QUERY):
        text = files.find_text(file_name)
        if graph is None or document is None or text is None:
            continue
        node, triples = source_text_triples(text)
        # The text first, then the link: a start stopped in between only leaves a text unnamed,
        # and the next start links it.
        store.add_triples(triples, graph=SOURCES_GRAPH)
        store.add_triples([(iri(document), iri(str(IKG.sourceText)), iri(node))], graph=graph)
        added += 1
    if added:
        store.flush()
    return added
