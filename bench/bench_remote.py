"""The remote backend against the engine it runs on: SPARQL mix latency and load time.

    .venv/bin/python bench/bench_remote.py [--triples 100000] [--reps 15] [--seed 42]

Generates a synthetic graph (kg.synth), then:
- load: `kg load` over KG_BACKEND=sparql into a fresh `oxigraph serve` (batches POSTed to its Graph
  Store endpoint, KG_SPARQL_GSP_URL; `--no-gsp`: INSERT DATA updates), vs `oxigraph load` of the
  same file into a fresh directory (both in fresh processes, wall time);
- SPARQL mix: each query of bench/queries.py's mix sent to `kg serve` (KG_BACKEND=sparql, once its
  warm-up is done: /health says ready) and to the same `oxigraph serve` directly (with
  `union-default-graph`, the dataset kg asks for), the two calls alternating within each of
  `--reps` rounds after one warm-up round (a busy shared machine then slows both alike); medians
  printed as ms and ratio, with the issue's target (kg <= 1.3 x direct + 2 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox

import queries
from kg.synth import entities_for_triples, write_file

BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait(url: str, process: subprocess.Popen[bytes], limit: float = 300.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url}: not ready in {limit:g} s")


def wait_ready(url: str, limit: float = 600.0) -> None:
    """Wait until kg's /health says its warm-up is done (indexes built in the background would
    otherwise compete with the timed queries)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if httpx.get(url, timeout=10.0).json().get("ready"):
            return
        time.sleep(0.5)
    raise SystemExit(f"{url}: not ready in {limit:g} s")


def medians_ms(first: Callable[[], None], second: Callable[[], None],
               reps: int) -> tuple[float, float]:
    """Median ms of each call over `reps` rounds, the two alternating (and which goes first too)."""
    first()
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for rep in range(reps):
        order = ((0, first), (1, second)) if rep % 2 == 0 else ((1, second), (0, first))
        for slot, call in order:
            started = time.perf_counter()
            call()
            times[slot].append((time.perf_counter() - started) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-gsp", action="store_true",
                        help="leave KG_SPARQL_GSP_URL unset (loads and graph writes as updates)")
    parser.add_argument("--engine", choices=("oxigraph", "virtuoso"), default="oxigraph",
                        help="the engine under kg (virtuoso: Debian's, started as tests/remote start it; "
                        "no direct load to compare with, so only kg load's time is printed)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-remote-"))
    data = work / "synth.nq"
    write_file(data, entities=entities_for_triples(args.triples), seed=args.seed)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        direct_load: float | None = None
        if args.engine == "oxigraph":
            started = time.perf_counter()
            subprocess.run([BIN / "oxigraph", "load", "--location", work / "direct", "--file", data],
                           check=True, capture_output=True)
            direct_load = time.perf_counter() - started
            port = free_port()
            engine = f"http://127.0.0.1:{port}"
            processes.append(subprocess.Popen([BIN / "oxigraph", "serve", "--location", work / "engine",
                                               "--bind", f"127.0.0.1:{port}"],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait(f"{engine}/query?query=ASK%7B%7D", processes[-1])
            query_url, update_url, gsp_url = f"{engine}/query", f"{engine}/update", f"{engine}/store"
            bundled: dict[str, str] = {}
        else:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "remote"))
            import virtuoso  # the tests' launcher: the same config and grant

            (work / "virtuoso").mkdir()
            started_engine = virtuoso.start(work / "virtuoso", max_rows=10_000_000)
            processes.append(started_engine.process)
            engine = started_engine.base_url
            query_url = update_url = f"{engine}/sparql"
            gsp_url = f"{engine}/sparql-graph-crud"
            # Virtuoso holds no xsd:duration: the bundled data with them as plain strings.
            bundled = {"KG_BUNDLED_DATA_DIR": str(virtuoso.bundled_data(work / "virtuoso"))}
        env = {**os.environ, "KG_BACKEND": "sparql", "KG_SPARQL_QUERY_URL": query_url,
               "KG_SPARQL_UPDATE_URL": update_url, "KG_WARM_UP": "false",
               "KG_CACHE_BYTES": "0", **bundled}  # every answer from the engine, none from the cache
        if not args.no_gsp:
            env["KG_SPARQL_GSP_URL"] = gsp_url
        # The first open loads the bundled graph; `kg load` is timed on an engine that has it.
        subprocess.run([BIN / "kg", "stats"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        subprocess.run([BIN / "kg", "load", str(data), "--quiet"], env=env, check=True,
                       capture_output=True)
        remote_load = time.perf_counter() - started

        kg_port = free_port()
        processes.append(subprocess.Popen([BIN / "kg", "serve", "--port", str(kg_port)],
                                          env={**env, "KG_WARM_UP": "true"},
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        kg = f"http://127.0.0.1:{kg_port}"
        wait(f"{kg}/health", processes[-1])
        wait_ready(f"{kg}/health")
        store = ox.Store()
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        mix = queries.query_mix(queries.pick_targets(store, random.Random(args.seed)))
        accept = {"Accept": "application/sparql-results+json"}
        rows = []
        failed: list[tuple[str, str]] = []
        with httpx.Client(timeout=60.0) as client:
            # The dataset kg asks for: the union of the store's graphs (oxigraph's own union; on
            # Virtuoso, whose default graph holds its system graphs too, the graphs by name).
            dataset: dict[str, object] = {"union-default-graph": ""}
            if args.engine == "virtuoso":
                dataset = {"default-graph-uri": client.get(f"{kg}/health").json()["graphs"]}
            for name, query in mix.items():
                def direct(q: str = query) -> None:
                    client.post(query_url, data={"query": q, **dataset},
                                headers=accept).raise_for_status()

                def through_kg(q: str = query) -> None:
                    client.post(f"{kg}/sparql", data={"query": q}, headers=accept).raise_for_status()

                try:
                    rows.append((name, *medians_ms(direct, through_kg, args.reps)))
                except httpx.HTTPStatusError as exc:  # the engine cannot run this query at all
                    failed.append((name, f"{exc.response.status_code} {exc.response.text[:160]!r}"))
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
    print(f"{args.triples} triples (kg synth, seed {args.seed}), engine: {args.engine}")
    if direct_load is not None:
        print(f"load: kg load over oxigraph serve {remote_load:.2f} s; oxigraph load {direct_load:.2f} s; "
              f"ratio {remote_load / direct_load:.2f}")
    else:
        print(f"load: kg load over {args.engine} {remote_load:.2f} s (no direct loader compared)")
    print(f"{'query':<28}{'direct ms':>10}{'kg ms':>10}{'ratio':>8}{'target ms':>11}")
    for name, direct_ms, kg_ms in rows:
        print(f"{name:<28}{direct_ms:>10.2f}{kg_ms:>10.2f}{kg_ms / direct_ms:>8.2f}"
              f"{1.3 * direct_ms + 2:>11.2f}{'' if kg_ms <= 1.3 * direct_ms + 2 else '  over'}")
    for name, reason in failed:
        print(f"{name:<28}the engine refused it: {reason}")
    direct_med = statistics.median(r[1] for r in rows)
    kg_med = statistics.median(r[2] for r in rows)
    print(f"median of the mix: direct {direct_med:.2f} ms, kg {kg_med:.2f} ms, "
          f"ratio {kg_med / direct_med:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
