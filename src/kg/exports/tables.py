"""CSV node and edge lists (UTF-8; optionally with a byte-order mark so Excel reads Chinese right).

Column names follow Gephi's spreadsheet import (`id`/`label`, `source`/`target`), which matches them
case-insensitively; the `type` column of nodes is the category, not Gephi's edge direction column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from kg.exports.presentation import Presentation

NODE_COLUMNS = ("id", "label", "label_zh", "label_en", "category", "types", "iri", "colour")
EDGE_COLUMNS = ("id", "source", "target", "label", "label_zh", "label_en", "property",
                "property_iri", "citations", "evidence")
_BOM = "\ufeff"


def _to_bytes(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, bom: bool) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(header)
    writer.writerows(rows)
    return ((_BOM if bom else "") + buffer.getvalue()).encode("utf-8")


def write_csv_nodes(view: Presentation, *, bom: bool = False) -> bytes:
    """One row per node."""
    rows = [(n.id, n.label, n.label_zh, n.label_en, n.category, " ".join(n.types), n.iri, n.colour)
            for n in view.nodes]
    return _to_bytes(NODE_COLUMNS, rows, bom=bom)


def write_csv_edges(view: Presentation, *, bom: bool = False) -> bytes:
    """One row per edge, with its cited sections and evidence text."""
    rows = [(e.id, e.source, e.target, e.label, e.label_zh, e.label_en, e.property, e.property_iri,
             e.citations, e.evidence) for e in view.edges]
    return _to_bytes(EDGE_COLUMNS, rows, bom=bom)
