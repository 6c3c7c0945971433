"""Retrieval benchmark: indexing throughput, question latency, memory, against raw baselines.

Everything is measured in one process, so ratios compare like with like:
(a) indexing: our pipeline (tokenise + embed + store embeddings + FAISS/BM25 build + persist)
    on N dev passages vs plain ``SentenceTransformer.encode`` of the same texts (the database
    ingest before it is timed separately);
(b) question latency p50/p95 of ``Searcher.search`` on the whole dev corpus vs the raw floor
    (one query encode + one FAISS search + one BM25 search, the libraries alone);
(c) peak RSS of the process serving the whole dev corpus (a serving process holds the same).

Usage: python bench/run.py [--data-dir data/eval] [--passages 512] [--questions 200]
The data dir is the one `chinam eval` uses; it is reused so the dev corpus is embedded once.
Results: a table on stdout and bench/results/retrieval.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.db import make_engine  # noqa: E402
from corpus.eval_corpus import ingest_jsonl  # noqa: E402
from corpus.hashing import embed_text  # noqa: E402
from corpus.store import CorpusStore  # noqa: E402
from retrieval.encoder import SentenceTransformerEncoder  # noqa: E402
from retrieval.indexing import IndexBuilder  # noqa: E402

SHARED = ROOT.parent / "shared"


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_result(result: dict[str, Any], out: Path) -> None:
    """The result as a JSON file and as the last line of stdout."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False))


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sample_rows(corpus: Path, n: int) -> list[dict[str, Any]]:
    """``n`` dev-corpus lines that need no further chunking, the same ones on every run."""
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    rng = random.Random(7)
    return [r for r in rng.sample(rows, n * 2) if len(r["text"]) <= 1800][:n]


def bench_indexing(encoder: SentenceTransformerEncoder, corpus: Path, n: int) -> dict[str, float]:
    sample = sample_rows(corpus, n)
    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "sub.jsonl"
        sub.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample), "utf-8")
        texts = [embed_text(r["title"], r["text"]) for r in sample]
        model = encoder._model
        bs = encoder._batch_size
        model.encode(texts[:32], prompt_name="passage", batch_size=bs)  # warm-up
        t0 = time.perf_counter()
        model.encode(texts, prompt_name="passage", batch_size=bs, normalize_embeddings=True)
        raw = time.perf_counter() - t0
        store = CorpusStore(make_engine(f"sqlite:///{tmp}/b.db"))
        t0 = time.perf_counter()
        ingest_jsonl(store, sub)
        ingest_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        IndexBuilder(store, encoder=encoder, index_dir=Path(tmp) / "index").refresh()
        ours = time.perf_counter() - t0
    return {
        "passages": len(sample),
        "ingest_s": round(ingest_s, 2),
        "raw_encode_passages_per_s": round(len(sample) / raw, 2),
        "pipeline_passages_per_s": round(len(sample) / ours, 2),
        "ratio": round(raw / ours, 3),
    }


def bench_latency(
    encoder: SentenceTransformerEncoder, data_dir: Path, corpus: Path, queries: Path, n: int
) -> dict[str, float]:
    store = CorpusStore(make_engine(f"sqlite:///{(data_dir / 'chinam.db').resolve()}"))
    ingest_jsonl(store, corpus)
    retriever = IndexBuilder(store, encoder=encoder, index_dir=data_dir / "index")
    t0 = time.perf_counter()
    retriever.refresh()
    load_s = time.perf_counter() - t0
    questions = [json.loads(line)["question"] for line in queries.open(encoding="utf-8")]
    questions = random.Random(11).sample(questions, min(n, len(questions)))
    state = retriever.searcher
    dense = state.dense
    assert dense is not None
    ours, floor = [], []
    for q in questions[:5]:
        retriever.searcher.search(retriever.searcher.parse(q), k=10)
    for q in questions:
        encoder._cache.clear()
        t0 = time.perf_counter()
        retriever.searcher.search(retriever.searcher.parse(q), k=10)
        ours.append((time.perf_counter() - t0) * 1000)
        toks = retriever.analyzer.query_tokens(q)
        t0 = time.perf_counter()
        vec = encoder._model.encode([q], prompt_name="query", normalize_embeddings=True)
        dense._index.search(np.asarray(vec, dtype=np.float32), 100)
        state.lexical.scores(toks)
        floor.append((time.perf_counter() - t0) * 1000)
    return {
        "passages": len(state.records),
        "questions": len(questions),
        "index_load_s": round(load_s, 1),
        "p50_ms": _pct(ours, 50),
        "p95_ms": _pct(ours, 95),
        "floor_p50_ms": _pct(floor, 50),
        "floor_p95_ms": _pct(floor, 95),
        "p50_ratio": round(_pct(ours, 50) / _pct(floor, 50), 3),
        "p95_ratio": round(_pct(ours, 95) / _pct(floor, 95), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "eval"))
    parser.add_argument("--corpus", default=str(SHARED / "eval" / "corpus.jsonl"))
    parser.add_argument("--queries", default=str(SHARED / "eval" / "queries.jsonl"))
    parser.add_argument("--model", default=str(SHARED / "models" / "multilingual-e5-small-vi"))
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--passages", type=int, default=512)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "retrieval.json"))
    args = parser.parse_args()

    encoder = SentenceTransformerEncoder(
        args.model, backend=args.backend, batch_size=args.batch_size,
        cache_dir=Path(args.data_dir) / "models",
    )
    indexing = bench_indexing(encoder, Path(args.corpus), args.passages)
    latency = bench_latency(
        encoder, Path(args.data_dir), Path(args.corpus), Path(args.queries), args.questions
    )
    result = {
        "machine": machine(),
        "backend": encoder.backend,
        "model_id": encoder.model_id,
        "batch_size": args.batch_size,
        "indexing": indexing,
        "latency": latency,
        "peak_rss_mib": round(_peak_rss_mib(), 1),
    }
    print(f"indexing  {indexing['pipeline_passages_per_s']:>8} passages/s  vs raw encode "
          f"{indexing['raw_encode_passages_per_s']} -> {indexing['ratio']}x")
    print(f"latency   p50 {latency['p50_ms']} ms / p95 {latency['p95_ms']} ms  vs floor "
          f"{latency['floor_p50_ms']} / {latency['floor_p95_ms']} -> {latency['p50_ratio']}x / "
          f"{latency['p95_ratio']}x  ({latency['passages']} passages)")
    print(f"memory    peak RSS {result['peak_rss_mib']} MiB")
    write_result(result, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
