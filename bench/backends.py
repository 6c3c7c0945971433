"""Embedding backends side by side: speed on the same texts, and dev-set quality.

For each backend (torch float32, ONNX Runtime float32, ONNX Runtime int8), in one process:
- passages/s encoding the same N dev passages (document context + text, as indexed), for each
  batch size asked for, through the encoder the product uses (length-sorted batches);
- single-question latency p50/p95 (query cache off, one question at a time);
- with --eval-data-dir: R@10 / MRR@10 on the whole dev set, by the same code as `chinam eval`.
  Embeddings are stored per (model, backend), so a data directory that `chinam eval` filled
  for each backend is evaluated here without embedding anything again; missing ones are made.
The ONNX export/quantisation (once per model, cached) is timed separately, not as throughput.

Usage: python bench/backends.py [--passages 256] [--questions 100] [--batch-sizes 8,16,32]
       [--eval-data-dir DIR] [--backends torch,onnx,onnx-int8]
Results: a table on stdout and bench/results/backends.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import _pct, machine, sample_rows, write_result  # noqa: E402
from corpus.hashing import embed_text  # noqa: E402
from retrieval.encoder import SentenceTransformerEncoder  # noqa: E402
from retrieval.service.settings import Settings  # noqa: E402

SHARED = ROOT.parent / "shared"


def sample_texts(corpus: Path, n: int) -> list[str]:
    return [embed_text(r["title"], r["text"]) for r in sample_rows(corpus, n)]


def sample_questions(queries: Path, n: int) -> list[str]:
    questions = [json.loads(line)["question"] for line in queries.open(encoding="utf-8")]
    return random.Random(11).sample(questions, min(n, len(questions)))


def speed(
    encoder: SentenceTransformerEncoder, texts: list[str], questions: list[str],
    batch_sizes: list[int],
) -> dict[str, Any]:
    out: dict[str, Any] = {"passages": len(texts), "passages_per_s": {}}
    encoder.encode_passages(texts[:16])  # warm-up
    for bs in batch_sizes:
        encoder._batch_size = bs
        t0 = time.perf_counter()
        encoder.encode_passages(texts)
        out["passages_per_s"][str(bs)] = round(len(texts) / (time.perf_counter() - t0), 2)
    for q in questions[:5]:
        encoder._encode([q], encoder._query_prompt, encoder._query_prefix, False)
    lat = []
    for q in questions:
        t0 = time.perf_counter()
        encoder._encode([q], encoder._query_prompt, encoder._query_prefix, False)
        lat.append((time.perf_counter() - t0) * 1000)
    out.update(questions=len(questions), query_p50_ms=_pct(lat, 50), query_p95_ms=_pct(lat, 95))
    return out


def quality(
    backend: str, model: str, data_dir: Path, corpus: Path, queries: Path
) -> dict[str, Any]:
    from corpus.eval_corpus import ingest_jsonl
    from retrieval.evaluate import evaluate, read_queries
    from retrieval.service import build_index, open_store

    settings = Settings(
        data_dir=data_dir, embedding_model=model, embedding_backend=backend,  # type: ignore[arg-type]
        _env_file=None,  # type: ignore[call-arg]
    )
    store = open_store(settings)
    ingest_jsonl(store, corpus)
    retriever = build_index(settings, store)
    t0 = time.perf_counter()
    retriever.refresh()
    refresh_s = time.perf_counter() - t0
    report = evaluate(retriever.searcher, read_queries(queries))
    natural = [
        m for s, m in report["by_source"].items()
        if s in {"zalo2021_train", "vlsp2025_drill_train"}
    ]
    n_nat = sum(m["n"] for m in natural) or 1
    return {
        "model_id": retriever.encoder.model_id if retriever.encoder else None,
        "refresh_s": round(refresh_s, 1),
        "n_queries": report["n_queries"],
        "recall@10": round(report["recall@10"], 4),
        "mrr@10": round(report["mrr@10"], 4),
        "natural_recall@10": round(sum(m["recall@10"] * m["n"] for m in natural) / n_nat, 4),
        "natural_mrr@10": round(sum(m["mrr@10"] * m["n"] for m in natural) / n_nat, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(SHARED / "eval" / "corpus.jsonl"))
    parser.add_argument("--queries", default=str(SHARED / "eval" / "queries.jsonl"))
    parser.add_argument("--model", default=str(SHARED / "models" / "multilingual-e5-small-vi"))
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--batch-sizes", default="8,16,32")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--eval-data-dir", default=None)
    parser.add_argument("--cache-dir", default=None, help="ONNX exports (default: a temp dir)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "backends.json"))
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    texts = sample_texts(Path(args.corpus), args.passages)
    questions = sample_questions(Path(args.queries), args.questions)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    cache = Path(args.cache_dir) if args.cache_dir else Path(tempfile.mkdtemp()) / "models"
    results: dict[str, Any] = {}
    for backend in args.backends.split(","):
        t0 = time.perf_counter()
        encoder = SentenceTransformerEncoder(
            args.model, backend=backend, cache_dir=cache, threads=args.threads
        )
        load_s = time.perf_counter() - t0
        row = {"model_id": encoder.model_id, "load_or_export_s": round(load_s, 1)}
        row.update(speed(encoder, texts, questions, batch_sizes))
        del encoder
        gc.collect()
        if args.eval_data_dir:
            row["dev"] = quality(
                backend, args.model, Path(args.eval_data_dir), Path(args.corpus),
                Path(args.queries),
            )
            gc.collect()
        results[backend] = row
        print(json.dumps({backend: row}, ensure_ascii=False), flush=True)

    base = results.get("torch")
    print(f"\n{'backend':<10} " + " ".join(f"{'bs' + str(b):>8}" for b in batch_sizes)
          + f" {'speed-up':>9} {'q p50':>7} {'q p95':>7} {'R@10':>7} {'MRR@10':>7}")
    for name, row in results.items():
        best = max(row["passages_per_s"].values())
        up = best / max(base["passages_per_s"].values()) if base else float("nan")
        dev = row.get("dev", {})
        print(f"{name:<10} " + " ".join(f"{row['passages_per_s'][str(b)]:>8}" for b in batch_sizes)
              + f" {up:>8.2f}x {row['query_p50_ms']:>7} {row['query_p95_ms']:>7}"
              f" {dev.get('recall@10', '-'):>7} {dev.get('mrr@10', '-'):>7}")
    result = {
        "machine": machine(),
        "texts": len(texts),
        "backends": results,
    }
    write_result(result, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
