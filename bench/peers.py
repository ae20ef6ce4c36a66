"""The systems under test: this service (`kg serve`), `oxigraph serve`, rdflib-endpoint, a hello app.

Every server is a child process bound to 127.0.0.1 in its own process group, started as a context
manager that stops it (SIGTERM, then SIGKILL) on exit, also when the benchmark fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from measure import ProcessRun, free_port, run_measured

VENV_BIN = Path(sys.executable).parent
BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
#: The bundled files `kg load` puts in a fresh store first; the peers get them too (same data).
ONTOLOGY_GRAPH = "https://w3id.org/innokg/graph/ontology"
SPARQL_JSON = "application/sparql-results+json"
#: Server-side query time limit given to the engines that have one (seconds).
QUERY_TIMEOUT = 60


@dataclass(frozen=True)
class Endpoint:
    """A running SPARQL server: how to send it a query, and its process for memory readings."""

    name: str
    base_url: str
    query_path: str
    pid: int
    started_at: float  # perf_counter() when the process was spawned

    @property
    def query_url(self) -> str:
        """The URL that takes SPARQL queries."""
        return self.base_url + self.query_path


def bundled_files() -> list[tuple[Path, str | None]]:
    """The ontology and curated data that a fresh `kg` store loads, with their target graphs."""
    files: list[tuple[Path, str | None]] = [
        (path, ONTOLOGY_GRAPH) for path in sorted((PROJECT_ROOT / "ontology").glob("*.ttl"))
    ]
    for path in sorted((PROJECT_ROOT / "data").glob("*")):
        if path.suffix in {".trig", ".nq"}:
            files.append((path, None))
        elif path.suffix in {".ttl", ".nt"}:
            files.append((path, f"https://w3id.org/innokg/graph/{path.stem}"))
    return files


def kg_env(data_dir: Path) -> dict[str, str]:
    """Environment of a `kg` child: the data dir, a generous query time limit, and no report texts
    (kg would add the evidence's quotes to its store, which the peers' copies of the files lack:
    the answers must stay comparable)."""
    return {**os.environ, "KG_DATA_DIR": str(data_dir), "KG_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
            "KG_SOURCES_DIR": str(BENCH_DIR / "no-report-texts")}


def has_kg_command(name: str) -> bool:
    """Whether `kg NAME` exists in this checkout (other helpers add commands over time)."""
    proc = subprocess.run([str(VENV_BIN / "kg"), name, "--help"], capture_output=True,
                          timeout=60, check=False)
    return proc.returncode == 0


def load_kg(data_file: Path, data_dir: Path, *, log: Path, timeout: float) -> tuple[ProcessRun, str]:
    """Load `data_file` into a fresh store in a fresh process; returns the run and how it loaded."""
    if has_kg_command("load"):
        cmd = [str(VENV_BIN / "kg"), "load", "--data-dir", str(data_dir), str(data_file)]
        how = "kg load"
    else:
        # `kg load` is not in this checkout yet: do what it does, through the same GraphStore.
        code = ("import sys; from pathlib import Path; from kg.config import Settings; "
                "from kg.store import GraphStore; "
                "s = GraphStore.open(Settings(data_dir=Path(sys.argv[1]))); "
                "s.load_file(Path(sys.argv[2])); print(len(s))")
        cmd = [sys.executable, "-c", code, str(data_dir), str(data_file)]
        how = "GraphStore.open + load_file (kg load absent)"
    return run_measured(cmd, timeout=timeout, log=log, env=kg_env(data_dir)), how


def load_oxigraph(data_file: Path, location: Path, *, log: Path, timeout: float) -> ProcessRun:
    """`oxigraph load` of the synthetic file and the bundled files into a fresh directory."""
    binary = str(VENV_BIN / "oxigraph")
    total_seconds, peak, tails = 0.0, 0.0, []
    steps: list[tuple[Path, str | None]] = [*bundled_files(), (data_file, None)]
    for path, graph in steps:
        cmd = [binary, "load", "--location", str(location), "--file", str(path)]
        if graph:
            cmd += ["--graph", graph]
        run = run_measured(cmd, timeout=timeout, log=log)
        total_seconds += run.seconds
        peak = max(peak, run.peak_rss_mb)
        tails.append(run.output_tail)
        if run.returncode != 0:
            return ProcessRun(total_seconds, peak, run.returncode, "\n".join(tails))
    return ProcessRun(total_seconds, peak, 0, "\n".join(tails)[-2000:])


@contextmanager
def serve(name: str, cmd: Sequence[str], *, port: int, query_path: str, log: Path,
          ready_path: str, ready_timeout: float, env: dict[str, str] | None = None
          ) -> Iterator[Endpoint]:
    """Start a server child, wait until `ready_path` answers, yield it, and always stop it."""
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(proc, base + ready_path, ready_timeout, log)
            yield Endpoint(name, base, query_path, proc.pid, started)
        finally:
            _stop(proc)


def _wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: "
                               f"{log.read_text(errors='replace')[-1500:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server not ready at {url} after {timeout} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def kg_server(data_dir: Path, workers: int = 1) -> tuple[list[str], int, dict[str, str]]:
    """Command, port and environment of `kg serve` over a persisted store, with `workers` processes."""
    port = free_port()
    cmd = [str(VENV_BIN / "kg"), "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(workers)]
    return cmd, port, kg_env(data_dir)


def oxigraph_server(location: Path) -> tuple[list[str], int]:
    """Command and port of `oxigraph serve-read-only` over a loaded directory (union default graph).

    Without `--timeout-s`: oxigraph 0.5.13 starts one timer thread per query with it, and under the
    wrk load (thousands of requests a second) thread creation fails (ENOMEM/EAGAIN, seen here), the
    server answers 500s and dies. So the peer runs without a time limit; our service keeps its own.
    """
    port = free_port()
    cmd = [str(VENV_BIN / "oxigraph"), "serve-read-only", "--location", str(location),
           "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    return cmd, port


def rdflib_endpoint_server(data_file: Path) -> tuple[list[str], int]:
    """Command and port of rdflib-endpoint serving the synthetic and bundled files (parsed at start)."""
    port = free_port()
    files = [str(path) for path, _ in bundled_files()] + [str(data_file)]
    cmd = [str(VENV_BIN / "rdflib-endpoint"), "serve", *files, "--host", "127.0.0.1",
           "--port", str(port)]
    return cmd, port


def hello_server() -> tuple[list[str], int]:
    """Command and port of the FastAPI hello-world app, run like `kg serve` runs uvicorn."""
    port = free_port()
    return [sys.executable, str(BENCH_DIR / "hello.py"), "--port", str(port)], port
