"""Text of scanned PDF pages: rendered with PDFium, read by Tesseract's Vietnamese model.

Coloured ink (the red seal, a blue or violet signature) is dropped before recognition: the
printed text of a dispatch is black, and a seal across the signature block otherwise turns
into lines of noise that the header parser would have to skip. Work is bounded: a page
limit, a time limit per page (the tesseract process is killed) and one for the whole file.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from corpus.extraction.errors import ExtractionError

logger = logging.getLogger(__name__)

OCR_LANGUAGE = "vie"
OCR_DPI = 300
MAX_OCR_PAGES = 40
OCR_PAGE_TIMEOUT_S = 90.0
OCR_TIME_BUDGET_S = 600.0
# A pixel whose channels differ by more than this is coloured ink, not black print.
COLOUR_DROPOUT = 45
PDFIUM_LOCK = threading.RLock()
"""PDFium is not thread-safe, not even across documents: every call into it, closing
included, is made holding this lock (the slow part, Tesseract, runs outside it)."""
_TESSERACT_CONFIG = "--oem 1 --psm 3 -c preserve_interword_spaces=1"
# A long body line not ending a sentence, then a short last line that is not a heading,
# item or signature part (it ends the sentence).
_PARAGRAPH_TAIL = re.compile(
    r"(?<=[^\n.:;!?]{60}[\w,)])\n(?=(?![-+•\d]|Điều\s|Nơi\s+nhận)[^\n]{1,100}[.;:]\n)"
)
_SYMBOL_DASH = re.compile(r"(\b\d+[/-][A-ZĐ&]+)[:—–](?=[A-ZĐ])")


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Whether the tesseract binary and its Vietnamese model are installed."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return OCR_LANGUAGE in pytesseract.get_languages()
    except Exception as exc:  # a broken install is reported as "not available"
        logger.warning("tesseract present but unusable: %r", exc)
        return False


def ocr_pages(pdf: Any, indexes: Sequence[int]) -> dict[int, str]:
    """OCR text of the pages ``indexes`` of an open ``pypdfium2.PdfDocument``."""
    if not ocr_available():
        raise ExtractionError(
            "PDF là bản scan (không có lớp văn bản) nhưng máy chủ chưa cài bộ nhận dạng chữ "
            "Tesseract (tiếng Việt); hãy gửi bản .docx hoặc nhờ quản trị cài "
            "tesseract-ocr và tesseract-ocr-vie.",
            "needs_ocr",
        )
    if len(indexes) > MAX_OCR_PAGES:
        raise ExtractionError(
            f"PDF có {len(indexes)} trang scan cần nhận dạng chữ; giới hạn là {MAX_OCR_PAGES} "
            "trang mỗi tệp. Hãy tách tệp nhỏ hơn hoặc gửi bản .docx.",
            "too_long",
        )
    deadline = time.monotonic() + OCR_TIME_BUDGET_S
    texts: dict[int, str] = {}
    for index in indexes:
        if time.monotonic() > deadline:
            raise _timeout()
        texts[index] = _ocr_page(pdf, index)
    return texts


def _ocr_page(pdf: Any, index: int) -> str:
    import pytesseract

    with PDFIUM_LOCK:
        page = pdf[index]
        bitmap = page.render(scale=OCR_DPI / 72)
        image = drop_colour_ink(bitmap.to_pil())
        bitmap.close()
        page.close()
    started = time.monotonic()
    try:
        text = pytesseract.image_to_string(
            image, lang=OCR_LANGUAGE, config=_TESSERACT_CONFIG, timeout=OCR_PAGE_TIMEOUT_S
        )
    except RuntimeError as exc:  # pytesseract's "Tesseract process timeout"
        logger.info("ocr of page %d stopped: %s", index + 1, exc)
        raise _timeout(index + 1) from None
    except pytesseract.TesseractError as exc:
        logger.warning("tesseract failed on page %d: %s", index + 1, exc)
        raise ExtractionError(
            f"Không nhận dạng được chữ ở trang {index + 1} của bản scan; hãy quét lại rõ hơn "
            "hoặc gửi bản .docx.",
            "ocr_failed",
        ) from None
    logger.info("ocr page %d: %d chars in %.1f s", index + 1, len(text), time.monotonic() - started)
    return tidy_ocr_text(str(text))


def tidy_ocr_text(text: str) -> str:
    """Fix OCR misreadings that break document numbers: a symbol ("SGDĐT-TCCTTT") never
    holds ":" or "—", which Tesseract sometimes reads for its hyphen. A paragraph's last
    line, which Tesseract leaves on a line of its own, goes back onto the paragraph: a duty
    ("… của Công đoàn" / "Việt Nam trong tình hình mới.") must not end mid-sentence."""
    text = text.replace("Ð", "Đ").replace("ð", "đ")  # Icelandic eth, never Vietnamese
    text = _SYMBOL_DASH.sub(lambda m: m.group(1) + "-", text)
    return _PARAGRAPH_TAIL.sub(" ", text)


def drop_colour_ink(image: Any) -> Any:
    """A greyscale copy of ``image`` with coloured ink (red, blue, violet) painted over in
    the paper's tone; the mask is widened a little so the strokes' blurred edges go too."""
    import numpy as np
    from PIL import Image, ImageFilter

    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    spread = (rgb.max(axis=2) - rgb.min(axis=2)).astype(np.uint8)
    coloured = spread > COLOUR_DROPOUT
    mask = Image.fromarray((coloured * 255).astype(np.uint8))
    edges = np.asarray(mask.filter(ImageFilter.MaxFilter(5))) > 0
    grey = np.asarray(image.convert("L")).copy()
    paper = int(np.percentile(grey, 90))
    # Black print under the ink stays: it is dark and not coloured.
    grey[coloured | (edges & (grey > 60))] = paper
    return Image.fromarray(grey)


def _timeout(page: int | None = None) -> ExtractionError:
    where = f" (trang {page})" if page else ""
    return ExtractionError(
        f"Nhận dạng chữ bản scan quá thời gian cho phép{where}; hãy tách tệp nhỏ hơn, quét "
        "lại rõ hơn hoặc gửi bản .docx.",
        "timeout",
    )
