"""The printed form of a benchmark result (Markdown tables, one block per size)."""

from __future__ import annotations

import math
from typing import Any

SYSTEMS = ("engine", "kg", "oxigraph", "rdflib_endpoint")


def _num(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(value: Any) -> str:
    return "–" if value is None else f"{value:.2f}×"


def render(report: dict[str, Any]) -> str:
    """All sizes of a report as Markdown tables."""
    blocks = []
    for label, size in report["sizes"].items():
        if "error" in size:
            blocks.append(f"## {label}: FAILED\n{size['error']}")
            continue
        blocks.append("\n\n".join([
            f"## {label}: {size['quads']} quads, {size['entities']} entities "
            f"(generated in {size['generate_s']:.1f} s)",
            _load_table(size), _query_table(size), _lookup_table(size), _throughput_table(size),
            _paths_line(size),
        ]))
    return "\n\n".join(blocks)


def _load_table(size: dict[str, Any]) -> str:
    rows = ["| load / start | seconds | peak RSS MB | cold start to first answer s | "
            "serving RSS MB |", "| --- | --- | --- | --- | --- |"]
    cold, rss = size["cold_start_s"], size.get("server_rss_mb", {})
    for name in ("kg", "oxigraph"):
        load = size["load"][name]
        first = cold.get(name)
        if first is None and name == "kg":
            first_text = f"{_num(cold.get('kg_health_only'), 2)} (/health only: no /sparql)"
        else:
            first_text = _num(first, 2)
        if name == "kg" and cold.get("kg_ready") is not None:
            first_text += f" (warm-up done at {_num(cold['kg_ready'], 1)})"
        rows.append(f"| {name} ({load['how']}) | {_num(load['seconds'], 2)} | "
                    f"{_num(load['peak_rss_mb'], 0)} | {first_text} | {_num(rss.get(name), 0)} |")
    rdflib = size["rdflib_endpoint"]
    if rdflib.get("ran"):
        rows.append(f"| rdflib-endpoint (parses at start) | – | – | "
                    f"{_num(rdflib['cold_start_s'], 2)} | {_num(rdflib['server_rss_mb'], 0)} |")
    else:
        rows.append(f"| rdflib-endpoint | not run: {rdflib['reason']} | | | |")
    return "\n".join(rows)


def _query_table(size: dict[str, Any]) -> str:
    head = ("| query | engine in-process median | kg median / p90 ms | oxigraph median / p90 ms | "
            "rdflib-endpoint median / p90 ms | kg ÷ oxigraph | kg ÷ rdflib-ep | rows | agree |")
    rows = [head, "| " + " | ".join(["---"] * 9) + " |"]
    for name, entry in size["queries"].items():
        cells = [name, _num(entry.get("engine", {}).get("median_ms"), 2)]
        for system in ("kg", "oxigraph", "rdflib_endpoint"):
            figures = entry.get(system, {})
            if "error" in figures:
                cells.append("error")
            elif "median_ms" in figures:
                cells.append(f"{_num(figures['median_ms'], 2)} / {_num(figures['p90_ms'], 2)}")
            else:
                cells.append("–")
        cells += [_ratio(entry.get("ratio_kg_to_oxigraph")),
                  _ratio(entry.get("ratio_kg_to_rdflib_endpoint")),
                  _num(entry.get("oxigraph", {}).get("rows")), _agreement(entry)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _agreement(entry: dict[str, Any]) -> str:
    verdicts = [f"{s}:{'yes' if entry[s]['agrees_with_oxigraph'] else 'NO'}"
                for s in ("kg", "rdflib_endpoint") if "agrees_with_oxigraph" in entry.get(s, {})]
    return ", ".join(verdicts) or "–"


def _lookup_table(size: dict[str, Any]) -> str:
    lookup = size["lookup"]
    rows = ["| lookup kind | kg p50 / p99 ms | kg hit share | kg errors | "
            "oxigraph CONTAINS p50 / p99 ms | oxigraph hit share |",
            "| --- | --- | --- | --- | --- | --- |"]
    kg = lookup["kg"]
    for kind, peer in lookup["oxigraph_contains"].items():
        if not isinstance(peer, dict):
            continue  # first_ms, shown below
        mine = kg.get(kind, {}) if kg.get("available", True) else {}
        rows.append(f"| {kind} | {_num(mine.get('p50_ms'), 2)} / {_num(mine.get('p99_ms'), 2)} | "
                    f"{_num(mine.get('hit_share'), 2)} | {_num(mine.get('errors'))} | "
                    f"{_num(peer['p50_ms'], 2)} / "
                    f"{_num(peer['p99_ms'], 2)} | {_num(peer['hit_share'], 2)} |")
    if not kg.get("available", True):
        rows.append(f"\nkg lookup: {kg['reason']}")
    else:
        rows.append(f"\nfirst lookup (builds the index): kg {_num(kg.get('first_ms'), 0)} ms, "
                    f"oxigraph {_num(lookup['oxigraph_contains'].get('first_ms'), 0)} ms")
    return "\n".join(rows)


def _throughput_table(size: dict[str, Any]) -> str:
    out = size["throughput"]
    ceiling = out.get("hello", {}).get("requests_per_s")
    rows = [f"| wrk -c{out['connections']} {out['seconds']} s | req/s | % of hello | p50 ms | p99 ms "
            "| non-2xx |", "| --- | --- | --- | --- | --- | --- |"]
    for name in ("hello", "kg_lookup", "kg_lookup_name", "kg_lookup_distinct", "kg_sparql",
                 "oxigraph_sparql"):
        figures = out.get(name, {})
        if not figures.get("available"):
            rows.append(f"| {name} | not available: {figures.get('reason', '?')} | | | | |")
            continue
        share = 100 * figures["requests_per_s"] / ceiling if ceiling else None
        rows.append(f"| {name} | {_num(figures['requests_per_s'], 0)} | {_num(share, 0)} | "
                    f"{_num(figures.get('p50_ms'), 2)} | {_num(figures.get('p99_ms'), 2)} | "
                    f"{figures['non_2xx']} |")
    return "\n".join(rows)


def _paths_line(size: dict[str, Any]) -> str:
    paths = size["paths"]
    if not paths.get("available"):
        return f"paths: {paths['reason']}"
    return (f"paths (k=3, max_hops=6, {paths['pairs']} pairs, {paths['hub_sources']} from hubs): "
            f"p50 {_num(paths['median_ms'], 1)} ms, p99 {_num(paths['p99_ms'], 1)} ms, "
            f"{paths['with_path']} with a path, {paths['truncated']} truncated, "
            f"{paths['errors']} errors, {paths['timeouts']} timed out (> client limit), "
            f"{paths['not_run']} not run (time budget); first request "
            f"{_num(paths['first_ms'], 0)} ms")


def main() -> None:
    """Print the tables of a result file: `python bench/table.py bench/results/<stamp>.json`."""
    import json
    import sys
    from pathlib import Path

    print(render(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
