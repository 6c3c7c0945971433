"""Text of a PDF, page by page (form feeds between pages), within bounds.

The page count is read first, by PDFium, before any page is built: a PDF with too many pages
is refused in milliseconds. Pages come from the text layer (pypdf); a page without one (a
scan, or a font without a Unicode map) that holds an image is read by OCR (:mod:`ocr`).
"""

from __future__ import annotations

import io
import logging
import time
import unicodedata
from typing import Any

from corpus.extraction.errors import ExtractionError, too_long
from corpus.extraction.ocr import PDFIUM_LOCK, ocr_available, ocr_pages

logger = logging.getLogger(__name__)

MAX_PDF_PAGES = 3_000
PDF_TIME_BUDGET_S = 120.0
MIN_PAGE_LETTERS = 20
_PASSWORD_PROTECTED = "PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi gửi lại."


def pdf_text(data: bytes, max_chars: int) -> str:
    """The text of a PDF, or :class:`ExtractionError` (broken, encrypted, too long…)."""
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("Tệp không phải PDF hợp lệ (thiếu phần đầu %PDF).", "corrupt")
    with PDFIUM_LOCK:
        rendered = _open_pdfium(data)
    try:
        if rendered is not None:
            with PDFIUM_LOCK:
                n_pages = len(rendered)
            _check_page_count(n_pages)
        pages = _read_pages(data, max_chars)
        if rendered is not None:
            pages = _with_ocr(rendered, pages)
    finally:
        if rendered is not None:
            with PDFIUM_LOCK:
                rendered.close()
    joined = "\f".join(pages)
    _check_text_layer(joined)
    return joined


def _open_pdfium(data: bytes) -> Any:
    """A PDFium document, or None when PDFium cannot open it (pypdf then says why)."""
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        logger.info("pdfium cannot open the pdf: %s", exc)
        return None


def _check_page_count(n_pages: int) -> None:
    if n_pages > MAX_PDF_PAGES:
        raise ExtractionError(
            f"PDF có quá nhiều trang ({n_pages}); giới hạn là {MAX_PDF_PAGES} trang.",
            "too_long",
        )


def _read_pages(data: bytes, max_chars: int) -> list[str]:
    try:
        from pypdf.errors import FileNotDecryptedError

        return _page_texts(_open(data), max_chars)
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
    _check_page_count(len(reader.pages))
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


def _needs_ocr(text: str) -> bool:
    letters = sum(1 for ch in text if ch.isalpha())
    readable = sum(1 for ch in text if ch.isalpha() and unicodedata.category(ch) != "Co")
    return letters < MIN_PAGE_LETTERS or readable < 0.5 * letters


def _with_ocr(pdf: Any, pages: list[str]) -> list[str]:
    """``pages`` with the unreadable pages that hold an image replaced by their OCR text."""
    wanted = [i for i, text in enumerate(pages) if _needs_ocr(text) and _has_image(pdf, i)]
    if not wanted:
        return pages
    if not ocr_available() and not _needs_ocr("\f".join(pages)):
        logger.info("pdf pages %s are images; no OCR installed, kept the text layer", wanted)
        return pages
    read = ocr_pages(pdf, wanted)
    return [read.get(i, text) for i, text in enumerate(pages)]


def _has_image(pdf: Any, index: int) -> bool:
    import pypdfium2.raw as pdfium_c

    with PDFIUM_LOCK:
        if index >= len(pdf):
            return False
        page = pdf[index]
        try:
            images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)
            return next(iter(images), None) is not None
        finally:
            page.close()


def _check_text_layer(joined: str) -> None:
    """A scan has no letters; a font without a Unicode map gives private-use characters."""
    letters = sum(1 for ch in joined if ch.isalpha())
    if letters < MIN_PAGE_LETTERS:
        raise ExtractionError(
            "PDF không có lớp văn bản và không nhận dạng được chữ nào (trang trắng hoặc bản "
            "scan quá mờ?); hãy quét lại rõ hơn hoặc gửi bản .docx.",
            "no_text_layer",
        )
    readable = sum(1 for ch in joined if ch.isalpha() and unicodedata.category(ch) != "Co")
    if readable < 0.5 * letters:
        raise ExtractionError(
            "PDF có lớp văn bản nhưng phông chữ không có bảng mã Unicode nên không đọc được; "
            "hãy gửi bản .docx.",
            "no_text_layer",
        )
