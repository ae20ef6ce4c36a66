"""`kg query`: run a SPARQL query with the endpoint's guard, row cap and time limit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import add_format_option, format_table
from kg.errors import BadRequestError
from kg.namespaces import to_curie
from kg.services import Services
from kg.sparql.protocol import ProtocolRequest

#: --format values: SPARQL result formats, RDF formats, and `table` for a terminal.
FORMATS = ("table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml", "nquads",
           "trig")
_TABLE_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def register(subparsers: Subparsers) -> None:
    """Add the `query` command."""
    parser = subparsers.add_parser(
        "query", help=COMMANDS["query"],
        description="Run a SPARQL query over the store as POST /sparql would: the same guard, "
        "sandboxed worker, time limit and row cap. --format json, csv, tsv and xml print exactly "
        "what /sparql answers; table (the default) prints SELECT/ASK as a table, CONSTRUCT as Turtle.",
    )
    add_store_options(parser)
    parser.add_argument("query", nargs="?", help="the SPARQL query text (or use --file)")
    parser.add_argument("--file", "-f", type=Path, help="read the query from this file ('-' = stdin)")
    add_format_option(parser, FORMATS)
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
    except OSError as exc:
        raise BadRequestError(f"Cannot read the query file {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise BadRequestError(f"The query file {path} is not UTF-8 text.") from None


def run(args: argparse.Namespace) -> int:
    """Run the query in a worker process and print the answer; 1 with a message on any error."""
    for flag, value in (("--timeout", args.timeout), ("--max-rows", args.max_rows)):
        if value is not None and value <= 0:
            raise BadRequestError(f"{flag} must be positive, not {value}.")
    text = _query_text(args)
    overrides = {k: v for k, v in (("query_timeout", args.timeout), ("max_rows", args.max_rows))
                 if v is not None}
    with services_from(args, **overrides) as services:  # closing stops the query worker processes
        print_answer(services, text, args.format, command="query")
    return 0


def print_answer(services: Services, text: str, fmt: str, *, command: str) -> None:
    """Run the query `text` through the SPARQL endpoint, as /sparql does, and print the answer in
    `fmt` (`table`: SELECT/ASK as a text table, a graph as Turtle; else exactly the endpoint's
    answer); warns on standard error when the row cap cut it. Raises the endpoint's KGErrors."""
    if fmt == "table":
        answer = services.sparql.query(ProtocolRequest(query=text), accept=_TABLE_ACCEPT)
    else:
        answer = services.sparql.query(ProtocolRequest(query=text, formats=(fmt,)), accept=None)
    if fmt == "table" and answer.media_type and "sparql-results+json" in answer.media_type:
        sys.stdout.write(render_table(orjson.loads(answer.body)))
    else:
        sys.stdout.buffer.write(answer.body)
        if sys.stdout.isatty() and not answer.body.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")  # the prompt on a line of its own; pipes get the exact bytes
        sys.stdout.flush()
    if answer.truncated:
        print(f"kg {command}: warning: answer cut at {services.settings.max_rows} rows "
              "(KG_MAX_ROWS / --max-rows).", file=sys.stderr)


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


def render_table(document: dict[str, object]) -> str:
    """A SPARQL JSON document as an aligned text table (or `true`/`false` for ASK)."""
    if "boolean" in document:
        return f"{str(document['boolean']).lower()}\n"
    variables: list[str] = document["head"]["vars"]  # type: ignore[index]
    bindings = document["results"]["bindings"]  # type: ignore[index]
    return format_table(variables, [[_cell(b.get(v)) for v in variables] for b in bindings])
