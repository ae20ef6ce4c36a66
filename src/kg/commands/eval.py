"""`kg eval --gold GOLD --candidates FILE`: precision, recall and F1 of a candidate graph."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kg.commands import COMMANDS, Subparsers
from kg.ingest.evaluation import Score, evaluate, read_graph


def register(subparsers: Subparsers) -> None:
    """Add the `eval` command."""
    parser = subparsers.add_parser(
        "eval", help=COMMANDS["eval"],
        description="Score the entities, relations and numbers of a candidate graph (kg ingest) against "
        "a gold graph, e.g. the curated data/zhangjiang-2020.trig: an entity matches by a label after "
        "normalisation, a relation by its subject, predicate and object, a number by its value.",
    )
    parser.add_argument("--gold", type=Path, required=True, help="the gold graph (TriG or Turtle)")
    parser.add_argument("--candidates", type=Path, required=True, help="the candidate graph (TriG)")
    parser.add_argument("--sections", default="",
                        help="comma-separated section numbers to score alone (e.g. 三,四; 三 keeps 三.1 too)")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the scores."""
    for path in (args.gold, args.candidates):
        if not path.is_file():
            raise FileNotFoundError(2, "No such file", str(path))
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip()) or None
    scores = evaluate(read_graph(args.gold), read_graph(args.candidates), sections=sections)
    if args.format == "json":
        print(json.dumps({"sections": list(sections or ()), **{k: v.to_dict() for k, v in scores.items()}},
                         ensure_ascii=False, indent=2))
    else:
        print_table(scores)
    return 0


def print_table(scores: dict[str, Score]) -> None:
    """One line per kind: counts, precision, recall, F1."""
    print(f"{'kind':<10} {'gold':>5} {'cand':>5} {'recall':>7} {'precision':>9} {'f1':>6}")
    for kind, score in scores.items():
        print(f"{kind:<10} {score.gold:>5} {score.candidates:>5} {score.recall:>7.1%} "
              f"{score.precision:>9.1%} {score.f1:>6.3f}")
