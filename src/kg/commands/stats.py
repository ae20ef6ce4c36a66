"""`kg stats`: counts of the store (triples, graphs, entities by class, relations by property...)."""

from __future__ import annotations

import argparse
import json
from typing import cast

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from


def register(subparsers: Subparsers) -> None:
    """Add the `stats` command."""
    parser = subparsers.add_parser("stats", help=COMMANDS["stats"])
    add_store_options(parser)
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the counts."""
    with services_from(args) as services:
        counts = services.linked_data.statistics().to_dict()
    if args.json:
        print(json.dumps(counts, ensure_ascii=False, indent=2))
        return 0
    for name in ("triples", "entities", "distinct_subjects", "distinct_objects", "events", "amounts"):
        print(f"{name.replace('_', ' '):20} {counts[name]:>10}")
    for title, key in (("graphs", "graphs"), ("entities by class", "classes"),
                       ("statements by property", "properties")):
        table = cast(dict[str, int], counts[key])
        print(f"\n{title}:")
        for name, n in table.items():
            print(f"  {n:>10}  {name}")
    return 0
