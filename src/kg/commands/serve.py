"""`kg serve`: run the HTTP service with uvicorn, in a process that cannot reach the network.

The order matters (kg.store.sandbox): the listening socket is bound first, then this process leaves
the network while it has a single thread, and only then are the store, the worker processes and the
web server started. The service accepts connections on the socket bound before; nothing it runs can
open a connection anywhere else.
"""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

from kg.commands import COMMANDS, Subparsers
from kg.commands.common import add_store_options, settings_from
from kg.config import Settings
from kg.errors import KGError


class PortInUseError(KGError):
    """The address `kg serve` should listen on is taken or not available."""

    code = "port_in_use"


def register(subparsers: Subparsers) -> None:
    """Add the `serve` command."""
    parser = subparsers.add_parser("serve", help=COMMANDS["serve"])
    add_store_options(parser)
    parser.add_argument("--host", help="interface to bind (default: KG_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=port_number, help="port (default: KG_PORT or 8000)")
    parser.add_argument("--workers", type=worker_count, default=1,
                        help="server processes sharing the port (default 1); over the embedded store one "
                        "of them takes the writes and the others read what it publishes")
    parser.set_defaults(handler=run)


def port_number(text: str) -> int:
    """A TCP port from the command line (0 picks a free one); argparse reports a ValueError."""
    port = int(text)
    if not 0 <= port <= 65535:
        raise ValueError(text)
    return port


def worker_count(text: str) -> int:
    """A number of server processes, 1 to 64; argparse reports a ValueError."""
    count = int(text)
    if not 1 <= count <= 64:
        raise ValueError(text)
    return count


def bind(settings: Settings) -> socket.socket:
    """A listening socket on the configured host and port; raises PortInUseError."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except (OSError, OverflowError) as exc:  # OverflowError: a port past 65535 (KG_PORT)
        sock.close()
        reason = exc.strerror if isinstance(exc, OSError) else "no such port (0 to 65535)"
        raise PortInUseError(f"Cannot listen on {settings.host}:{settings.port}: {reason}; "
                             "choose another with --port or KG_PORT.") from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _holds_a_store(directory: Path) -> bool:
    return directory.is_dir() and any(directory.iterdir())


def run(args: argparse.Namespace) -> int:
    """Bind, leave the network, open the store and serve until interrupted."""
    settings = settings_from(args)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    if args.workers > 1:
        from kg.api.cluster import Plan

        Plan.of(settings, args.workers)  # refused before the port is taken
    sock = bind(settings)
    if settings.backend == "embedded":
        from kg.store.sandbox import apply_or_warn

        apply_or_warn(unsafe=settings.unsafe_network)
    # else: the web process must reach the remote engine (KG_BACKEND=sparql); the engine runs client
    # text in its own process, whose egress the operator blocks (docs/architecture.md, "The remote
    # backend"); the query workers, parser and update processes here keep their sandbox.

    if settings.backend == "embedded" and not settings.in_memory and not _holds_a_store(settings.data_dir):
        print(f"kg serve: first start: loading the bundled graph into {settings.data_dir}…", flush=True)
    port = sock.getsockname()[1]  # the one chosen when --port 0 asked for any free port
    if args.workers > 1:
        from kg.api.cluster import serve_workers

        print(f"kg: serving on http://{settings.host}:{port}/ with {args.workers} processes  "
              "(docs at /docs)", flush=True)
        return serve_workers(settings, sock, args.workers)

    from kg.api.app import create_app
    from kg.api.server import run_server

    app = create_app(settings)
    print(f"kg: serving on http://{settings.host}:{port}/  (docs at /docs)", flush=True)
    run_server(app, settings, sockets=[sock])
    return 0
