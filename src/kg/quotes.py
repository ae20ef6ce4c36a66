"""The source texts of the reports, and the quotes cut from them into the store.

The repository keeps offsets only (`oa:start`/`oa:end`, code points into a report's text file, exactly as
it is); the report's text stays out of it. When a report's text is at hand (`Settings.sources_dir`),
`add_quotes` gives each of its evidence nodes the span it cites as W3C Web Annotation: the evidence node
is its own selector, an `oa:TextPositionSelector` by its offsets and, once quoted, an
`oa:TextQuoteSelector` with `oa:exact`. The quotes go into the evidence's own named graph, so SPARQL
answers, Graph Store reads and RDF exports carry them with the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from kg.namespaces import OA, RDF
from kg.terms import Term, Triple, iri, literal

if TYPE_CHECKING:
    from kg.store import Engine

_SPANS_QUERY = """
PREFIX ikg: <https://w3id.org/innokg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT DISTINCT ?g ?ev ?file ?start ?end WHERE {
  GRAPH ?g { ?ev a ikg:Evidence ; prov:wasDerivedFrom ?doc ; oa:start ?start ; oa:end ?end . }
  ?doc ikg:sourceFile ?file .
  FILTER NOT EXISTS { GRAPH ?g { ?ev oa:exact ?quoted } }
}
"""


class SourceTexts:
    """The source report texts, read once from a directory when it is there."""

    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._texts: dict[str, str | None] = {}

    def find_text(self, file_name: str | None) -> str | None:
        """The whole text of a source file (decoded as UTF-8, not normalised), or None if absent."""
        if not file_name or self._directory is None:
            return None
        if file_name not in self._texts:
            path = self._directory / Path(file_name).name  # a bare name: never leave the directory
            try:
                self._texts[file_name] = path.read_text(encoding="utf-8")
            except OSError:
                self._texts[file_name] = None
        return self._texts[file_name]


def cut(text: str, start: str | None, end: str | None) -> str | None:
    """`text[start:end]` for well-formed code-point offsets inside the text, else None."""
    if not (start and end and start.isdigit() and end.isdigit()):
        return None
    a, b = int(start), int(end)
    return text[a:b] if 0 <= a <= b <= len(text) else None


def quote_triples(store: Engine, sources: SourceTexts) -> dict[str, list[Triple]]:
    """The oa:TextQuoteSelector triples of every unquoted evidence node whose text is found, by graph."""
    by_graph: dict[str, list[Triple]] = defaultdict(list)
    for graph, evidence, file_name, start, end in store.select_values(_SPANS_QUERY):
        text = sources.find_text(file_name)
        quote = cut(text, start, end) if text is not None else None
        if graph is None or evidence is None or quote is None:
            continue  # no text for this report, or malformed offsets (SHACL flags those)
        node: Term = iri(evidence)
        by_graph[graph] += [(node, iri(str(RDF.type)), iri(str(OA.TextQuoteSelector))),
                            (node, iri(str(OA.exact)), literal(quote))]
    return by_graph


def add_quotes(store: Engine, sources_dir: Path | None) -> int:
    """Add `oa:exact` quotes to evidence whose report text is in `sources_dir`; returns how many."""
    found = quote_triples(store, SourceTexts(sources_dir))
    for graph, triples in sorted(found.items()):
        store.add_triples(triples, graph=graph)
    if found:
        store.flush()
    return sum(len(triples) for triples in found.values()) // 2
