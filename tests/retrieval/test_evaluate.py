import math

import pytest

from retrieval.evaluate import query_metrics


def test_metrics_of_a_ranking() -> None:
    m = query_metrics(["x", "a", "y", "b"], frozenset({"a", "b"}))
    assert m["recall@1"] == 0 and m["recall@5"] == 1.0
    assert m["mrr@10"] == pytest.approx(0.5)
    ideal = 1 + 1 / math.log2(3)
    assert m["ndcg@10"] == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)


def test_nothing_found() -> None:
    m = query_metrics([], frozenset({"a"}))
    assert m["recall@10"] == 0 and m["mrr@10"] == 0 and m["ndcg@10"] == 0
