"""`kg analytics centrality|communities|components`: who is central, who clusters, what is apart."""

from __future__ import annotations

import argparse

from kg.analytics import MEASURES, Analytics, Centrality, Grouping
from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit, format_table, name
from kg.errors import BadRequestError

#: The analyses, as GET /analytics/{analysis} names them.
ANALYSES = ("centrality", "communities", "components")
#: Largest --limit and --members, as the API allows.
MOST = 1000


def register(subparsers: Subparsers) -> None:
    """Add the `analytics` command."""
    parser = subparsers.add_parser(
        "analytics", help=COMMANDS["analytics"],
        description="Network analytics of the governance network (networkx, seed 42; estimates on "
        "large graphs say so in `method`): the most central entities by degree, betweenness or "
        "PageRank; communities (Louvain); weakly connected components. GET /analytics/... answers "
        "the same.",
    )
    add_store_options(parser)
    parser.add_argument("analysis", choices=ANALYSES, help="which analysis")
    parser.add_argument("--measure", choices=MEASURES,
                        help="centrality: the measure (default degree)")
    parser.add_argument("--limit", type=int, default=20,
                        help=f"most entities (centrality) or groups listed (default 20; ≤ {MOST})")
    parser.add_argument("--members", type=int, default=50,
                        help=f"communities, components: most members listed per group (default 50; ≤ {MOST})")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language (table)")
    add_format_option(parser)
    parser.set_defaults(handler=run)


def _check(args: argparse.Namespace) -> None:
    for flag, value in (("--limit", args.limit), ("--members", args.members)):
        if not 1 <= value <= MOST:
            raise BadRequestError(f"{flag} {value} is out of range; use 1 to {MOST}.")
    if args.measure and args.analysis != "centrality":
        raise BadRequestError(f"--measure applies to centrality, not to {args.analysis}.")


def run(args: argparse.Namespace) -> int:
    """Compute and print the analysis; exit 1 (via KGError) for a bad limit."""
    _check(args)
    with services_from(args) as services:
        result = analyse(services.analytics, args)
    if isinstance(result, Centrality):
        ranking = result
        emit(args.format, answer=ranking.to_dict(), rows=lambda: centrality_rows(ranking),
             table=lambda: print_centrality(ranking, args.lang))
    else:
        grouping = result
        emit(args.format, answer=grouping.to_dict(), rows=lambda: grouping_rows(grouping),
             table=lambda: print_grouping(grouping, args.lang))
    return 0


def analyse(analytics: Analytics, args: argparse.Namespace) -> Centrality | Grouping:
    """The analysis the arguments ask for; raises BadRequestError."""
    if args.analysis == "centrality":
        return analytics.centrality(args.measure or "degree", limit=args.limit)
    find = analytics.communities if args.analysis == "communities" else analytics.components
    return find(limit=args.limit, members=args.members)


def centrality_rows(ranking: Centrality) -> Rows:
    """One row per entity: rank, id, labels, category and score."""
    return Rows(("rank", "id", "label_zh", "label_en", "category", "score"),
                tuple((rank, r.node.id, r.node.label_zh, r.node.label_en, r.node.category, r.score)
                      for rank, r in enumerate(ranking.results, start=1)))


def grouping_rows(grouping: Grouping) -> Rows:
    """One row per listed member: its group's number and size, then the member."""
    return Rows(("group", "size", "id", "label_zh", "label_en", "category"),
                tuple((number, group.size, m.id, m.label_zh, m.label_en, m.category)
                      for number, group in enumerate(grouping.groups, start=1) for m in group.members))


def print_centrality(ranking: Centrality, lang: str) -> None:
    """The ranking as a table, then how it was computed."""
    print(format_table(("rank", "score", "entity", "id"),
                       [(rank, f"{r.score:.4f}", name(r.node, lang), r.node.id)
                        for rank, r in enumerate(ranking.results, start=1)]), end="")
    print(f"{ranking.measure} centrality ({ranking.method}) over {ranking.nodes} nodes, "
          f"{ranking.edges} edges")


def print_grouping(grouping: Grouping, lang: str) -> None:
    """Each group: number, size and its members, most connected first."""
    for number, group in enumerate(grouping.groups, start=1):
        members = ", ".join(name(m, lang) for m in group.members)
        more = ", …" if group.truncated else ""
        print(f"{number:3}. ({group.size}) {members}{more}")
    shown = f"; the {len(grouping.groups)} largest shown (--limit)" if grouping.truncated else ""
    print(f"{grouping.total} {grouping.kind} ({grouping.method}){shown}")
