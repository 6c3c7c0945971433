"""Dense vectors in FAISS, addressed by passage id. faiss is imported lazily."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class DenseIndex:
    """Inner-product search over unit vectors (cosine), with add/remove by passage id."""

    def __init__(self, dim: int) -> None:
        import faiss

        self.dim = dim
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        self._index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )

    def remove(self, ids: np.ndarray) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, scores) of the ``k`` nearest passages, best first."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, ids = self._index.search(q, min(k, len(self)))
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of ``ids`` (one row each); KeyError for an unknown id."""
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for row, pid in enumerate(ids):
            try:
                out[row] = self._index.reconstruct(int(pid))
            except RuntimeError as exc:
                raise KeyError(pid) from exc
        return out

    def save(self, path: Path) -> None:
        import faiss

        tmp = path.with_suffix(".tmp")
        faiss.write_index(self._index, str(tmp))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, dim: int) -> DenseIndex:
        import faiss

        index = cls.__new__(cls)
        index.dim = dim
        index._index = faiss.read_index(str(path))
        if index._index.d != dim:
            raise ValueError(f"index dimension {index._index.d} != model dimension {dim}")
        return index

    def ids(self) -> np.ndarray:
        import faiss

        return faiss.vector_to_array(self._index.id_map).astype(np.int64)
