"""Request latency of the service on the bundled graph, over real HTTP (a `kg serve --memory` process).

    .venv/bin/python bench/bench_service.py [--requests 300]

Prints median and p99 per request kind (lookup, SPARQL, entity view, linked data, paths, trace) in
milliseconds, measured sequentially with one keep-alive client on 127.0.0.1. No assertions: figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from live import serve_live  # noqa: E402  (the test suite's live-server helper)

SPARQL_ONE_HOP = """PREFIX ikg: <https://w3id.org/innokg/ontology#> PREFIX id: <https://w3id.org/innokg/id/>
SELECT ?body WHERE { id:shanghai-stc-office ikg:handlesDailyWorkOf ?body }"""

#: name -> (path, query parameters, Accept header)
REQUESTS: dict[str, tuple[str, dict[str, str], str]] = {
    "lookup 科创办": ("/entities", {"q": "科创办", "limit": "10"}, "application/json"),
    "lookup kcb (initials)": ("/entities", {"q": "kcb", "limit": "10"}, "application/json"),
    "lookup NDRC (English)": ("/entities", {"q": "NDRC", "limit": "10"}, "application/json"),
    "lookup kechuangbna (typo)": ("/entities", {"q": "kechuangbna", "limit": "10"}, "application/json"),
    "sparql one hop (json)": ("/sparql", {"query": SPARQL_ONE_HOP}, "application/sparql-results+json"),
    "entity view": ("/entities/shanghai-stc-office", {}, "application/json"),
    "linked data (turtle)": ("/id/shanghai-stc-office", {}, "text/turtle"),
    "paths ndrc→科创办 (k=3)": ("/paths", {"source": "ndrc", "target": "shanghai-stc-office", "k": "3"},
                               "application/json"),
    "trace up 科创办": ("/trace/up/shanghai-stc-office", {}, "application/json"),
}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def measure(client: httpx.Client, base: str, n: int) -> dict[str, tuple[float, float]]:
    """Median and p99 (ms) of `n` sequential requests of each kind, after 20 warm-up requests."""
    figures = {}
    for name, (path, params, accept) in REQUESTS.items():
        headers = {"Accept": accept}
        for _ in range(20):
            client.get(base + path, params=params, headers=headers).raise_for_status()
        times = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(base + path, params=params, headers=headers).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
        figures[name] = (statistics.median(times), percentile(times, 99))
    return figures


def main() -> None:
    """Start the service, measure, print a table, stop the service."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serve_live(Path(tmp)) as server, httpx.Client() as client:
        figures = measure(client, server.url, args.requests)
    print(f"| request ({args.requests} each, sequential, keep-alive) | median ms | p99 ms |")
    print("| --- | --- | --- |")
    for name, (median, p99) in figures.items():
        print(f"| {name} | {median:.2f} | {p99:.2f} |")


if __name__ == "__main__":
    main()
