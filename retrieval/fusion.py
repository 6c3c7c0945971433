"""Fusion of scored lists by weighted z-scores: how the searcher combines BM25 and dense."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def zscore_fusion(
    scored: Sequence[tuple[Sequence[K], Sequence[float]]], weights: Sequence[float]
) -> dict[K, float]:
    """score(x) = sum_i w_i * z_i(x), z_i = the i-th retriever's score standardised over its
    own candidates; a candidate missing from a list counts as that list's lowest z.

    Unlike rank-based fusion (RRF) it keeps how far ahead a passage is: a BM25 score three
    times the runner-up's is not just "rank 1".
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
