"""Smoke test of the benchmark: `bench/run.py --quick` runs end to end and writes a complete result.

No timing assertions (performance is read from the figures, not asserted): only that every part ran
and produced the keys and finite numbers the README documents.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kg.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

RUN = PROJECT_ROOT / "bench" / "run.py"
VENV_BIN = Path(sys.executable).parent


def finite(value: Any) -> bool:
    """Whether `value` is a finite number."""
    return isinstance(value, int | float) and math.isfinite(value)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON written by one quick run."""
    for tool in ("oxigraph", "rdflib-endpoint"):
        if not (VENV_BIN / tool).exists():
            pytest.skip(f"{tool} is not installed (pip install -e '.[bench]')")
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (apt-get install -y wrk)")
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, str(RUN), "--quick", "--results-dir", str(out)],
                          capture_output=True, text=True, timeout=600, check=False)
    files = list(out.glob("*.json"))
    assert files, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(files[0].read_text(encoding="utf-8"))


def test_bench_quick_runs_only_the_smallest_size(result: dict[str, Any]) -> None:
    assert result["meta"]["quick"] is True
    assert list(result["sizes"]) == ["10k"]


def test_bench_quick_reports_loads_and_cold_starts(result: dict[str, Any]) -> None:
    size = result["sizes"]["10k"]
    assert size["quads"] > 5000
    for system in ("kg", "oxigraph"):
        assert finite(size["load"][system]["seconds"])
        assert finite(size["load"][system]["peak_rss_mb"])
        assert finite(size["server_rss_mb"][system])
    assert finite(size["cold_start_s"]["oxigraph"])
    assert finite(size["cold_start_s"]["kg"] or size["cold_start_s"]["kg_health_only"])


def test_bench_quick_times_every_query_of_the_mix(result: dict[str, Any]) -> None:
    queries = result["sizes"]["10k"]["queries"]
    assert len(queries) >= 9
    for entry in queries.values():
        for system in ("engine", "oxigraph", "rdflib_endpoint"):
            assert finite(entry[system]["median_ms"]) and finite(entry[system]["p90_ms"])
        if "/sparql" in result["sizes"]["10k"]["kg_routes"]:
            assert finite(entry["kg"]["median_ms"])
            assert finite(entry["ratio_kg_to_oxigraph"])
            assert entry["kg"]["agrees_with_oxigraph"] is True


def test_bench_quick_reports_lookup_throughput_and_paths(result: dict[str, Any]) -> None:
    size = result["sizes"]["10k"]
    for kind in ("zh_substring", "pinyin", "english", "typo"):
        assert finite(size["lookup"]["oxigraph_contains"][kind]["p50_ms"])
        if size["lookup"]["kg"].get("available", True):
            assert finite(size["lookup"]["kg"][kind]["p99_ms"])
    assert size["throughput"]["hello"]["available"] is True
    assert finite(size["throughput"]["hello"]["requests_per_s"])
    assert finite(size["throughput"]["oxigraph_sparql"]["requests_per_s"])
    for lookup in ("kg_lookup", "kg_lookup_name", "kg_lookup_distinct"):
        assert finite(size["throughput"][lookup]["requests_per_s"])
        assert size["throughput"][lookup]["non_2xx"] == 0
    assert size["throughput"]["kg_lookup_distinct"]["queries"] > 1000
    assert "available" in size["paths"]
