"""How commands print results: one `--format table|json|csv` flag on every command that prints some.

`table` (the default) is for reading in a terminal; `json` is exactly the JSON the API answers for the
same question; `csv` is flat rows, one header line first, for spreadsheets and `pandas.read_csv`.
`--json` stays as an alias of `--format json` (older scripts use it).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.quotes import display_quote

if TYPE_CHECKING:
    from kg.graphview import Node

#: The formats every result-printing command offers.
FORMATS = ("table", "json", "csv")
#: Widest table column, in terminal cells (longer values are cut with an ellipsis).
MAX_CELL = 60


@dataclass(frozen=True)
class Rows:
    """A result as flat rows: the column names and one tuple of cells per row."""

    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def add_format_option(parser: argparse.ArgumentParser, choices: Sequence[str] = FORMATS,
                      *, default: str = "table") -> None:
    """--format (table, json, csv, or `choices`) and --json, its alias for `--format json`."""
    parser.add_argument("--format", choices=list(choices), default=default,
                        help=f"output: {', '.join(choices)} (default {default}); json is the API's "
                        "answer, csv flat rows")
    parser.add_argument("--json", dest="format", action="store_const", const="json",
                        help="same as --format json (kept for compatibility)")


def emit(fmt: str, *, answer: object, rows: Callable[[], Rows], table: Callable[[], None]) -> None:
    """Print a result in format `fmt`: the API's JSON `answer`, its `rows` as CSV, or the `table`
    printer's human-readable text."""
    if fmt == "json":
        print_json(answer)
    elif fmt == "csv":
        print_csv(rows())
    else:
        table()


def print_json(answer: object) -> None:
    """`answer` as indented JSON, non-ASCII text kept readable."""
    sys.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2) + "\n")


def print_csv(result: Rows) -> None:
    """`result` as CSV on standard output (RFC 4180 quoting, `\\n` line ends)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(result.header)
    writer.writerows(("" if cell is None else cell for cell in row) for row in result.rows)


def width(text: str) -> int:
    """Terminal cells `text` takes: Chinese characters take two, so alignment counts cells."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, most: int = MAX_CELL) -> str:
    """`text` on one line, cut with an ellipsis to at most `most` cells."""
    text = " ".join(text.split())
    if width(text) <= most:
        return text
    while width(text) > most - 1:
        text = text[:-1]
    return text + "…"


def format_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as an aligned text table with a rule under the header and a row count."""
    cells = [[fit("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([width(h), *(width(r[i]) for r in cells)]) for i, h in enumerate(header)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def name(node: Node, lang: str) -> str:
    """The node's preferred label in `lang` ("zh" or "en"), else in the other language, else its id."""
    first, second = (node.label_zh, node.label_en) if lang == "zh" else (node.label_en, node.label_zh)
    return first or second or node.id


def quoted(text: str | None) -> str:
    """A quote on one line of a table: the display form (kg.quotes.display_quote: no stray spaces
    between Han characters), its remaining line breaks and runs of spaces folded; JSON and CSV keep
    the exact text, whose offsets the span counts."""
    return " ".join(display_quote(text or "").split())
