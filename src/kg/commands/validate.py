"""`kg validate`: check the graph against the SHACL shapes."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit
from kg.config import PROJECT_ROOT
from kg.validation import ValidationReport, validate_store


def register(subparsers: Subparsers) -> None:
    """Add the `validate` command."""
    parser = subparsers.add_parser(
        "validate", help=COMMANDS["validate"],
        description="Validate the store against ontology/shapes.ttl with pyshacl. Prints each "
        "violation as `[severity] focus node — path — message` and exits with status 1 when the data "
        "does not conform. On a terminal, the stages are shown on standard error as they run.",
    )
    add_store_options(parser)
    parser.add_argument("--shapes", type=Path, default=PROJECT_ROOT / "ontology" / "shapes.ttl",
                        help="shapes file (default: ontology/shapes.ttl)")
    add_format_option(parser)
    parser.set_defaults(handler=run)


class StageLine:
    """Stages of a long run, redrawn on one line of standard error with the time spent so far; silent
    unless standard error is a terminal (logs and pipes get only the result)."""

    def __init__(self, command: str) -> None:
        self._command = command
        self._enabled = sys.stderr.isatty()
        self._started = time.monotonic()

    def __call__(self, stage: str) -> None:
        if self._enabled:
            elapsed = time.monotonic() - self._started
            print(f"\r\033[K{self._command}: {stage}… ({elapsed:.1f} s)", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        """Clear the line, so that what follows starts on a clean one."""
        if self._enabled:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Validate and print the report; exit status 1 when the data does not conform."""
    progress = StageLine("kg validate")
    try:
        progress("opening the store")
        with services_from(args) as services:
            report = validate_store(services.store, args.shapes, progress=progress)
    finally:
        progress.close()
    emit(args.format, answer=report.to_dict(), rows=lambda: to_rows(report),
         table=lambda: print_report(report))
    return 0 if report.conforms else 1


def to_rows(report: ValidationReport) -> Rows:
    """One row per result: severity, focus node, path and message."""
    return Rows(("severity", "focus", "path", "message"),
                tuple((v.severity, v.focus, v.path, v.message) for v in report.violations))


def print_report(report: ValidationReport) -> None:
    """Each result on a line, then the summary (on standard error when the data does not conform)."""
    for violation in report.violations:
        print(f"[{violation.severity}] {violation}")
    errors = sum(1 for v in report.violations if v.severity == "Violation")
    status = "conforms" if report.conforms else "does not conform"
    print(f"{status}: {errors} violation(s), {len(report.violations) - errors} warning(s); "
          f"{report.focus_nodes_checked} nodes checked", file=sys.stdout if report.conforms else sys.stderr)
