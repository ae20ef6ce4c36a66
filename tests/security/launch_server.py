"""Launcher of the connection tests: `python launch_server.py PORT_FILE`.

Binds a listening socket on 127.0.0.1 (a free port), writes the port to PORT_FILE, and serves the
bundled graph in memory through kg.api.server.run_server, as `kg serve` does over the socket it binds
before its sandbox. Every other setting comes from KG_* variables.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from kg.api.app import create_app
from kg.api.server import run_server
from kg.config import Settings


def main(port_file: Path) -> None:
    """Bind, announce the port, serve until terminated."""
    settings = Settings(in_memory=True)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    partial = port_file.with_suffix(".partial")  # renamed into place: readers never see half a number
    partial.write_text(str(listener.getsockname()[1]))
    partial.rename(port_file)
    run_server(create_app(settings), settings, sockets=[listener])


if __name__ == "__main__":  # the query workers re-import this file: only the main process serves
    main(Path(sys.argv[1]))
