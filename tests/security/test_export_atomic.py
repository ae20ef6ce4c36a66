"""`kg export FORMAT -o FILE` replaces FILE atomically: all of the new export, or the old file untouched.

Run as the user runs it (`python -m kg.cli export ... --memory`). When the export fails (a query that
does not parse, one the guard refuses, one stopped at the time limit, or a disk too full for the new
file), FILE keeps its bytes, its inode and its modification time, and no temporary file is left next
to it. When it succeeds, FILE is a new inode (renamed into place, never rewritten in place) holding the
complete export: the same graph as the export written to standard output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.config import PROJECT_ROOT

pytestmark = pytest.mark.slow  # each run loads the bundled graph in a fresh process

OLD = b"# the previous export, which a failed export must leave alone\n"
CONSTRUCT_OK = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
TIMEOUT = 120


def export(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kg.cli", "export", *args, "--memory"],
                          cwd=PROJECT_ROOT, env={**os.environ, "KG_WARM_UP": "false", **(env or {})},
                          capture_output=True, timeout=TIMEOUT, check=False)


def snapshot(directory: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every entry of the directory: inode, mtime in ns, content."""
    result = {}
    for path in directory.iterdir():
        stat = path.stat()
        result[path.name] = (stat.st_ino, stat.st_mtime_ns, path.read_bytes())
    return result


def existing_file(directory: Path) -> Path:
    target = directory / "graph.ttl"
    target.write_bytes(OLD)
    os.utime(target, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return target


FAILURES = {
    "syntax_error": (["--query", "CONSTRUCT WHERE { ?s ?p }"], {}),
    "refused_service": (["--query", "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> "
                         "{ ?s ?p ?o } }"], {}),
    "not_a_construct": (["--query", "SELECT * WHERE { ?s ?p ?o }"], {}),
    # A cross join with no solution: no row cap stops it, only the time limit.
    "time_limit": (["--query", "CONSTRUCT { ?a ?b ?i } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i "
                    "FILTER(STR(?a) = CONCAT(STR(?d), STR(?g), 'no such IRI')) }"],
                   {"KG_QUERY_TIMEOUT": "1"}),
}


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_failed_export_leaves_the_file_and_its_directory_untouched(tmp_path: Path, name: str) -> None:
    target = existing_file(tmp_path)
    (tmp_path / "neighbour.txt").write_text("not ours")
    before = snapshot(tmp_path)
    args, env = FAILURES[name]
    done = export("turtle", "--scope", "construct", *args, "-o", str(target), env=env)
    assert done.returncode != 0, done.stderr.decode()[-500:]
    assert b"error" in done.stderr.lower(), done.stderr.decode()[-500:]
    assert snapshot(tmp_path) == before, sorted(set(snapshot(tmp_path)) ^ set(before))


def test_successful_export_replaces_the_file_whole(tmp_path: Path) -> None:
    target = existing_file(tmp_path)
    old_inode = target.stat().st_ino
    done = export("turtle", "--scope", "construct", "--query", CONSTRUCT_OK, "-o", str(target))
    assert done.returncode == 0, done.stderr.decode()[-1000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"], "a temporary file was left"
    assert target.stat().st_ino != old_inode, "the file was rewritten in place, not renamed into place"
    streamed = export("turtle", "--scope", "construct", "--query", CONSTRUCT_OK, "-o", "-")
    assert streamed.returncode == 0, streamed.stderr.decode()[-1000:]
    written = Graph().parse(data=target.read_bytes(), format="turtle")
    expected = Graph().parse(data=streamed.stdout, format="turtle")
    assert len(written) > 1000
    assert isomorphic(written, expected)


def test_export_that_does_not_fit_on_the_disk_leaves_the_old_file(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        target = existing_file(disk)
        before = snapshot(disk)
        done = export("turtle", "-o", str(target))  # the whole graph: far more than 64 KiB
        assert done.returncode != 0, done.stderr.decode()[-500:]
        assert snapshot(disk) == before, sorted(set(snapshot(disk)) ^ set(before))
    finally:
        subprocess.run(["umount", str(disk)], check=False)
