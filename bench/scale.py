"""Scale run: N synthetic passages (default 100k) through the real store and retriever.

Passages are copies of the real passages of samples/ (and ../shared/corpus-samples/ when
present), chunked by the real chunker, with perturbations: numbers changed, a few words
dropped or swapped, and a unique file code, grouped 50 to a synthetic document. They are
stored with CorpusStore.save_document (SQLite file by default, or --database-url), then the
retriever is built with the hashing encoder at the real model's dimension (384), so index
memory and search cost match the real model's; the real model's embedding cost is
extrapolated from --passages-per-second (measured ~13/s for multilingual-e5-small on the
2-core development machine), never run at this size.

Reported: store fill time; first index build (embedding + BM25 + FAISS + save); a new
replica's build (embeddings cached in the database); a restart with index files; one upload
(50 passages) then refresh; process RSS after each step; FAISS and BM25 bytes; Searcher.search
and Answerer.answer latency p50/p95. Then bench/ann.py compares exact FAISS with HNSW and IVF
on the same vectors (pass --skip-ann to leave it out; run bench/ann.py alone with
--base-vectors for real model vectors).

Usage: python bench/scale.py [--passages 100000] [--dim 384] [--questions 200]
                             [--budget-seconds 1200] [--database-url URL] [--json OUT]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.db import make_engine  # noqa: E402
from corpus.hashing import content_hash, sha256_text  # noqa: E402
from corpus.ingest import build_document, expand_paths  # noqa: E402
from corpus.models import Document, Passage  # noqa: E402
from corpus.store import CorpusStore  # noqa: E402
from retrieval.answers import Answerer  # noqa: E402
from retrieval.encoder import HashEncoder  # noqa: E402
from retrieval.indexing import IndexBuilder  # noqa: E402

PER_DOCUMENT = 50
QUESTIONS = [
    "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
    "cac don vi phai lam gi theo nq 02",
    "Nhiệm vụ trọng tâm của giáo dục phổ thông năm học 2026-2027 là gì?",
    "Công đoàn cơ sở có quyền và trách nhiệm gì?",
    "Nghị quyết 71 đặt mục tiêu gì cho giáo dục đến năm 2030?",
    "Sở GD&ĐT phối hợp với Công đoàn ngành như thế nào?",
    "Đoàn viên công đoàn có nghĩa vụ gì?",
    "Quản lý đội ngũ nhà giáo theo công văn 5243 thế nào?",
    "hiệu trưởng phải báo cáo kết quả trước ngày nào",
    "kinh phí công đoàn được sử dụng vào việc gì",
]


def rss_mib() -> float:
    return psutil.Process().memory_info().rss / 1_048_576


def base_passages() -> list[tuple[Document, list[Passage]]]:
    sources = [ROOT / "samples", ROOT.parent / "shared" / "corpus-samples"]
    out = []
    for path in expand_paths([s for s in sources if s.is_dir()]):
        text = path.read_text(encoding="utf-8", errors="replace")
        doc, passages, _, _ = build_document(text, source_name=path.name)
        if passages:
            out.append((doc, passages))
    return out


def _perturb(text: str, rng: random.Random) -> str:
    text = re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m.group()))), text)
    words = text.split(" ")
    words = [w for w in words if rng.random() > 0.04] or words
    if len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def synthetic_documents(n: int, seed: int = 7) -> Iterator[tuple[Document, list[Passage]]]:
    rng = random.Random(seed)
    bases = base_passages()
    made = copy = 0
    while made < n:
        doc, passages = bases[copy % len(bases)]
        for start in range(0, len(passages), PER_DOCUMENT):
            part = passages[start : start + PER_DOCUMENT][: n - made]
            if not part:
                break
            code = f"HS-{copy:05d}-{start:04d}"
            texts = [f"{_perturb(p.text, rng)} (mã hồ sơ {code}-{i})" for i, p in enumerate(part)]
            body = "\n\n".join(texts)
            context = f"{doc.doc_type} {code}: {doc.subject or doc.title}"[:300]
            new = Document(doc_type=doc.doc_type, title=f"{doc.title} ({code})",
                           subject=doc.subject, issuer=doc.issuer, source_name=f"{code}.txt",
                           sha256=sha256_text(body), text=body, year=doc.year)
            offset, rows = 0, []
            for i, (old, text) in enumerate(zip(part, texts, strict=True)):
                rows.append(Passage(document_id=0, ordinal=i, section=old.section,
                                    heading=old.heading, context=context, text=text,
                                    start=offset, end=offset + len(text),
                                    content_hash=content_hash(context, text)))
                offset += len(text) + 2
            made += len(rows)
            yield new, rows
        copy += 1


def watch_memory(limit_mib: float) -> None:
    """Abort the whole run (exit 3) if this process grows past ``limit_mib``: a shared
    machine must not be pushed into swapping or the OOM killer by a benchmark."""

    def watch() -> None:
        while True:
            if rss_mib() > limit_mib:
                print(f"RSS above {limit_mib:.0f} MiB: aborting the scale run", file=sys.stderr,
                      flush=True)
                os._exit(3)
            time.sleep(0.5)

    threading.Thread(target=watch, name="rss-watchdog", daemon=True).start()


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - started, 2)


def percentiles(values: list[float]) -> dict[str, float]:
    return {f"p{q}": round(float(np.percentile(values, q)), 2) for q in (50, 95)}


def latency(fn: Callable[[str], Any], questions: list[str], budget: float) -> dict[str, Any]:
    ms: list[float] = []
    deadline = time.monotonic() + budget
    for q in questions:
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        fn(q)
        ms.append((time.perf_counter() - started) * 1000)
    return {"n": len(ms), **percentiles(ms)}


def dir_mib(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1_048_576, 1)


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    url = args.database_url or f"sqlite:///{work / 'scale.db'}"
    store = CorpusStore(make_engine(url))
    out: dict[str, Any] = {"passages": args.passages, "dim": args.dim,
                           "database": url.split(":")[0]}
    rss0 = rss_mib()

    def fill() -> int:
        docs = 0
        for doc, passages in synthetic_documents(args.passages):
            store.save_document(doc, passages, [])
            docs += 1
        return docs

    out["documents"], out["store_fill_s"] = timed(fill)
    encoder = HashEncoder(args.dim)
    first = IndexBuilder(store, encoder=encoder, index_dir=work / "index-a")
    _, out["first_build_s"] = timed(first.refresh)
    out["rss_after_first_build_mib"] = round(rss_mib(), 1)
    out["rss_delta_first_build_mib"] = round(rss_mib() - rss0, 1)
    dense = first.searcher.dense
    assert dense is not None
    out["faiss_mib"] = round(dense.dim * len(dense) * 4 / 1_048_576, 1)
    out["index_files_mib"] = dir_mib(work / "index-a")
    bm25 = work / "index-a" / "bm25"
    out["bm25_files_mib"] = dir_mib(bm25) if bm25.exists() else None

    doc, passages = next(synthetic_documents(PER_DOCUMENT, seed=99))
    doc.sha256 = sha256_text(doc.text + "upload")
    store.save_document(doc, passages, [])
    _, out["refresh_after_one_upload_s"] = timed(first.refresh)

    rng = random.Random(3)
    records = first.searcher.records
    sampled = [" ".join(records[rng.randrange(len(records))].text.split()[:12])
               for _ in range(max(0, args.questions - len(QUESTIONS)))]
    questions = (QUESTIONS + sampled)[: args.questions]
    budget = args.budget_seconds / 6
    searcher = first.searcher
    out["search_ms"] = latency(
        lambda q, s=searcher: s.search(s.parse(q), k=30), questions, budget
    )
    answerer = Answerer(store, first)
    out["answer_ms"] = latency(partial(answerer.answer, log_query=False),
                               questions[: max(20, args.questions // 4)], budget)
    flat = dense._index.index
    vectors = flat.reconstruct_n(0, flat.ntotal) if not args.skip_ann else None
    del first, searcher, answerer, records, dense, flat
    gc.collect()

    # One replica at a time: each holds the whole index.
    joining = IndexBuilder(store, encoder=encoder, index_dir=work / "index-b")
    _, out["new_replica_build_s"] = timed(joining.refresh)
    del joining
    gc.collect()
    restarted = IndexBuilder(store, encoder=encoder, index_dir=work / "index-a")
    _, out["restart_with_files_s"] = timed(restarted.refresh)
    del restarted
    gc.collect()
    out["rss_end_mib"] = round(rss_mib(), 1)
    out["real_model_embedding_hours"] = round(args.passages / args.passages_per_second / 3600, 2)
    out["embedding_db_mib"] = round(args.passages * args.dim * 4 / 1_048_576, 1)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if vectors is not None:
        from bench.ann import compare

        # The index's own (hashed) vectors; bench/ann.py alone takes real model vectors.
        out["ann"] = compare(vectors, encoder.encode_queries(questions[:100]),
                             budget_seconds=args.budget_seconds / 2, threads=args.faiss_threads)
    store.engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384, help="multilingual-e5-small: 384")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--budget-seconds", type=float, default=1200)
    parser.add_argument("--passages-per-second", type=float, default=13.0,
                        help="real model's embedding throughput, for the extrapolation")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary dir")
    parser.add_argument("--max-rss-mib", type=float, default=12_000,
                        help="abort when the process grows past this (default 12000)")
    parser.add_argument("--skip-ann", action="store_true")
    parser.add_argument("--faiss-threads", type=int, default=None,
                        help="FAISS threads for the comparison (default: the library's)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    watch_memory(args.max_rss_mib)
    with tempfile.TemporaryDirectory(prefix="chinam-scale-") as tmp:
        result = run(args, Path(tmp))
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
