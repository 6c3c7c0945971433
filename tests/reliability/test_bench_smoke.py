"""The benchmark scripts still run (tiny sizes): bench/load.py and bench/scale.py + ann.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _run(script: str, *args: str, out: Path) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args, "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text())


def test_load_bench_runs_without_errors(tmp_path: Path) -> None:
    result = _run("load.py", "--clients", "2", "--seconds", "2", "--max-requests", "20",
                  out=tmp_path / "load.json")
    assert result["errors"] == 0 and 0 < result["requests"] <= 20
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]


def test_scale_bench_runs(tmp_path: Path) -> None:
    result = _run("scale.py", "--passages", "600", "--questions", "12", "--budget-seconds", "120",
                  "--max-rss-mib", "4000", out=tmp_path / "scale.json")
    assert result["passages"] == 600 and result["search_ms"]["n"] == 12
    ann = result["ann"]
    assert ann["flat"]["recall@10"] == 1.0 and ann["hnsw"] and ann["ivf"]
