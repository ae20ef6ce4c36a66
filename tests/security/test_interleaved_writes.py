"""Writes interleaved with reads on a real on-disk server: no errors, no lost or invisible write.

200 small writes, alternating SPARQL Update (INSERT DATA) and Graph Store POST, each adding one triple
of its own, while three threads read for the whole time: two run SPARQL queries (the worker pool,
which every write drains and restarts) and one reads the graph through the Graph Store (the web
process's own store, which a SPARQL update takes away for a moment). Then: no answer had status
>= 500, every acknowledged write is in the graph, queries after the last write see all of them, and
no reader ever saw the count go down.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest

from live import LiveServer
from security.conftest import auth_headers

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WRITES = 200
#: A bound on the writing phase; a healthy run takes well under half of it.
WRITE_DEADLINE = 150.0
TIMEOUT = 30.0
EX = "http://example.org/interleaved/"
GRAPH = f"{EX}graph"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


def _triple(i: int) -> str:
    return f"<{EX}s{i}> <{EX}p> {i} ."


@dataclass
class Reader:
    """What one reading thread saw."""

    name: str
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def record(self, response: httpx.Response) -> None:
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(response.text[:200])


def _read_sparql(url: str, reader: Reader, stop: threading.Event) -> None:
    with httpx.Client(timeout=TIMEOUT) as client:
        while not stop.is_set():
            try:
                response = client.get(f"{url}/sparql", params={"query": COUNT})
            except httpx.TransportError as exc:
                reader.errors.append(repr(exc))
                continue
            reader.record(response)
            if response.status_code == 200:
                reader.counts.append(int(response.json()["results"]["bindings"][0]["n"]["value"]))


def _read_graph_store(url: str, reader: Reader, stop: threading.Event) -> None:
    with httpx.Client(timeout=TIMEOUT) as client:
        while not stop.is_set():
            try:
                response = client.get(f"{url}/rdf-graphs", params={"graph": GRAPH},
                                      headers={"accept": "application/n-triples"})
            except httpx.TransportError as exc:
                reader.errors.append(repr(exc))
                continue
            reader.record(response)
            if response.status_code == 200:
                reader.counts.append(sum(1 for line in response.text.splitlines() if line.strip()))
            elif response.status_code == 404:
                reader.counts.append(0)


def _write(client: httpx.Client, url: str, i: int) -> httpx.Response:
    if i % 2 == 0:
        update = f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {_triple(i)} }} }}"
        if i % 4 == 0:
            return client.post(f"{url}/sparql", content=update.encode(),
                               headers={"content-type": "application/sparql-update"})
        return client.post(f"{url}/sparql", data={"update": update})
    return client.post(f"{url}/rdf-graphs", params={"graph": GRAPH}, content=_triple(i).encode(),
                       headers={"content-type": "text/turtle"})


def test_interleaved_writes_and_reads_lose_nothing(writable_server: LiveServer) -> None:
    url = writable_server.url
    stop = threading.Event()
    readers = [Reader("sparql-1"), Reader("sparql-2"), Reader("graph-store")]
    threads = [
        threading.Thread(target=_read_sparql, args=(url, readers[0], stop), daemon=True),
        threading.Thread(target=_read_sparql, args=(url, readers[1], stop), daemon=True),
        threading.Thread(target=_read_graph_store, args=(url, readers[2], stop), daemon=True),
    ]
    write_statuses: Counter[int] = Counter()
    write_failures: list[str] = []
    acknowledged: set[int] = set()
    slowest = (0.0, -1)
    start = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        with httpx.Client(timeout=TIMEOUT, headers=auth_headers()) as client:
            for i in range(WRITES):
                if time.monotonic() - start > WRITE_DEADLINE:
                    break
                began = time.monotonic()
                response = _write(client, url, i)
                slowest = max(slowest, (time.monotonic() - began, i))
                write_statuses[response.status_code] += 1
                if response.status_code in (200, 201, 204):
                    acknowledged.add(i)
                else:
                    write_failures.append(f"write {i}: {response.status_code} {response.text[:200]}")
    finally:
        written = time.monotonic() - start
        stop.set()
        for thread in threads:
            thread.join(TIMEOUT + 5)
    done = sum(write_statuses.values())
    summary = (f"{done} writes in {written:.1f} s (slowest: {slowest[0]:.2f} s, write {slowest[1]}); "
               f"write statuses {dict(write_statuses)}; "
               + "; ".join(f"{r.name}: {dict(r.statuses)}" for r in readers))
    print(summary)

    assert done == WRITES, f"the writes did not finish within {WRITE_DEADLINE:g} s: {summary}"
    problems = [f"write failures: {write_failures[:5]}"] if write_failures else []
    for reader in readers:
        if reader.errors:
            problems.append(f"{reader.name}: {len(reader.errors)} transport errors, e.g. {reader.errors[:2]}")
        if reader.failures:
            codes = Counter(f.split('"code":"')[1].split('"')[0] if '"code":"' in f else f[:60]
                            for f in reader.failures)
            problems.append(f"{reader.name}: {len(reader.failures)} answers >= 500 {dict(codes)}")
        if not reader.counts:
            problems.append(f"{reader.name} never got an answer")
        drops = [(a, b) for a, b in zip(reader.counts, reader.counts[1:], strict=False) if b < a]
        if drops:
            problems.append(f"{reader.name} saw the graph shrink: {drops[:5]}")

    # Every acknowledged write, and nothing else, is there: by the store and by a query.
    expected = {_triple(i) for i in acknowledged}
    stored = httpx.get(f"{url}/rdf-graphs", params={"graph": GRAPH},
                       headers={"accept": "application/n-triples"}, timeout=TIMEOUT)
    assert stored.status_code == 200, stored.text[:300]
    lines = {line.strip().replace('"', "").replace("^^<http://www.w3.org/2001/XMLSchema#integer>", "")
             for line in stored.text.splitlines() if line.strip()}
    if lines != expected:
        problems.append(f"graph store: missing {sorted(expected - lines)[:5]}, "
                        f"extra {sorted(lines - expected)[:5]}")
    query = f"SELECT ?s WHERE {{ GRAPH <{GRAPH}> {{ ?s <{EX}p> ?o }} }}"
    answer = httpx.get(f"{url}/sparql", params={"query": query}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text[:300]
    seen = {row["s"]["value"] for row in answer.json()["results"]["bindings"]}
    if seen != {f"{EX}s{i}" for i in acknowledged}:
        problems.append(f"a query after the last write sees {len(seen)} of {len(acknowledged)} writes")
    assert not problems, f"{problems}\n{summary}"
