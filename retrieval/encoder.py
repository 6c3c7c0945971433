"""Sentence encoders. torch and sentence-transformers are imported only when a model loads."""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)


@runtime_checkable
class Encoder(Protocol):
    """What the dense index needs: unit-length float32 vectors for questions and passages."""

    @property
    def model_id(self) -> str:
        """Identifies model and backend; vectors of different ids are never mixed."""
        ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        ...


class HashEncoder:
    """Deterministic bag-of-words hashing encoder: for logic tests, never for quality claims."""

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim

    @property
    def model_id(self) -> str:
        return f"hash-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _one(self, text: str) -> np.ndarray:
        from corpus.text import fold, strip_diacritics

        vec = np.zeros(self._dim, dtype=np.float32)
        for word in strip_diacritics(fold(text)).split():
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vec[h % self._dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else self._empty()

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else self._empty()

    def _empty(self) -> np.ndarray:
        return np.zeros((0, self._dim), dtype=np.float32)


def model_fingerprint(name_or_path: str, backend: str) -> str:
    """A stable id for a model: its name or directory, its weights' sizes, and the backend."""
    path = Path(name_or_path).expanduser()
    parts = [path.name if path.is_dir() else name_or_path, backend]
    if path.is_dir():
        digest = hashlib.sha256()
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix in {".json", ".safetensors", ".bin", ".onnx"}:
                rel = child.relative_to(path).as_posix()
                if rel.startswith("onnx/") and backend == "torch":
                    continue
                digest.update(rel.encode())
                digest.update(str(child.stat().st_size).encode())
                if child.suffix == ".json":
                    digest.update(child.read_bytes())
        parts.append(digest.hexdigest()[:12])
    return "|".join(parts)


class SentenceTransformerEncoder:
    """An e5-style sentence-transformers model with "query: " / "passage: " prompts."""

    def __init__(
        self,
        name_or_path: str,
        *,
        backend: str = "torch",
        batch_size: int = 32,
        query_prompt: str = "query",
        passage_prompt: str = "passage",
        cache_size: int = 512,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self._name = name_or_path
        self._backend = backend
        self._batch_size = batch_size
        kwargs: dict[str, Any] = {"device": "cpu"}
        if backend != "torch":
            kwargs["backend"] = backend.split("-")[0]
        self._model = SentenceTransformer(name_or_path, **kwargs)
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = query_prompt if query_prompt in prompts else None
        self._passage_prompt = passage_prompt if passage_prompt in prompts else None
        self._query_prefix = "" if self._query_prompt else f"{query_prompt}: "
        self._passage_prefix = "" if self._passage_prompt else f"{passage_prompt}: "
        # sentence-transformers >= 6 renamed the method; 5.x only has the old name.
        model = self._model
        dimension = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        self._dim = int(dimension() or 0)
        self._id = model_fingerprint(name_or_path, backend)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    @property
    def model_id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(
        self, texts: Sequence[str], prompt: str | None, prefix: str, show_progress: bool
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        inputs = [prefix + t for t in texts]
        vecs = self._model.encode(
            inputs,
            prompt_name=prompt,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        out: list[np.ndarray | None] = [self._cache.get(t) for t in texts]
        missing = [t for t, v in zip(texts, out, strict=True) if v is None]
        if missing:
            fresh = self._encode(missing, self._query_prompt, self._query_prefix, False)
            for t, v in zip(missing, fresh, strict=True):
                self._cache[t] = v
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        for t in texts:
            if t in self._cache:
                self._cache.move_to_end(t)
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        # Sorting by length keeps padding small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vecs = self._encode(
            [texts[i] for i in order], self._passage_prompt, self._passage_prefix, show_progress
        )
        out = np.empty_like(vecs)
        out[np.asarray(order, dtype=np.int64)] = vecs
        return out


def load_encoder(
    model: str | None,
    *,
    backend: str = "torch",
    batch_size: int = 32,
    query_prompt: str = "query",
    passage_prompt: str = "passage",
) -> Encoder | None:
    """The configured encoder, or None (lexical-only mode) when no model can be loaded."""
    if not model:
        log.warning("No embedding model configured: retrieval runs lexical-only (BM25).")
        return None
    if model.startswith("hash:"):
        # The hashing encoder: lets tests drive real processes without a model.
        return HashEncoder(int(model.split(":", 1)[1] or 64))
    path = Path(model).expanduser()
    looks_local = path.exists() or model.startswith((".", "/", "~"))
    if looks_local and not path.is_dir():
        log.warning("Embedding model directory %s not found: lexical-only mode.", model)
        return None
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        return SentenceTransformerEncoder(
            str(path) if looks_local else model,
            backend=backend,
            batch_size=batch_size,
            query_prompt=query_prompt,
            passage_prompt=passage_prompt,
        )
    except Exception as exc:  # any loading failure degrades to lexical-only search
        log.warning("Embedding model %s could not be loaded (%s): lexical-only mode.", model, exc)
        return None
