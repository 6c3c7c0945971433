"""Token-budget batches of passages: grouping, order, and what the encoder does with them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval import encoder as encoder_mod
from retrieval.encoder import SentenceTransformerEncoder, token_batches


def test_batches_are_cut_by_padded_tokens_and_by_count() -> None:
    lengths = [100, 10, 300, 20, 10, 60]
    assert token_batches(lengths, max_tokens=200, max_batch=16) == [[1, 4, 3], [5, 0], [2]]
    assert token_batches(lengths, max_tokens=10_000, max_batch=4) == [[1, 4, 3, 5], [0, 2]]


def test_a_passage_over_the_budget_is_a_batch_of_its_own() -> None:
    assert token_batches([600, 5, 700], max_tokens=512, max_batch=16) == [[1], [0], [2]]
    assert token_batches([], max_tokens=512, max_batch=16) == []


def test_an_unlimited_budget_gives_the_fixed_size_batches_of_token_order() -> None:
    lengths = [9, 3, 7, 3, 1, 8, 2]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    unlimited = token_batches(lengths, max_tokens=3 * max(lengths), max_batch=3)
    assert unlimited == [order[i : i + 3] for i in range(0, len(order), 3)]


@given(
    st.lists(st.integers(min_value=1, max_value=512), max_size=60),
    st.integers(min_value=1, max_value=4096),
    st.integers(min_value=1, max_value=32),
)
def test_every_passage_once_within_both_limits(
    lengths: list[int], max_tokens: int, max_batch: int
) -> None:
    batches = token_batches(lengths, max_tokens=max_tokens, max_batch=max_batch)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)
    for batch in batches:
        assert 1 <= len(batch) <= max_batch
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= max_tokens


class _WordTokenizer:
    """One token per word (the encoder's slow-tokenizer path)."""

    def __call__(self, texts: Sequence[str], **_: Any) -> dict[str, list[list[int]]]:
        return {"input_ids": [[0] * len(t.split()) for t in texts]}


class _NumberingModel:
    """Stands in for a sentence model: a text ending in "#n" becomes (n, its words, 0, 0),
    any other (the encoder's warm-up) (-1, its words, 0, 0)."""

    max_seq_length = 512

    def __init__(self) -> None:
        self.prompts: dict[str, str] = {}
        self.tokenizer = _WordTokenizer()
        self.batches: list[list[int]] = []
        self.released = 0

    def get_sentence_embedding_dimension(self) -> int:
        return 4

    def encode(self, texts: Sequence[str], **_: Any) -> np.ndarray:
        words = [len(t.split()) for t in texts]
        self.batches.append(words)
        numbers = [float(t.rsplit("#", 1)[1]) if "#" in t else -1.0 for t in texts]
        return np.array([[n, w, 0, 0] for n, w in zip(numbers, words, strict=True)])

    def release_memory(self) -> None:
        self.released += 1


@pytest.fixture()
def numbering(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> _NumberingModel:
    from retrieval import onnx_export

    model = _NumberingModel()
    monkeypatch.setattr(encoder_mod, "_onnx_available", lambda: True)
    monkeypatch.setattr(onnx_export, "prepare_onnx_model", lambda *a, **k: (tmp_path, "m.onnx"))
    monkeypatch.setattr(encoder_mod, "_onnx_model", lambda *a: model)
    return model


def test_passages_come_back_in_their_order_from_several_batches(
    numbering: _NumberingModel, tmp_path: Path
) -> None:
    enc = SentenceTransformerEncoder(
        str(tmp_path), backend="onnx", batch_size=4, batch_tokens=40, cache_dir=tmp_path
    )
    numbering.batches.clear()
    texts = [" ".join(["từ"] * n) + f" #{i}" for i, n in enumerate([30, 2, 15, 7, 2, 60, 9, 4])]
    vecs = enc.encode_passages(texts)
    assert vecs[:, 0].tolist() == list(range(len(texts)))
    # Lengths count the "passage: " prefix (one word) and the number.
    assert vecs[:, 1].tolist() == [n + 2 for n in [30, 2, 15, 7, 2, 60, 9, 4]]
    assert len(numbering.batches) > 2
    assert all(len(b) == 1 or len(b) * max(b) <= 40 for b in numbering.batches)
    assert numbering.released == 1
    enc.encode_queries(["câu hỏi #0"])
    assert numbering.released == 1
