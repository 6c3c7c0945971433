"""A sentence-transformers ONNX export run with ONNX Runtime and tokenizers alone.

Loading a ``SentenceTransformer`` imports torch, transformers, optimum and onnx (seconds on
a small CPU, most of a one-off ``chinam ask``); an exported model only needs its tokenizer
and its ONNX session. :class:`OnnxSentenceModel` runs the same pipeline as the
sentence-transformers modules of our export (Transformer -> mean Pooling -> Normalize), so
vectors match (tests/retrieval/test_onnx_model.py compares them), and offers the few
``SentenceTransformer`` members :class:`retrieval.encoder.SentenceTransformerEncoder` uses.
An export of any other shape returns None from :func:`load_onnx_model`, and the caller
falls back to sentence-transformers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

EXPECTED_MODULES = ("Transformer", "Pooling", "Normalize")


class _TokenizerHolder:
    """Stands in for the HF tokenizer: the encoder copies ``backend_tokenizer``."""

    def __init__(self, backend_tokenizer: Any) -> None:
        self.backend_tokenizer = backend_tokenizer


class OnnxSentenceModel:
    """The subset of ``SentenceTransformer`` the encoder calls, on ONNX Runtime."""

    def __init__(
        self, directory: Path, file_name: str, *, max_seq_length: int, prompts: dict[str, str],
        dimension: int, session_options: Any = None,
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.enable_truncation(max_seq_length)
        pad_id = tokenizer.token_to_id("<pad>")
        tokenizer.enable_padding(pad_id=pad_id if pad_id is not None else 0, pad_token="<pad>")
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self.tokenizer = _TokenizerHolder(tokenizer)
        self.max_seq_length = max_seq_length
        self.prompts = prompts
        self._dimension = dimension
        self._session = onnxruntime.InferenceSession(
            str(directory / file_name), sess_options=session_options,
            providers=["CPUExecutionProvider"],
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._shrink = onnxruntime.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def get_sentence_embedding_dimension(self) -> int:
        return self._dimension

    def encode(
        self, sentences: Sequence[str], *, prompt_name: str | None = None, batch_size: int = 32,
        **_ignored: Any,
    ) -> np.ndarray:
        """Unit vectors, ``batch_size`` texts per run, longest first as sentence-transformers."""
        prompt = self.prompts.get(prompt_name, "") if prompt_name else ""
        texts = [prompt + s for s in sentences]
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._embed([texts[i] for i in rows])
        return out

    def release_memory(self) -> None:
        """Hands back to the system the CPU arena memory no run holds: ONNX Runtime grows its
        arena to the largest batch it has run and otherwise keeps it for the process's life.
        The shrink happens at the end of a run, so one tiny run carries it."""
        self._embed(["."], run_options=self._shrink)

    def _embed(self, texts: list[str], run_options: Any = None) -> np.ndarray:
        with self._lock:  # tokenizers' padding state is shared; encode_batch is quick
            encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        hidden = self._session.run(None, feeds, run_options)[0].astype(np.float32)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)


def load_onnx_model(
    directory: Path, file_name: str, session_options: Any = None
) -> OnnxSentenceModel | None:
    """The export in ``directory`` on ONNX Runtime, or None when its modules are not the
    Transformer -> mean Pooling -> Normalize this class reproduces."""
    try:
        modules = json.loads((directory / "modules.json").read_text())
        kinds = tuple(str(m["type"]).rsplit(".", 1)[-1] for m in modules)
        pooling = json.loads((directory / "1_Pooling" / "config.json").read_text())
        st_config = json.loads((directory / "config_sentence_transformers.json").read_text())
        tokenizer_config = json.loads((directory / "tokenizer_config.json").read_text())
        model_config = json.loads((directory / "config.json").read_text())
        bert_config = json.loads((directory / "sentence_bert_config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    mean_only = pooling.get("pooling_mode", "mean") == "mean" or pooling.get(
        "pooling_mode_mean_tokens", False
    )
    if kinds != EXPECTED_MODULES or not mean_only or bert_config.get("do_lower_case"):
        return None
    limits = [
        bert_config.get("max_seq_length"),
        tokenizer_config.get("model_max_length"),
        model_config.get("max_position_embeddings"),
    ]
    max_seq_length = min(int(v) for v in limits if isinstance(v, int | float) and v < 1e6)
    dimension = int(pooling.get("embedding_dimension") or pooling.get("word_embedding_dimension"))
    return OnnxSentenceModel(
        directory, file_name, max_seq_length=max_seq_length,
        prompts=dict(st_config.get("prompts") or {}), dimension=dimension,
        session_options=session_options,
    )
