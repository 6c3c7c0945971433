"""ONNX copies of the embedding model, exported once and cached under the data directory.

sentence-transformers exports the model (through optimum) and quantises it to int8 with
ONNX Runtime's dynamic quantisation; this module only decides where the copy lives, builds
it atomically and reuses it while the source model is unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

FP32_FILE = "onnx/model.onnx"


def quantization_arch() -> str:
    """The ONNX Runtime int8 recipe for this CPU (sentence-transformers' config names)."""
    machine = platform.machine().lower()
    if machine in {"arm64", "aarch64"}:
        return "arm64"
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="ignore")
    except OSError:
        return "avx2"
    if re.search(r"\bavx512_vnni\b", flags):
        return "avx512_vnni"
    if re.search(r"\bavx512f\b", flags):
        return "avx512"
    return "avx2"


def _int8_suffix(arch: str) -> str:
    return f"int8_{arch}"


def int8_file(arch: str) -> str:
    """The int8 copy's file name. Named by us, not the library: sentence-transformers names
    it after the weights' type, which is unsigned for avx2 (``model_quint8_avx2.onnx``) and
    signed for the others."""
    return f"onnx/model_{_int8_suffix(arch)}.onnx"


def _slug(source: str) -> str:
    name = Path(source).name or source
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "model"


def export_dir(source: str, source_fingerprint: str, cache_root: Path) -> Path:
    """Where the ONNX copy of `source` lives; a changed source model gets a new directory."""
    digest = hashlib.sha256(source_fingerprint.encode()).hexdigest()[:12]
    return cache_root / f"{_slug(source)}-{digest}"


def prepare_onnx_model(
    source: str, *, source_fingerprint: str, cache_root: Path, int8: bool, arch: str
) -> tuple[Path, str]:
    """Return (model directory, ONNX file name inside it), exporting on first use.

    The export runs in a private temporary directory and is renamed into place, so a crash
    leaves no half-written model and two processes starting together both end with one copy.
    """
    target = export_dir(source, source_fingerprint, cache_root)
    wanted = int8_file(arch) if int8 else FP32_FILE
    if (target / wanted).is_file():
        return target, wanted
    cache_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=cache_root))
    try:
        if (target / FP32_FILE).is_file():
            shutil.copytree(target, work, dirs_exist_ok=True)
        _export(source, work, int8=int8, arch=arch)
        if target.exists():
            # Another process (or an earlier fp32-only export) got there first: add our files.
            for path in sorted(work.rglob("*")):
                dest = target / path.relative_to(work)
                if path.is_file() and not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    part = dest.with_name(f".{dest.name}.{os.getpid()}")
                    shutil.copy2(path, part)
                    os.replace(part, dest)
        else:
            try:
                os.rename(work, target)
            except OSError:  # lost the race to another process's identical export
                if not (target / wanted).is_file():
                    raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target, wanted


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence what exporting prints and we cannot act on: the library's notice that it is
    exporting and its advice to save the result (we do), transformers' notes on arguments
    optimum passes and on Mistral tokenizers (not ours), torch's tracer warnings."""
    loggers = [logging.getLogger(n) for n in ("sentence_transformers.backend", "transformers")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _export(source: str, work: Path, *, int8: bool, arch: str) -> None:
    from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model

    if not (work / FP32_FILE).is_file():
        log.warning("Exporting %s to ONNX once (cached in %s)", source, work.parent)
        with _quiet():
            model = SentenceTransformer(source, backend="onnx", device="cpu")
            model.save(str(work))
    if int8 and not (work / int8_file(arch)).is_file():
        log.info("Quantising the ONNX model to int8 (%s)", arch)
        with _quiet():
            fp32 = SentenceTransformer(
                str(work), backend="onnx", device="cpu", model_kwargs={"file_name": FP32_FILE}
            )
            export_dynamic_quantized_onnx_model(
                fp32, arch, str(work), file_suffix=_int8_suffix(arch)
            )
