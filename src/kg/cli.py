"""The `kg` command line: parse arguments, call the domain, print. Each command lives in kg.commands.

Every failure ends the same way: one line on standard error, `kg COMMAND: error: what and the fix`,
and a non-zero exit status (2 for bad arguments, 1 for a refused request, 130 for Ctrl-C), never a
traceback (`kg --debug COMMAND` shows the traceback of an unexpected error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import kg
from kg.commands import COMMANDS
from kg.errors import KGError

#: Exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


class CommandParser(argparse.ArgumentParser):
    """argparse, with a bad argument reported on one line (`kg lookup: error: …`), exit status 2."""

    def error(self, message: str) -> NoReturn:
        """Print the one-line message, with where to find the usage, and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see {self.prog} --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only `command`'s module is imported (others are listed by name and help)."""
    parser = CommandParser(
        prog="kg", description="Innovation knowledge graph: serve, load, query, look up, validate, "
        "trace, analyse and export.",
        epilog="Commands that print results take --format table|json|csv (json: exactly the API's "
        "answer; --json is its alias). `kg COMMAND --help` lists a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"kg {kg.__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an unexpected error (for bug reports)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if name == command:
            importlib.import_module(f"kg.commands.{name}").register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def one_line(text: str) -> str:
    """`text` with its line breaks folded into spaces: a CLI error is one line."""
    return " ".join(line.strip() for line in str(text).splitlines() if line.strip())


def _parser_of(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]  # type: ignore[no-any-return]
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    # The first word that is not an option; argparse then parses the full command line.
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `kg`; returns the exit status (see the module's docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _command_in(argv)
    prog = f"kg {command}" if command in COMMANDS else "kg"
    debug = "--debug" in argv
    try:
        parser = build_parser(command)
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # reported by the command's own parser, which names the command
            _parser_of(parser, command).error(f"unrecognized arguments: {' '.join(unknown)}")
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        return int(args.handler(args) or 0)
    except KGError as exc:
        return _fail(prog, exc.detail)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`kg stats | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file or directory the system refused (not one a command checked)
        reason = exc.strerror or str(exc)
        return _fail(prog, f"Cannot use {exc.filename}: {reason}." if exc.filename else f"{reason}.")
    except Exception as exc:
        if debug:
            raise
        return _fail(prog, f"unexpected {type(exc).__name__}: {str(exc).rstrip('.')}. This is a bug: run "
                     f"`kg --debug {command or ''} …` for the traceback and report it.")


def _fail(prog: str, detail: str) -> int:
    print(f"{prog}: error: {one_line(detail)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
