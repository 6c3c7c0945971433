import pytest

from retrieval.fusion import reciprocal_rank_fusion


def test_rrf_rewards_agreement() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert max(fused, key=lambda x: fused[x]) in {"a", "b"}
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["d"] == pytest.approx(1 / 63)


def test_rrf_weights() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], [1.0, 2.0])
    assert fused["b"] > fused["a"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], [1.0, 2.0])
