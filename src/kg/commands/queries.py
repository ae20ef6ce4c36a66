"""`kg queries [NAME [PARAM=VALUE ...]]`: list the question catalogue, or run one question."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kg.catalogue import CatalogueQuery
from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, services_from
from kg.commands.output import FORMATS, Rows, add_format_option, emit, format_table
from kg.commands.query import print_answer
from kg.config import Settings
from kg.errors import BadRequestError
from kg.services import Services

#: Formats of a question's answer: those of the list, and the SPARQL result formats.
ANSWER_FORMATS = (*FORMATS, "tsv", "xml")


def register(subparsers: Subparsers) -> None:
    """Add the `queries` command."""
    parser = subparsers.add_parser(
        "queries", help=COMMANDS["queries"],
        description="Without NAME: every question of the catalogue (queries/*.rq) with its "
        "parameters, as GET /queries lists them. With NAME: run that question through the SPARQL "
        "endpoint, as GET /queries/NAME does, with PARAM=VALUE pairs instead of the defaults (an "
        "entity may be given by id, CURIE, IRI or name). Example: kg queries tr02-served-deployments "
        "body=科创办 --format csv",
    )
    add_store_options(parser)
    parser.add_argument("name", nargs="?", help="the question to run (omit to list them all)")
    parser.add_argument("params", nargs="*", metavar="PARAM=VALUE", help="a parameter's value")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="title language (list)")
    add_format_option(parser, ANSWER_FORMATS)
    parser.set_defaults(handler=run)


def parameter_values(pairs: Sequence[str]) -> dict[str, str]:
    """`PARAM=VALUE` arguments as a dict; raises BadRequestError for one without `=`."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise BadRequestError(f"Parameter {pair!r} is not PARAM=VALUE, e.g. body=shanghai-stc-office.")
        values[key] = value
    return values


def run(args: argparse.Namespace) -> int:
    """List the catalogue, or run one question; exit 1 (via KGError) for an unknown name or value."""
    values = parameter_values(args.params)
    if args.name is None and args.format not in FORMATS:
        raise BadRequestError(f"--format {args.format} is for a question's answer; the list is "
                              f"{', '.join(FORMATS)}.")
    with services_from(args) as services:
        if args.name is not None:
            print_answer(services, bound_text(services, args.name, values), args.format, command="queries")
            return 0
        questions = services.catalogue.queries()
        settings = services.settings
    emit(args.format, answer=listing(questions, settings), rows=lambda: to_rows(questions),
         table=lambda: print_catalogue(questions, args.lang))
    return 0


def bound_text(services: Services, name: str, values: dict[str, str]) -> str:
    """The question's SPARQL with `values` bound, names resolved as GET /queries/{name} resolves them;
    raises QueryNotFoundError, BadRequestError, EntityNotFoundError."""
    question = services.catalogue.get_query(name)
    question.check_engine(services.store.engine_name)
    return question.bind(values, resolve=lambda value: services.resolver.resolve(value).iri)


def listing(questions: Sequence[CatalogueQuery], settings: Settings) -> dict[str, object]:
    """The catalogue as GET /queries answers it, URLs on the configured server."""
    base = (settings.base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    return {"queries": [{**q.to_dict(), "url": f"{base}/queries/{q.name}"} for q in questions]}


def _parameters(question: CatalogueQuery) -> str:
    shown = (parameter.to_dict() for parameter in question.parameters)  # defaults as CURIEs
    return " ".join(f"{p['name']}={p['default']}" for p in shown)


def to_rows(questions: Sequence[CatalogueQuery]) -> Rows:
    """One row per question: name, titles, parameters with their defaults, file."""
    return Rows(("name", "title_zh", "title_en", "parameters", "file"),
                tuple((q.name, q.title_zh, q.title_en, _parameters(q), q.file) for q in questions))


def print_catalogue(questions: Sequence[CatalogueQuery], lang: str) -> None:
    """The questions as a table: name, title, parameters (with defaults)."""
    print(format_table(("name", "title", "parameters (defaults)"),
                       [(q.name, q.title_zh if lang == "zh" else q.title_en, _parameters(q))
                        for q in questions]), end="")
    print("Run one: kg queries NAME [PARAM=VALUE ...]  (kg queries --help)")
