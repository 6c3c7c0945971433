"""Retrieval evaluation: recall@k, MRR@10, nDCG@10 and latency over a labelled question set.

Passages are scored per unit id (``Passage.ref``): a unit's rank is the rank of its best
passage. Recall@k = |relevant ∩ top-k| / |relevant|, averaged over questions.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corpus.text import strip_diacritics
from retrieval.searcher import Searcher

CUTOFFS = (1, 5, 10)
DEPTH = 100


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    question: str
    relevant: frozenset[str]
    source: str


def read_queries(path: Path) -> list[LabelledQuestion]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if "question" not in row or "relevant" not in row:
                raise ValueError(f"{path}:{n}: each line needs 'question' and 'relevant'")
            out.append(
                LabelledQuestion(
                    id=str(row.get("id", n)),
                    question=str(row["question"]),
                    relevant=frozenset(map(str, row["relevant"])),
                    source=str(row.get("source", "-")),
                )
            )
    return out


def unit_ranking(searcher: Searcher, question: str, depth: int = DEPTH) -> list[str]:
    """Unit ids (Passage.ref) best first, each at the rank of its best passage."""
    seen: dict[str, None] = {}
    for hit in searcher.search(searcher.parse(question), k=depth):
        record = searcher.record(hit.passage_id)
        ref = record.ref if record and record.ref else str(hit.passage_id)
        seen.setdefault(ref, None)
    return list(seen)


def query_metrics(ranked: Sequence[str], relevant: frozenset[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k in CUTOFFS:
        out[f"recall@{k}"] = len(relevant.intersection(ranked[:k])) / len(relevant)
    out["recall@100"] = len(relevant.intersection(ranked[:100])) / len(relevant)
    rr = 0.0
    for i, unit in enumerate(ranked[:10]):
        if unit in relevant:
            rr = 1.0 / (i + 1)
            break
    out["mrr@10"] = rr
    dcg = sum(1.0 / math.log2(i + 2) for i, u in enumerate(ranked[:10]) if u in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
    out["ndcg@10"] = dcg / ideal if ideal else 0.0
    return out


def _mean(rows: Iterable[dict[str, float]], keys: Sequence[str]) -> dict[str, float]:
    rows = list(rows)
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in keys} if rows else {}


def evaluate(
    searcher: Searcher,
    queries: Sequence[LabelledQuestion],
    *,
    strip: bool = False,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    per: list[tuple[LabelledQuestion, dict[str, float]]] = []
    latencies = []
    for q in queries:
        question = strip_diacritics(q.question) if strip else q.question
        t0 = time.perf_counter()
        ranked = unit_ranking(searcher, question)
        latencies.append((time.perf_counter() - t0) * 1000)
        per.append((q, query_metrics(ranked, q.relevant)))
        if progress:
            progress(1)
    keys = [f"recall@{k}" for k in CUTOFFS] + ["mrr@10", "ndcg@10", "recall@100"]
    by_source: dict[str, list[dict[str, float]]] = defaultdict(list)
    for q, m in per:
        by_source[q.source].append(m)
    report: dict[str, Any] = _mean((m for _, m in per), keys)
    report["n_queries"] = len(per)
    report["p50_ms"] = round(float(np.percentile(latencies, 50)), 1) if latencies else 0.0
    report["p95_ms"] = round(float(np.percentile(latencies, 95)), 1) if latencies else 0.0
    report["mode"] = searcher.mode
    report["strip_diacritics"] = strip
    report["by_source"] = {
        src: {"n": len(rows), **_mean(rows, keys)} for src, rows in sorted(by_source.items())
    }
    return report
