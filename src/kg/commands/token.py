"""`kg token`: make a write token and the digest the service keeps (KG_WRITE_TOKENS)."""

from __future__ import annotations

import argparse
import secrets
import sys

from kg.auth import token_digest
from kg.commands import COMMANDS, Subparsers
from kg.commands.output import Rows, add_format_option, emit


def register(subparsers: Subparsers) -> None:
    """Add the `token` command."""
    parser = subparsers.add_parser(
        "token", help=COMMANDS["token"],
        description="Print a new random write token and its SHA-256 digest. The service keeps only "
        "digests (KG_WRITE_TOKENS, KG_WRITE_TOKENS_FILE); writers send the token as "
        "'Authorization: Bearer <token>'. --format json prints both as one object, csv as one row.",
    )
    parser.add_argument("--digest", metavar="TOKEN",
                        help="print the digest of TOKEN instead ('-' reads it from standard input, "
                        "which keeps it out of the shell history)")
    add_format_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print a new token and its digest, or the digest of `--digest TOKEN`."""
    if args.digest is not None:
        token = sys.stdin.readline().strip() if args.digest == "-" else args.digest
        answer = {"digest": token_digest(token)}
        emit(args.format, answer=answer, rows=lambda: Rows(("digest",), ((answer["digest"],),)),
             table=lambda: print(answer["digest"]))
        return 0
    token = secrets.token_urlsafe(32)
    made = {"token": token, "digest": token_digest(token)}
    emit(args.format, answer=made, rows=lambda: Rows(("token", "digest"), ((token, made["digest"]),)),
         table=lambda: print_token(made))
    return 0


def print_token(made: dict[str, str]) -> None:
    """The token, its digest, and where each goes."""
    print(f"token:  {made['token']}")
    print(f"digest: {made['digest']}")
    print("Put the digest in KG_WRITE_TOKENS (comma-separated) or KG_WRITE_TOKENS_FILE, and give the "
          "token to the writer, who sends 'Authorization: Bearer <token>'.")
