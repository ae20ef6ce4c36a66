"""Start and restart of `kg serve` over one on-disk store: seconds until ready, and memory per process.

The first start builds the lookup index, the evidence index and the relation graph and keeps them
beside the store (KG_PERSIST_INDEXES); a restart of the same state loads them. Printed: seconds from
the process's start until `/health` says `ready: true` (20 answers in a row, on new connections, so
every server process of `--workers N` is counted; the time of the first of them is printed too),
and the unique memory (USS: what the process alone holds) of each server process and of the query
workers under it. With `--exercise N`, the memory is
measured again after N requests of a researcher's kind on the restarted server (lookups of names and
of their pinyin-free prefixes, entity pages, explained paths between random entities, neighbourhoods),
so the figure includes what serving adds (caches, labels read, built views).

    .venv/bin/python bench/bench_restart.py --size 1m --workers 1
    .venv/bin/python bench/bench_restart.py --store /tmp/m1/store --workers 2   # an existing store
    .venv/bin/python bench/bench_restart.py --store /tmp/m1/store --exercise 1000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import psutil

import measure
import peers
from kg.synth import entities_for_triples, write_file

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def memory(pid: int) -> dict[str, tuple[float, float]]:
    """(USS, PSS) in MB of each process of the server: the parent, the server processes of --workers
    N, their query workers. USS counts the pages a process alone holds; PSS shares each shared page
    out among its holders, so the PSS of all processes adds up to what the server holds."""
    root = psutil.Process(pid)
    found: dict[str, tuple[float, float]] = {}
    for proc in [root, *root.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
            found[f"{proc.pid} {' '.join(proc.cmdline()[1:4])[:60]}"] = (
                round(info.uss / 2**20, 1), round(info.pss / 2**20, 1))
        except psutil.Error:
            continue
    return found


def _get(base: str, path: str, **params: object) -> object:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}" if params else f"{base}{path}"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - our own server
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:  # a 404 for an entity without a path is an answer too
        exc.read()
        return None


def exercise(base: str, requests: int, seed: int = 7) -> dict[str, int]:
    """`requests` requests of a researcher's kind, drawn from the graph's own entities; how many of
    each kind were sent."""
    query = ("SELECT ?e ?l WHERE { ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
             "FILTER(lang(?l) = 'zh') } LIMIT 5000")
    rows = _get(base, "/sparql", query=query)
    bindings = rows["results"]["bindings"] if isinstance(rows, dict) else []
    names = [(b["e"]["value"], b["l"]["value"]) for b in bindings]
    rng = random.Random(seed)
    sent = {"lookup": 0, "prefix": 0, "entity": 0, "paths": 0, "neighbourhood": 0}
    for _ in range(requests):
        (iri, label), (other, _) = rng.choice(names), rng.choice(names)
        kind = rng.choice(list(sent))
        if kind == "lookup":
            _get(base, "/entities", q=label)
        elif kind == "prefix":
            _get(base, "/entities", q=label[:max(2, len(label) // 2)])
        elif kind == "entity":
            _get(base, "/entities/" + urllib.parse.quote(iri, safe=""))
        elif kind == "paths":
            _get(base, "/paths", source=iri, target=other)
        else:
            _get(base, "/entities/" + urllib.parse.quote(iri, safe="") + "/neighbourhood")
        sent[kind] += 1
    return sent


def run_once(kg_dir: Path, workers: int, work: Path, label: str, requests: int = 0
             ) -> tuple[float, dict[str, tuple[float, float]], dict[str, tuple[float, float]] | None]:
    with ExitStack() as stack:
        cmd, port, env = peers.kg_server(kg_dir, workers=workers)
        started = time.monotonic()
        kg = stack.enter_context(peers.serve(f"kg-{label}", cmd, port=port, query_path="/sparql",
                                             log=work / f"serve-{label}.log", ready_path="/health",
                                             ready_timeout=900, env=env))
        first, seconds = measure.ready_streak(kg.base_url, started=started)
        print(f"    {label}: every answer ready from {first:.1f} s on", flush=True)
        time.sleep(1.0)  # let the warm-up's last allocations settle
        at_rest = memory(kg.pid)
        if not requests:
            return seconds, at_rest, None
        sent = exercise(kg.base_url, requests)
        print(f"    exercised: {sent}", flush=True)
        return seconds, at_rest, memory(kg.pid)


def _print_memory(found: dict[str, tuple[float, float]]) -> None:
    for name, (uss_mb, pss_mb) in found.items():
        print(f"    USS {uss_mb:8.1f} MB  PSS {pss_mb:8.1f} MB  {name}")
    print(f"    all processes: PSS {sum(p for _, p in found.values()):.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--store", type=Path, help="an existing store directory (no data generated)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--exercise", type=int, default=0, metavar="N",
                        help="after the restart, send N requests and measure the memory again")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-restart-") as tmp:
        work = Path(tmp)
        kg_dir = args.store
        if kg_dir is None:
            data = work / "synth.nq"
            write_file(data, entities=entities_for_triples(SIZES[args.size]), seed=3)
            kg_dir = work / "kg"
            loaded, _ = peers.load_kg(data, kg_dir, log=work / "load.log", timeout=900)
            if loaded.returncode != 0:
                print(f"load failed: {loaded.output_tail}", file=sys.stderr)
                return 1
        for label in ("first start", "restart"):
            requests = args.exercise if label == "restart" else 0
            seconds, at_rest, used = run_once(kg_dir, args.workers, work, label.replace(" ", "-"), requests)
            print(f"{label}: ready after {seconds:.1f} s (workers={args.workers})", flush=True)
            _print_memory(at_rest)
            if used is not None:
                print(f"  after {requests} requests:")
                _print_memory(used)
    return 0


if __name__ == "__main__":
    sys.exit(main())
