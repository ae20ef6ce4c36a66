"""`kg token`: make a write token and the digest the service keeps (KG_WRITE_TOKENS)."""

from __future__ import annotations

import argparse
import secrets
import sys

from kg.auth import token_digest
from kg.commands import COMMANDS, Subparsers


def register(subparsers: Subparsers) -> None:
    """Add the `token` command."""
    parser = subparsers.add_parser(
        "token", help=COMMANDS["token"],
        description="Print a new random write token and its SHA-256 digest. The service keeps only "
        "digests (KG_WRITE_TOKENS, KG_WRITE_TOKENS_FILE); writers send the token as "
        "'Authorization: Bearer <token>'.",
    )
    parser.add_argument("--digest", metavar="TOKEN",
                        help="print the digest of TOKEN instead ('-' reads it from standard input, "
                        "which keeps it out of the shell history)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print a new token and its digest, or the digest of `--digest TOKEN`."""
    if args.digest is not None:
        token = sys.stdin.readline().strip() if args.digest == "-" else args.digest
        print(token_digest(token))
        return 0
    token = secrets.token_urlsafe(32)
    print(f"token:  {token}")
    print(f"digest: {token_digest(token)}")
    print("Put the digest in KG_WRITE_TOKENS (comma-separated) or KG_WRITE_TOKENS_FILE, and give the "
          "token to the writer, who sends 'Authorization: Bearer <token>'.")
    return 0
