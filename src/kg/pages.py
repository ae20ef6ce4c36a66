"""Server-rendered HTML pages: one Jinja2 environment over `kg/web/templates`, escaping every value.

Autoescaping is on for every template, so a label, quote or IRI is always text (and, inside a quoted
attribute, stays inside it); a variable a template uses but the caller did not pass is an error, not
an empty string. The environment is built on first use, not at import.

A quote is shown through the `display_quote` filter (kg.quotes.display_quote: the report's stray
typesetting spaces inside Chinese words left out), so every page shows a quote the same way.
"""

from __future__ import annotations

from functools import cache

import jinja2

from kg.quotes import display_quote

#: Where the templates live inside the `kg` package (declared as package data in pyproject.toml).
TEMPLATES = "web/templates"


@cache
def environment() -> jinja2.Environment:
    """The template environment: autoescaped, strict about undefined variables, block tags trimmed, with
    the `display_quote` filter."""
    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("kg", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.filters["display_quote"] = display_quote
    return templates


def render(name: str, **context: object) -> str:
    """The template `name` rendered with `context`; raises jinja2.UndefinedError for a missing variable."""
    return environment().get_template(name).render(**context)


__all__ = ["TEMPLATES", "environment", "render"]
