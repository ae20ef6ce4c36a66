"""Virtuoso on 127.0.0.1, started with a config written into a directory of its own: the engine of the
remote-backend tests (tests/remote/conftest.py) and of the benchmark (bench/bench_remote.py --engine
virtuoso). Debian's `virtuoso-opensource` provides it (scripts/setup-debian installs it)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

#: The project's root (two levels above this file), whose data/ holds the bundled graph.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Seconds Virtuoso may take to answer its first query.
START_WAIT = 60.0

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {root}
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}
MaxClientConnections = 20
ServerThreads = 20
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 30
"""


class EngineStartError(RuntimeError):
    """The engine did not start; the message ends with its log."""


@dataclass(frozen=True)
class Started:
    """A running Virtuoso: its process, HTTP base URL and SQL port."""

    process: subprocess.Popen[bytes]
    base_url: str
    sql_port: int


def installed() -> bool:
    """Whether the server and its SQL client are on PATH."""
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(root: Path, *, max_rows: int) -> Started:
    """Start Virtuoso in `root` on free ports, wait until it answers, and grant SPARQL updates to its
    anonymous SPARQL user (its documented grant, which also opens /sparql-graph-crud to writes);
    raises EngineStartError with the log."""
    sql_port, http_port = _free_port(), _free_port()
    (root / "virtuoso.ini").write_text(VIRTUOSO_INI.format(root=root, sql_port=sql_port,
                                                           http_port=http_port, max_rows=max_rows))
    log = root / "out.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(shutil.which("virtuoso-t")), "-c", str(root / "virtuoso.ini"),
                                    "+foreground"], cwd=root, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + START_WAIT
    while True:
        if process.poll() is not None:
            raise EngineStartError(f"Virtuoso exited at start: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.post(f"{base}/sparql", data={"query": "ASK {}"}, timeout=2.0).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise EngineStartError(f"Virtuoso did not answer within {START_WAIT:g} s: "
                                   f"{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    subprocess.run([str(shutil.which("isql-vt")), f"127.0.0.1:{sql_port}", "dba", "dba",
                    'EXEC=GRANT SPARQL_UPDATE TO "SPARQL";'],
                   check=True, capture_output=True, timeout=30, env={**os.environ})
    return Started(process, base, sql_port)


def bundled_data(root: Path) -> Path:
    """The bundled data with xsd:duration literals as plain strings (docs/engine-notes.md §5.3)."""
    directory = root / "data"
    directory.mkdir()
    for path in (PROJECT_ROOT / "data").glob("*.trig"):
        text = path.read_text(encoding="utf-8")
        (directory / path.name).write_text(re.sub(r'("P[0-9A-Z]+")\^\^xsd:duration', r"\1", text),
                                           encoding="utf-8")
    return directory
