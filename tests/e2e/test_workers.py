"""`kg serve --workers 2` over the embedded on-disk store: one leader takes the writes, a replica reads
what it publishes. Writes sent to either process are applied once, and every read after a write, on
any new connection (so on either process), sees it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.auth import token_digest
from live import LiveServer, serve_live

pytestmark = pytest.mark.e2e

TOKEN = "workers-test-token-0123456789abcdef"
GRAPH = "https://example.org/workers"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("workers")
    env = {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(TOKEN)}
    with serve_live(workdir, env=env, data_dir=workdir / "store", args=("--workers", "2")) as live:
        yield live


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def count(url: str) -> int:
    with httpx.Client(timeout=30) as client:  # a new connection: the kernel gives it to either process
        answer = client.get(f"{url}/sparql", params={"query": COUNT},
                            headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def write(url: str, n: int) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    triple = f'<https://example.org/s{n}> <https://example.org/p> "{n}"'
    with httpx.Client(timeout=30) as client:
        if n % 2:
            answer = client.post(f"{url}/rdf-graphs", params={"graph": GRAPH}, content=f"{triple} .".encode(),
                                 headers={**auth, "Content-Type": "application/n-triples"})
        else:
            answer = client.post(f"{url}/sparql", headers=auth,
                                 data={"update": f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {triple} }} }}"})
    assert answer.status_code in (200, 201, 204), answer.text


def test_two_processes_serve(server: LiveServer) -> None:
    assert len(children(server.pid)) == 2


def test_every_read_after_a_write_sees_it_on_either_process(server: LiveServer) -> None:
    processes = children(server.pid)
    before = {pid: cpu_ticks(pid) for pid in processes}
    stale = []
    for n in range(1, 21):
        write(server.url, n)
        stale += [(n, seen) for seen in (count(server.url) for _ in range(5)) if seen != n]
    assert stale == []
    assert all(cpu_ticks(pid) > before[pid] for pid in processes)  # both processes answered


def test_a_write_without_the_token_is_refused_whichever_process_gets_it(server: LiveServer) -> None:
    for _ in range(6):
        with httpx.Client(timeout=30) as client:
            answer = client.post(f"{server.url}/sparql", data={"update": "CLEAR ALL"})
        assert answer.status_code == 401 and answer.json()["code"] == "unauthorized"
    assert count(server.url) >= 0


def test_memory_store_with_workers_is_one_line() -> None:
    import subprocess
    import sys

    from kg.config import PROJECT_ROOT

    command = [sys.executable, "-m", "kg.cli", "serve", "--memory", "--workers", "2", "--port", "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("kg serve: error: --workers needs an on-disk store")
