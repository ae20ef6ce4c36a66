"""A realistic repeated workload: kg with its result cache against `oxigraph serve` on the same data.

Researchers' traffic repeats itself: the same questions from a dashboard, a notebook re-run, a query UI
paging. The workload here is the benchmark's ten query shapes, each with 20 parameter variants (other
offices, labels, regions, hubs: 200 distinct queries), of which 200 requests are drawn with
Zipf-distributed repetition (rank r drawn with weight 1 / r^s, s = 1.1, over a shuffled ranking). The
same sequence is sent, one request at a time on a keep-alive connection, to `kg serve` (result cache
on, the default), to `kg serve` with KG_CACHE_BYTES=0, and to `oxigraph serve-read-only`; printed: the
total time of each and the ratios (the issue's target: kg with its cache ≤ 0.5× oxigraph's).

    .venv/bin/python bench/bench_cache.py --size 100k
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
import pyoxigraph as ox

import peers
import queries
from kg.synth import entities_for_triples, write_file

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
VARIANTS = 20


def population(store: ox.Store, seed: int) -> list[str]:
    """Ten shapes × VARIANTS parameter sets: distinct queries (duplicates dropped)."""
    found: dict[str, None] = {}
    for variant in range(VARIANTS):
        targets = queries.pick_targets(store, random.Random(seed * 1000 + variant))
        hub = targets.hubs[variant % len(targets.hubs)]
        targets = queries.Targets(**{**targets.__dict__, "hub": hub})
        for query in queries.query_mix(targets).values():
            found[query] = None
    return list(found)


def zipf_sequence(items: list[str], count: int, s: float, rng: random.Random) -> list[str]:
    ranked = items[:]
    rng.shuffle(ranked)
    weights = [1 / (rank ** s) for rank in range(1, len(ranked) + 1)]
    return rng.choices(ranked, weights=weights, k=count)


def replay(url: str, sequence: list[str]) -> float:
    """Seconds to send the sequence one by one (each answer read whole); raises on a non-200."""
    with httpx.Client(timeout=120) as client:
        started = time.perf_counter()
        for query in sequence:
            answer = client.get(url, params={"query": query}, headers={"Accept": peers.SPARQL_JSON})
            if answer.status_code != 200:
                raise RuntimeError(f"{url}: {answer.status_code} {answer.text[:200]}")
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--zipf", type=float, default=1.1)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kg-bench-cache-") as tmp:
        work = Path(tmp)
        data = work / "synth.nq"
        write_file(data, entities=entities_for_triples(SIZES[args.size]), seed=args.seed)
        store = ox.Store()
        store.load(path=str(data), format=ox.RdfFormat.N_QUADS)
        distinct = population(store, args.seed)
        del store
        sequence = zipf_sequence(distinct, args.requests, args.zipf, rng)
        repeats = args.requests - len(set(sequence))
        kg_dir, ox_dir = work / "kg", work / "ox"
        for run in (peers.load_kg(data, kg_dir, log=work / "kg-load.log", timeout=900)[0],
                    peers.load_oxigraph(data, ox_dir, log=work / "ox-load.log", timeout=900)):
            if run.returncode != 0:
                print(f"load failed: {run.output_tail}", file=sys.stderr)
                return 1
        totals: dict[str, float] = {}
        with ExitStack() as stack:
            ox_cmd, ox_port = peers.oxigraph_server(ox_dir)
            oxi = stack.enter_context(peers.serve("oxigraph", ox_cmd, port=ox_port, query_path="/query",
                                                  log=work / "ox.log", ready_path="/", ready_timeout=300))
            for name, extra in (("kg (cache on)", {}), ("kg (cache off)", {"KG_CACHE_BYTES": "0"})):
                with ExitStack() as kg_stack:
                    cmd, port, env = peers.kg_server(kg_dir)
                    kg = kg_stack.enter_context(peers.serve(
                        name, cmd, port=port, query_path="/sparql", log=work / "kg.log",
                        ready_path="/health", ready_timeout=600, env={**env, **extra}))
                    while not httpx.get(f"{kg.base_url}/health", timeout=5).json().get("ready"):
                        time.sleep(0.2)
                    totals[name] = replay(f"{kg.base_url}/sparql", sequence)
            totals["oxigraph serve"] = replay(oxi.query_url, sequence)
        top = Counter(sequence).most_common(1)[0][1]
        print(f"{args.size} triples: {args.requests} requests over {len(set(sequence))} distinct queries "
              f"({repeats} repeats; the most asked {top}×), Zipf s={args.zipf}")
        for name, seconds in totals.items():
            print(f"  {name:16s} {seconds:7.2f} s   {seconds / totals['oxigraph serve']:.2f}× oxigraph serve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
