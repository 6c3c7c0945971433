"""What the readable version diff costs, against a plain line diff of the same texts.

Every update stores a summary of what changed in its outbox event (computed inside the
saving transaction), and the admin page and API draw the full diff on demand. For texts of
growing size (the bundled samples, joined k times), version 2 changes one date in every 50th
line and drops one line in every 200th. Reported per size: ``corpus.diffing.diff_versions``
(line diff, kinds, word-level summaries) p50/p95 in ms, and the baseline
``difflib.unified_diff`` over the same lines in the same run, with the ratio of their p50s.

Usage: python bench/version_diff.py [--repeat 20] [--sizes 1,4,16]
Results: bench/results/version_diff.json.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import _pct, machine, write_result  # noqa: E402
from corpus.diffing import diff_versions  # noqa: E402

_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _texts(k: int) -> tuple[str, str]:
    samples = sorted((ROOT / "samples").glob("*.txt"))
    base = "\n".join(p.read_text(encoding="utf-8") for p in samples)
    lines = (base + "\n") * k
    old = lines.splitlines()
    new = []
    for i, line in enumerate(old):
        if i % 200 == 199:
            continue
        if i % 50 == 0:
            line = f"{line} Hạn nộp trước ngày 30/10/2026." if not _DATE.search(line) else (
                _DATE.sub(r"05/11/\3", line))
        new.append(line)
    return "\n".join(old), "\n".join(new)


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--sizes", default="1,4,16")
    args = ap.parse_args()
    rows = []
    for k in (int(s) for s in args.sizes.split(",")):
        old, new = _texts(k)
        readable = _time(lambda o=old, n=new: diff_versions(o, n).summary(), args.repeat)
        plain = _time(lambda o=old, n=new: list(difflib.unified_diff(o.splitlines(),
                                                                     n.splitlines())),
                      args.repeat)
        row = {
            "chars": len(old), "lines": old.count("\n") + 1,
            "changes": len(diff_versions(old, new).lines),
            "readable_p50_ms": _pct(readable, 50), "readable_p95_ms": _pct(readable, 95),
            "plain_p50_ms": _pct(plain, 50), "plain_p95_ms": _pct(plain, 95),
        }
        row["ratio_p50"] = round(row["readable_p50_ms"] / max(row["plain_p50_ms"], 1e-6), 2)
        rows.append(row)
        print(row)
    write_result({"machine": machine(), "repeat": args.repeat, "sizes": rows},
                 ROOT / "bench" / "results" / "version_diff.json")


if __name__ == "__main__":
    main()
