"""`kg serve`: run the HTTP service with uvicorn."""

from __future__ import annotations

import argparse

from kg.commands import COMMANDS
from kg.commands.common import add_store_options, settings_from


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` command."""
    parser = subparsers.add_parser("serve", help=COMMANDS["serve"])
    add_store_options(parser)
    parser.add_argument("--host", help="interface to bind (default: KG_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: KG_PORT or 8000)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Open the store and serve until interrupted."""
    import uvicorn

    from kg.api.app import create_app

    settings = settings_from(args)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    app = create_app(settings)
    print(f"kg: serving on http://{settings.host}:{settings.port}/  (docs at /docs)", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0
