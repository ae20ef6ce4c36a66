"""`kg ingest REPORT --out FILE`: a report's candidate graph (docs/ingestion.md)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from, settings_from
from kg.ingest.pipeline import Ingested, ingest_file


def register(subparsers: Subparsers) -> None:
    """Add the `ingest` command."""
    parser = subparsers.add_parser(
        "ingest", help=COMMANDS["ingest"],
        description="Read a report (UTF-8 text, PDF or DOCX), extract its masthead, sections, entities "
        "and relations with the span of each, link names to the entities of the store, and write the "
        "candidates as TriG in their own named graph. Bad input writes nothing.",
    )
    parser.add_argument("report", type=Path, help="the report file (.txt UTF-8, .pdf, .docx)")
    parser.add_argument("--out", "-o", default="-",
                        help="where to write the candidate graph (TriG); '-' for standard output")
    parser.add_argument("--scratch", action="store_true",
                        help="link to nothing: every entity is new (measures extraction alone, as `kg "
                        "eval` does on the bundled report)")
    parser.add_argument("--load", action="store_true",
                        help="also load the candidates into the store's candidate graph of the report "
                        "(with its text), for `kg review`; decisions already taken are kept")
    add_store_options(parser)
    parser.set_defaults(handler=run)


def ingested(args: argparse.Namespace) -> Ingested:
    """The report's candidates, linked to the configured store unless --scratch."""
    settings = settings_from(args)
    if not args.report.is_file():
        raise FileNotFoundError(2, "No such file", str(args.report))
    if args.scratch:
        return ingest_file(args.report, max_bytes=settings.max_ingest_bytes)
    with services_from(args) as services:
        return ingest_file(args.report, max_bytes=settings.max_ingest_bytes, linker=services.linker,
                           known=services.linker.known)


def run(args: argparse.Namespace) -> int:
    """Write the candidate graph; nothing is written when the report is refused."""
    result = ingested(args)
    data = result.trig.encode("utf-8")
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(Path(args.out), data)
    entities = len(result.extraction.entities)
    print(f"kg ingest: {result.source.file_name}: {entities} entities, {len(result.extraction.facts)} "
          f"facts in {len(result.extraction.sections)} sections -> graph <{result.graph}>", file=sys.stderr)
    if getattr(args, "load", False):
        load(args, data, result)
    return 0


def load(args: argparse.Namespace, data: bytes, result: Ingested) -> None:
    """Put the candidates (and the report's text) into the store for review (kg.review)."""
    from kg.review import load_candidates

    with services_from(args, writes=True) as services:
        loaded = load_candidates(services.store, data, name=result.source.file_name,
                                 text=result.source.text)
    print(f"kg ingest: loaded into <{loaded.graph}>: {loaded.added} triples added, {loaded.removed} "
          f"pending ones of an earlier extraction replaced, {loaded.skipped} evidence already there or "
          f"curated, {loaded.candidates} candidates; `kg review list "
          f"--report {loaded.key}` lists them", file=sys.stderr)


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in its directory (no half-written file)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
