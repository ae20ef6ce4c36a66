"""`kg lookup QUERY`: ranked entities matching a name, abbreviation, English words, pinyin or a typo."""

from __future__ import annotations

import argparse
import json

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.errors import BadRequestError
from kg.lookup import SearchResult
from kg.namespaces import to_curie


def register(subparsers: Subparsers) -> None:
    """Add the `lookup` command."""
    parser = subparsers.add_parser("lookup", help=COMMANDS["lookup"])
    add_store_options(parser)
    parser.add_argument("query", help="e.g. 科创办, 'national development', kechuangban, kcb")
    parser.add_argument("--type", help="class IRI or CURIE (subclasses included), e.g. ikg:LeadingGroup")
    parser.add_argument("--lang", help="match labels in this language only (zh, en)")
    parser.add_argument("--limit", type=int, default=10, help="most hits to print (default 10)")
    parser.add_argument("--offset", type=int, default=0, help="hits to skip")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.set_defaults(handler=run)


def to_json(result: SearchResult) -> dict[str, object]:
    """The answer in the shape of GET /entities."""
    return {
        "query": result.query, "total": result.total, "limit": result.limit, "offset": result.offset,
        "truncated": result.truncated,
        "results": [{
            "iri": h.entity.iri, "curie": to_curie(h.entity.iri),
            "label": {"zh": h.entity.preferred("zh"), "en": h.entity.preferred("en")},
            "types": sorted(to_curie(t) for t in h.entity.types),
            "matched": h.matched, "match": h.match, "score": h.score,
        } for h in result.hits],
    }


def run(args: argparse.Namespace) -> int:
    """Search and print the hits, best first."""
    with services_from(args) as services:
        largest = services.settings.lookup_limit
        if not 1 <= args.limit <= largest or args.offset < 0:
            raise BadRequestError(f"--limit must be 1..{largest} (KG_LOOKUP_LIMIT) and --offset >= 0.")
        result = services.lookup.search(args.query, limit=args.limit, offset=args.offset,
                                        lang=args.lang, type_=args.type)
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False, indent=2))
        return 0
    for rank, hit in enumerate(result.hits, start=result.offset + 1):
        label = " / ".join(x for x in (hit.entity.preferred("zh"), hit.entity.preferred("en")) if x)
        print(f"{rank:3}. {to_curie(hit.entity.iri):40} {label}")
        print(f"     {hit.match} ({hit.score:.3f}) via “{hit.matched}”")
    shown = f"{result.offset + 1}–{result.offset + len(result.hits)}" if result.hits else "none"
    more = " (typo search truncated)" if result.truncated else ""
    print(f"{result.total} match(es) for {result.query!r}; shown {shown}{more}")
    return 0 if result.total else 1
