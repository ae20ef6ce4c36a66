"""`kg synth`: write a synthetic innovation graph (N-Quads or TriG) for benchmarks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.commands import COMMANDS, Subparsers
from kg.errors import BadRequestError
from kg.synth import SYNTH_GRAPH, SynthSummary, check_entities, generate, write_file


def register(subparsers: Subparsers) -> None:
    """Add the `synth` command."""
    parser = subparsers.add_parser(
        "synth", help=COMMANDS["synth"],
        description=f"Write a synthetic innovation-governance graph into the named graph "
        f"{SYNTH_GRAPH}. The same --entities and --seed give byte-identical output.",
    )
    parser.add_argument("--entities", type=int, required=True,
                        help="about how many entities to generate (~9 triples each)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path,
                        help="output file, .nq or .trig (default: N-Quads on standard output)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Generate the graph and report its size on standard error."""
    if args.out is None:
        check_entities(args.entities)
        summary = generate(sys.stdout, entities=args.entities, seed=args.seed)
    else:
        summary = _write(args.out, entities=args.entities, seed=args.seed)
    print(f"kg synth: {summary.entities} entities, {summary.quads} quads (seed {summary.seed})"
          + (f" -> {args.out}" if args.out else ""), file=sys.stderr)
    return 0


def _write(path: Path, *, entities: int, seed: int) -> SynthSummary:
    try:
        return write_file(path, entities=entities, seed=seed)
    except OSError as exc:
        raise BadRequestError(f"Cannot write {path}: {exc.strerror}.") from exc
