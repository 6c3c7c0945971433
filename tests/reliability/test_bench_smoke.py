"""The benchmark scripts still run (tiny sizes): bench/load.py, bench/scale.py + ann.py and
bench/memory.py."""

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


def test_memory_bench_runs_every_phase(tmp_path: Path) -> None:
    corpus = tmp_path / "eval" / "corpus.jsonl"
    corpus.parent.mkdir()
    rows = [{"id": f"luat:{i}", "title": f"Luật thử — Điều {i}", "doc_number": "1/2020/QH14",
             "text": f"Điều {i}. Giáo viên có nhiệm vụ giảng dạy môn {i}. " * (i + 1)}
            for i in range(1, 6)]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    (tmp_path / "eval" / "queries.jsonl").write_text(
        json.dumps({"question": "Giáo viên có nhiệm vụ gì?"}, ensure_ascii=False) + "\n", "utf-8")
    result = _run("memory.py", "--data", str(tmp_path / "data"), "--slice", "3",
                  "--models", str(tmp_path / "models"), "--model", "hash:64",
                  "--corpus", str(corpus), out=tmp_path / "memory.json")
    phases = result["branch"]
    assert set(phases) == {"ready", "questions", "upload", "build"}
    assert all(0 < p["rss_mib"] <= p["peak_mib"] for p in phases.values())
    assert phases["upload"]["passages_added"] > 0 and phases["build"]["passages"] >= 3
