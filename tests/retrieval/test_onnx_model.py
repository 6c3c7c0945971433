"""The ONNX Runtime path gives the vectors sentence-transformers gives for the same export."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval.onnx_model import load_onnx_model

pytestmark = pytest.mark.model

TEXTS = [
    "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
    "phu cap uu dai nghe giao vien",
    "Công đoàn cơ sở có quyền gì? " * 120,  # past the 512-token limit: truncation
    ".",
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cached = os.environ.get("CHINAM_TEST_ONNX_CACHE")  # an existing export cache, to save time
    return Path(cached) if cached and Path(cached).is_dir() else tmp_path_factory.mktemp("onnx")


@pytest.fixture(scope="module")
def export(model_dir: Path, onnx_cache: Path) -> tuple[Path, str]:
    from retrieval.encoder import model_fingerprint
    from retrieval.onnx_export import prepare_onnx_model, quantization_arch

    return prepare_onnx_model(
        str(model_dir), source_fingerprint=model_fingerprint(str(model_dir), "torch"),
        cache_root=onnx_cache, int8=True, arch=quantization_arch(),
    )


def test_same_vectors_and_limits_as_sentence_transformers(export: tuple[Path, str]) -> None:
    from sentence_transformers import SentenceTransformer

    path, file_name = export
    light = load_onnx_model(path, file_name)
    assert light is not None
    full = SentenceTransformer(str(path), backend="onnx", model_kwargs={"file_name": file_name})
    assert light.max_seq_length == full.max_seq_length
    assert light.prompts == full.prompts
    assert light.get_sentence_embedding_dimension() == full.get_sentence_embedding_dimension()
    for prompt in ("query", "passage"):
        mine = light.encode(TEXTS, prompt_name=prompt, batch_size=2)
        theirs = full.encode(TEXTS, prompt_name=prompt, batch_size=2, normalize_embeddings=True)
        np.testing.assert_allclose(mine, theirs, atol=1e-5)


def test_an_export_of_another_shape_is_refused(export: tuple[Path, str], tmp_path: Path) -> None:
    path, file_name = export
    copy = tmp_path / "model"
    shutil.copytree(path, copy)
    (copy / "1_Pooling" / "config.json").write_text('{"pooling_mode": "cls"}')
    assert load_onnx_model(copy, file_name) is None


def test_releasing_memory_changes_no_vector(export: tuple[Path, str]) -> None:
    path, file_name = export
    light = load_onnx_model(path, file_name)
    assert light is not None
    before = light.encode(TEXTS, prompt_name="passage", batch_size=4)
    light.release_memory()
    after = light.encode(TEXTS, prompt_name="passage", batch_size=4)
    np.testing.assert_array_equal(before, after)


def test_a_token_budget_changes_vectors_by_rounding_only(
    model_dir: Path, onnx_cache: Path, export: tuple[Path, str]
) -> None:
    """Float32: the same vectors however passages are batched. Int8: dynamic quantisation
    scales activations per batch, padding included, so any regrouping moves vectors a
    little (16 per batch against each passage alone: up to 0.02 per component)."""
    from retrieval.encoder import SentenceTransformerEncoder

    texts = [*TEXTS, *(f"Điều {i}. Giáo viên có nhiệm vụ " + "giảng dạy " * i for i in range(12))]
    for backend in ("onnx", "onnx-int8"):
        budgeted, whole = (
            SentenceTransformerEncoder(
                str(model_dir), backend=backend, cache_dir=onnx_cache, batch_tokens=tokens
            ).encode_passages(texts)
            for tokens in (64, 10**6)
        )
        if backend == "onnx":
            np.testing.assert_allclose(budgeted, whole, atol=1e-5)
        else:
            assert (budgeted * whole).sum(axis=1).min() > 0.98
