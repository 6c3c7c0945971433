"""Weighted reciprocal-rank fusion of ranked lists."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[K]], weights: Sequence[float] | None = None, *, k: int = RRF_K
) -> dict[K, float]:
    """score(x) = sum_i w_i / (k + rank_i(x)), rank starting at 1; absent items add nothing."""
    weights = weights if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[K, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        if weight == 0:
            continue
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def zscore_fusion(
    scored: Sequence[tuple[Sequence[K], Sequence[float]]], weights: Sequence[float]
) -> dict[K, float]:
    """score(x) = sum_i w_i * z_i(x), z_i = the i-th retriever's score standardised over its
    own candidates; a candidate missing from a list counts as that list's lowest z.

    Unlike RRF it keeps how far ahead a passage is: a BM25 score three times the runner-up's
    is not just "rank 1".
    """
    if len(weights) != len(scored):
        raise ValueError("one weight per ranking")
    per_list: list[tuple[dict[K, float], float]] = []
    for items, scores in scored:
        values = [float(s) for s in scores]
        if not values:
            continue
        mean = sum(values) / len(values)
        std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
        z = {item: (v - mean) / std for item, v in zip(items, values, strict=True)}
        per_list.append((z, min(z.values())))
    used = [w for (items, scores), w in zip(scored, weights, strict=True) if len(scores)]
    everyone = {item for z, _ in per_list for item in z}
    return {
        item: sum(w * z.get(item, floor) for (z, floor), w in zip(per_list, used, strict=True))
        for item in everyone
    }
