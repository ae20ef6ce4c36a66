"""Benchmark this service against its peers on synthetic graphs: one command, JSON and a table.

    .venv/bin/python bench/run.py [--sizes 10k,100k,1m] [--quick] [--seed 42] [--results-dir DIR]

For each size: generate the graph (kg.synth), load it with `kg load` and `oxigraph load` in fresh
processes (time, peak RSS), start `kg serve`, `oxigraph serve-read-only` and (small sizes only)
rdflib-endpoint on 127.0.0.1, time the first answer (cold start), run the SPARQL query mix over HTTP
(median, p90, ratios), lookup latency (`/entities?q=` vs a CONTAINS scan on Oxigraph), wrk throughput
next to a FastAPI hello-world ceiling, and path latency (`/paths`). Every server is stopped at the
end, also on error. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

import measure
import peers
import queries
from kg.synth import SYNTH_GRAPH, entities_for_triples, write_file

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
#: rdflib-endpoint parses its files into rdflib's memory store at start: ~57 s and 1.25 GB at 1M
#: (docs/engine-notes.md §1), and its label scans take seconds at 100k; it runs only up to this size.
RDFLIB_MAX_TRIPLES = 150_000
#: Different lookup strings of the no-repeat throughput load: more than wrk sends in its run here.
DISTINCT_LOOKUPS = 20_000
ID_BASE = "https://w3id.org/innokg/id/"
HTTP_TIMEOUT = 120.0
#: Longest wait for one /paths answer (the service's own budget is Settings.path_time_budget, 2 s).
PATH_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Plan:
    """How hard to push: repetitions and time budgets (bounded in count and in time)."""

    reps: int               # timed runs per query (after one warm-up)
    budget_s: float         # stop repeating a query after this many seconds (at least 3 runs)
    lookup_per_kind: int    # lookup strings per kind
    wrk_seconds: int
    wrk_connections: int
    path_pairs: int
    path_budget_s: float    # stop sending path requests after this many seconds


FULL = Plan(reps=20, budget_s=8.0, lookup_per_kind=40, wrk_seconds=5, wrk_connections=8,
            path_pairs=15, path_budget_s=90.0)
QUICK = Plan(reps=5, budget_s=2.0, lookup_per_kind=8, wrk_seconds=2, wrk_connections=8,
             path_pairs=4, path_budget_s=20.0)


# -- talking to servers ------------------------------------------------------------------------------

def sparql(client: httpx.Client, endpoint: peers.Endpoint, query: str) -> list[tuple[Any, ...]]:
    """POST a query (SPARQL 1.1 Protocol) and return the rows as sorted comparable tuples."""
    response = client.post(endpoint.query_url, content=query.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": peers.SPARQL_JSON})
    response.raise_for_status()
    body = response.json()
    names = body["head"]["vars"]
    rows = [tuple(_value(b.get(n)) for n in names) for b in body["results"]["bindings"]]
    return sorted(rows, key=repr)


def _value(binding: dict[str, str] | None) -> Any:
    if binding is None:
        return None
    if binding.get("datatype", "").endswith("#integer"):
        return int(binding["value"])  # engines differ in how they spell integers ("01" vs "1")
    return binding["value"]


def routes_of(base_url: str) -> set[str]:
    """Paths the service declares in its OpenAPI document (which helpers' routes exist today)."""
    response = httpx.get(base_url + "/openapi.json", timeout=30)
    return set(response.json().get("paths", {})) if response.status_code == 200 else set()


def first_answer(client: httpx.Client, endpoint: peers.Endpoint, query: str) -> float:
    """Seconds from spawning the server to its first answer of `query` (it is already up)."""
    sparql(client, endpoint, query)
    return time.perf_counter() - endpoint.started_at


# -- the parts of one size ---------------------------------------------------------------------------

def engine_baseline(store: ox.Store, mix: dict[str, str], plan: Plan) -> dict[str, Any]:
    """In-process pyoxigraph times of the mix: what the engine costs without HTTP or a service."""
    out = {}
    for name, query in mix.items():
        def call(q: str = query) -> int:
            return len(list(store.query(q, use_default_graph_as_union=True)))  # type: ignore[arg-type]
        times, rows = measure.repeat(call, reps=plan.reps, budget=plan.budget_s)
        out[name] = {**measure.summarise_ms(times), "rows": rows}
    return out


def run_mix(client: httpx.Client, endpoint: peers.Endpoint, mix: dict[str, str], plan: Plan
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Times and answers of the mix on one server over HTTP."""
    timings, answers = {}, {}
    for name, query in mix.items():
        try:
            times, rows = measure.repeat(lambda q=query: sparql(client, endpoint, q),
                                         reps=plan.reps, budget=plan.budget_s)
        except httpx.HTTPError as exc:
            timings[name] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            continue
        answers[name] = rows
        timings[name] = {**measure.summarise_ms(times), "rows": len(rows)}  # type: ignore[arg-type]
    return timings, answers


def lookup_latency(call: Callable[[str], int], strings: dict[str, list[str]]) -> dict[str, Any]:
    """p50/p99 per kind of lookup string and the share of strings that found anything.

    The first call is timed apart (`first_ms`): it includes building the lookup index.
    """
    started = time.perf_counter()
    call(strings["english"][0])
    out: dict[str, Any] = {"first_ms": (time.perf_counter() - started) * 1000}
    for kind, texts in strings.items():
        times, hits, failed = [], 0, []
        for text in texts:
            started = time.perf_counter()
            try:
                found = call(text)
            except httpx.HTTPStatusError as exc:
                failed.append(f"{text!r}: HTTP {exc.response.status_code}")
                continue
            times.append(time.perf_counter() - started)
            hits += found > 0
        stats = measure.summarise_ms(times)
        out[kind] = {"n": stats["n"], "p50_ms": stats["median_ms"], "p99_ms": stats["p99_ms"],
                     "hit_share": hits / len(texts) if texts else math.nan,
                     "errors": len(failed), "failed": failed[:5]}
    return out


def kg_lookup(client: httpx.Client, base: str) -> Callable[[str], int]:
    """A lookup call on this service: number of results of GET /entities?q=."""
    def call(text: str) -> int:
        response = client.get(base + "/entities", params={"q": text, "limit": 10})
        response.raise_for_status()
        return len(response.json()["results"])
    return call


def contains_lookup(client: httpx.Client, endpoint: peers.Endpoint) -> Callable[[str], int]:
    """The peer's lookup: rows of a CONTAINS scan."""
    return lambda text: len(sparql(client, endpoint, queries.contains_lookup_query(text)))


def path_latency(client: httpx.Client, base: str, pairs: list[tuple[str, str]], plan: Plan
                 ) -> dict[str, Any]:
    """Latency of GET /paths (k=3, max_hops=6): found, truncated, failed and timed-out pairs.

    Each request may take PATH_TIMEOUT_S; the pairs stop after plan.path_budget_s in all.
    """
    times: list[float] = []
    counts = {"with_path": 0, "truncated": 0, "errors": 0, "timeouts": 0, "not_run": 0}
    first_ms = None
    spent_from = time.perf_counter()
    for source, target in pairs:
        if time.perf_counter() - spent_from > plan.path_budget_s:
            counts["not_run"] += 1
            continue
        started = time.perf_counter()
        try:
            response = client.get(base + "/paths", timeout=PATH_TIMEOUT_S, params={
                "source": source.removeprefix(ID_BASE), "target": target.removeprefix(ID_BASE),
                "k": 3, "max_hops": 6})
        except httpx.TimeoutException:
            counts["timeouts"] += 1
            continue
        elapsed = time.perf_counter() - started
        if first_ms is None:
            first_ms = elapsed * 1000  # includes building the graph projection
        else:
            times.append(elapsed)
        if response.status_code != 200:
            counts["errors"] += 1
            continue
        body = response.json()
        counts["with_path"] += bool(body.get("paths"))
        counts["truncated"] += bool(body.get("truncated"))
    return {"available": True, "first_ms": first_ms, **measure.summarise_ms(times),
            "pairs": len(pairs), **counts,
            "hub_sources": sum(1 for n, _ in enumerate(pairs) if n % 3 == 0)}


def throughput(url: str, plan: Plan, headers: tuple[str, ...] = ()) -> dict[str, Any]:
    """wrk against one URL for the plan's duration."""
    return measure.wrk(url, seconds=plan.wrk_seconds, connections=plan.wrk_connections,
                       headers=headers)


def compare(mix_results: dict[str, dict[str, Any]], answers: dict[str, dict[str, Any]]
            ) -> dict[str, Any]:
    """Per query: each system's figures, whether answers agree with Oxigraph's, and ratios."""
    table: dict[str, Any] = {}
    for name, (description, _) in queries.QUERY_MIX.items():
        entry: dict[str, Any] = {"description": description}
        reference = answers.get("oxigraph", {}).get(name)
        for system, results in mix_results.items():
            figures = dict(results.get(name, {}))
            if system != "engine" and reference is not None and name in answers.get(system, {}):
                figures["agrees_with_oxigraph"] = answers[system][name] == reference
            entry[system] = figures
        kg = entry.get("kg", {}).get("median_ms")
        for peer in ("oxigraph", "rdflib_endpoint", "engine"):
            other = entry.get(peer, {}).get("median_ms")
            if kg is not None and other:
                entry[f"ratio_kg_to_{peer}"] = kg / other
        table[name] = entry
    return table


# -- one size ----------------------------------------------------------------------------------------

def bench_size(label: str, triples: int, plan: Plan, seed: int, work: Path) -> dict[str, Any]:
    """Everything measured at one size."""
    result: dict[str, Any] = {"triples_requested": triples}
    data = work / f"synth-{label}.nq"
    started = time.perf_counter()
    summary = write_file(data, entities=entities_for_triples(triples), seed=seed)
    result.update(generate_s=time.perf_counter() - started, quads=summary.quads,
                  entities=summary.entities, graph=SYNTH_GRAPH)
    print(f"[{label}] generated {summary.quads} quads in {result['generate_s']:.1f} s", flush=True)

    store = ox.Store()
    for path, graph in peers.bundled_files():
        store.load(path=str(path), format=_format(path), to_graph=ox.NamedNode(graph) if graph else None)
    store.load(path=str(data), format=ox.RdfFormat.N_QUADS)
    rng = random.Random(seed)
    targets = queries.pick_targets(store, rng)
    mix = queries.query_mix(targets)
    result["targets"] = {"label": targets.label, "term": targets.term, "regex": targets.regex,
                         "office": targets.office, "hub": targets.hub}
    mix_results: dict[str, Any] = {"engine": engine_baseline(store, mix, plan)}
    del store
    print(f"[{label}] in-process engine baseline done", flush=True)

    kg_dir, ox_dir = work / f"kg-{label}", work / f"ox-{label}"
    kg_run, how = peers.load_kg(data, kg_dir, log=work / f"kg-load-{label}.log", timeout=900)
    ox_run = peers.load_oxigraph(data, ox_dir, log=work / f"ox-load-{label}.log", timeout=900)
    for run in (kg_run, ox_run):
        if run.returncode != 0:
            raise RuntimeError(f"load failed: {run.output_tail}")
    result["load"] = {
        "kg": {"seconds": kg_run.seconds, "peak_rss_mb": kg_run.peak_rss_mb, "how": how},
        "oxigraph": {"seconds": ox_run.seconds, "peak_rss_mb": ox_run.peak_rss_mb,
                     "how": "oxigraph load (bundled files + synthetic file)"},
    }
    print(f"[{label}] loaded: kg {kg_run.seconds:.1f} s, oxigraph {ox_run.seconds:.1f} s", flush=True)

    answers: dict[str, Any] = {}
    with ExitStack() as stack:
        client = stack.enter_context(httpx.Client(timeout=HTTP_TIMEOUT))
        cmd, port, env = peers.kg_server(kg_dir)
        kg = stack.enter_context(peers.serve("kg", cmd, port=port, query_path="/sparql",
                                             log=work / f"kg-serve-{label}.log", ready_path="/health",
                                             ready_timeout=300, env=env))
        routes = routes_of(kg.base_url)
        result["kg_routes"] = sorted(routes)
        ox_cmd, ox_port = peers.oxigraph_server(ox_dir)
        oxi = stack.enter_context(peers.serve("oxigraph", ox_cmd, port=ox_port, query_path="/query",
                                              log=work / f"ox-serve-{label}.log", ready_path="/",
                                              ready_timeout=300))
        cold: dict[str, Any] = {"oxigraph": first_answer(client, oxi, mix["exact_label"])}
        if "/sparql" in routes:
            cold["kg"] = first_answer(client, kg, mix["exact_label"])
        else:
            cold["kg"] = None
            cold["kg_health_only"] = time.perf_counter() - kg.started_at
        # Measure a warm service, as deployed: its warm-up thread builds the lookup, evidence and
        # graph indexes in the background and would otherwise compete with the measured requests.
        cold["kg_ready"] = wait_ready(client, kg)
        result["cold_start_s"] = cold

        systems = [oxi] + ([kg] if "/sparql" in routes else [])
        for system in systems:
            mix_results[system.name], answers[system.name] = run_mix(client, system, mix, plan)
            print(f"[{label}] query mix on {system.name} done", flush=True)
        if "/sparql" not in routes:
            mix_results["kg"] = {"available": False, "reason": "no /sparql route in this checkout"}

        result["lookup"] = run_lookup(client, kg, oxi, routes, targets, plan, rng)
        print(f"[{label}] lookup done", flush=True)
        result["throughput"] = run_throughput(kg, oxi, routes, mix, targets, plan, work, stack, seed)
        print(f"[{label}] throughput done", flush=True)
        result["server_rss_mb"] = {"kg": measure.tree_rss_mb(kg.pid),
                                   "oxigraph": measure.tree_rss_mb(oxi.pid)}
        # Last: a path search past the client's limit keeps a server thread busy afterwards.
        result["paths"] = run_paths(client, kg, routes, targets, plan, rng)
        print(f"[{label}] paths done", flush=True)

    result["rdflib_endpoint"] = run_rdflib_endpoint(label, triples, data, mix, plan, work,
                                                    mix_results, answers)
    result["queries"] = compare(mix_results, answers)
    for directory in (kg_dir, ox_dir):
        shutil.rmtree(directory, ignore_errors=True)
    return result


def _format(path: Path) -> ox.RdfFormat:
    return {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
            ".nt": ox.RdfFormat.N_TRIPLES}[path.suffix]


def run_lookup(client: httpx.Client, kg: peers.Endpoint, oxi: peers.Endpoint, routes: set[str],
               targets: queries.Targets, plan: Plan, rng: random.Random) -> dict[str, Any]:
    """Lookup latency on this service and the CONTAINS-scan peer on Oxigraph, same strings."""
    strings = queries.lookup_strings(targets, rng, plan.lookup_per_kind)
    out: dict[str, Any] = {"examples": {k: v[:3] for k, v in strings.items()},
                           "oxigraph_contains": lookup_latency(contains_lookup(client, oxi), strings)}
    if "/entities" in routes:
        out["kg"] = lookup_latency(kg_lookup(client, kg.base_url), strings)
    else:
        out["kg"] = {"available": False, "reason": "no /entities route in this checkout"}
    return out


def run_paths(client: httpx.Client, kg: peers.Endpoint, routes: set[str], targets: queries.Targets,
              plan: Plan, rng: random.Random) -> dict[str, Any]:
    """Path latency over random pairs (a third from hubs), or 'not available'."""
    if "/paths" not in routes:
        return {"available": False, "reason": "not available: no /paths route in this checkout"}
    return path_latency(client, kg.base_url, queries.path_pairs(targets, rng, plan.path_pairs), plan)


def wait_ready(client: httpx.Client, kg: peers.Endpoint, limit_s: float = 300.0) -> float | None:
    """Seconds from start until /health says ready (warm-up done); None if it never did."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if client.get(f"{kg.base_url}/health").json().get("ready", True):
            return time.perf_counter() - kg.started_at
        time.sleep(0.1)
    return None


def run_throughput(kg: peers.Endpoint, oxi: peers.Endpoint, routes: set[str], mix: dict[str, str],
                   targets: queries.Targets, plan: Plan, work: Path, stack: ExitStack, seed: int
                   ) -> dict[str, Any]:
    """wrk on a cheap lookup and a cheap SPARQL query, Oxigraph's, and the hello-world ceiling."""
    accept = (f"Accept: {peers.SPARQL_JSON}",)
    query = urllib.parse.quote(mix["exact_label"])
    out: dict[str, Any] = {"connections": plan.wrk_connections, "seconds": plan.wrk_seconds}
    cmd, port = peers.hello_server()
    hello = stack.enter_context(peers.serve("hello", cmd, port=port, query_path="/hello",
                                            log=work / "hello.log", ready_path="/hello",
                                            ready_timeout=60))
    out["hello"] = throughput(hello.query_url, plan)
    if "/entities" in routes:
        # Two lookups: a substring of an office name (its bigrams are common: thousands of
        # candidates at 1M) and the office's full name (an exact hit, the peer of exact_label).
        text = urllib.parse.quote(targets.term)
        out["kg_lookup"] = throughput(f"{kg.base_url}/entities?q={text}&limit=10", plan)
        name = urllib.parse.quote(targets.label)
        out["kg_lookup_name"] = throughput(f"{kg.base_url}/entities?q={name}&limit=10", plan)
        # Both repeat one query, so after the first request the lookup cache answers them. Here no
        # query repeats: every request searches the index.
        distinct = queries.distinct_lookups(targets, random.Random(seed), DISTINCT_LOOKUPS)
        out["kg_lookup_distinct"] = {"queries": len(distinct), **measure.wrk(
            kg.base_url + "/entities", seconds=plan.wrk_seconds, connections=plan.wrk_connections,
            paths=[f"/entities?q={urllib.parse.quote(q)}&limit=10" for q in distinct])}
    else:
        out["kg_lookup"] = {"available": False, "reason": "no /entities route"}
        out["kg_lookup_name"] = out["kg_lookup_distinct"] = out["kg_lookup"]
    if "/sparql" in routes:
        out["kg_sparql"] = throughput(f"{kg.base_url}/sparql?query={query}", plan, accept)
    else:
        out["kg_sparql"] = {"available": False, "reason": "no /sparql route"}
    out["oxigraph_sparql"] = throughput(f"{oxi.query_url}?query={query}", plan, accept)
    return out


def run_rdflib_endpoint(label: str, triples: int, data: Path, mix: dict[str, str], plan: Plan,
                        work: Path, mix_results: dict[str, Any], answers: dict[str, Any]
                        ) -> dict[str, Any]:
    """rdflib-endpoint at small sizes: parse time (cold start to first answer) and the mix."""
    if triples > RDFLIB_MAX_TRIPLES:
        return {"ran": False, "reason": f"skipped above {RDFLIB_MAX_TRIPLES} triples (rdflib "
                "parses the whole file into memory at start; see bench/README.md)"}
    cmd, port = peers.rdflib_endpoint_server(data)
    with ExitStack() as stack:
        client = stack.enter_context(httpx.Client(timeout=HTTP_TIMEOUT))
        endpoint = stack.enter_context(peers.serve(
            "rdflib_endpoint", cmd, port=port, query_path="/", log=work / f"rdflib-{label}.log",
            ready_path="/", ready_timeout=600))
        cold = first_answer(client, endpoint, mix["exact_label"])
        mix_results["rdflib_endpoint"], answers["rdflib_endpoint"] = run_mix(
            client, endpoint, mix, plan)
        rss = measure.tree_rss_mb(endpoint.pid)
    print(f"[{label}] query mix on rdflib-endpoint done", flush=True)
    return {"ran": True, "cold_start_s": cold, "server_rss_mb": rss}


# -- the run ---------------------------------------------------------------------------------------

def versions() -> dict[str, str]:
    """Versions of everything measured."""
    out = {"python": platform.python_version(), "machine": platform.machine(),
           "cpus": str(len(__import__("os").sched_getaffinity(0)))}
    for package in ("innokg", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "fastapi",
                    "uvicorn", "uvloop", "httptools"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "absent"
    wrk = shutil.which("wrk")
    if wrk:
        proc = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
        out["wrk"] = (proc.stdout or proc.stderr).split("\n")[0].strip()
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write the JSON result file and print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1m")
    parser.add_argument("--quick", action="store_true",
                        help="10k only, few repetitions (CI smoke test, < 2 min)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results-dir", type=Path, default=peers.BENCH_DIR / "results")
    args = parser.parse_args(argv)
    labels = ["10k"] if args.quick else [s.strip().lower() for s in args.sizes.split(",")]
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; use {', '.join(SIZES)}")
    plan = QUICK if args.quick else FULL
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    report: dict[str, Any] = {
        "meta": {"timestamp": stamp, "quick": args.quick, "seed": args.seed, "plan": plan.__dict__,
                 "command": " ".join(sys.argv), "versions": versions()},
        "sizes": {},
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        for label in labels:
            try:
                report["sizes"][label] = bench_size(label, SIZES[label], plan, args.seed, Path(tmp))
            except Exception as exc:
                report["sizes"][label] = {"error": f"{type(exc).__name__}: {exc}",
                                          "traceback": traceback.format_exc()[-3000:]}
                print(f"[{label}] FAILED: {exc}", file=sys.stderr, flush=True)
    report["meta"]["total_s"] = time.perf_counter() - started
    args.results_dir.mkdir(parents=True, exist_ok=True)
    target = args.results_dir / f"{stamp}.json"
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=True), "utf-8")
    import table

    print(table.render(report))
    print(f"\nresults: {target}")
    failed = any("error" in size for size in report["sizes"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
