"""The segmented BM25 index: the same scores as one index built from the live passages."""

import random
from pathlib import Path

import numpy as np
import pytest

from retrieval.lexical import LexicalIndex, Segment, merge_segments

WORDS = [f"w{i}" for i in range(60)] + ["nghị", "quyết", "nghị_quyết", "~nghi", "#NQ:2"]


def _docs(rng: random.Random, n: int) -> list[list[str]]:
    # Zipf-like: a few frequent tokens, many rare ones; an empty passage now and then.
    return [
        [WORDS[min(int(rng.paretovariate(1.2)) - 1, len(WORDS) - 1)] for _ in range(rng.randrange(0, 40))]
        for _ in range(n)
    ]


QUERIES = [["w0"], ["w1", "w2", "w1"], ["nghị_quyết", "#NQ:2", "w5"], ["w59", "nope"], ["w3", "w30"]]


def _assert_same(a: LexicalIndex, b: LexicalIndex) -> None:
    assert len(a) == len(b)
    for q in QUERIES:
        np.testing.assert_allclose(a.scores(q), b.scores(q), rtol=1e-5, atol=1e-6)
    assert sorted(a.vocabulary()) == sorted(b.vocabulary())
    for t in WORDS:
        assert a.document_frequency(t) == b.document_frequency(t)


def test_scores_equal_those_of_bm25s() -> None:
    bm25s = pytest.importorskip("bm25s")
    from bm25s.tokenization import Tokenized

    docs = _docs(random.Random(1), 300)
    vocab: dict[str, int] = {"": 0}
    ids = [[vocab.setdefault(t, len(vocab)) for t in d] or [0] for d in docs]
    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
    ours = LexicalIndex.build(docs)
    for q in QUERIES:
        known = [t for t in q if t in vocab]
        expected = ref.get_scores(known) if known else np.zeros(len(docs))
        np.testing.assert_allclose(ours.scores(q), expected, rtol=1e-5, atol=1e-6)


def test_an_index_changed_by_segments_scores_as_one_built_from_the_live_docs() -> None:
    rng = random.Random(2)
    docs = _docs(rng, 400)
    live = list(docs)
    index = LexicalIndex.build(docs)
    for _ in range(6):
        removed = sorted(rng.sample(range(len(live)), 7))
        added = _docs(rng, rng.randrange(1, 20))
        index = index.with_changes(removed, added)
        live = [d for i, d in enumerate(live) if i not in set(removed)] + added
        assert len(index.segments) == 2
        _assert_same(index, LexicalIndex.build(live))
    merged = index.merged()
    assert len(merged.segments) == 1 and merged.delta_rows == 0
    _assert_same(merged, LexicalIndex.build(live))


def test_deleting_every_holder_of_a_token_forgets_it() -> None:
    index = LexicalIndex.build([["a", "b"], ["b", "c"], ["a"]])
    index = index.with_changes([0, 2], [])
    assert index.document_frequency("a") == 0
    assert "a" not in index.vocabulary()
    assert index.scores(["a"]).tolist() == [0.0]
    assert "a" not in index.merged().vocabulary()


def test_positions_follow_the_live_rows_in_order() -> None:
    index = LexicalIndex.build([["x"], ["y"], ["z"]]).with_changes([1], [["y2"], ["x"]])
    rows, _ = index.top(["x"], 10)
    assert sorted(rows.tolist()) == [0, 3]
    assert index.top(["z"], 10)[0].tolist() == [1]
    assert index.top(["y2"], 10)[0].tolist() == [2]


def test_a_segment_survives_saving(tmp_path: Path) -> None:
    seg = Segment.from_docs(_docs(random.Random(3), 50))
    seg.save(tmp_path / "s")
    back = Segment.load(tmp_path / "s")
    merged = merge_segments([(back, None)])
    _assert_same(LexicalIndex([back]), LexicalIndex([seg]))
    _assert_same(LexicalIndex([merged]), LexicalIndex([seg]))


def test_cached_weights_give_the_same_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    import retrieval.lexical as lexical

    docs = _docs(random.Random(4), 200)
    plain = [LexicalIndex.build(docs).scores(q) for q in QUERIES]
    monkeypatch.setattr(lexical, "CACHE_MIN_POSTINGS", 1)
    for budget in (10_000, 150):  # everything kept; entries evicted
        monkeypatch.setattr(lexical, "CACHE_POSTINGS", budget)
        index = LexicalIndex.build(docs)
        for _ in range(3):
            for q, expected in zip(QUERIES, plain, strict=True):
                np.testing.assert_array_equal(index.scores(q), expected)
        assert 0 < index._cached <= budget
