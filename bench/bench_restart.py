"""Start and restart of `kg serve` over one on-disk store: seconds until ready, and memory per process.

The first start builds the lookup index, the evidence index and the relation graph and keeps them
beside the store (KG_PERSIST_INDEXES); a restart of the same state loads them. Printed: seconds from
the process's start until `/health` says `ready: true` (20 answers in a row, on new connections, so
every server process of `--workers N` is counted), and the unique memory (USS: what the process alone
holds) of each server process and of the query workers under it.

    .venv/bin/python bench/bench_restart.py --size 1m --workers 1
    .venv/bin/python bench/bench_restart.py --store /tmp/m1/store --workers 2   # an existing store
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
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


def run_once(kg_dir: Path, workers: int, work: Path, label: str
             ) -> tuple[float, dict[str, tuple[float, float]]]:
    with ExitStack() as stack:
        cmd, port, env = peers.kg_server(kg_dir, workers=workers)
        started = time.monotonic()
        kg = stack.enter_context(peers.serve(f"kg-{label}", cmd, port=port, query_path="/sparql",
                                             log=work / f"serve-{label}.log", ready_path="/health",
                                             ready_timeout=900, env=env))
        seconds = measure.ready_everywhere(kg.base_url, started=started)
        time.sleep(1.0)  # let the warm-up's last allocations settle
        return seconds, memory(kg.pid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="100k")
    parser.add_argument("--store", type=Path, help="an existing store directory (no data generated)")
    parser.add_argument("--workers", type=int, default=1)
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
            seconds, uss = run_once(kg_dir, args.workers, work, label.replace(" ", "-"))
            print(f"{label}: ready after {seconds:.1f} s (workers={args.workers})", flush=True)
            for name, (uss_mb, pss_mb) in uss.items():
                print(f"    USS {uss_mb:8.1f} MB  PSS {pss_mb:8.1f} MB  {name}")
            print(f"    all processes: PSS {sum(p for _, p in uss.values()):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
