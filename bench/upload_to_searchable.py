"""Upload to searchable at scale: how long after a document is stored a running replica finds it.

A store of N synthetic passages (bench/scale.py's, default 100k; reused from --database when
it exists) is indexed by an IndexBuilder with the hashing encoder at the real model's
dimension, refreshed by the IndexRefresher as in a serving process (Runtime.after_write asks
it for a pass). Then, --uploads times: one 50-passage document carrying a word of its own is
stored, a pass is requested, and once the snapshot reaches the new revision (checked every
20 ms; searching meanwhile would only take the refresh's CPU) it is searched for that word,
which must find the new document first; the time from the store write to that answer is the
upload's latency. The document is then deleted and the time until it is no longer found is measured
the same way. Search latency p50/p95 over 200 questions at the end (with the small segment
in place) and the RSS of the process.

--ab-bm25s DIR compares search latency, question by question in this process, with the
lexical index main used until December 2026: a bm25s index saved in DIR (the ``bm25``
directory of an index generation written by that code for the same passages), behind the
same Searcher, dense index and restorer; only the lexical scoring differs.

--code PATH imports the project from another checkout (e.g. main's) for a baseline in the
same conditions; that checkout keeps its own index files (--index-dir). A replica of the
baseline rebuilt its token cache at its first refresh after a start, so one warm-up upload
is made first (not counted) unless --no-warm-up.

Usage: python bench/upload_to_searchable.py --database /tmp/scale.db --index-dir /tmp/idx \
           [--passages 100000] [--uploads 5] [--code ../main] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _import_project(code: Path) -> None:
    sys.path.insert(0, str(code))


def _upload_document(i: int, tag: str) -> tuple[Any, list[Any], str]:
    from bench.scale import PER_DOCUMENT, synthetic_documents
    from corpus.hashing import content_hash, sha256_text

    doc, passages = next(synthetic_documents(PER_DOCUMENT, seed=1000 + i))
    word = f"taiLieuMoi{tag}x{i}"
    for p in passages:
        p.text = f"{p.text} {word}"
        p.content_hash = content_hash(p.context, p.text)
    doc.text = "\n\n".join(p.text for p in passages)
    doc.sha256 = sha256_text(doc.text)
    doc.source_name = f"{word}.txt"
    return doc, passages, word


def _first_document(index: Any, word: str) -> int | None:
    searcher = index.searcher
    hits = searcher.search(searcher.parse(word), k=1)
    return hits[0].document_id if hits else None


def _wait(predicate: Any, timeout: float) -> float:
    started = time.perf_counter()
    while not predicate():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("not searchable in time")
        time.sleep(0.02)
    return time.perf_counter() - started


def _one_upload(store: Any, index: Any, refresher: Any, i: int, tag: str,
                timeout: float) -> dict[str, float]:
    doc, passages, word = _upload_document(i, tag)
    started = time.perf_counter()
    saved = store.save_document(doc, passages, [])
    written = time.perf_counter() - started
    revision = store.revision()
    refresher.request()
    _wait(lambda: index.revision >= revision and _first_document(index, word) == saved.id,
          timeout)
    searchable = time.perf_counter() - started
    refresher.wait_idle(timeout)
    idle = time.perf_counter() - started
    started = time.perf_counter()
    store.delete_document(saved.id)
    revision = store.revision()
    refresher.request()
    _wait(lambda: index.revision >= revision and _first_document(index, word) != saved.id,
          timeout)
    deleted = time.perf_counter() - started
    refresher.wait_idle(timeout)
    return {"store_write_s": written, "searchable_s": searchable, "pass_done_s": idle,
            "deletion_unfound_s": deleted}


def _questions(index: Any, n: int) -> list[str]:
    import random

    from bench.scale import QUESTIONS

    rng = random.Random(3)
    records = sorted(index.searcher.records, key=lambda r: r.id)  # the same in any row order
    sampled = [" ".join(records[rng.randrange(len(records))].text.split()[:12])
               for _ in range(max(0, n - len(QUESTIONS)))]
    return (QUESTIONS + sampled)[:n]


class Bm25sIndex:
    """main's lexical index until December 2026: bm25s over rows in passage id order."""

    def __init__(self, directory: Path) -> None:
        import bm25s

        self._bm25 = bm25s.BM25.load(str(directory))
        self._vocab = dict(self._bm25.vocab_dict)
        self._size = int(self._bm25.scores["num_docs"])

    def __len__(self) -> int:
        return self._size

    def vocabulary(self) -> list[str]:
        return [t for t in self._vocab if t]

    def document_frequency(self, token: str) -> int:
        tid = self._vocab.get(token)
        indptr = self._bm25.scores["indptr"]
        return int(indptr[tid + 1] - indptr[tid]) if tid else 0

    def top(self, query_tokens: list[str], k: int) -> tuple[Any, Any]:
        import numpy as np

        known = [t for t in query_tokens if t in self._vocab and t]
        scores = (np.asarray(self._bm25.get_scores(known), dtype=np.float32) if known
                  else np.zeros(self._size, dtype=np.float32))
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.argsort(-scores[part], kind="stable")]
        order = order[scores[order] > 0]
        return order.astype(np.int64), scores[order]


def compare_with_bm25s(index: Any, directory: Path, questions: list[str]) -> dict[str, Any]:
    """Search latency of the current snapshot and of the same one over bm25s, alternating
    question by question (so both meet the same machine load), and whether their first ten
    hits are the same."""
    import dataclasses

    from bench.scale import percentiles
    from retrieval.diacritics import DiacriticRestorer

    ours = index.searcher
    old_lexical = Bm25sIndex(directory)
    if len(old_lexical) != len(ours.records):
        raise SystemExit(f"{directory} holds {len(old_lexical)} rows, the index {len(ours)}")
    theirs = dataclasses.replace(
        ours, records=sorted(ours.records, key=lambda r: r.id), lexical=old_lexical,
        restorer=DiacriticRestorer.for_index(old_lexical),
    )
    times: dict[str, list[float]] = {"segmented": [], "bm25s": []}
    same = 0
    pairs = [("segmented", ours), ("bm25s", theirs)]
    for i, q in enumerate(questions):
        hits = {}
        # Each goes first on every other question: the second meets the query cache warm.
        for name, searcher in pairs if i % 2 else pairs[::-1]:
            started = time.perf_counter()
            hits[name] = searcher.search(searcher.parse(q), k=30)
            times[name].append((time.perf_counter() - started) * 1000)
        same += [h.passage_id for h in hits["segmented"][:10]] == [
            h.passage_id for h in hits["bm25s"][:10]]
    out: dict[str, Any] = {name: percentiles(ms) for name, ms in times.items()}
    out["same_top10"] = f"{same}/{len(questions)}"
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench.scale import latency, synthetic_documents
    from corpus.db import make_engine
    from corpus.store import CorpusStore
    from retrieval.encoder import HashEncoder
    from retrieval.indexing import IndexBuilder
    from retrieval.service.refresher import IndexRefresher

    fresh = not args.database.exists()
    store = CorpusStore(make_engine(f"sqlite:///{args.database}"))
    out: dict[str, Any] = {"code": str(args.code), "passages": args.passages}
    if fresh:
        started = time.perf_counter()
        for doc, passages in synthetic_documents(args.passages):
            store.save_document(doc, passages, [])
        out["store_fill_s"] = round(time.perf_counter() - started, 1)
    out["passages_stored"] = store.count_passages()
    index = IndexBuilder(store, encoder=HashEncoder(args.dim), index_dir=args.index_dir)
    started = time.perf_counter()
    index.refresh()
    out["start_s"] = round(time.perf_counter() - started, 2)
    refresher = IndexRefresher(index, 0)
    refresher.start(periodic=False)
    tag = f"{int(time.time())}"
    if args.warm_up:
        out["warm_up"] = _one_upload(store, index, refresher, 0, tag, args.timeout)
    uploads = [_one_upload(store, index, refresher, i, tag, args.timeout)
               for i in range(1, args.uploads + 1)]
    out["uploads"] = uploads
    for key in uploads[0] if uploads else ():
        values = sorted(u[key] for u in uploads)
        out[f"{key}_median"] = round(values[len(values) // 2], 2)
        out[f"{key}_max"] = round(values[-1], 2)
    searcher = index.searcher
    questions = _questions(index, args.questions)
    out["search_ms"] = latency(lambda q: searcher.search(searcher.parse(q), k=30),
                               questions, args.budget_seconds)
    if args.ab_bm25s is not None:
        out["search_ms_ab"] = compare_with_bm25s(index, args.ab_bm25s, questions)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    refresher.stop()
    store.engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path, required=True,
                        help="SQLite file; filled with --passages synthetic passages if absent")
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--budget-seconds", type=float, default=120)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="checkout whose project code is measured (default: this one)")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false")
    parser.add_argument("--ab-bm25s", type=Path,
                        help="a bm25s index directory of the same passages (see above)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    _import_project(args.code.resolve())
    result = run(args)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
