"""The `kg` command line: parse arguments, call the domain, print. Each command lives in kg.commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

import kg
from kg.commands import COMMANDS
from kg.errors import KGError


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only `command`'s module is imported (others are listed by name and help)."""
    parser = argparse.ArgumentParser(
        prog="kg", description="Innovation knowledge graph: serve, load, query, look up, validate, "
        "trace and export.",
    )
    parser.add_argument("--version", action="version", version=f"kg {kg.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if name == command:
            importlib.import_module(f"kg.commands.{name}").register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    # The first word that is not an option; argparse then parses the full command line.
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `kg`; returns the exit status (1 with a one-line message on any KGError)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(argv))
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
