import pytest

from retrieval.fusion import zscore_fusion


def test_zscore_fusion_keeps_margins() -> None:
    # "a" is far ahead lexically and last by dense; "b" is 2nd lexically and 1st by dense.
    # Rank-based fusion would put "b" first; z-score fusion keeps a's lexical margin.
    others = [f"x{i}" for i in range(28)]
    lex = (["a", "b", *others], [60.0, 9.0] + [8.0 - 0.1 * i for i in range(28)])
    dense = (["b", *others, "a"], [0.90 - 0.001 * i for i in range(30)])
    fused = zscore_fusion([lex, dense], [0.5, 0.5])
    assert max(fused, key=lambda x: fused[x]) == "a"
    only_lex = zscore_fusion([(["a", "b"], [2.0, 1.0]), ([], [])], [0.5, 0.5])
    assert only_lex["a"] > only_lex["b"]
    with pytest.raises(ValueError):
        zscore_fusion([(["a"], [1.0])], [1.0, 2.0])


def test_zscore_fusion_weights_and_missing_candidates() -> None:
    fused = zscore_fusion([(["a", "b"], [2.0, 1.0]), (["b", "c"], [2.0, 1.0])], [1.0, 3.0])
    # "b" is 1st on the heavier list; "a", missing there, counts as its lowest z.
    assert max(fused, key=lambda x: fused[x]) == "b"
    assert fused["a"] == pytest.approx(1.0 * 1.0 + 3.0 * -1.0)
