"""Measuring tools of the benchmark: timed child processes with peak RSS, percentiles, wrk, ports."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil


@dataclass(frozen=True)
class ProcessRun:
    """One finished child process: wall time, its own peak RSS, exit code, the end of its output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    output_tail: str


def run_measured(cmd: Sequence[str], *, timeout: float, log: Path,
                 env: dict[str, str] | None = None) -> ProcessRun:
    """Run `cmd` to completion (killed after `timeout` s); peak RSS comes from wait4 of that child."""
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        killer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
        killer.start()
        try:
            # wait4 reports the resource use of exactly this child (RUSAGE_CHILDREN would mix runs).
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    return ProcessRun(seconds, usage.ru_maxrss / 1024, proc.returncode, tail)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    """Median, p90, p50, p99 and count of durations, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms) if ms else math.nan,
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
    }


def repeat(call: Callable[[], object], *, reps: int, budget: float, warmup: int = 1,
           min_reps: int = 3) -> tuple[list[float], object]:
    """Durations of up to `reps` calls (after `warmup`), stopping once `budget` s are spent."""
    result: object = None
    for _ in range(warmup):
        result = call()
    times: list[float] = []
    spent_from = time.perf_counter()
    while len(times) < reps:
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
        if len(times) >= min_reps and time.perf_counter() - spent_from > budget:
            break
    return times, result


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its children (query workers included), in MB."""
    try:
        root = psutil.Process(pid)
        if root.status() == psutil.STATUS_ZOMBIE:
            return math.nan  # the server died during the run: no reading, not zero
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return math.nan
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def _rotating_script(paths: Sequence[str]) -> str:
    """A wrk script sending one request to each path in turn (wrap-around)."""
    if not all(p.isascii() and p.isprintable() for p in paths):
        raise ValueError("wrk paths must be percent-encoded (printable ASCII)")
    quoted = ",\n".join(json.dumps(p) for p in paths)  # then a JSON string is a valid Lua string
    return (f"local paths = {{\n{quoted}\n}}\nlocal next_path = 0\n"
            "request = function()\n  next_path = next_path % #paths + 1\n"
            "  return wrk.format(nil, paths[next_path])\nend\n")


_WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_WRK_TOTAL = re.compile(r"(\d+) requests in")
_WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, seconds: int, connections: int, headers: Sequence[str] = (),
        paths: Sequence[str] = ()) -> dict[str, object]:
    """Run wrk against `url` (loopback only) and parse requests/s, latency and failures. With
    `paths`, the requests go to those paths of the same server in turn (a wrk Lua script)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"wrk target must be on 127.0.0.1, not {url}")
    binary = shutil.which("wrk")
    if binary is None:
        return {"available": False, "reason": "wrk is not installed (apt-get install -y wrk)"}
    cmd = [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for header in headers:
        cmd += ["-H", header]
    with tempfile.TemporaryDirectory() as tmp:
        if paths:
            script = Path(tmp) / "paths.lua"
            script.write_text(_rotating_script(paths), encoding="utf-8")
            cmd += ["-s", str(script)]
        proc = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 30,
                              check=False)
    text = proc.stdout
    rps = _WRK_RPS.search(text)
    if proc.returncode != 0 or rps is None:
        return {"available": False, "reason": (proc.stderr or text)[-300:]}
    latency = {f"p{m[0]}_ms": float(m[1]) * _UNIT_MS[m[2]] for m in _WRK_LATENCY.findall(text)}
    errors = _WRK_ERRORS.search(text)
    non2xx = _WRK_NON2XX.search(text)
    total = _WRK_TOTAL.search(text)
    return {
        "available": True,
        "requests_per_s": float(rps.group(1)),
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        **latency,
    }


def ready_everywhere(base_url: str, *, started: float | None = None, timeout: float = 900.0) -> float:
    """Seconds from `started` (time.monotonic(); now when None) until 20 /health answers in a row say
    ready: each on a new connection, so with `kg serve --workers N` every process is asked."""
    return ready_streak(base_url, started=started, timeout=timeout)[1]


def ready_streak(base_url: str, *, started: float | None = None, timeout: float = 900.0
                 ) -> tuple[float, float]:
    """Seconds from `started` to the first and to the last of 20 /health answers in a row that say
    ready (each on a new connection): every process answered ready from about the first on, and the
    streak's own 20 requests (~0.5 s) are what lies between the two."""
    started = time.monotonic() if started is None else started
    streak, first = 0, 0.0
    while time.monotonic() - started < timeout:
        asked = time.monotonic()
        try:
            ready = httpx.get(f"{base_url}/health", timeout=5).json().get("ready")
        except (httpx.HTTPError, ValueError):
            ready = False
        if ready and streak == 0:
            first = asked - started
        streak = streak + 1 if ready else 0
        if streak >= 20:
            return first, time.monotonic() - started
        time.sleep(0.02 if ready else 0.1)
    raise RuntimeError(f"{base_url} not ready after {timeout} s")
