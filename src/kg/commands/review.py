"""`kg review list|show|accept|reject|edit|merge`: the curator's review of ingested candidates (kg.review)."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit, fit, format_table, quoted


def register(subparsers: Subparsers) -> None:
    """Add the `review` command and its actions."""
    parser = subparsers.add_parser(
        "review", help=COMMANDS["review"],
        description="List the candidates `kg ingest --load` put into the store, with their quoted "
        "evidence, and decide them: accept moves a candidate's statements and evidence into the "
        "report's curated graph; reject keeps it, marked, so a re-ingest does not bring it back. "
        "Each action is recorded with who and when; repeating one changes nothing. GET/POST /review "
        "does the same over HTTP.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list candidates")
    listing.add_argument("--status", choices=("pending", "accepted", "rejected", "merged"),
                         help="only candidates with this status")
    listing.add_argument("--type", dest="type_", metavar="CLASS",
                         help="only candidates of this class (CURIE or IRI; subclasses count)")
    show = actions.add_parser("show", help="one candidate with its statements and their quotes")
    show.add_argument("candidate", metavar="ID", help="candidate id, CURIE, IRI or exact label")
    accept = actions.add_parser("accept", help="move candidates' statements into the curated graph")
    accept.add_argument("candidates", nargs="+", metavar="ID")
    reject = actions.add_parser("reject", help="mark candidates rejected (kept)")
    reject.add_argument("candidates", nargs="+", metavar="ID")
    edit = actions.add_parser("edit", help="change a candidate's preferred label or type")
    edit.add_argument("candidate", metavar="ID")
    edit.add_argument("--label", help="new preferred label (the old one stays as an alternative)")
    edit.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of --label")
    edit.add_argument("--type", dest="type_", metavar="CLASS", help="new type (CURIE or IRI)")
    merge = actions.add_parser("merge", help="merge a new candidate into an existing entity")
    merge.add_argument("candidate", metavar="ID")
    merge.add_argument("--into", required=True, metavar="ENTITY", help="the entity it is")
    for action in (listing, show, accept, reject, edit, merge):
        add_store_options(action)
        action.add_argument("--report", metavar="KEY", help="the report key (12 hex digits)")
        add_format_option(action)
        action.set_defaults(handler=run)


def _agent_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"


def run(args: argparse.Namespace) -> int:
    """Run the action; exit 1 (via KGError) for an unknown candidate, a bad filter or a conflict."""
    from kg.review import Agent

    writes = args.action not in ("list", "show")
    with services_from(args, writes=writes) as services:
        review = services.review
        if args.action == "list":
            found = review.candidates(status=args.status, report=args.report, type_=args.type_)
            answer = {"total": len(found), "candidates": [c.to_dict() for c in found]}
            emit(args.format, answer=answer, rows=lambda: _rows(answer),
                 table=lambda: print(format_table(*_table(answer)), end=""))
            return 0
        if args.action == "show":
            shown = review.candidate(args.candidate, report=args.report).to_dict()
            emit(args.format, answer=shown, rows=lambda: _statement_rows(shown),
                 table=lambda: _print_candidate(shown))
            return 0
        agent = Agent.for_user(_agent_name())
        if args.action == "accept":
            result = review.accept(args.candidates, agent=agent, report=args.report)
        elif args.action == "reject":
            result = review.reject(args.candidates, agent=agent, report=args.report)
        elif args.action == "edit":
            result = review.edit(args.candidate, agent=agent, label=args.label, lang=args.lang,
                                 type_=args.type_, report=args.report)
        else:
            result = review.merge(args.candidate, into=args.into, agent=agent, report=args.report)
    done = result.to_dict()
    emit(args.format, answer=done, rows=lambda: _result_rows(done), table=lambda: _print_result(done))
    return 0


_LIST_HEADER = ("id", "report", "status", "types", "label_zh", "label_en", "link", "confidence",
                "statements")


def _list_row(c: dict[str, Any]) -> tuple[object, ...]:
    link = c["link"]
    linked = f"{link['by']} {link['confidence']}" if isinstance(link, dict) else ""
    types = c["types"]
    statements = c["statements"]
    return (c["id"], c["report"], c["status"], " ".join(types) if isinstance(types, list) else "",
            c["label_zh"], c["label_en"], linked, c["confidence"],
            len(statements) if isinstance(statements, list) else 0)


def _table(answer: dict[str, Any]) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    candidates = answer["candidates"]
    return _LIST_HEADER, [_list_row(c) for c in candidates]


def _rows(answer: dict[str, Any]) -> Rows:
    header, rows = _table(answer)
    return Rows(header, tuple(rows))


def _statement_rows(candidate: dict[str, Any]) -> Rows:
    statements = candidate["statements"]
    return Rows(("evidence", "subject", "predicate", "object", "quote", "section", "start", "end",
                 "confidence", "curated"),
                tuple((s["evidence"], _term(s["subject"]), s["predicate"], _term(s["object"]), s["quote"],
                       s["section"], s["start"], s["end"], s["confidence"], s["curated"])
                      for s in statements))


def _term(term: dict[str, Any]) -> str:
    if "iri" in term:
        return f"{term['label']} ({term['id']})" if term.get("label") else str(term["id"])
    return str(term["literal"])


def _print_candidate(candidate: dict[str, Any]) -> None:
    print(format_table(_LIST_HEADER, [_list_row(candidate)]), end="")
    if candidate.get("replaced_by"):
        print(f"merged into {candidate['replaced_by']}")
    statements = candidate["statements"]
    for s in statements:
        where = f"{s['section'] or '?'} {s['start']}–{s['end']}"
        state = "curated" if s["curated"] else "candidate"
        print(f"- {fit(_term(s['subject']), 30)} {s['predicate']} {fit(_term(s['object']), 30)}"
              f"  [{where}, {state}, confidence {s['confidence']}]")
        if s["quote"]:
            print(f"    “{quoted(str(s['quote']))}”")


def _result_rows(done: dict[str, Any]) -> Rows:
    changed, unchanged = done["changed"], done["unchanged"]
    return Rows(("action", "id", "changed", "activity"),
                tuple((done["action"], c, c in changed, done["activity"]) for c in [*changed, *unchanged]))


def _print_result(done: dict[str, Any]) -> None:
    changed, unchanged = done["changed"], done["unchanged"]
    if changed:
        moved = f"; {done['moved']} statement(s) moved to the curated graph" if done["moved"] else ""
        print(f"{done['action']}: {', '.join(map(str, changed))}{moved} (recorded as {done['activity']})")
    if unchanged:
        print(f"{done['action']}: already done, nothing changed for {', '.join(map(str, unchanged))}")

