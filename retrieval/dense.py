"""Dense vectors in FAISS, addressed by passage id. faiss is imported lazily.

Exact inner-product search (``IndexFlatIP``) while the index is small; above
``approximate_above`` vectors it becomes IVF-Flat, which keeps what the incremental refresh
needs (add and remove by id, and the stored vectors for feedback), and it becomes exact again
when deletions shrink it well below that size. Where the switch pays is
measured in bench/ann.py and docs/deployment.md: exact search passes ~20-25 ms p95 around
250-300k passages of this dimension on two cores.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

APPROXIMATE_ABOVE = 250_000
NPROBE = 48
# IVF is retrained once the index holds this many times the vectors it was trained on.
RETRAIN_GROWTH = 4
# An IVF index goes back to exact search once deletions leave it this far below the threshold
# (not at the threshold itself, so that a corpus hovering there is not retrained every refresh).
EXACT_BELOW = 0.8
_MIN_POINTS_PER_LIST = 39  # FAISS's own floor for k-means training
SEARCH_THREADS = 1


@cache
def _faiss() -> Any:
    """faiss, set to one OpenMP thread: a single question's search over 21k vectors took
    2.9 ms with one thread and 12 ms with two, which also slowed the encoder beside it."""
    import faiss

    faiss.omp_set_num_threads(SEARCH_THREADS)
    return faiss


def _nlist(n: int) -> int:
    return max(1, min(int(4 * math.sqrt(n)), n // _MIN_POINTS_PER_LIST))


class DenseIndex:
    """Inner-product search over unit vectors (cosine), with add/remove by passage id."""

    def __init__(
        self, dim: int, *, approximate_above: int = APPROXIMATE_ABOVE, nprobe: int = NPROBE
    ) -> None:
        self.dim = dim
        self.approximate_above = approximate_above
        self.nprobe = nprobe
        self._index: Any = self._flat()
        # The refresh adds and removes in place while questions are searched: FAISS does not
        # allow a search during remove_ids, so every operation holds this lock.
        self._lock = threading.RLock()
        self._trained_on = 0

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def approximate(self) -> bool:
        faiss = _faiss()

        return isinstance(self._index, faiss.IndexIVF)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.asarray(ids, dtype=np.int64)
        with self._lock:
            total = len(self) + len(ids)
            if not (total > self.approximate_above and self._needs_training(total)):
                self._index.add_with_ids(vectors, ids)
                return
            old_ids, old_vectors = self._snapshot()
        # Training takes seconds at this size; questions keep searching the old index meanwhile.
        # Only the refresh writes, one refresh at a time, so nothing changes before the swap.
        index = self._train_ivf(
            np.concatenate([old_ids, ids]), np.concatenate([old_vectors, vectors])
        )
        with self._lock:
            self._index = index
            self._trained_on = len(old_ids) + len(ids)

    def _needs_training(self, total: int) -> bool:
        return not self.approximate or total > RETRAIN_GROWTH * self._trained_on

    def _snapshot(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything stored, read from FAISS's own storage."""
        faiss = _faiss()

        if not self.approximate:
            flat = faiss.downcast_index(self._index.index)
            raw = faiss.rev_swig_ptr(flat.get_xb(), len(self) * self.dim)
            return self.ids(), np.array(raw, dtype=np.float32).reshape(-1, self.dim)
        # ids() walks the non-empty inverted lists in this same order.
        lists = self._index.invlists
        vectors = [
            faiss.rev_swig_ptr(lists.get_codes(i), n * lists.code_size)
            .copy()
            .view(np.float32)
            .reshape(n, self.dim)
            for i in range(self._index.nlist)
            if (n := lists.list_size(i))
        ]
        stored = np.concatenate(vectors) if vectors else np.zeros((0, self.dim), np.float32)
        return self.ids(), stored

    def _train_ivf(self, ids: np.ndarray, vectors: np.ndarray) -> Any:
        """IVF-Flat trained on ``vectors`` and holding them, with reconstruct/remove by id."""
        faiss = _faiss()

        quantizer = faiss.IndexFlatIP(self.dim)
        nlist = _nlist(len(ids))
        index = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        index.add_with_ids(vectors, ids)
        index.nprobe = self.nprobe
        return index

    def remove(self, ids: np.ndarray) -> None:
        if not len(ids):
            return
        with self._lock:
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))
            self._exact_if_small()

    def _flat(self) -> Any:
        faiss = _faiss()

        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    def _exact_if_small(self) -> None:
        """Move an IVF index that holds well under ``approximate_above`` back to exact search."""
        with self._lock:
            if not self.approximate or len(self) >= EXACT_BELOW * self.approximate_above:
                return
            ids, vectors = self._snapshot()
            index = self._flat()
            if len(ids):
                index.add_with_ids(vectors, ids)
            self._index = index

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(ids, scores) of the ``k`` nearest passages, best first."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        with self._lock:
            scores, ids = self._index.search(q, min(k, len(self)))
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored vectors of ``ids`` (one row each); KeyError for an unknown id."""
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        with self._lock:
            for row, pid in enumerate(ids):
                try:
                    out[row] = self._index.reconstruct(int(pid))
                except RuntimeError as exc:
                    raise KeyError(pid) from exc
        return out

    def save(self, path: Path) -> None:
        faiss = _faiss()

        tmp = path.with_suffix(".tmp")
        with self._lock:
            faiss.write_index(self._index, str(tmp))
        tmp.replace(path)

    @classmethod
    def load(
        cls, path: Path, dim: int, *, approximate_above: int = APPROXIMATE_ABOVE,
        nprobe: int = NPROBE,
    ) -> DenseIndex:
        stored = _faiss().read_index(str(path))
        if stored.d != dim:
            raise ValueError(f"index dimension {stored.d} != model dimension {dim}")
        index = cls(dim, approximate_above=approximate_above, nprobe=nprobe)
        index._index = stored
        index._trained_on = len(index)
        if index.approximate:
            stored.nprobe = nprobe
        # Saved under a lower threshold, or before deletions: the same rule as remove().
        index._exact_if_small()
        return index

    def ids(self) -> np.ndarray:
        faiss = _faiss()

        with self._lock:
            if not self.approximate:
                return faiss.vector_to_array(self._index.id_map).astype(np.int64)
            lists = self._index.invlists
            parts = [
                faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
                for i in range(self._index.nlist)
                if lists.list_size(i)
            ]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
