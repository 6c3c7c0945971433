"""BM25 over analyzer tokens, built with bm25s (sparse-matrix BM25, fast to build and query)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

K1 = 1.2
B = 0.75


class LexicalIndex:
    """BM25 over pre-tokenised passages; row i of the index is the i-th token list given."""

    def __init__(self, *, k1: float = K1, b: float = B) -> None:
        self.k1 = k1
        self.b = b
        self._bm25: Any = None
        self._vocab: dict[str, int] = {}
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def build(self, docs: Sequence[Sequence[str]]) -> None:
        import bm25s
        from bm25s.tokenization import Tokenized

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG

        vocab: dict[str, int] = {"": 0}
        ids = [[vocab.setdefault(tok, len(vocab)) for tok in doc] or [0] for doc in docs]
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        if docs:
            bm25.index(Tokenized(ids=ids, vocab=vocab), show_progress=False)
        self._bm25, self._vocab, self._size = bm25, vocab, len(docs)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every indexed passage (zeros when no token is known)."""
        known = [t for t in query_tokens if t in self._vocab and t]
        if not known or self._bm25 is None:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def vocabulary(self) -> list[str]:
        """Every token of the index."""
        return [t for t in self._vocab if t]

    def document_frequency(self, token: str) -> int:
        """How many passages hold ``token`` (0 for an unknown one)."""
        tid = self._vocab.get(token)
        if not tid or self._bm25 is None:
            return 0
        indptr = self._bm25.scores["indptr"]
        return int(indptr[tid + 1] - indptr[tid]) if tid + 1 < len(indptr) else 0

    def top(self, query_tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(row indices, scores) of the ``k`` best passages with a positive score, best first."""
        scores = self.scores(query_tokens)
        if self._size == 0:
            return np.zeros(0, dtype=np.int64), scores
        k = min(k, self._size)
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.argsort(-scores[part], kind="stable")]
        order = order[scores[order] > 0]
        return order.astype(np.int64), scores[order]

    def save(self, directory: Path) -> None:
        """Write the index into ``directory``, which must not exist yet: it is written beside
        it under a temporary name and renamed into place, so it is never seen half-written."""
        if self._bm25 is None or self._size == 0:
            return
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
        try:
            self._bm25.save(str(tmp), show_progress=False)
            tmp.rename(directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        """The index saved in ``directory``; ValueError unless it holds ``size`` passages."""
        import bm25s

        bm25 = bm25s.BM25.load(str(directory), show_progress=False)
        rows = int(bm25.scores.get("num_docs", -1))
        if rows != size:
            raise ValueError(f"BM25 index holds {rows} passages, {size} expected")
        index = cls(k1=bm25.k1, b=bm25.b)
        index._bm25, index._vocab, index._size = bm25, dict(bm25.vocab_dict), size
        return index
