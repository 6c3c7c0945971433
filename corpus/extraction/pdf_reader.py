"""Text layer of a PDF, page by page (form feeds between pages), within bounds."""

from __future__ import annotations

import io
import logging
import time
import unicodedata
from typing import Any

from corpus.extraction.errors import ExtractionError, too_long

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 3_000
PDF_TIME_BUDGET_S = 120.0
_PASSWORD_PROTECTED = "PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi gửi lại."


def pdf_text(data: bytes, max_chars: int) -> str:
    """The text layer of a PDF, or :class:`ExtractionError` (broken, encrypted, scanned…)."""
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("Tệp không phải PDF hợp lệ (thiếu phần đầu %PDF).", "corrupt")
    try:
        from pypdf.errors import FileNotDecryptedError

        pages = _page_texts(_open(data), max_chars)
    except ExtractionError:
        raise
    except FileNotDecryptedError:
        raise ExtractionError(_PASSWORD_PROTECTED, "encrypted") from None
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        logger.info("pdf extraction failed: %r", exc)
        raise ExtractionError(
            "Tệp PDF bị hỏng hoặc không đọc được; hãy xuất lại PDF hoặc gửi bản .docx.",
            "corrupt",
        ) from None
    joined = "\f".join(pages)
    _check_text_layer(joined)
    return joined


def _open(data: bytes) -> Any:
    """A pypdf reader, decrypted with the empty password when the PDF is encrypted."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            decrypted = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            logger.info("pdf encryption not supported: %s", exc)
            raise ExtractionError(
                "PDF được mã hóa theo chuẩn chưa hỗ trợ; hãy gỡ mật khẩu/mã hóa rồi gửi lại.",
                "encrypted",
            ) from None
        if not decrypted:
            raise ExtractionError(_PASSWORD_PROTECTED, "encrypted")
    return reader


def _page_texts(reader: Any, max_chars: int) -> list[str]:
    n_pages = len(reader.pages)
    if n_pages > MAX_PDF_PAGES:
        raise ExtractionError(
            f"PDF có quá nhiều trang ({n_pages}); giới hạn là {MAX_PDF_PAGES} trang.",
            "too_long",
        )
    deadline = time.monotonic() + PDF_TIME_BUDGET_S
    pages: list[str] = []
    size = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        pages.append(text)
        size += len(text)
        if size > max_chars * 2:
            raise too_long(max_chars)
        if time.monotonic() > deadline:
            raise ExtractionError(
                "Đọc tệp PDF quá thời gian cho phép; hãy tách tệp nhỏ hơn hoặc gửi bản .docx.",
                "timeout",
            )
    return pages


def _check_text_layer(joined: str) -> None:
    """A scan has no letters; a font without a Unicode map gives private-use characters."""
    letters = sum(1 for ch in joined if ch.isalpha())
    if letters < 20:
        raise ExtractionError(
            "PDF không có lớp văn bản (bản scan?); hãy gửi bản .docx hoặc PDF đã nhận dạng "
            "chữ (OCR).",
            "no_text_layer",
        )
    readable = sum(1 for ch in joined if ch.isalpha() and unicodedata.category(ch) != "Co")
    if readable < 0.5 * letters:
        raise ExtractionError(
            "PDF có lớp văn bản nhưng phông chữ không có bảng mã Unicode nên không đọc được; "
            "hãy gửi bản .docx.",
            "no_text_layer",
        )
