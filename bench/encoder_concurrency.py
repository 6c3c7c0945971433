"""One shared encoder under concurrent use: what a refresh and the request threads cost each other.

Scenarios, each for --seconds, on the same dev passages and questions:
- ``refresh``: one thread calls encode_passages (token lengths, sorted batches) in a loop;
- ``asks xK``: K threads each encode one question per call (the query cache is off);
- ``refresh + asks xK``: both at once, as during an upload burst.
Reported: passages/s, questions/s, question latency p50/p95 and failed calls. It measures the
encoder as the working tree has it; run it on two revisions to compare.

Usage: python bench/encoder_concurrency.py [--backend onnx-int8] [--threads-list 2,4]
       [--seconds 10] [--passages 32]
Results: a table on stdout and bench/results/encoder_concurrency.json.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.backends import sample_questions, sample_texts  # noqa: E402
from bench.run import _pct, machine, write_result  # noqa: E402
from retrieval.encoder import SentenceTransformerEncoder  # noqa: E402

SHARED = ROOT.parent / "shared"


class Worker(threading.Thread):
    """Repeats one call until stopped; counts items done, call latencies and failures."""

    def __init__(self, call: Callable[[], int], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.call, self.stop = call, stop
        self.items, self.errors = 0, 0
        self.latencies_ms: list[float] = []

    def run(self) -> None:
        while not self.stop.is_set():
            t0 = time.perf_counter()
            try:
                self.items += self.call()
            except Exception:  # counted: the point is how often calls fail
                self.errors += 1
                continue
            self.latencies_ms.append((time.perf_counter() - t0) * 1000)


def scenario(
    encoder: SentenceTransformerEncoder, passages: list[str], questions: list[str],
    *, refresh: bool, askers: int, seconds: float,
) -> dict[str, Any]:
    stop = threading.Event()
    pending = itertools.cycle(questions)
    lock = threading.Lock()

    def next_question() -> str:
        with lock:
            return next(pending)

    def ask() -> int:
        return len(encoder.encode_queries([next_question()]))

    def rebuild() -> int:
        return len(encoder.encode_passages(passages))

    refresher = [Worker(rebuild, stop)] if refresh else []
    asking = [Worker(ask, stop) for _ in range(askers)]
    t0 = time.perf_counter()
    for w in refresher + asking:
        w.start()
    time.sleep(seconds)
    stop.set()
    for w in refresher + asking:
        w.join()
    elapsed = time.perf_counter() - t0
    out: dict[str, Any] = {"seconds": round(elapsed, 1)}
    if refresher:
        out["passages_per_s"] = round(refresher[0].items / elapsed, 2)
        out["refresh_errors"] = refresher[0].errors
    if asking:
        lat = [ms for w in asking for ms in w.latencies_ms]
        out["questions_per_s"] = round(sum(w.items for w in asking) / elapsed, 2)
        out["ask_p50_ms"] = _pct(lat, 50) if lat else None
        out["ask_p95_ms"] = _pct(lat, 95) if lat else None
        out["ask_errors"] = sum(w.errors for w in asking)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(SHARED / "eval" / "corpus.jsonl"))
    parser.add_argument("--queries", default=str(SHARED / "eval" / "queries.jsonl"))
    parser.add_argument("--model", default=str(SHARED / "models" / "multilingual-e5-small-vi"))
    parser.add_argument("--backend", default="onnx-int8")
    parser.add_argument("--threads-list", default="2,4", help="question threads per scenario")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--passages", type=int, default=32)
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--cache-dir", default=None, help="ONNX exports (default: a temp dir)")
    parser.add_argument(
        "--out", default=str(ROOT / "bench" / "results" / "encoder_concurrency.json")
    )
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    passages = sample_texts(Path(args.corpus), args.passages)
    questions = sample_questions(Path(args.queries), args.questions)
    cache = Path(args.cache_dir) if args.cache_dir else Path(tempfile.mkdtemp()) / "models"
    encoder = SentenceTransformerEncoder(
        args.model, backend=args.backend, cache_dir=cache, cache_size=0
    )
    encoder.encode_passages(passages[:16])  # warm-up
    encoder.encode_queries(questions[:4])
    plans = [("refresh", True, 0)]
    for k in (int(x) for x in args.threads_list.split(",")):
        plans += [(f"asks x{k}", False, k), (f"refresh + asks x{k}", True, k)]
    rows: dict[str, dict[str, Any]] = {}
    for name, refresh, askers in plans:
        rows[name] = scenario(encoder, passages, questions, refresh=refresh, askers=askers,
                              seconds=args.seconds)
        print(f"{name:<20} {rows[name]}", flush=True)

    print(f"\n{'scenario':<20} {'passages/s':>10} {'questions/s':>11} {'p50 ms':>8}"
          f" {'p95 ms':>8} {'errors':>6}")
    for name, row in rows.items():
        errors = row.get("refresh_errors", 0) + row.get("ask_errors", 0)
        passages_s, questions_s = row.get("passages_per_s", "-"), row.get("questions_per_s", "-")
        print(f"{name:<20} {passages_s:>10} {questions_s:>11}"
              f" {row.get('ask_p50_ms') or '-':>8} {row.get('ask_p95_ms') or '-':>8} {errors:>6}")
    write_result({"machine": machine(), "model_id": encoder.model_id, "passages": len(passages),
                  "scenarios": rows}, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
