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


def test_zscore_fusion_keeps_margins() -> None:
    from retrieval.fusion import zscore_fusion

    # "a" is far ahead lexically and last by dense; "b" is 2nd lexically and 1st by dense.
    # RRF ranks "b" first; z-score fusion keeps a's lexical margin.
    others = [f"x{i}" for i in range(28)]
    lex = (["a", "b", *others], [60.0, 9.0] + [8.0 - 0.1 * i for i in range(28)])
    dense = (["b", *others, "a"], [0.90 - 0.001 * i for i in range(30)])
    fused = zscore_fusion([lex, dense], [0.5, 0.5])
    assert max(fused, key=lambda x: fused[x]) == "a"
    rrf = reciprocal_rank_fusion([lex[0], dense[0]])
    assert max(rrf, key=lambda x: rrf[x]) == "b"
    only_lex = zscore_fusion([(["a", "b"], [2.0, 1.0]), ([], [])], [0.5, 0.5])
    assert only_lex["a"] > only_lex["b"]
    with pytest.raises(ValueError):
        zscore_fusion([(["a"], [1.0])], [1.0, 2.0])
