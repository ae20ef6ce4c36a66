"""Throughput of `kg serve --workers 1` and `--workers 2` over the same embedded store, in one run.

For each worker count the same store is served and wrk sends, for the same number of seconds, (1) one
SPARQL query of the mix repeated (the result cache answers all but the first), (2) SPARQL queries that
never repeat (a label lookup with a different label each time: every one is evaluated) and (3)
entity lookups that never repeat. The figures are requests per second and the ratio of 2 workers to
1; the machine is shared and noisy, so only the ratios within one run mean anything.

    .venv/bin/python bench/bench_workers.py --size 100k --seconds 8
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox

import measure
import peers
import queries
from kg.synth import entities_for_triples, write_file

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def label_queries(store: ox.Store, count: int, rng: random.Random) -> list[str]:
    """`count` SPARQL lookups of an exact label, each a different label: no answer is cached."""
    labels = [str(s["l"].value) for s in store.query(
        'SELECT DISTINCT ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l '
        'FILTER(lang(?l) = "zh") } LIMIT 50000', use_default_graph_as_union=True)]
    rng.shuffle(labels)
    template = ('SELECT ?s WHERE {{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> "{}"@zh }}')
    return [template.format(label.replace('"', '\\"')) for label in labels[:count]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kg-bench-workers-") as tmp:
        work = Path(tmp)
        data = work / "synth.nq"
        write_file(data, entities=entities_for_triples(SIZES[args.size]), seed=args.seed)
        store = ox.Store()
        store.load(path=str(data), format=ox.RdfFormat.N_QUADS)
        for path, graph in peers.bundled_files():
            fmt = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG}[path.suffix]
            store.load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph) if graph else None)
        targets = queries.pick_targets(store, rng)
        mix = queries.query_mix(targets)
        distinct_sparql = label_queries(store, 5000, rng)
        lookups = queries.distinct_lookups(targets, rng, 5000)
        del store
        kg_dir = work / "kg"
        loaded, _ = peers.load_kg(data, kg_dir, log=work / "load.log", timeout=900)
        if loaded.returncode != 0:
            print(f"load failed: {loaded.output_tail}", file=sys.stderr)
            return 1
        accept = (f"Accept: {peers.SPARQL_JSON}",)
        results: dict[int, dict[str, float]] = {}
        for workers in (1, 2):
            with ExitStack() as stack:
                cmd, port, env = peers.kg_server(kg_dir, workers=workers)
                kg = stack.enter_context(peers.serve(f"kg-{workers}", cmd, port=port, query_path="/sparql",
                                                     log=work / f"serve-{workers}.log", ready_path="/health",
                                                     ready_timeout=600, env=env))
                ready = measure.ready_everywhere(kg.base_url, timeout=600.0)
                repeated = f"{kg.base_url}/sparql?query={urllib.parse.quote(mix['exact_label'])}"
                runs = {
                    "kg_sparql": measure.wrk(repeated, seconds=args.seconds, connections=args.connections,
                                             headers=accept),
                    "kg_sparql_distinct": measure.wrk(
                        kg.base_url + "/sparql", seconds=args.seconds, connections=args.connections,
                        headers=accept,
                        paths=[f"/sparql?query={urllib.parse.quote(q)}" for q in distinct_sparql]),
                    "kg_lookup_distinct": measure.wrk(
                        kg.base_url + "/entities", seconds=args.seconds, connections=args.connections,
                        paths=[f"/entities?q={urllib.parse.quote(q)}&limit=10" for q in lookups]),
                }
                results[workers] = {name: float(run.get("requests_per_s", 0.0)) for name, run in runs.items()}
                for name, run in runs.items():
                    if not run.get("available", True) or run.get("non_2xx"):
                        print(f"  {name}: {run}", flush=True)
                print(f"workers={workers}: ready {ready:.1f} s after /health answered; "
                      + ", ".join(f"{k} {v:,.0f} req/s" for k, v in results[workers].items()), flush=True)
        print(f"\n{args.size} triples, {args.connections} connections, {args.seconds} s each")
        for name in results[1]:
            one, two = results[1][name], results[2][name]
            print(f"{name:20s} 1 worker {one:9,.0f} req/s   2 workers {two:9,.0f} req/s   "
                  f"ratio {two / one if one else float('nan'):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
