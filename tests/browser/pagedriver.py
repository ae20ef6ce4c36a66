"""Runs the page scenarios of scenarios.mjs (playwright-core + Debian Chromium) from pytest."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).with_name("scenarios.mjs")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: The widths every page is checked at: a laptop and a phone (CSS pixels).
WIDTHS = (1366, 390)


def run_scenario(base: str, name: str, arg: str = "", width: int = 1366) -> dict[str, Any]:
    """Run one scenario of scenarios.mjs in Chromium at `width` px; what the page showed, as a dict.
    Its screenshots are test-artifacts/screenshots/<picture>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["node", str(SCENARIOS), base, name, str(SCREENSHOTS), arg, str(width)], cwd=ROOT,
                          capture_output=True, timeout=120, check=False,
                          env={**os.environ, "CHROMIUM": CHROMIUM})
    if done.returncode != 0:
        raise AssertionError(f"scenario {name} failed:\n{done.stderr.decode()[-3000:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]
