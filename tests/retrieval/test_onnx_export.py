"""The ONNX export cache: built once, reused, rebuilt for a changed model, never half-written."""

from pathlib import Path

import pytest

from retrieval import onnx_export
from retrieval.onnx_export import FP32_FILE, int8_file, prepare_onnx_model


class FakeExport:
    """Stands in for the sentence-transformers export: writes the files it would write."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[bool, str]] = []
        self.fail = fail

    def __call__(self, source: str, work: Path, *, int8: bool, arch: str) -> None:
        self.calls.append((int8, arch))
        (work / "onnx").mkdir(parents=True, exist_ok=True)
        if not (work / FP32_FILE).exists():
            (work / FP32_FILE).write_bytes(b"fp32")
        if self.fail:
            raise RuntimeError("export crashed")
        if int8:
            (work / int8_file(arch)).write_bytes(b"int8")
        (work / "modules.json").write_text("[]")


def test_export_once_then_reuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeExport()
    monkeypatch.setattr(onnx_export, "_export", fake)
    cache = tmp_path / "models"
    path, name = prepare_onnx_model("/m/e5", source_fingerprint="e5|torch|1", cache_root=cache,
                                    int8=True, arch="avx2")
    assert name == "onnx/model_int8_avx2.onnx" and (path / name).read_bytes() == b"int8"
    again = prepare_onnx_model("/m/e5", source_fingerprint="e5|torch|1", cache_root=cache,
                               int8=True, arch="avx2")
    assert again == (path, name) and len(fake.calls) == 1
    # float32 from the same export: no second export either.
    assert prepare_onnx_model("/m/e5", source_fingerprint="e5|torch|1", cache_root=cache,
                              int8=False, arch="avx2") == (path, FP32_FILE)
    assert len(fake.calls) == 1
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary directories left


def test_changed_model_gets_a_new_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeExport()
    monkeypatch.setattr(onnx_export, "_export", fake)
    cache = tmp_path / "models"
    first, _ = prepare_onnx_model("/m/e5", source_fingerprint="e5|torch|1", cache_root=cache,
                                  int8=True, arch="avx2")
    second, _ = prepare_onnx_model("/m/e5", source_fingerprint="e5|torch|2", cache_root=cache,
                                   int8=True, arch="avx2")
    assert first != second and len(fake.calls) == 2


def test_int8_added_to_an_existing_fp32_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeExport()
    monkeypatch.setattr(onnx_export, "_export", fake)
    cache = tmp_path / "models"
    path, _ = prepare_onnx_model("/m/e5", source_fingerprint="f", cache_root=cache, int8=False,
                                 arch="avx2")
    assert not (path / int8_file("avx2")).exists()
    path2, name = prepare_onnx_model("/m/e5", source_fingerprint="f", cache_root=cache, int8=True,
                                     arch="avx2")
    assert path2 == path and (path / name).read_bytes() == b"int8"
    assert sorted(p.name for p in cache.iterdir()) == [path.name]


def test_crashed_export_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onnx_export, "_export", FakeExport(fail=True))
    cache = tmp_path / "models"
    with pytest.raises(RuntimeError):
        prepare_onnx_model("/m/e5", source_fingerprint="f", cache_root=cache, int8=True, arch="avx2")
    assert list(cache.iterdir()) == []


def test_losing_the_race_keeps_the_winners_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "models"
    target = onnx_export.export_dir("/m/e5", "f", cache)

    def racing_export(source: str, work: Path, *, int8: bool, arch: str) -> None:
        FakeExport()(source, work, int8=int8, arch=arch)
        # Another process finishes the same export while this one is still writing.
        (target / "onnx").mkdir(parents=True)
        (target / FP32_FILE).write_bytes(b"winner")
        (target / int8_file(arch)).write_bytes(b"winner-int8")

    monkeypatch.setattr(onnx_export, "_export", racing_export)
    path, name = prepare_onnx_model("/m/e5", source_fingerprint="f", cache_root=cache, int8=True,
                                    arch="avx2")
    assert path == target and (path / name).read_bytes() == b"winner-int8"
    assert [p.name for p in cache.iterdir()] == [target.name]


def test_quantization_arch_names_a_sentence_transformers_config() -> None:
    assert onnx_export.quantization_arch() in {"arm64", "avx2", "avx512", "avx512_vnni"}
