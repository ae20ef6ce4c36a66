"""`kg export`: write the graph, a neighbourhood, paths, a trace, a CONSTRUCT result or chosen nodes to a
file; paths take the options of `kg path` (-k, --max-hops, --directed and the relation and type filters)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import cast

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.path import add_filter_options
from kg.errors import BadRequestError
from kg.exports import FORMATS, SCOPES, ExportRequest, ExportScope
from kg.graphview import PropertyFilter, TypeFilter
from kg.naming import term_iris


def register(subparsers: Subparsers) -> None:
    """Add the `export` command."""
    parser = subparsers.add_parser(
        "export", help=COMMANDS["export"],
        description="Examples: kg export gexf; kg export graphml --scope neighbourhood --entity "
        "shanghai-stc-office --depth 2; kg export dot --scope path --source ndrc --target "
        "shanghai-stc-office --max-hops 4 --avoid-property org:unitOf; kg export turtle --scope construct "
        "--query-file q.rq; kg export gexf --scope nodes --node ndrc --node 科创办",
    )
    add_store_options(parser)
    parser.add_argument("format", choices=list(FORMATS), help="export format")
    parser.add_argument("--scope", choices=SCOPES, default="all", help="part of the graph (default: all)")
    parser.add_argument("--entity", help="neighbourhood/trace: id, IRI, CURIE or name")
    parser.add_argument("--depth", type=int, default=1, help="neighbourhood: hops (default 1)")
    parser.add_argument("--source", help="path: where paths start")
    parser.add_argument("--target", help="path: where paths end")
    parser.add_argument("-k", type=int, default=3, help="path: number of shortest paths (default 3; "
                        "≤ KG_MAX_PATHS)")
    parser.add_argument("--max-hops", type=int, help="path: longest path (default 6; ≤ KG_MAX_HOPS)")
    parser.add_argument("--directed", action="store_true",
                        help="path: follow statements only from subject to object")
    parser.add_argument("--node", action="append", default=[], metavar="ENTITY",
                        help="nodes: an entity to export with every relation among them (repeatable)")
    add_filter_options(parser)
    parser.add_argument("--direction", choices=("down", "up"), default="down", help="trace direction")
    query = parser.add_mutually_exclusive_group()
    query.add_argument("--query", help="construct: the SPARQL CONSTRUCT/DESCRIBE text")
    query.add_argument("--query-file", type=Path, help="construct: a file holding the query")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language (default zh)")
    parser.add_argument("--bom", action="store_true", help="CSV: add a UTF-8 byte-order mark (Excel)")
    parser.add_argument("-o", "--output", help="file to write (default: the suggested name in the "
                        "current directory; '-' for standard output)")
    parser.set_defaults(handler=run)


def _query_text(args: argparse.Namespace) -> str | None:
    if args.query_file is None:
        return cast(str | None, args.query)
    try:
        return cast(Path, args.query_file).read_text(encoding="utf-8")
    except OSError as exc:
        raise BadRequestError(f"Cannot read {args.query_file}: {exc.strerror}.") from None


def _relations(args: argparse.Namespace) -> PropertyFilter:
    return PropertyFilter(term_iris(args.property, what="--property"),
                          term_iris(args.avoid_property, what="--avoid-property"))


def _types(args: argparse.Namespace) -> TypeFilter:
    return TypeFilter(term_iris(args.type, what="--type"), term_iris(args.avoid_type, what="--avoid-type"))


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file next to `path`, then rename it over `path`: a reader (or
    a failure half-way) never sees a partial file; raises BadRequestError naming the path."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(content)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise BadRequestError(f"Cannot write {path}: {exc.strerror}.") from exc


def run(args: argparse.Namespace) -> int:
    """Export and write the file; prints where it went and whether a limit cut it."""
    scope = ExportScope(args.scope, args.entity, args.depth, args.source, args.target, args.k,
                        args.direction, _query_text(args), tuple(args.node), max_hops=args.max_hops,
                        directed=args.directed, relations=_relations(args), types=_types(args))
    # A CONSTRUCT runs in a sandboxed query worker, with the time limit and row cap, as on the server.
    with services_from(args) as services:
        result = services.exporter.export(ExportRequest(args.format, scope, lang=args.lang, bom=args.bom))
    if args.output == "-":
        sys.stdout.buffer.write(result.content)
        sys.stdout.buffer.flush()
    else:
        path = Path(args.output or result.filename)
        write_atomically(path, result.content)
        print(f"kg export: wrote {path} ({len(result.content):,} bytes)", file=sys.stderr)
    if result.truncated:
        print(f"kg export: truncated at {result.max_nodes} nodes or by a search limit "
              "(KG_MAX_EXPORT_NODES, KG_MAX_HOPS, KG_PATH_TIME_BUDGET)", file=sys.stderr)
    return 0
