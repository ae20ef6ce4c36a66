"""`kg deployments [ID]`: national and municipal deployments and the bodies that carry them out."""

from __future__ import annotations

import argparse

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import Rows, add_format_option, emit
from kg.commands.path import describe_hop
from kg.deployments import LEVEL_LABELS, ROLES, Deployment
from kg.errors import BadRequestError
from kg.paths import Hop


def register(subparsers: Subparsers) -> None:
    """Add the `deployments` command."""
    parser = subparsers.add_parser(
        "deployments", help=COMMANDS["deployments"],
        description="List the deployments of the graph (directives, approvals, plans), national first, "
        "with who issued them, when, and every body that implements, advances, executes or serves them, "
        "each through cited hops; a chain that passes a doubt says so, with the reason. Give an ID for "
        "one deployment with all its chains (a body's ID lists the deployments it carries out, as "
        "--body does). GET /deployments answers the same.",
    )
    add_store_options(parser)
    parser.add_argument("entity", nargs="?", help="one deployment: id, IRI, CURIE or name")
    parser.add_argument("--level", choices=tuple(LEVEL_LABELS), help="national or municipal only")
    parser.add_argument("--body", help="only the deployments this body carries out (id, IRI, CURIE, name)")
    parser.add_argument("--limit", type=int, default=100,
                        help="most deployments listed (default 100; ≤ KG_MAX_ROWS)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language (table)")
    add_format_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one deployment or the list; exit 1 (via KGError) for an unknown entity or a bad level."""
    with services_from(args) as services:
        if not 1 <= args.limit <= services.settings.max_rows:
            raise BadRequestError(f"--limit {args.limit} is out of range; use 1 to "
                                  f"{services.settings.max_rows} (KG_MAX_ROWS).")
        deployments = services.deployments
        found = deployments.find(args.entity) if args.entity else None
        if found is not None:
            answer, chosen = found.to_dict(), [found]
        else:  # the list, or (as GET /deployments/{id} redirects) what the body ID carries out
            listed = deployments.find_all(level=args.level, body=args.body or args.entity,
                                          limit=args.limit)
            answer, chosen = listed.to_dict(), list(listed.deployments)
    emit(args.format, answer=answer, rows=lambda: to_rows(chosen),
         table=lambda: print_deployments(chosen, args.lang, every_chain=found is not None))
    return 0


def to_rows(deployments: list[Deployment]) -> Rows:
    """One row per deployment and body that carries it out (a deployment with none: one empty row)."""
    rows: list[tuple[object, ...]] = []
    for d in deployments:
        node = d.node.node
        head = (node.id, node.label_zh, node.label_en, d.level, d.date)
        rows += [(*head, c.body.node.id, c.body.node.label_zh, c.body.node.label_en,
                  " ".join(c.roles), str(c.doubtful).lower()) for c in d.carriers] or [(*head, *[""] * 5)]
    return Rows(("deployment", "label_zh", "label_en", "level", "date", "body", "body_label_zh",
                 "body_label_en", "roles", "doubtful"), tuple(rows))


def print_deployments(chosen: list[Deployment], lang: str, *, every_chain: bool) -> None:
    """Each deployment in turn (see print_deployment), or `no deployment`."""
    for deployment in chosen:
        print_deployment(deployment, lang, every_chain=every_chain)
    if not chosen:
        print("no deployment")


def print_deployment(deployment: Deployment, lang: str, *, every_chain: bool) -> None:
    """Print a deployment, its issuers and its bodies (each with its first chain, or all of them)."""
    node = deployment.node.node
    name = (node.label_zh if lang == "zh" else node.label_en) or node.label_en or node.iri
    level = LEVEL_LABELS[deployment.level][0 if lang == "zh" else 1] if deployment.level else "?"
    print(f"{name}  [{level}{', ' + deployment.date if deployment.date else ''}]  ({node.id})")
    for hop in deployment.issuers:
        print(f"  issued: {describe(hop, lang)}")
    for hop in deployment.concerns:
        print(f"  concerns: {describe(hop, lang)}")
    if not deployment.carriers:
        print("  no body in the graph carries it out")
    for carrier in deployment.carriers:
        body = carrier.body.node
        roles = ", ".join(ROLES[r][0 if lang == "zh" else 1] for r in carrier.roles)
        label = (body.label_zh if lang == "zh" else body.label_en) or body.iri
        print(f"  {label} — {roles}{'  (every route passes a doubt)' if carrier.doubtful else ''}")
        for chain in carrier.chains if every_chain else carrier.chains[:1]:
            for hop in chain.path.hops:
                print(f"      {describe(hop, lang)}")
            if every_chain:
                print()
    if deployment.reason:
        print(f"  truncated: {deployment.reason}")


def describe(hop: Hop, lang: str) -> str:
    """A hop as `kg path` prints it, plus its doubt and the curator's notes on its citations."""
    lines = [describe_hop(hop, lang)]
    if hop.doubt:
        reason = (hop.doubt.reason_zh if lang == "zh" else hop.doubt.reason_en) or hop.doubt.reason_en
        lines.append(f"        doubt ({hop.doubt.kind}): {reason}")
    lines += [f"        note [{c.section or '?'} {c.start}–{c.end}]: {c.note_in(lang)}"
              for c in hop.citations if c.note]
    return "\n".join(lines)
