"""Exact FAISS (IndexFlatIP, what retrieval/dense.py uses) against HNSW and IVF.

For one set of unit vectors: build time, bytes (serialized index), single-question search
latency p50/p95 at k=10, and recall@10 against the exact result, for HNSW (M=32, several
efSearch) and IVF-Flat (nlist ~ 4*sqrt(N), several nprobe); plus exact latency at smaller
sizes, to see where it crosses a latency budget. Note for the switch: IndexHNSWFlat has no
remove_ids (faiss#3339), which the incremental refresh of retrieval/searcher.py needs;
IndexIVFFlat has it.

bench/scale.py calls compare() on its own vectors. Alone, with real model vectors:
  python bench/ann.py --base-vectors vecs.npy [--n 100000] [--noise 0.4] [--queries 200]
synthesizes N vectors as perturbed copies of the base vectors (each copy's cosine to its
base ~ 1/sqrt(1+noise^2)) and asks with further perturbed copies of random base vectors, or
with real questions encoded by the model (--query-model DIR --query-texts FILE, one question
a line or JSONL with "question").
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _latency(index: Any, queries: np.ndarray, k: int) -> tuple[dict[str, float], np.ndarray]:
    ms, ids = [], []
    for q in queries:
        started = time.perf_counter()
        _, found = index.search(q[None, :], k)
        ms.append((time.perf_counter() - started) * 1000)
        ids.append(found[0])
    stats = {f"p{p}_ms": round(float(np.percentile(ms, p)), 3) for p in (50, 95)}
    return stats, np.stack(ids)


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f) & set(t)) for f, t in zip(found, truth, strict=True))
    return round(hits / truth.size, 4)


def _mib(index: Any) -> float:
    return round(len(faiss.serialize_index(index)) / 1_048_576, 1)


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return round(time.perf_counter() - started, 2)


def compare(
    vectors: np.ndarray,
    queries: np.ndarray,
    *,
    k: int = 10,
    budget_seconds: float = 600,
    hnsw_m: int = 32,
    ef_search: tuple[int, ...] = (16, 32, 64, 128),
    nprobe: tuple[int, ...] = (4, 8, 16, 32, 64),
    threads: int | None = None,
) -> dict[str, Any]:
    """``threads``: FAISS OpenMP threads (None: the library default, one per core)."""
    if threads:
        faiss.omp_set_num_threads(threads)
    deadline = time.monotonic() + budget_seconds
    x, q = _unit(vectors), _unit(queries)
    n, dim = x.shape
    out: dict[str, Any] = {"n": n, "dim": dim, "queries": len(q), "k": k,
                           "faiss_threads": faiss.omp_get_max_threads()}
    exact = faiss.IndexFlatIP(dim)
    out["flat_build_s"] = _timed(lambda: exact.add(x))
    stats, truth = _latency(exact, q, k)
    out["flat"] = {**stats, "mib": _mib(exact), "recall@10": 1.0}
    sizes = [s for s in (10_000, 25_000, 50_000) if s < n]
    out["flat_by_size"] = {}
    for size in sizes:
        part = faiss.IndexFlatIP(dim)
        part.add(x[:size])
        out["flat_by_size"][size] = _latency(part, q, k)[0]

    if time.monotonic() < deadline:
        hnsw = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 64
        out["hnsw_build_s"] = _timed(lambda: hnsw.add(x))
        out["hnsw_mib"] = _mib(hnsw)
        out["hnsw"] = {}
        for ef in ef_search:
            if time.monotonic() > deadline:
                break
            hnsw.hnsw.efSearch = ef
            stats, found = _latency(hnsw, q, k)
            out["hnsw"][f"efSearch={ef}"] = {**stats, "recall@10": _recall(found, truth)}

    if time.monotonic() < deadline:
        nlist = 1 << max(6, int(np.log2(4 * np.sqrt(n))))
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = x[np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False)]
        out["ivf_nlist"] = nlist
        out["ivf_train_s"] = _timed(lambda: ivf.train(sample))
        out["ivf_add_s"] = _timed(lambda: ivf.add(x))
        out["ivf_mib"] = _mib(ivf)
        out["ivf"] = {}
        for probes in nprobe:
            if time.monotonic() > deadline:
                break
            ivf.nprobe = probes
            stats, found = _latency(ivf, q, k)
            out["ivf"][f"nprobe={probes}"] = {**stats, "recall@10": _recall(found, truth)}
    out["budget_exhausted"] = time.monotonic() > deadline
    return out


def perturbed(base: np.ndarray, n: int, noise: float, seed: int) -> np.ndarray:
    """``n`` unit vectors: copies of random rows of ``base`` plus Gaussian noise of norm ~noise."""
    rng = np.random.default_rng(seed)
    base = _unit(base)
    rows = base[rng.integers(0, len(base), n)]
    jitter = rng.standard_normal(rows.shape).astype(np.float32) * (noise / np.sqrt(base.shape[1]))
    return _unit(rows + jitter)


def encode_questions(model: str, path: Path, limit: int) -> np.ndarray:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from retrieval.encoder import load_encoder

    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [json.loads(line)["question"] if line.startswith("{") else line for line in lines]
    encoder = load_encoder(model)
    if encoder is None:
        raise SystemExit(f"model {model} could not be loaded")
    return encoder.encode_queries(texts[:limit])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-vectors", type=Path, required=True, help=".npy, one row a vector")
    parser.add_argument("--query-model", help="model directory to encode --query-texts")
    parser.add_argument("--query-texts", type=Path)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--noise", type=float, default=0.4)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--budget-seconds", type=float, default=600)
    parser.add_argument("--faiss-threads", type=int, default=1,
                        help="1 = one question per thread, as a serving process should run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base = np.load(args.base_vectors)
    vectors = perturbed(base, args.n, args.noise, seed=1)
    if args.query_model and args.query_texts:
        queries = encode_questions(args.query_model, args.query_texts, args.queries)
    else:
        queries = perturbed(base, args.queries, args.noise, seed=2)
    result = compare(vectors, queries, budget_seconds=args.budget_seconds,
                     threads=args.faiss_threads)
    result["source"] = {"base_vectors": str(args.base_vectors), "base_rows": len(base),
                        "noise": args.noise, "queries": str(args.query_texts or "perturbed")}
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
