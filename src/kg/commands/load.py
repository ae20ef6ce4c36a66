"""`kg load FILE...`: load RDF files into the store, each atomically."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from


def register(subparsers: Subparsers) -> None:
    """Add the `load` command."""
    parser = subparsers.add_parser(
        "load", help=COMMANDS["load"],
        description="Load RDF files into the store. Each file is all-or-nothing: a file with an "
        "error changes nothing, and the message names the file and line. The format comes from the "
        "extension. Triple formats go to --graph (default: a graph named after the file).",
    )
    add_store_options(parser)
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--graph", help="named graph IRI for triple formats")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most every 0.2 s (only on a terminal)."""

    def __init__(self, name: str, *, enabled: bool) -> None:
        self._name = name
        self._enabled = enabled and sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self._enabled or (now - self._last < 0.2 and done < total):
            return
        self._last = now
        fraction = done / total if total else 1.0
        bar = "#" * int(fraction * 30)
        print(f"\r{self._name}: [{bar:<30}] {fraction:6.1%} of {total / 1e6:.1f} MB",
              end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._enabled:
            print(file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Load each file in turn; stop at the first that fails (earlier files stay loaded)."""
    from kg.namespaces import GRAPH

    with services_from(args, writes=True) as services:
        store = services.store
        for path in args.files:
            before = len(store)
            started = time.perf_counter()
            bar = ProgressBar(path.name, enabled=not args.quiet)
            try:
                store.load_file(path, graph=args.graph or str(GRAPH[path.stem]), progress=bar)
            finally:
                bar.close()
            print(f"{path}: {len(store) - before} quads added in {time.perf_counter() - started:.2f} s")
    return 0
