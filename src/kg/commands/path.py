"""`kg path SOURCE TARGET`: the k shortest explained paths between two entities."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit, name, quoted
from kg.graphview import PropertyFilter, TypeFilter
from kg.naming import term_iris
from kg.paths import DEFAULT_MAX_HOPS, Hop, Path, PathQuery, PathResult


def register(subparsers: Subparsers) -> None:
    """Add the `path` command."""
    parser = subparsers.add_parser(
        "path", help=COMMANDS["path"],
        description="Find the k shortest simple paths between two entities, given by id "
        "(shanghai-stc-office), IRI, CURIE or name, and print each hop with its relation, "
        "direction, dates and the report spans that state it.",
    )
    add_store_options(parser)
    parser.add_argument("source", help="where paths start: id, IRI, CURIE or name")
    parser.add_argument("target", help="where paths end: id, IRI, CURIE or name")
    parser.add_argument("-k", type=int, default=3, help="how many paths (default 3; ≤ KG_MAX_PATHS)")
    parser.add_argument("--max-hops", type=int, help="longest path (default 6; ≤ KG_MAX_HOPS)")
    parser.add_argument("--directed", action="store_true",
                        help="follow statements only from subject to object")
    add_filter_options(parser)
    add_output_options(parser)
    parser.set_defaults(handler=run)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """--property/--avoid-property/--type/--avoid-type (repeatable CURIEs or IRIs)."""
    for flag, what in (("--property", "only follow this relation"),
                       ("--avoid-property", "never follow this relation"),
                       ("--type", "only pass through entities of this class"),
                       ("--avoid-type", "never pass through entities of this class")):
        parser.add_argument(flag, action="append", default=[], metavar="CURIE",
                            help=f"{what} (repeatable)")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--format (with its alias --json) and --lang."""
    add_format_option(parser)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language")


#: The columns of paths and chains as CSV rows: one row per hop.
HOP_COLUMNS = ("from", "from_label", "relation", "direction", "to", "to_label", "dates", "doubt",
               "citations", "text")


def hop_rows(paths: Sequence[Path], lang: str, noun: str = "path") -> Rows:
    """One row per hop of `paths`: its path's and its own number, the statement, dates, doubt, and the
    cited spans with their quoted text."""
    return Rows(
        (noun, "hop", *HOP_COLUMNS),
        tuple((number, step, *_hop_cells(hop, lang))
              for number, path in enumerate(paths, start=1)
              for step, hop in enumerate(path.hops, start=1)),
    )


def _hop_cells(hop: Hop, lang: str) -> tuple[object, ...]:
    label = (hop.label_zh if lang == "zh" else hop.label_en) or hop.label_en
    return (hop.frm.node.id, name(hop.frm.node, lang), label, hop.direction, hop.to.node.id,
            name(hop.to.node, lang),
            " ".join(hop.dates), hop.doubt.kind if hop.doubt else "",
            "; ".join(f"{c.section or '?'} {c.start}–{c.end}" for c in hop.citations),
            " | ".join(" ".join(c.text.split()) for c in hop.citations if c.text))


def describe_hop(hop: Hop, lang: str) -> str:
    """One line for a hop: `A —relation→ B` (or `A ←relation— B`), dates and citations."""
    label = (hop.label_zh if lang == "zh" else hop.label_en) or hop.label_en
    arrow = f"—{label}→" if hop.direction == "forward" else f"←{label}—"
    line = f"{name(hop.frm.node, lang)} {arrow} {name(hop.to.node, lang)}"
    if hop.dates:
        line += f"  ({', '.join(hop.dates)})"
    for citation in hop.citations:
        quote = f" “{quoted(citation.text)}”" if citation.text else ""
        line += f"\n      [{citation.section or '?'} {citation.start}–{citation.end}]{quote}"
    return line


def print_paths(paths: Sequence[Path], lang: str, noun: str = "path") -> None:
    """Print numbered paths, one hop a line."""
    for number, path in enumerate(paths, start=1):
        print(f"{noun} {number} ({len(path.hops)} hops)")
        for hop in path.hops:
            print(f"  {describe_hop(hop, lang)}")


def run(args: argparse.Namespace) -> int:
    """Find and print the paths; exit 1 (via KGError) for unknown entities or bad limits."""
    query = PathQuery(
        args.source, args.target, k=args.k, max_hops=args.max_hops or DEFAULT_MAX_HOPS,
        directed=args.directed,
        properties=PropertyFilter(term_iris(args.property, what="--property"),
                                  term_iris(args.avoid_property, what="--avoid-property")),
        types=TypeFilter(term_iris(args.type, what="--type"),
                         term_iris(args.avoid_type, what="--avoid-type")),
    )
    with services_from(args) as services:
        if args.max_hops is None:
            query = replace(query, max_hops=min(DEFAULT_MAX_HOPS, services.settings.max_hops))
        result = services.path_finder.find_paths(query)
    emit(args.format, answer=result.to_dict(), rows=lambda: hop_rows(result.paths, args.lang),
         table=lambda: print_result(result, args.lang))
    return 0


def print_result(result: PathResult, lang: str) -> None:
    """The notes on how names were read, the numbered paths, and why the search stopped."""
    for note in (result.source.note, result.target.note):
        if note:
            print(f"note: {note}")
    print_paths(result.paths, lang)
    if not result.paths:
        print("no path")
    if result.reason:
        print(f"{'truncated: ' if result.truncated else ''}{result.reason}")
