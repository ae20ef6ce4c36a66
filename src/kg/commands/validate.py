"""`kg validate`: check the graph against the SHACL shapes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.config import PROJECT_ROOT


def register(subparsers: Subparsers) -> None:
    """Add the `validate` command."""
    parser = subparsers.add_parser(
        "validate", help=COMMANDS["validate"],
        description="Validate the store against ontology/shapes.ttl with pyshacl. Prints each "
        "violation as `focus node — path — message`.",
    )
    add_store_options(parser)
    parser.add_argument("--shapes", type=Path, default=PROJECT_ROOT / "ontology" / "shapes.ttl",
                        help="shapes file (default: ontology/shapes.ttl)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate and print the report; exit status 1 when the data does not conform."""
    from kg.validation import validate_store

    with services_from(args) as services:
        report = validate_store(services.store, args.shapes)
    for violation in report.violations:
        print(f"[{violation.severity}] {violation}")
    errors = sum(1 for v in report.violations if v.severity == "Violation")
    status = "conforms" if report.conforms else "does not conform"
    summary = (f"{status}: {errors} violation(s), {len(report.violations) - errors} warning(s); "
               f"{report.focus_nodes_checked} nodes checked")
    print(summary, file=sys.stdout if report.conforms else sys.stderr)
    return 0 if report.conforms else 1
