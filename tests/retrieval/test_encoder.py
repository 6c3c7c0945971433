"""Encoder backends: choice, identity, and (with the real model) ONNX int8 against torch."""

from pathlib import Path

import numpy as np
import pytest

from retrieval import encoder as encoder_mod
from retrieval.encoder import (
    SentenceTransformerEncoder,
    load_encoder,
    model_fingerprint,
    resolve_backend,
    with_backend,
)


def test_auto_prefers_gpu_then_int8_on_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(encoder_mod, "_onnx_available", lambda: True)
    monkeypatch.setattr(encoder_mod, "_nvidia_driver_present", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_backend("auto") == ("torch", "cuda")
    assert resolve_backend("torch") == ("torch", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_backend("auto") == ("onnx-int8", "cpu")
    assert resolve_backend("onnx") == ("onnx", "cpu")
    monkeypatch.setattr(encoder_mod, "_onnx_available", lambda: False)
    assert resolve_backend("auto") == ("torch", "cpu")
    with pytest.raises(RuntimeError, match="ONNX Runtime"):
        resolve_backend("onnx-int8")
    with pytest.raises(ValueError, match="unknown embedding backend"):
        resolve_backend("tensorrt")


def test_no_nvidia_driver_means_cpu_without_asking_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(encoder_mod, "_onnx_available", lambda: True)
    monkeypatch.setattr(encoder_mod, "_nvidia_driver_present", lambda: False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # would say GPU if asked
    assert resolve_backend("auto") == ("onnx-int8", "cpu")
    assert resolve_backend("torch") == ("torch", "cpu")


def test_fingerprint_names_backend_and_ignores_derived_onnx_files(tmp_path: Path) -> None:
    model = tmp_path / "e5"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 384}')
    (model / "model.safetensors").write_bytes(b"w" * 10)
    torch_id = model_fingerprint(str(model), "torch")
    assert model_fingerprint(str(model), "onnx-int8-avx2") != torch_id
    assert with_backend(torch_id, "onnx-int8-avx2") == model_fingerprint(str(model), "onnx-int8-avx2")
    (model / "onnx").mkdir()
    (model / "onnx" / "model.onnx").write_bytes(b"x")
    assert model_fingerprint(str(model), "torch") == torch_id
    (model / "model.safetensors").write_bytes(b"w" * 11)
    assert model_fingerprint(str(model), "torch") != torch_id


@pytest.mark.model
def test_int8_backend_matches_torch_and_exports_once(model_dir: Path, tmp_path: Path) -> None:
    texts = [
        "Nghị quyết số 02-NQ/TW về đổi mới tổ chức và hoạt động của Công đoàn Việt Nam.",
        "Các trường học tổ chức khai giảng năm học mới vào ngày 05 tháng 9.",
        "Người lao động có quyền đơn phương chấm dứt hợp đồng lao động.",
    ]
    torch_enc = SentenceTransformerEncoder(str(model_dir), backend="torch")
    cache = tmp_path / "models"
    int8 = load_encoder(str(model_dir), backend="onnx-int8", cache_dir=cache)
    assert isinstance(int8, SentenceTransformerEncoder) and int8.backend == "onnx-int8"
    assert int8.model_id != torch_enc.model_id and "onnx-int8" in int8.model_id
    a = torch_enc.encode_passages(texts)
    b = int8.encode_passages(texts)
    assert b.shape == a.shape and np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    cos = (a * b).sum(axis=1)
    assert cos.min() > 0.97, cos
    # Ranking survives quantisation: each question still finds its own sentence.
    q = int8.encode_queries(["đổi mới hoạt động công đoàn", "ngày khai giảng", "chấm dứt hợp đồng"])
    assert list((q @ b.T).argmax(axis=1)) == [0, 1, 2]
    exported = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*.onnx"))
    assert len(exported) == 2  # float32 export + its int8 copy, in one directory
    mtimes = {p: p.stat().st_mtime_ns for p in cache.rglob("*.onnx")}
    again = load_encoder(str(model_dir), backend="onnx-int8", cache_dir=cache)
    assert again is not None and again.model_id == int8.model_id
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.onnx")} == mtimes


@pytest.mark.model
def test_auto_falls_back_to_torch_when_the_export_fails(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from retrieval import onnx_export

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(encoder_mod, "_onnx_available", lambda: True)
    monkeypatch.setattr(onnx_export, "prepare_onnx_model", broken)
    enc = load_encoder(str(model_dir), backend="auto", cache_dir=tmp_path)
    assert isinstance(enc, SentenceTransformerEncoder) and enc.backend == "torch"
    assert "trying torch" in caplog.text and "disk full" in caplog.text
    # Asked for explicitly, a broken backend is not swapped for another: lexical-only, said so.
    assert load_encoder(str(model_dir), backend="onnx-int8", cache_dir=tmp_path) is None
    assert "lexical-only" in caplog.text


def test_query_batches_larger_than_the_cache_are_encoded_whole(model_dir: Path) -> None:
    enc = SentenceTransformerEncoder(str(model_dir), backend="torch", cache_size=2)
    questions = ["nghỉ phép năm", "khai giảng", "công đoàn cơ sở", "nghỉ phép năm"]
    batch = enc.encode_queries(questions)
    one_by_one = np.stack([enc.encode_queries([q])[0] for q in questions])
    assert batch.shape == (4, enc.dim)
    assert np.allclose(batch, one_by_one, atol=1e-5)
    assert np.allclose(batch[0], batch[3])
