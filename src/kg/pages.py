"""Server-rendered HTML pages: one Jinja2 environment over `kg/web/templates`, escaping every value.

Autoescaping is on for every template, so a label, quote or IRI is always text (and, inside a quoted
attribute, stays inside it); a variable a template uses but the caller did not pass is an error, not
an empty string. The environment is built on first use, not at import.
"""

from __future__ import annotations

from functools import cache

import jinja2

#: Where the templates live inside the `kg` package (declared as package data in pyproject.toml).
TEMPLATES = "web/templates"


@cache
def environment() -> jinja2.Environment:
    """The template environment: autoescaped, strict about undefined variables, block tags trimmed."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kg", TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: object) -> str:
    """The template `name` rendered with `context`; raises jinja2.UndefinedError for a missing variable."""
    return environment().get_template(name).render(**context)


__all__ = ["TEMPLATES", "environment", "render"]
