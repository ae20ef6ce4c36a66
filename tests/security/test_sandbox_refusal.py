"""When the kernel refuses the sandbox, `kg serve` refuses to start, unless KG_UNSAFE_NETWORK=true.

A kernel that forbids namespaces cannot be had in a test, so the child process replaces the one
function that asks the kernel (`_unshare_network`) with one that fails the way a refusal does; the
decision that follows is the real one.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from kg.config import PROJECT_ROOT
from live import free_port

_CHILD = """
import sys
import kg.store.sandbox as sandbox
from kg.errors import SandboxError

def refused():
    raise SandboxError("Cannot apply the network sandbox: the kernel refused (simulated).")

sandbox._unshare_network = refused
from kg.cli import main
sys.exit(main(["serve", "--memory", "--host", "127.0.0.1", "--port", sys.argv[1]]))
"""


def _serve(env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run([sys.executable, "-c", _CHILD, str(free_port())], cwd=PROJECT_ROOT,
                              env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None  # still serving: it started


def test_serve_refuses_to_start_without_the_sandbox() -> None:
    result = _serve({}, timeout=60)
    assert result is not None, "kg serve started although the sandbox could not be applied"
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[-1]] and "KG_UNSAFE_NETWORK=true" in lines[-1], result.stderr


def test_unsafe_network_starts_with_a_warning() -> None:
    env = {"KG_UNSAFE_NETWORK": "true", "KG_WARM_UP": "false"}
    try:
        process = subprocess.Popen([sys.executable, "-c", _CHILD, str(free_port())], cwd=PROJECT_ROOT,
                                   env={**os.environ, **env}, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=8)
    finally:
        process.terminate()
    output, _ = process.communicate(timeout=30)
    assert "serving on" in output and "WITHOUT the network sandbox" in output, output
