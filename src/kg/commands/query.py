"""`kg query`: run a SPARQL query with the endpoint's guard, row cap and time limit."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import orjson

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, settings_from
from kg.errors import BadRequestError
from kg.namespaces import to_curie
from kg.services import Services
from kg.sparql.protocol import ProtocolRequest

#: --format values: SPARQL result formats, RDF formats, and `table` for a terminal.
FORMATS = ("table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml", "nquads",
           "trig")
_TABLE_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
#: Widest column of the table, in terminal cells (longer values are cut with an ellipsis).
_MAX_CELL = 60


def register(subparsers: Subparsers) -> None:
    """Add the `query` command."""
    parser = subparsers.add_parser(
        "query", help=COMMANDS["query"]
    )
    add_store_options(parser)
    parser.add_argument("query", nargs="?", help="the SPARQL query text (or use --file)")
    parser.add_argument("--file", "-f", type=Path, help="read the query from this file ('-' = stdin)")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="output format (default: table for SELECT/ASK, Turtle for CONSTRUCT)")
    parser.add_argument("--timeout", type=float, help="time limit in seconds (default: KG_QUERY_TIMEOUT)")
    parser.add_argument("--max-rows", type=int, help="row cap (default: KG_MAX_ROWS)")
    parser.set_defaults(handler=run)


def _query_text(args: argparse.Namespace) -> str:
    if args.file is not None:
        return sys.stdin.read() if str(args.file) == "-" else _read(args.file)
    if args.query:
        return str(args.query)
    raise BadRequestError("Give the query as an argument or with --file.")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadRequestError(f"Cannot read the query file {path}: {exc}.") from None


def run(args: argparse.Namespace) -> int:
    """Run the query in a worker process and print the answer; 1 with a message on any error."""
    settings = settings_from(args)
    overrides = {k: v for k, v in (("query_timeout", args.timeout), ("max_rows", args.max_rows))
                 if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    text = _query_text(args)
    if args.format == "table":  # a table of SELECT/ASK results; Turtle for a graph
        request, accept = ProtocolRequest(query=text), _TABLE_ACCEPT
    else:
        request, accept = ProtocolRequest(query=text, formats=(args.format,)), None
    with Services.open(settings) as services:  # closing stops the query worker processes
        answer = services.sparql.query(request, accept=accept)
    if args.format == "table" and answer.media_type and "sparql-results+json" in answer.media_type:
        sys.stdout.write(render_table(orjson.loads(answer.body)))
    else:
        sys.stdout.buffer.write(answer.body)
        sys.stdout.flush()
    if answer.truncated:
        print(f"kg query: warning: answer cut at {settings.max_rows} rows (KG_MAX_ROWS / --max-rows).",
              file=sys.stderr)
    return 0


def _cell(binding: dict[str, str] | None) -> str:
    if binding is None:
        return ""
    value = binding["value"]
    if binding["type"] == "uri":
        return to_curie(value)
    if binding["type"] == "bnode":
        return f"_:{value}"
    if "xml:lang" in binding:
        return f"{value}@{binding['xml:lang']}"
    return value


def _width(text: str) -> int:
    # Chinese characters take two terminal cells; alignment must count cells, not code points.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str) -> str:
    text = " ".join(text.split())
    if _width(text) <= _MAX_CELL:
        return text
    while _width(text) > _MAX_CELL - 1:
        text = text[:-1]
    return text + "…"


def render_table(document: dict[str, object]) -> str:
    """A SPARQL JSON document as an aligned text table (or `true`/`false` for ASK)."""
    if "boolean" in document:
        return f"{str(document['boolean']).lower()}\n"
    variables: list[str] = document["head"]["vars"]  # type: ignore[index]
    bindings = document["results"]["bindings"]  # type: ignore[index]
    rows = [[_fit(_cell(b.get(v))) for v in variables] for b in bindings]
    widths = [max([_width(v), *(_width(r[i]) for r in rows)]) for i, v in enumerate(variables)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(variables), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
