"""Sentence encoders. torch and sentence-transformers are imported only when a model loads."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

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
        from corpus.text import bare

        vec = np.zeros(self._dim, dtype=np.float32)
        for word in bare(text).split():
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
                if rel.startswith(("onnx/", "openvino/")):
                    continue
                digest.update(rel.encode())
                digest.update(str(child.stat().st_size).encode())
                if child.suffix == ".json":
                    digest.update(child.read_bytes())
        parts.append(digest.hexdigest()[:12])
    return "|".join(parts)


def with_backend(fingerprint: str, backend: str) -> str:
    """The same model's fingerprint under another backend, without walking its files again."""
    name, _old, *rest = fingerprint.split("|")
    return "|".join([name, backend, *rest])


class _MistralRegexNotice(logging.Filter):
    """Drops a transformers 4.57 warning about Mistral tokenizers' regex that it prints for any
    local model whose config was saved by 4.57.x (our ONNX export). The e5 tokenizer is not
    affected: its embeddings are identical under transformers 4.57 and 5.x."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fix_mistral_regex" not in record.getMessage()


_MISTRAL_FILTER = _MistralRegexNotice()


BACKENDS = ("auto", "torch", "onnx", "onnx-int8")
CPU_DEFAULT_BACKEND = "onnx-int8"
CPU_BATCH_TOKENS = 1024


def token_batches(lengths: Sequence[int], *, max_tokens: int, max_batch: int) -> list[list[int]]:
    """Indices of passages grouped into batches, shortest first: a batch holds at most
    ``max_batch`` passages and, padded to its longest, at most ``max_tokens`` tokens; a
    passage longer than the budget forms a batch of its own.

    ONNX Runtime's CPU arena grows to the largest padded batch it has run and keeps it, so
    the budget bounds a process's memory; in token order batches pad almost nothing."""
    batches: list[list[int]] = []
    batch: list[int] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        # In ascending order the newcomer is the longest of the batch it would join.
        if batch and (len(batch) >= max_batch or (len(batch) + 1) * lengths[i] > max_tokens):
            batches.append(batch)
            batch = []
        batch.append(i)
    if batch:
        batches.append(batch)
    return batches


def resolve_backend(backend: str) -> tuple[str, str]:
    """(backend, device) to run: "auto" means torch on a GPU, else the measured CPU default."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; one of {', '.join(BACKENDS)}")
    cuda = _cuda_available()
    if backend == "auto":
        if cuda:
            return "torch", "cuda"
        backend = CPU_DEFAULT_BACKEND if _onnx_available() else "torch"
    if backend == "torch":
        return "torch", "cuda" if cuda else "cpu"
    if not _onnx_available():
        raise RuntimeError(
            f"backend {backend!r} needs ONNX Runtime: pip install 'sentence-transformers[onnx]'"
        )
    return backend, "cpu"


def _nvidia_driver_present() -> bool:
    return Path("/proc/driver/nvidia").exists() or shutil.which("nvidia-smi") is not None


def _cuda_available() -> bool:
    """Whether torch sees a GPU; without an NVIDIA driver none can, and torch is not imported."""
    if not _nvidia_driver_present():
        return False
    import torch

    return bool(torch.cuda.is_available())


def _onnx_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "optimum"))


def _onnx_model(path: Path, file_name: str, threads: int | None, kwargs: dict[str, Any]) -> Any:
    """The exported model on ONNX Runtime alone when its shape allows (no torch import),
    else through sentence-transformers."""
    import onnxruntime

    from retrieval.onnx_model import load_onnx_model

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    # Idle pool threads sleep instead of spinning: a question's encode then costs half the
    # CPU time, which concurrent answers on a small machine need (bench/load.py --baseline).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    light = load_onnx_model(path, file_name, options)
    if light is not None:
        return light
    from sentence_transformers import SentenceTransformer

    model_kwargs: dict[str, Any] = {"file_name": file_name, "session_options": options}
    return SentenceTransformer(str(path), backend="onnx", model_kwargs=model_kwargs, **kwargs)


class VectorCache:
    """Least-recently-used vectors by text, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        with self._lock:
            return {k: v for k in keys if (v := self._items.get(k)) is not None}

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        """Stores (or refreshes) the items, newest last, then drops the oldest beyond the size."""
        with self._lock:
            for key, vec in items.items():
                self._items[key] = vec
                self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class SentenceTransformerEncoder:
    """An e5-style sentence-transformers model with "query: " / "passage: " prompts.

    Backends: ``torch`` (on CUDA when a GPU is present), ``onnx`` (ONNX Runtime, float32) and
    ``onnx-int8`` (ONNX Runtime with int8 dynamic quantisation for this CPU); ``auto`` picks
    torch on a GPU and ``onnx-int8`` on a CPU. ONNX copies are exported once into ``cache_dir``.
    Passages are encoded at most ``batch_size`` at a time and, padded, at most ``batch_tokens``
    tokens (default: :data:`CPU_BATCH_TOKENS` on a CPU, no limit on a GPU).

    One instance serves an index refresh and request threads at once: after construction no
    call changes the shared tokenizer's settings (lengths are measured on a private copy),
    and the query cache takes a lock.
    """

    def __init__(
        self,
        name_or_path: str,
        *,
        backend: str = "auto",
        batch_size: int = 16,
        query_prompt: str = "query",
        passage_prompt: str = "passage",
        cache_size: int = 512,
        cache_dir: Path | None = None,
        threads: int | None = None,
        batch_tokens: int | None = None,
    ) -> None:
        backend, device = resolve_backend(backend)
        logging.getLogger("transformers.tokenization_utils_base").addFilter(_MISTRAL_FILTER)
        self._name = name_or_path
        self._backend = backend
        self._batch_size = batch_size
        self._batch_tokens = batch_tokens or (CPU_BATCH_TOKENS if device == "cpu" else None)
        kwargs: dict[str, Any] = {"device": device}
        label = backend
        source_id = model_fingerprint(name_or_path, "torch")
        if backend == "torch":
            import torch
            from sentence_transformers import SentenceTransformer

            if threads:
                torch.set_num_threads(threads)

            self._model = SentenceTransformer(name_or_path, **kwargs)
        else:
            from retrieval.onnx_export import prepare_onnx_model, quantization_arch

            int8 = backend == "onnx-int8"
            arch = quantization_arch()
            if int8:
                label = f"{backend}-{arch}"
            path, file_name = prepare_onnx_model(
                name_or_path,
                source_fingerprint=source_id,
                cache_root=cache_dir or Path(tempfile.gettempdir()) / "chinam-models",
                int8=int8,
                arch=arch,
            )
            self._model = _onnx_model(path, file_name, threads, kwargs)
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
        # The id names the source model's weights and the backend that ran them, so vectors
        # from two backends (or two int8 recipes) never share an index.
        self._id = with_backend(source_id, label)
        self._cache = VectorCache(cache_size)
        self._measure = self._length_tokenizer()
        # The first encode sets the shared tokenizer's padding and truncation; every later one
        # asks for the same, so none changes them while another thread tokenizes.
        self._encode(["."], self._query_prompt, self._query_prefix, False)

    @property
    def backend(self) -> str:
        return self._backend

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
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        found = self._cache.get_many(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = self._encode(missing, self._query_prompt, self._query_prefix, False)
            found.update(zip(missing, fresh, strict=True))
        self._cache.put_many({t: found[t] for t in dict.fromkeys(texts)})
        # From the local map, not the cache: a batch larger than the cache evicts its own head.
        return np.stack([found[t] for t in texts])

    def _length_tokenizer(self) -> Tokenizer | None:
        """A copy of the model's fast tokenizer that pads nothing and cuts at the model's limit,
        configured once: measuring lengths with the shared one would switch its padding off and
        on under the feet of concurrent encodes ("RuntimeError: Already borrowed")."""
        backend = getattr(self._model.tokenizer, "backend_tokenizer", None)
        if backend is None:
            return None
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_str(backend.to_str())
        tokenizer.no_padding()
        tokenizer.enable_truncation(self._model.max_seq_length)
        return tokenizer

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens each passage takes in the model (prompt included, cut at its limit)."""
        prompts = getattr(self._model, "prompts", {}) or {}
        prefix = prompts.get(self._passage_prompt or "", self._passage_prefix)
        inputs = [prefix + t for t in texts]
        if self._measure is not None:
            return [len(e.ids) for e in self._measure.encode_batch(inputs)]
        # A slow (Python) tokenizer takes padding and truncation per call and keeps no state.
        ids = self._model.tokenizer(
            inputs, truncation=True, max_length=self._model.max_seq_length
        )["input_ids"]
        return [len(x) for x in ids]

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Batches of passages of nearly equal token length (see :func:`token_batches`): on
        the dev corpus, batches of 16 cut in character order pad 9.6% more tokens than the
        text has; in token order, 0.1%. Then the model gives back the memory the largest
        batch took, when it can."""
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        lengths = self.token_lengths(texts)
        budget = self._batch_tokens or self._batch_size * max(lengths)
        batches: Iterable[list[int]] = token_batches(
            lengths, max_tokens=budget, max_batch=self._batch_size
        )
        if show_progress:
            from tqdm import tqdm

            batches = tqdm(batches, unit="batch", desc="embedding")
        for rows in batches:
            out[rows] = self._encode(
                [texts[i] for i in rows], self._passage_prompt, self._passage_prefix, False
            )
        release = getattr(self._model, "release_memory", None)
        if release is not None:
            release()
        return out


def load_encoder(
    model: str | None,
    *,
    backend: str = "auto",
    batch_size: int = 16,
    query_prompt: str = "query",
    passage_prompt: str = "passage",
    cache_dir: Path | None = None,
    threads: int | None = None,
    batch_tokens: int | None = None,
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
    # "auto" on a CPU means ONNX int8; should the export fail, torch still gives hybrid search.
    attempts = [backend, "torch"] if backend == "auto" else [backend]
    for attempt in attempts:
        try:
            return SentenceTransformerEncoder(
                str(path) if looks_local else model,
                backend=attempt,
                batch_size=batch_size,
                query_prompt=query_prompt,
                passage_prompt=passage_prompt,
                cache_dir=cache_dir,
                threads=threads,
                batch_tokens=batch_tokens,
            )
        except Exception as exc:  # any loading failure degrades to the next option
            if attempt != attempts[-1]:
                log.warning("Embedding backend %s failed for %s (%s): trying torch.",
                            attempt, model, exc)
            else:
                log.warning("Embedding model %s could not be loaded (%s): lexical-only mode.",
                            model, exc)
    return None
