"""In-process benchmark of the entity lookup index: build time, index memory, latency per query kind.

    .venv/bin/python bench/bench_lookup.py [--triples 1000000] [--seed 42] [--per-kind 40] [--reps 3]
                                           [--answers FILE] [--json FILE]

Generates the synthetic graph with `kg.synth` (the same generator and seed as bench/run.py, so the
figures match the 1M-triple benchmark), loads it with the bundled graph into an in-memory store, reads
the entity records (`entity_records`, timed apart), drops the store, then builds `LookupIndex` and
times it; memory is what a second build holds when it is done, as tracemalloc counts it (Python objects and
numpy arrays; the records themselves are not counted). Query strings are
picked from the records with a seeded Random, by kind: Chinese substrings, full pinyin, pinyin
initials, English words, typos (recorded typo spellings and swapped letters in English words), short
common terms, and the bundled graph's names that the tests pin. Each query runs once untimed, then
`--reps` times; p50/p99 are over all timed runs of a kind. `--answers` writes the top hits of every
query as JSON, to compare the answers of two versions of the index.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from pypinyin import lazy_pinyin

from kg.config import Settings
from kg.lookup import EntityRecord, LookupIndex
from kg.lookup.service import entity_records
from kg.store import GraphStore
from kg.synth import entities_for_triples, write_file

#: Queries that must keep their answers on the bundled graph (tests/test_lookup_service.py).
NAMED = ("科创办", "上海科创办", "kechuangban", "ke chuang ban", "kcb", "上海推进科技创新中心建设办公室",
         "科創辦", "kechuangbna", "发改委", "NDRC", "ndrc", "national development")
#: Short, frequent terms: the worst case for candidate counts (thousands of labels hold them).
COMMON = ("科技", "办公室", "中心", "委员会", "上海", "office", "science", "center", "zhongxin", "kj",
          "bgs", "kejiju", "创新", "研究院", "innovation", "shanghai")
PAGE = 10


def _rss_mb() -> float:
    """Resident set of this process in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def traced_index_mb(records: Sequence[EntityRecord]) -> float:
    """Memory held by a second index over `records` (tracemalloc: Python objects and numpy arrays)."""
    gc.collect()
    tracemalloc.start()
    index = LookupIndex(records)
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del index
    return held / 2**20


def load_records(triples: int, seed: int) -> tuple[list[EntityRecord], dict[str, float]]:
    """Entity records of the synthetic graph plus the bundled graph, and how long each step took."""
    timings: dict[str, float] = {}
    store = GraphStore.in_memory()
    store.load_bundled(Settings())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synth.nq"
        started = time.perf_counter()
        write_file(path, entities=entities_for_triples(triples), seed=seed)
        timings["synth_s"] = time.perf_counter() - started
        started = time.perf_counter()
        store.load_file(path)
        timings["load_s"] = time.perf_counter() - started
    timings["triples"] = len(store)
    started = time.perf_counter()
    records = entity_records(store)
    timings["records_s"] = time.perf_counter() - started
    return records, timings


def _labels(record: EntityRecord, lang: str, kind: str = "pref") -> list[str]:
    return [label.value for label in record.labels if label.lang == lang and label.kind == kind]


def _swap(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def pick_queries(records: Sequence[EntityRecord], seed: int, per_kind: int) -> dict[str, list[str]]:
    """Query strings by kind, picked deterministically from the records."""
    rng = random.Random(seed)
    named = [r for r in records if _labels(r, "zh") and _labels(r, "en")]
    sample = rng.sample(named, min(2 * per_kind, len(named)))
    hidden = sorted(v for r in records for v in _labels(r, "zh", "hidden"))
    kinds: dict[str, list[str]] = {k: [] for k in
                                   ("zh_substring", "pinyin", "initials", "english", "typo")}
    for record in sample[:per_kind]:
        zh, en = _labels(record, "zh")[0], _labels(record, "en")[0]
        start = rng.randrange(0, max(1, len(zh) - 4))
        kinds["zh_substring"].append(zh[start:start + rng.randint(2, 6)])
        head = zh[:rng.randint(2, 4)]
        kinds["pinyin"].append("".join(lazy_pinyin(head)))
        kinds["initials"].append("".join(p[0] for p in lazy_pinyin(head) if p))
        words = [w for w in en.replace(",", "").split() if len(w) > 3]
        picked = sorted(rng.sample(range(len(words)), min(2, len(words))))
        kinds["english"].append(" ".join(words[i] for i in picked) or en)
    for n, record in enumerate(sample[per_kind:]):
        if n % 2 == 0 and hidden:
            kinds["typo"].append(rng.choice(hidden))
        else:
            en = _labels(record, "en")[0]
            long_words = [w for w in en.split() if len(w) >= 6] or [en.split()[0] + "xx"]
            kinds["typo"].append(_swap(rng.choice(long_words), rng))
    kinds["common"] = list(COMMON)
    kinds["named"] = list(NAMED)
    return kinds


def _percentile(sorted_ms: Sequence[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(share * len(sorted_ms)))]


def time_queries(search: Callable[[str], object], queries: dict[str, list[str]],
                 reps: int) -> dict[str, dict[str, float]]:
    """p50/p99/max in ms per kind (and over all kinds), one untimed warm-up run per query."""
    per_kind: dict[str, list[float]] = {}
    for kind, texts in queries.items():
        runs = per_kind.setdefault(kind, [])
        for text in texts:
            search(text)
            for _ in range(reps):
                started = time.perf_counter()
                search(text)
                runs.append((time.perf_counter() - started) * 1000)
    per_kind["all"] = [ms for runs in list(per_kind.values()) for ms in runs]
    out = {}
    for kind, runs in per_kind.items():
        ordered = sorted(runs)
        out[kind] = {"n": len(ordered), "p50_ms": statistics.median(ordered),
                     "p99_ms": _percentile(ordered, 0.99), "max_ms": ordered[-1]}
    return out


def answers(index: LookupIndex, queries: dict[str, list[str]]) -> dict[str, object]:
    """Top hits of every query (IRI, match kind, matched label), total and truncation."""
    out: dict[str, object] = {}
    for texts in queries.values():
        for text in texts:
            result = index.search(text, limit=PAGE)
            out[text] = {"total": result.total, "truncated": result.truncated,
                         "hits": [[h.entity.iri.rsplit("/", 1)[-1], h.match, h.matched]
                                  for h in result.hits]}
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--answers", type=Path, help="write the top hits of every query here (JSON)")
    parser.add_argument("--json", type=Path, help="write the figures here (JSON)")
    args = parser.parse_args(argv)

    records, prep = load_records(args.triples, args.seed)
    queries = pick_queries(records, args.seed, args.per_kind)
    gc.collect()
    started = time.perf_counter()
    index = LookupIndex(records)
    build_s = time.perf_counter() - started
    index_mb = traced_index_mb(records)
    stats = index.stats()
    latency = time_queries(lambda q: index.search(q, limit=PAGE), queries, args.reps)

    print(f"synthetic graph: {prep['triples']:,} triples (seed {args.seed}), {stats['entities']:,} "
          f"entities, {stats['labels']:,} labels, {stats['keys']:,} keys; synth {prep['synth_s']:.1f} s, "
          f"load {prep['load_s']:.1f} s, records {prep['records_s']:.1f} s")
    print(f"index: build {build_s:.2f} s, {index_mb:.0f} MB held (tracemalloc), process RSS "
          f"{_rss_mb():.0f} MB, {stats['grams']:,} grams, {stats['postings']:,} posting entries")
    print("\n| kind | n | p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- |")
    for kind, row in latency.items():
        print(f"| {kind} | {row['n']} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['max_ms']:.2f} |")
    if args.answers:
        args.answers.write_text(json.dumps(answers(index, queries), ensure_ascii=False, indent=1))
    if args.json:
        figures = {"prep": prep, "build_s": build_s, "index_mb": index_mb, "stats": stats,
                   "latency": latency, "argv": sys.argv[1:]}
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
