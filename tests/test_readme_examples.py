"""Every `curl` and `kg` example of README.md runs as written: the curl ones against a live server
(answering 2xx), the kg ones against a store (exit status 0), except those whose comment marks an
error on purpose: `# → 404` (the HTTP status) or `# → exit 1` (the exit status)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kg.auth import token_digest
from kg.config import PROJECT_ROOT
from live import LiveServer, free_port, serve_live, stop

README = PROJECT_ROOT / "README.md"
#: The address the README's examples use; the test points them at its own server instead.
README_URL = "http://127.0.0.1:8000"
TOKEN = "readme-example-token"  # the writer's token; the test server holds its digest
NOTES = '<urn:x-a> <urn:x-b> "c" .\n'
_FENCE = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.M | re.S)
_EXPECTED = re.compile(r"^\s*→\s*(?:exit\s+)?(\d+)")


@dataclass(frozen=True)
class Example:
    """A command of the README, where it is, and the status it should end with (None: success)."""

    command: str
    line: int
    expected: int | None

    @property
    def program(self) -> str:
        """`curl` or `kg`: the command's first word, without its directory."""
        return self.command.split(maxsplit=1)[0].rsplit("/", 1)[-1]


def split_commands(block: str) -> Iterator[tuple[str, str, int]]:
    """(command, comment, line offset) of each command of a shell block: a command ends at a line
    break outside quotes and not escaped by a backslash; `#` starting a word begins its comment."""
    command, comment, quote, start = "", None, None, 0
    i = 0
    while i < len(block):
        char = block[i]
        if comment is not None and char != "\n":
            comment += char
        elif quote:
            command += char
            quote = None if char == quote else quote
        elif char in "'\"":
            command, quote = command + char, char
        elif char == "\\" and block[i + 1:i + 2] == "\n":
            command, i = command + "\\\n", i + 1
        elif char == "#" and (not command or command[-1].isspace()):
            comment = ""
        elif char == "\n":
            if command.strip():
                yield command.strip(), comment or "", start
            command, comment, start = "", None, block.count("\n", 0, i) + 1
        else:
            command += char
        i += 1


def readme_examples() -> list[Example]:
    """Every curl and kg command of the README's shell blocks, in order."""
    text = README.read_text(encoding="utf-8")
    found = []
    for block in _FENCE.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        for command, comment, offset in split_commands(block.group(1)):
            marked = _EXPECTED.match(comment)
            example = Example(command, first + offset, int(marked.group(1)) if marked else None)
            if example.program in ("curl", "kg"):
                found.append(example)
    return found


EXAMPLES = readme_examples()


def _id(example: Example) -> str:
    return f"README:{example.line} {example.command[:50]}"


def test_the_readme_has_examples_of_every_command() -> None:
    from kg.commands import COMMANDS

    shown = {e.command.split()[1] for e in EXAMPLES if e.program == "kg" and len(e.command.split()) > 1}
    # kg synth belongs to the benchmark, whose section names it.
    assert set(COMMANDS) - {"synth"} <= shown
    assert sum(e.program == "curl" for e in EXAMPLES) >= 15


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the examples run: the files they name (notes.ttl) and `.venv`, as in a checkout."""
    directory = tmp_path_factory.mktemp("readme")
    (directory / "notes.ttl").write_text(NOTES, encoding="utf-8")
    (directory / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    return directory


@pytest.fixture(scope="module")
def environment(workdir: Path) -> dict[str, str]:
    """The shell environment of the examples: `kg` on PATH, a store of their own, the writer's token."""
    bin_dir = str(PROJECT_ROOT / ".venv" / "bin")
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "KG_DATA_DIR": str(workdir / "store"), "KG_TOKEN": TOKEN}


@pytest.fixture(scope="module")
def readme_server(workdir: Path) -> Iterator[LiveServer]:
    """A live server as the README's Graph Store section sets it up (writes on, the token's digest)."""
    writes = {"KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKENS": token_digest(TOKEN)}
    with serve_live(workdir, env=writes) as server:
        yield server


def shell(command: str, environment: dict[str, str], workdir: Path) -> subprocess.CompletedProcess[str]:
    """Run `command` with bash, as a reader would paste it."""
    return subprocess.run(["bash", "-c", command], cwd=workdir, env=environment, capture_output=True,
                          text=True, timeout=180, check=False)


@pytest.mark.e2e
@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.program == "curl"], ids=_id)
def test_curl_example_answers_as_the_readme_says(example: Example, readme_server: LiveServer,
                                                 environment: dict[str, str], workdir: Path) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed (Debian: apt-get install curl)")
    assert README_URL in example.command, "README examples use http://127.0.0.1:8000"
    command = example.command.replace(README_URL, readme_server.url)
    done = shell(f"{command} -sS -o answer.out -w '%{{http_code}}'", environment, workdir)
    answer = (workdir / "answer.out").read_text(encoding="utf-8", errors="replace")[:500]
    assert done.returncode == 0, done.stderr
    status = int(done.stdout.strip()[-3:])
    if example.expected is None:
        assert 200 <= status < 300, f"README line {example.line} answered {status}: {answer}"
    else:
        assert status == example.expected, f"README line {example.line} answered {status}: {answer}"


@pytest.mark.slow
@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.program == "kg"], ids=_id)
def test_kg_example_runs_as_the_readme_says(example: Example, environment: dict[str, str],
                                            workdir: Path) -> None:
    if example.command.split()[1] == "serve":
        check_serve(example, environment, workdir)
        return
    done = shell(example.command, environment, workdir)
    wanted = example.expected or 0
    assert done.returncode == wanted, f"README line {example.line}: {done.stderr[-2000:]}"
    if wanted:
        assert len(done.stderr.strip().splitlines()) == 1 and "error:" in done.stderr, done.stderr


def check_serve(example: Example, environment: dict[str, str], workdir: Path) -> None:
    """`kg serve` runs until stopped: it must answer /health, then stop on Ctrl-C."""
    port = free_port()
    process = subprocess.Popen(["bash", "-c", f"exec {example.command}"], cwd=workdir,
                               env={**environment, "KG_PORT": str(port)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert process.poll() is None, f"README line {example.line}: kg serve exited {process.returncode}"
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            stop(process)
