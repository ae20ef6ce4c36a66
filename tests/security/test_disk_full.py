"""A full disk: the write that does not fit is a 507 that changed nothing, and the service goes on.

A small tmpfs (16 MiB: the bundled graph's on-disk store needs about 5, the query workers'
checkpoint a few more) holds the store of a real writable `kg serve`. Writes of ~130 KB each go
in until one fails. Then: the failing write is 507 insufficient_storage in the JSON error shape
(not 400 or 500), its graph is not in the store (the answer says nothing was changed), every write
acknowledged before is still readable in full (also after a restart), and the server keeps
answering reads.

Needs root (mount); skipped otherwise, or when the kernel refuses the tmpfs mount.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.auth import token_digest
from live import LiveServer, serve_live

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TMPFS_SIZE = "16m"
TOKEN = "disk-full-token"
EX = "http://example.org/disk-full/"
TRIPLES_PER_WRITE = 300
MAX_WRITES = 200  # bound: 8 MiB hold far fewer of these
TIMEOUT = 60.0
READ_TIMEOUT = 10.0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mount_point)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:  # the servers of the test are stopped by then (their context managers exit first)
        if subprocess.run(["umount", str(mount_point)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _env() -> dict[str, str]:
    return {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(TOKEN), "KG_WARM_UP": "false"}


def _headers(content_type: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "content-type": content_type}


def _triples(i: int, size: int = TRIPLES_PER_WRITE) -> str:
    filler = "x" * 400
    return "".join(f'<{EX}s{i}-{j}> <{EX}p> "{filler} {i} {j}" .\n' for j in range(size))


def _graph(i: int) -> str:
    return f"{EX}g{i}"


def _write(url: str, i: int, how: str, *, size: int = TRIPLES_PER_WRITE) -> httpx.Response:
    if how == "graph_store":
        return httpx.post(f"{url}/rdf-graphs", params={"graph": _graph(i)},
                          content=_triples(i, size).encode(), headers=_headers("text/turtle"),
                          timeout=TIMEOUT)
    update = f"INSERT DATA {{ GRAPH <{_graph(i)}> {{\n{_triples(i, size)}}} }}"
    return httpx.post(f"{url}/sparql", content=update.encode(),
                      headers=_headers("application/sparql-update"), timeout=TIMEOUT)


def _graph_size(url: str, graph: str) -> int | None:
    """Triples of the graph, None when there is no such graph."""
    response = httpx.get(f"{url}/rdf-graphs", params={"graph": graph},
                         headers={"accept": "application/n-triples"}, timeout=READ_TIMEOUT)
    assert response.status_code in (200, 404), response.text[:300]
    return None if response.status_code == 404 else sum(1 for ln in response.text.splitlines() if ln.strip())


def _reads_work(server: LiveServer) -> list[str]:
    """What the server failed to read (empty: everything answered in time)."""
    problems = []
    for path, params in (("/health", {}), ("/entities", {"q": "kcb"}),
                         ("/sparql", {"query": "ASK { ?s ?p ?o }"})):
        try:
            response = httpx.get(f"{server.url}{path}", params=params, timeout=READ_TIMEOUT)
        except httpx.TransportError as exc:
            problems.append(f"{path}: no answer in {READ_TIMEOUT:g} s ({type(exc).__name__})")
            continue
        if response.status_code != 200:
            problems.append(f"{path}: {response.status_code} {response.text[:150]}")
    return problems


def _check_refusal(server: LiveServer, response: httpx.Response, i: int) -> None:
    """A refused write: 507 insufficient_storage, its graph not in the store, reads still served."""
    assert response.status_code == 507, (f"write {i}", response.status_code, response.text[:300])
    body = response.json()
    assert set(body) == {"status", "code", "detail"}, body
    assert body["status"] == 507 and body["code"] == "insufficient_storage", body
    problems = _reads_work(server)
    assert not problems, f"after the 507 of write {i} the server does not serve reads: {problems}"
    assert _graph_size(server.url, _graph(i)) is None, (
        f"write {i} was answered 507 ('nothing was changed') but its graph is in the store")


@pytest.mark.parametrize("how", ["graph_store", "sparql_update"])
def test_write_that_does_not_fit_is_507_and_changes_nothing(small_disk: Path, tmp_path: Path,
                                                            how: str) -> None:
    store = small_disk / "store"
    acknowledged: dict[int, int] = {}  # write -> its triples
    with serve_live(tmp_path, env=_env(), data_dir=store) as server:
        first_refusal = None
        for i in range(MAX_WRITES):
            response = _write(server.url, i, how)
            if response.status_code >= 300:
                first_refusal = i
                break
            acknowledged[i] = TRIPLES_PER_WRITE
        assert first_refusal is not None, f"{MAX_WRITES} writes fitted into {TMPFS_SIZE}"
        assert acknowledged, "not even the first write fitted: make the tmpfs larger"
        _check_refusal(server, response, first_refusal)

        # The disk stays full: smaller writes hit the end of the space at other points of a write
        # (opening the store, the write itself, the flush, reopening). Each fits, or is a clean 507.
        for size, i in zip((100, 30, 10, 3, 1), range(first_refusal + 1, MAX_WRITES), strict=False):
            response = _write(server.url, i, how, size=size)
            if response.status_code < 300:
                acknowledged[i] = size
            else:
                _check_refusal(server, response, i)

        for i, size in acknowledged.items():
            assert _graph_size(server.url, _graph(i)) == size, f"acknowledged write {i}"

    # Acknowledged writes are durable; the refused ones stay out.
    with contextlib.suppress(FileNotFoundError):
        (tmp_path / "server.log").rename(tmp_path / "server-1.log")
    with serve_live(tmp_path, env=_env(), data_dir=store) as again:
        for i, size in acknowledged.items():
            assert _graph_size(again.url, _graph(i)) == size, f"write {i} after a restart"
        refused = [i for i in range(first_refusal, first_refusal + 6) if i not in acknowledged]
        stored = [i for i in refused if _graph_size(again.url, _graph(i)) is not None]
        assert not stored, f"writes answered 507 are in the store after a restart: {stored}"
