"""One uploaded file to clean text: the reader chosen by name and content, then the checks
every format shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from corpus.extraction.docx_reader import docx_text
from corpus.extraction.errors import CORRUPT_DOCX, ExtractionError
from corpus.extraction.libreoffice import doc_text
from corpus.extraction.memory import release_memory
from corpus.extraction.pdf_reader import pdf_text
from corpus.extraction.plaintext import decode_text
from corpus.extraction.tcvn3 import fix_legacy_encoding
from corpus.sizes import human_size
from corpus.text import clean_text

_SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".doc")
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_SUFFIXES)
"""The one list of accepted file types (the bot, the API and the page read it)."""
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str  # "txt" | "md" | "docx" | "pdf" | "doc"
    encoding: str | None


def extract_text(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    max_chars: int = 3_000_000,
) -> Extracted:
    """Extract and clean the text of one uploaded file, or raise :class:`ExtractionError`."""
    name = re.split(r"[\\/]", filename or "")[-1]
    suffix = PurePosixPath(name).suffix.lower()
    _check_upload(data, suffix, max_bytes)
    try:
        return _extract(data, suffix, max_chars)
    finally:
        if suffix not in (".txt", ".md"):
            release_memory()  # a container's parse trees are freed; hand their pages back


def _extract(data: bytes, suffix: str, max_chars: int) -> Extracted:
    raw, fmt, encoding = _read(data, suffix, max_chars)
    raw = fix_legacy_encoding(raw)
    text = clean_text(raw, rejoin_wrapped=fmt == "pdf")
    if not text.strip():
        raise ExtractionError("Tệp không có nội dung văn bản (chỉ có khoảng trắng).", "blank")
    if len(text) > max_chars:
        raise ExtractionError(
            f"Văn bản quá dài ({len(text):,} ký tự); giới hạn là {max_chars:,} ký tự.".replace(
                ",", "."
            ),
            "too_long",
        )
    return Extracted(text=text, format=fmt, encoding=encoding)


def _check_upload(data: bytes, suffix: str, max_bytes: int) -> None:
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"“{suffix}”" if suffix else "không có phần mở rộng"
        raise ExtractionError(
            f"Định dạng tệp {shown} chưa được hỗ trợ; hãy gửi tệp "
            f"{', '.join(_SUFFIXES[:-1])} hoặc {_SUFFIXES[-1]}.",
            "unsupported",
        )
    if not data:
        raise ExtractionError("Tệp rỗng (0 byte).", "empty")
    if len(data) > max_bytes:
        raise ExtractionError(
            f"Tệp quá lớn ({human_size(len(data))}); giới hạn là {human_size(max_bytes)}.",
            "too_large",
        )


def _read(data: bytes, suffix: str, max_chars: int) -> tuple[str, str, str | None]:
    """(raw text, format, encoding of a plain-text file)."""
    if suffix in (".txt", ".md"):
        raw, encoding = decode_text(data)
        return raw, suffix[1:], encoding
    if suffix == ".pdf":
        return pdf_text(data, max_chars), "pdf", None
    if data.startswith(_ZIP_MAGICS):
        # A .doc that is really a .docx is read as .docx (and vice versa below).
        return docx_text(data, max_chars), "docx", None
    if suffix == ".docx" and not data.startswith(_OLE_MAGIC):
        raise ExtractionError(CORRUPT_DOCX, "corrupt")
    # Word 97-2003 (.doc), or a password-protected / renamed .docx (an OLE container).
    return doc_text(data, max_chars), "doc", None
