"""Layering (docs/architecture.md): every import runs down the layers or within one, never up, and no
module imports itself back through others; the domain never imports the web framework; only kg.store
touches the engine."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kg"
WEB = ("fastapi", "starlette", "uvicorn")
ENGINE = ("pyoxigraph",)


#: The layers, lowest first: a module may import its own layer and the ones below it. A module is
#: placed by the longest prefix that names it here; a new module with no place fails the test.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("kg", "kg.errors", "kg.config", "kg.namespaces", "kg.terms", "kg.formats")),
    ("store", ("kg.store",)),
    ("sparql protocol", ("kg.sparql",)),
    ("model", ("kg.naming", "kg.entities", "kg.graphview", "kg.lookup", "kg.paths", "kg.provenance",
               "kg.quotes", "kg.catalogue")),
    ("use cases", ("kg.exports", "kg.trace", "kg.timeline", "kg.reconcile", "kg.linked_data",
                   "kg.deployments", "kg.analytics", "kg.graph_store", "kg.validation", "kg.synth",
                   "kg.auth", "kg.pages", "kg.reading", "kg.browsing", "kg.review",
                   "kg.ingest")),
    ("services", ("kg.services",)),
    ("entry points", ("kg.api", "kg.commands", "kg.cli")),
)


def _module_name(path: Path) -> str:
    parts = ("kg", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            named = module == prefix or module.startswith(prefix + ".")
            if named and (best is None or len(prefix) > best[1]):
                best = (rank, len(prefix))
    return None if best is None else best[0]


def _project_imports(path: Path) -> set[str]:
    """The kg modules `path` imports, anywhere in it (functions and TYPE_CHECKING blocks included),
    with `from kg.x import y` counted as kg.x.y when that is a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.split(".")[0] == "kg")
        elif (isinstance(node, ast.ImportFrom) and node.module and node.level == 0
              and node.module.split(".")[0] == "kg"):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names
                         if f"{node.module}.{a.name}" in MODULES)
    return names


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}


def import_graph() -> nx.DiGraph:
    """Module → the project modules it imports."""
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for target in _project_imports(path):
            if target in MODULES and target != name:
                graph.add_edge(name, target)
    return graph


def test_every_module_has_a_layer() -> None:
    assert sorted(m for m in MODULES if _layer(m) is None) == []


def test_no_import_runs_up_the_layers() -> None:
    upward = sorted(f"{a} ({LAYERS[_layer(a) or 0][0]}) -> {b} ({LAYERS[_layer(b) or 0][0]})"
                    for a, b in import_graph().edges if (_layer(b) or 0) > (_layer(a) or 0))
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    # A package's __init__ re-exporting its own modules is not a cycle of design: leave those out.
    graph = import_graph()
    graph.remove_edges_from([(a, b) for a, b in list(graph.edges) if b.startswith(a + ".")])
    assert [sorted(c) for c in nx.simple_cycles(graph)] == []


def test_the_web_layer_and_the_commands_stay_apart() -> None:
    # Only `kg serve` starts the web app; the API never calls a command.
    crossing = sorted((a, b) for a, b in import_graph().edges
                      if (a.startswith("kg.api") and b.startswith("kg.commands"))
                      or (a.startswith("kg.commands") and b.startswith("kg.api")
                          and a != "kg.commands.serve"))
    assert crossing == []


def test_only_the_composition_root_builds_services() -> None:
    # Routers and commands reach services through kg.services, never by calling their constructors.
    built = ("EntityLookup(", "Provenance(", "GraphView(", "PathFinder(", "EntityViews(", "Exporter(",
             "Reconciler(", "LinkedData(", "GraphStoreService(", "SparqlEndpoint(", "Analytics(",
             "Deployments(", "EntityResolver(", "Catalogue(", "QueryRunner(", "EvidenceReader(",
             "EntityBrowser(")
    entry_points = [p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] in ("api", "commands")]
    offenders = sorted(f"{p.relative_to(SRC)}: {c}" for p in entry_points
                       for c in built if c in p.read_text(encoding="utf-8"))
    assert offenders == []


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


ROOT = SRC.parents[1]
_CITED_FILES = [*SRC.rglob("*.py"), *SRC.rglob("*.js"), *(ROOT / "tests").rglob("*.py"),
                *(ROOT / "bench").rglob("*.py"), *(ROOT / "bench").rglob("*.md")]


def _note_anchors() -> set[str]:
    """§N for every section of docs/engine-notes.md, and §N.k for its numbered items."""
    anchors: set[str] = set()
    section = None
    for line in (ROOT / "docs" / "engine-notes.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## (§\d+) ", line)
        item = re.match(r"(\d+)\. ", line)
        if heading:
            section = heading.group(1)
            anchors.add(section)
        elif item and section:
            anchors.add(f"{section}.{item.group(1)}")
    return anchors


def test_the_design_notes_the_code_cites_live_in_the_repository() -> None:
    anchors = _note_anchors()
    outside, cited = [], []
    for path in _CITED_FILES:
        text = path.read_text(encoding="utf-8")
        if path.name != "test_architecture.py" and re.search(r"(?<![\w/])design\.md|contracts\.md", text):
            outside.append(str(path.relative_to(ROOT)))
        cited += [(str(path.relative_to(ROOT)), ref.rstrip("."))
                  for ref in re.findall(r"engine-notes\.md (§[\d.]+)", text)]
    assert outside == []  # notes outside the repository (../shared/docs) cannot be cited
    assert len(cited) >= 10, "the code cites its design notes"
    assert [c for c in cited if c[1] not in anchors] == []


# -- the drawing (docs/import-graph.svg, made by scripts/import-graph) -----------------------------

_PACKAGES = ("kg.api", "kg.commands", "kg.store", "kg.sparql", "kg.exports", "kg.lookup")


def _drawn(module: str) -> str:
    """The node a module is drawn as: its package for the packages, else the module itself."""
    return next((p for p in _PACKAGES if module == p or module.startswith(p + ".")), module)


def import_graph_dot() -> str:
    """The import graph in DOT: one row per layer (entry points on top, a label on the left), packages
    drawn as one node. Arrows into the base layer are left out (every layer may use it, and they
    would hide the rest); an arrow running up would be drawn red (test_no_import_runs_up_the_layers
    forbids it)."""
    graph = import_graph()
    base = 0
    nodes = {_drawn(m) for m in graph.nodes} - {"kg"}
    edges = {(_drawn(a), _drawn(b)) for a, b in graph.edges
             if _drawn(a) != _drawn(b) and "kg" not in (_drawn(a), _drawn(b))
             and _layer(_drawn(b)) != base}
    lines = ["digraph imports {",
             "  rankdir=TB; nodesep=0.25; ranksep=0.6; node [shape=box, fontname=Helvetica, fontsize=11];"]
    labels = []
    for rank, (name, _) in reversed(list(enumerate(LAYERS))):
        label = f"layer{rank}"
        labels.append(label)
        members = " ".join(f'"{n}";' for n in sorted(n for n in nodes if _layer(n) == rank))
        lines.append(f'  {{ rank=same; {label} [shape=plaintext, label="{name}", fontcolor=gray40]; '
                     f"{members} }}")
    lines.append("  " + " -> ".join(labels) + " [style=invis];")
    for a, b in sorted(edges):
        up = (_layer(b) or 0) > (_layer(a) or 0)
        lines.append(f'  "{a}" -> "{b}"{" [color=red]" if up else " [color=gray30]"};')
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(import_graph_dot(), end="")
