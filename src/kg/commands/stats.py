"""`kg stats`: counts of the store (triples, graphs, entities by class, relations by property...)."""

from __future__ import annotations

import argparse
from typing import cast

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit

#: The single counts, in the order printed.
TOTALS = ("triples", "entities", "distinct_subjects", "distinct_objects", "events", "amounts")
#: The tables of counts: (title, key of the answer).
TABLES = (("graphs", "graphs"), ("entities by class", "classes"), ("statements by property", "properties"))


def register(subparsers: Subparsers) -> None:
    """Add the `stats` command."""
    parser = subparsers.add_parser(
        "stats", help=COMMANDS["stats"],
        description="Counts of the store, the figures GET /void publishes as VoID (json: the counts "
        "as one object; csv: one row per count, `section,name,count`).",
    )
    add_store_options(parser)
    add_format_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the counts."""
    with services_from(args) as services:
        counts = services.linked_data.statistics().to_dict()
    emit(args.format, answer=counts, rows=lambda: to_rows(counts), table=lambda: print_counts(counts))
    return 0


def to_rows(counts: dict[str, object]) -> Rows:
    """One row per count: its section (total, graphs, classes, properties), what it counts, the count."""
    rows: list[tuple[object, ...]] = [("total", name, counts[name]) for name in TOTALS]
    for _, key in TABLES:
        rows += [(key, name, n) for name, n in cast(dict[str, int], counts[key]).items()]
    return Rows(("section", "name", "count"), tuple(rows))


def print_counts(counts: dict[str, object]) -> None:
    """The totals, then each table of counts, largest first."""
    for name in TOTALS:
        print(f"{name.replace('_', ' '):20} {counts[name]:>10}")
    for title, key in TABLES:
        print(f"\n{title}:")
        for name, n in cast(dict[str, int], counts[key]).items():
            print(f"  {n:>10}  {name}")
