"""Layering: the domain never imports the web framework; only kg.store touches the engine."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kg"
WEB = ("fastapi", "starlette", "uvicorn")
ENGINE = ("pyoxigraph",)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*, outside: tuple[str, ...]) -> list[Path]:
    return [p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] not in outside]


def _offenders(paths: list[Path], roots: tuple[str, ...]) -> list[str]:
    return sorted(f"{p.relative_to(SRC)}: {name}" for p in paths for name in _imports(p)
                  if name.split(".")[0] in roots)


def test_domain_modules_do_not_import_the_web_framework() -> None:
    # The CLI (commands/) may start the server; everything else outside api/ stays framework-free.
    assert _offenders(_modules(outside=("api", "commands")), WEB) == []


def test_only_the_store_package_imports_the_engine() -> None:
    assert _offenders(_modules(outside=("store",)), ENGINE) == []


@pytest.mark.parametrize("module", ["kg", "kg.config", "kg.store", "kg.provenance", "kg.cli"])
def test_importing_the_domain_pulls_in_no_web_framework(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_cli_help_imports_no_command_module() -> None:
    # `kg --help` and `kg load` must not pay for numpy, pinyin tables or rdflib they do not use.
    code = ("import sys; from kg.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('numpy', 'pypinyin', 'rdflib', 'networkx') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
