"""Word 97-2003 .doc, converted to .docx by LibreOffice (``soffice --headless``) and read."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from corpus.extraction.docx_reader import docx_text
from corpus.extraction.errors import ExtractionError

logger = logging.getLogger(__name__)

SOFFICE_TIMEOUT_S = 120.0


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def doc_text(data: bytes, max_chars: int) -> str:
    """The text of a .doc, or :class:`ExtractionError` when LibreOffice is missing or fails."""
    exe = _soffice()
    if exe is None:
        raise ExtractionError(
            "Không đọc được tệp .doc (Word 97-2003) vì máy chủ chưa cài LibreOffice; hãy mở "
            "tệp bằng Word và lưu thành .docx rồi gửi lại (hoặc nhờ quản trị cài LibreOffice).",
            "needs_libreoffice",
        )
    with tempfile.TemporaryDirectory(prefix="chinam-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "input.doc"
        src.write_bytes(data)
        outdir = tmpdir / "out"
        outdir.mkdir()
        _convert(exe, src, outdir, tmpdir)
        return docx_text((outdir / "input.docx").read_bytes(), max_chars)


def _convert(exe: str, src: Path, outdir: Path, tmpdir: Path) -> None:
    """Run soffice on ``src`` into ``outdir`` with a throwaway profile in ``tmpdir``."""
    cmd = [
        exe,
        f"-env:UserInstallation={(tmpdir / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        "docx",
        "--outdir",
        str(outdir),
        str(src),
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=tmpdir,
            start_new_session=True,  # soffice forks soffice.bin: kill the whole group
        )
    except OSError as exc:
        logger.warning("cannot start %s: %s", exe, exc)
        raise ExtractionError(
            "Không chạy được LibreOffice để chuyển tệp .doc; hãy lưu tệp thành .docx rồi "
            "gửi lại.",
            "conversion_failed",
        ) from None
    try:
        _out, err = proc.communicate(timeout=SOFFICE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ExtractionError(
            "Chuyển đổi tệp .doc quá thời gian cho phép; hãy lưu tệp thành .docx rồi gửi lại.",
            "timeout",
        ) from None
    if proc.returncode != 0 or not (outdir / "input.docx").is_file():
        logger.info("soffice failed (%s): %s", proc.returncode, err[-2000:])
        raise ExtractionError(
            "LibreOffice không chuyển đổi được tệp .doc này (tệp hỏng hoặc có mật khẩu?); "
            "hãy lưu tệp thành .docx rồi gửi lại.",
            "conversion_failed",
        )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        logger.warning("soffice process %s did not exit after SIGKILL", proc.pid)
