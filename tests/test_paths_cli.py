"""`kg path` and `kg trace` on the bundled graph: text output, JSON output, errors."""

from __future__ import annotations

import json

import pytest

from kg.cli import main


def test_kg_path_prints_hops_with_cited_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", "ndrc", "shanghai-stc-office", "--memory", "-k", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("path 1 (")
    assert "国家发展和改革委员会 —共同牵头→ 科创中心领导小组" in out
    assert "[一 " in out and "共同牵头" in out


def test_kg_path_json_is_the_api_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", "科创办", "ndrc", "--memory", "--json", "--avoid-property", "ikg:approves"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"]["id"] == "shanghai-stc-office"
    assert all(h["property"]["curie"] != "ikg:approves" for p in data["paths"] for h in p["hops"])


def test_kg_path_unknown_entity_fails_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["path", "ndrc", "no-such-body", "--memory"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kg path: error: No entity is named 'no-such-body'") and "\n" not in err


def test_kg_trace_up_lists_chains(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "up", "shanghai-stc-office", "--memory", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "chain 1 (" in out and "—handles the daily work of→" in out
