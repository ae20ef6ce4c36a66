"""The `kg` command line: parse arguments, call the domain, print. Each command lives in kg.commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

import kg
from kg.errors import KGError

#: Modules under kg.commands; each has `register(subparsers)` which sets `handler` on its parser.
COMMANDS = (
    "serve", "load", "query", "lookup", "validate", "stats", "path", "trace", "export", "synth",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="kg", description="Innovation knowledge graph: serve, load, query, look up, validate, "
        "trace and export.",
    )
    parser.add_argument("--version", action="version", version=f"kg {kg.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"kg.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"kg.commands.{name}":
                continue  # command not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `kg`; returns the exit status (1 with a one-line message on any KGError)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KGError as exc:
        print(f"kg {args.command}: error: {exc.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`kg stats | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
