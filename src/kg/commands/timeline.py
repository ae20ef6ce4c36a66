"""`kg timeline [ENTITY]`: dated events in order, of the whole graph or of one entity."""

from __future__ import annotations

import argparse

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit, name
from kg.commands.output import quoted as one_line_quote
from kg.errors import BadRequestError
from kg.provenance import Citation
from kg.timeline import Timeline, TimelineEvent, check_date, timeline


def register(subparsers: Subparsers) -> None:
    """Add the `timeline` command."""
    parser = subparsers.add_parser(
        "timeline", help=COMMANDS["timeline"],
        description="Events (approvals, renamings, visits, meetings...) in date order, each with its "
        "participants and the report spans that state it; GET /timeline answers the same.",
    )
    add_store_options(parser)
    parser.add_argument("entity", nargs="?", help="only events of this entity: id, IRI, CURIE or name")
    parser.add_argument("--from", dest="start", metavar="DATE",
                        help="earliest date: YYYY, YYYY-MM or YYYY-MM-DD (inclusive)")
    parser.add_argument("--to", dest="end", metavar="DATE", help="latest date (inclusive)")
    parser.add_argument("--limit", type=int, default=100, help="most events (default 100; ≤ KG_MAX_ROWS)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language (table)")
    add_format_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the events; exit 1 (via KGError) for an unknown entity, a bad date or a bad limit."""
    start, end = check_date(args.start, "--from"), check_date(args.end, "--to")
    with services_from(args) as services:
        largest = services.settings.max_rows
        if not 1 <= args.limit <= largest:
            raise BadRequestError(f"--limit {args.limit} is out of range; use 1 to {largest} (KG_MAX_ROWS).")
        result = timeline(services.path_finder, entity=args.entity, start=start, end=end,
                          limit=args.limit)
    emit(args.format, answer=result.to_dict(), rows=lambda: to_rows(result),
         table=lambda: print_timeline(result, args.lang))
    return 0


def to_rows(result: Timeline) -> Rows:
    """One row per event: dates, id, labels, category, the participants' ids and the cited spans."""
    return Rows(
        ("date", "sort_date", "id", "label_zh", "label_en", "category", "participants", "citations"),
        tuple((e.event.date, e.event.sort_date, e.event.node.id, e.event.node.label_zh,
               e.event.node.label_en, e.event.node.category, "; ".join(_participants(e)),
               "; ".join(dict.fromkeys(span(c) for c in e.citations))) for e in result.events),
    )


def _participants(event: TimelineEvent) -> list[str]:
    return sorted({p.node.node.id for p in event.participants})


def span(citation: Citation) -> str:
    """Where a citation points: `section start–end`."""
    return f"{citation.section or '?'} {citation.start}–{citation.end}"


def print_timeline(result: Timeline, lang: str) -> None:
    """Each event on a line (date, name, id), then who took part and its first cited text."""
    if result.entity and result.entity.note:
        print(f"note: {result.entity.note}")
    for item in result.events:
        node = item.event.node
        print(f"{item.event.date or '(undated)':10}  {name(node, lang)}  ({node.id})")
        names = sorted({name(p.node.node, lang) for p in item.participants})
        if names:
            print(f"            with: {', '.join(names)}")
        quoted = max((c for c in item.citations if c.text), key=lambda c: len(c.text or ""), default=None)
        if quoted:
            print(f"            [{span(quoted)}] “{one_line_quote(quoted.text)}”")
    about = f" of {name(result.entity.node, lang)}" if result.entity else ""
    more = f"; the first {len(result.events)} shown (--limit)" if result.truncated else ""
    print(f"{result.total} event(s){about}{more}")
