"""`kg lookup QUERY`: ranked entities matching a name, abbreviation, English words, pinyin or a typo."""

from __future__ import annotations

import argparse

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit
from kg.errors import BadRequestError
from kg.lookup import SearchResult
from kg.lookup.service import search_answer
from kg.namespaces import to_curie
from kg.naming import entity_id


def register(subparsers: Subparsers) -> None:
    """Add the `lookup` command."""
    parser = subparsers.add_parser(
        "lookup", help=COMMANDS["lookup"],
        description="Find entities as GET /entities?q= does. The table's exit status is 1 when nothing "
        "matches (as grep's).",
    )
    add_store_options(parser)
    parser.add_argument("query", help="e.g. 科创办, 'national development', kechuangban, kcb")
    parser.add_argument("--type", help="class IRI or CURIE (subclasses included), e.g. ikg:LeadingGroup")
    parser.add_argument("--lang", help="match labels in this language only (zh, en)")
    parser.add_argument("--limit", type=int, default=10, help="most hits to print (default 10)")
    parser.add_argument("--offset", type=int, default=0, help="hits to skip")
    add_format_option(parser)
    parser.set_defaults(handler=run)


def to_rows(result: SearchResult) -> Rows:
    """One row per hit: rank, names, types, how it matched and its score."""
    return Rows(
        ("rank", "id", "curie", "label_zh", "label_en", "types", "match", "matched", "score"),
        tuple((rank, entity_id(h.entity.iri), to_curie(h.entity.iri), h.entity.preferred("zh"),
               h.entity.preferred("en"), " ".join(sorted(to_curie(t) for t in h.entity.types)), h.match,
               h.matched, h.score)
              for rank, h in enumerate(result.hits, start=result.offset + 1)),
    )


def print_hits(result: SearchResult) -> None:
    """The hits, best first, two lines each, then how many matched."""
    for rank, hit in enumerate(result.hits, start=result.offset + 1):
        label = " / ".join(x for x in (hit.entity.preferred("zh"), hit.entity.preferred("en")) if x)
        print(f"{rank:3}. {to_curie(hit.entity.iri):40} {label}")
        print(f"     {hit.match} ({hit.score:.3f}) via “{hit.matched}”")
    shown = f"{result.offset + 1}–{result.offset + len(result.hits)}" if result.hits else "none"
    more = " (typo search truncated)" if result.truncated else ""
    print(f"{result.total} match(es) for {result.query!r}; shown {shown}{more}")


def run(args: argparse.Namespace) -> int:
    """Search and print the hits, best first; exit status 1 when nothing matches."""
    with services_from(args) as services:
        largest = services.settings.lookup_limit
        if not 1 <= args.limit <= largest or args.offset < 0:
            raise BadRequestError(f"--limit must be 1..{largest} (KG_LOOKUP_LIMIT) and --offset >= 0.")
        result = services.lookup.search(args.query, limit=args.limit, offset=args.offset,
                                        lang=args.lang, type_=args.type)
    emit(args.format, answer=search_answer(result), rows=lambda: to_rows(result),
         table=lambda: print_hits(result))
    return 0 if result.total or args.format != "table" else 1
