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
def export(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from retrieval.encoder import model_fingerprint
    from retrieval.onnx_export import prepare_onnx_model, quantization_arch

    cached = os.environ.get("CHINAM_TEST_ONNX_CACHE")  # an existing export cache, to save time
    root = Path(cached) if cached and Path(cached).is_dir() else tmp_path_factory.mktemp("onnx")
    return prepare_onnx_model(
        str(model_dir), source_fingerprint=model_fingerprint(str(model_dir), "torch"),
        cache_root=root, int8=True, arch=quantization_arch(),
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
