"""Pseudo-relevance feedback for the dense retriever (Rocchio in embedding space).

The first fused ranking is usually right about *where* the answer is even when the best
article sits lower: its top passages share the question's topic and the corpus's wording,
which a short citizen question lacks. Moving the question's vector towards the mean of those
passages and searching again lets the dense side find their neighbours.

Measured on the dev set (README, "Retrieval quality"): three feedback passages and a weight
of 0.7 raised natural-question R@10 from 0.806 to 0.842; the gain held for 3-5 passages and
weights 0.3-1.0, so neither number is a fine-tuned optimum.
"""

from __future__ import annotations

import numpy as np


def feedback_vector(
    question: np.ndarray | None, passages: np.ndarray, *, weight: float
) -> np.ndarray:
    """Unit vector ``question + weight * mean(passages)``; the passages alone when there is no
    usable question vector (a question typed without diacritics)."""
    if passages.ndim != 2 or len(passages) == 0:
        raise ValueError("feedback needs at least one passage vector")
    centroid = passages.mean(axis=0)
    vec = centroid if question is None else question + weight * centroid
    norm = float(np.linalg.norm(vec))
    if norm == 0.0:
        raise ValueError("feedback vector is zero")
    return (vec / norm).astype(np.float32)
