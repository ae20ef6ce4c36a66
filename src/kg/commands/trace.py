"""`kg trace up|down ID`: implementation chains along governance relations."""

from __future__ import annotations

import argparse

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import emit
from kg.commands.path import add_output_options, hop_rows, print_paths
from kg.trace import DIRECTIONS, TraceResult, trace


def register(subparsers: Subparsers) -> None:
    """Add the `trace` command."""
    parser = subparsers.add_parser(
        "trace", help=COMMANDS["trace"],
        description="Follow governance relations (leads, implements, executiveBodyOf, "
        "handlesDailyWorkOf, unitOf, ...) down from a deployment, directive, plan or body to those "
        "who carry it out, or up from a body to the deployments it serves.",
    )
    add_store_options(parser)
    parser.add_argument("direction", choices=DIRECTIONS, help="down or up")
    parser.add_argument("entity", help="id, IRI, CURIE or name")
    parser.add_argument("--max-hops", type=int, help="longest chain (default: KG_MAX_HOPS)")
    add_output_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Trace and print the chains; exit 1 (via KGError) for an unknown entity."""
    with services_from(args) as services:
        result = trace(services.path_finder, args.entity, args.direction, max_hops=args.max_hops)
    emit(args.format, answer=result.to_dict(), rows=lambda: hop_rows(result.chains, args.lang, "chain"),
         table=lambda: print_result(result, args.lang))
    return 0


def print_result(result: TraceResult, lang: str) -> None:
    """How the name was read, the numbered chains, and why the search stopped."""
    if result.start.note:
        print(f"note: {result.start.note}")
    print_paths(result.chains, lang, noun="chain")
    if not result.chains:
        print("no chain")
    if result.reason:
        print(f"truncated: {result.reason}")
