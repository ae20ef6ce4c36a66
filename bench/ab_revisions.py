"""Paired A/B of two checkouts of this service: the same requests alternated between their servers.

    git worktree add /tmp/before <revision>
    .venv/bin/python bench/ab_revisions.py --before-src /tmp/before/src [--rounds 300]

Both servers run `kg serve --memory` on the SAME bundled files (the older checkout's ontology/ and
data/, no report texts), so only the code differs. Each round sends every request to both servers, in
alternating order, so machine noise falls on both alike; the figures are medians and their ratio.
Used for "no regression beyond noise" claims about a change (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

THIS_SRC = Path(__file__).resolve().parents[1] / "src"
OFFICE = "https://w3id.org/innokg/id/shanghai-stc-office"
PREFIXES = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ")
SPARQL = {
    "exact_label": PREFIXES + 'SELECT ?s WHERE { ?s skos:prefLabel "国家发展和改革委员会"@zh }',
    "one_hop": PREFIXES + f"SELECT ?p ?n WHERE {{ {{ <{OFFICE}> ?p ?n }} UNION {{ ?n ?p <{OFFICE}> }} }}",
    "two_hop": PREFIXES + f"SELECT DISTINCT ?n2 WHERE {{ {{ <{OFFICE}> ?p1 ?n1 }} UNION "
    f"{{ ?n1 ?p1 <{OFFICE}> }} FILTER(?p1 != rdf:type && isIRI(?n1)) {{ ?n1 ?p2 ?n2 }} UNION "
    "{ ?n2 ?p2 ?n1 } FILTER(?p2 != rdf:type && isIRI(?n2)) }",
    "group_by": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type",
}
PAGES = ("/health", "/entities?q=kcb&limit=3", "/entities/shanghai-stc-office")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(src: Path, files: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(src), "KG_ONTOLOGY_DIR": str(files / "ontology"),
           "KG_BUNDLED_DATA_DIR": str(files / "data"), "KG_SOURCES_DIR": str(files / "no-sources")}
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--memory", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")


def _wait_ready(client: httpx.Client) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if client.get("/health", timeout=1).json().get("ready"):
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"{client.base_url} did not get ready")


def _timed(client: httpx.Client, path: str, params: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    response = client.get(path, params=params, headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-src", type=Path, required=True, help="src/ of the older checkout")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    files = args.before_src.parent
    sources = {"before": args.before_src, "after": THIS_SRC}
    ports = {name: _free_port() for name in sources}
    servers = [_start(src, files, ports[name]) for name, src in sources.items()]
    try:
        clients = {name: httpx.Client(base_url=f"http://127.0.0.1:{port}") for name, port in ports.items()}
        for client in clients.values():
            _wait_ready(client)
        requests = [("/sparql", {"query": text}, name) for name, text in SPARQL.items()]
        requests += [(path, None, path) for path in PAGES]
        times: dict[tuple[str, str], list[float]] = {}
        for round_ in range(args.rounds):
            order = list(clients) if round_ % 2 == 0 else list(reversed(clients))
            for path, params, label in requests:
                for name in order:
                    times.setdefault((name, label), []).append(_timed(clients[name], path, params))
        print(f"| request | before median ms | after median ms | after ÷ before |  ({args.rounds} rounds)")
        print("| --- | --- | --- | --- |")
        for _, _, label in requests:
            before = statistics.median(times[("before", label)])
            after = statistics.median(times[("after", label)])
            print(f"| {label} | {before:.2f} | {after:.2f} | {after / before:.2f} |")
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
