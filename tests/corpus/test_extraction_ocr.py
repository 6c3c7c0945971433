"""Scanned PDFs: a real dispatch printed, stamped with a red seal, signed, scanned (rotated,
noisy, JPEG) and read back by OCR; character accuracy and time per page measured."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter

from corpus.extraction import ExtractionError, extract_text, ocr
from corpus.ingest import ingest_bytes
from corpus.store import CorpusStore
from tests.conftest import SAMPLES
from tests.corpus.scans import font_path, render_dispatch

needs_ocr = pytest.mark.skipif(
    not ocr.ocr_available(), reason="tesseract with the Vietnamese model (tesseract-ocr-vie) is not installed"
)
needs_font = pytest.mark.skipif(font_path() is None, reason="no DejaVu/Liberation serif font to print the page")

# The seed's number and day are blank (an unsigned draft); the signed copy that is scanned has them.
NUMBER, DAY = "1234/SGDĐT-TCCTTT", "25"
ACCURACY_FLOOR = 0.85  # whole page in reading order: two header columns interleave line by line
BODY_ACCURACY_FLOOR = 0.97
SECONDS_PER_PAGE_CEILING = 30.0


def _signed_seed() -> str:
    text = next(SAMPLES.glob("seed-000*")).read_text(encoding="utf-8")
    return text.replace("Số: /SGDDĐT", "Số: 1234/SGDĐT").replace("ngày tháng 11", f"ngày {DAY} tháng 11")


def _accuracy(read: str, truth: str) -> float:
    from rapidfuzz.distance import Levenshtein

    a, b = (re.sub(r"\s+", " ", s).strip() for s in (read, truth))
    return 1 - Levenshtein.distance(a, b) / len(b)


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


@pytest.fixture(scope="module")
def scan() -> tuple[object, str, float]:
    if not ocr.ocr_available() or font_path() is None:
        pytest.skip("OCR or a font is missing")
    printed = render_dispatch(_signed_seed())
    started = time.monotonic()
    read = extract_text(printed.pdf, "cv-1234-scan.pdf").text
    return printed, read, (time.monotonic() - started) / printed.pages


@needs_ocr
@needs_font
@pytest.mark.slow
def test_scan_with_seal_and_signature_is_read_accurately(scan: tuple) -> None:
    printed, read, per_page = scan
    page_accuracy = _accuracy(read, printed.truth)
    body_accuracy = _accuracy(
        _between(read, "Căn cứ", "Nơi nhận"), _between(printed.truth, "Căn cứ", "Nơi nhận")
    )
    print(f"\nOCR: {printed.pages} pages, accuracy page {page_accuracy:.3f} body {body_accuracy:.3f}, {per_page:.1f} s/page")
    assert page_accuracy >= ACCURACY_FLOOR
    assert body_accuracy >= BODY_ACCURACY_FLOOR
    assert per_page <= SECONDS_PER_PAGE_CEILING


@needs_ocr
@needs_font
@pytest.mark.slow
def test_scanned_dispatch_ingests_with_its_header_right(sqlite_store: CorpusStore) -> None:
    printed = render_dispatch(_signed_seed(), seed=11)
    outcome = ingest_bytes(sqlite_store, printed.pdf, "cv-1234-scan.pdf")
    assert outcome.ok and outcome.document_id is not None, outcome
    doc = sqlite_store.get_document(outcome.document_id)
    assert doc is not None
    assert (doc.number, doc.doc_type) == (NUMBER, "Công văn"), doc.text[:300]
    assert (doc.issuer, doc.parent_issuer) == ("Sở Giáo dục và Đào tạo", "UBND tỉnh Long An")
    assert doc.issue_date is not None and doc.issue_date.isoformat() == f"2021-11-{DAY}"
    assert doc.subject and doc.subject.startswith("triển khai, thực hiện Nghị quyết số 02-NQ/TW")
    duty = "Thủ trưởng đơn vị phối hợp với tổ chức công đoàn tham mưu cấp ủy"
    assert duty in re.sub(r"\s+", " ", doc.text)
    # "Nơi nhận" and "GIÁM ĐỐC" come out of OCR on one line; the signer is still found
    assert (doc.signer, doc.signer_title) == ("Nguyễn Thanh Tiệp", "Giám đốc")


def _duties(store: CorpusStore) -> list[tuple[str, str]]:
    from retrieval.answers import Answerer
    from retrieval.encoder import HashEncoder
    from retrieval.indexing import IndexBuilder

    retriever = IndexBuilder(store, encoder=HashEncoder())
    retriever.refresh()
    answer = Answerer(store, retriever).answer("Các đơn vị phải làm gì?")
    assert answer.intent == "obligation", answer
    return [(ob.actor, " ".join(ob.action.split())) for ob in answer.obligations]


@needs_ocr
@needs_font
@pytest.mark.slow
def test_scanned_dispatch_lists_the_same_duties_as_its_text(tmp_path: Path) -> None:
    from corpus.db import make_engine
    from corpus.ingest import ingest_text

    stores = []
    for name in ("scan", "text"):
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        stores.append(CorpusStore(engine))
    text = _signed_seed()
    assert ingest_bytes(stores[0], render_dispatch(text, seed=5).pdf, "cv-1234-scan.pdf").ok
    assert ingest_text(stores[1], text, source_name="cv-1234.txt").ok
    scanned, typed = _duties(stores[0]), _duties(stores[1])
    print("\nduties from the scan:", *scanned, sep="\n  ")
    assert scanned, "no duty listed from the scanned dispatch"
    assert [actor for actor, _ in scanned] == [actor for actor, _ in typed]
    from rapidfuzz.fuzz import ratio

    # one duty's sentence runs over the scan's page break: it must come out whole
    for (_, got), (_, want) in zip(scanned, typed, strict=True):
        assert ratio(got, want) >= 95, (got, want)


def _image_only_pdf(pages: int) -> bytes:
    import io

    from PIL import Image

    images = [Image.new("RGB", (200, 280), "white") for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=24, save_all=True, append_images=images[1:])
    return buf.getvalue()


def _refused(data: bytes) -> ExtractionError:
    with pytest.raises(ExtractionError) as info:
        extract_text(data, "scan.pdf")
    assert str(info.value)[0].isupper() and str(info.value).endswith(".")
    return info.value


def test_scan_without_tesseract_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    err = _refused(_image_only_pdf(1))
    assert err.code == "needs_ocr" and "tesseract-ocr-vie" in str(err)


def test_too_many_scanned_pages_refused_before_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: True)
    monkeypatch.setattr(ocr, "MAX_OCR_PAGES", 2)
    monkeypatch.setattr(ocr, "_ocr_page", lambda *_: pytest.fail("OCR ran past the page limit"))
    err = _refused(_image_only_pdf(3))
    assert err.code == "too_long" and "giới hạn là 2 trang" in str(err)


@needs_ocr
def test_ocr_page_timeout_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "OCR_PAGE_TIMEOUT_S", 0.001)
    err = _refused(_image_only_pdf(1))
    assert err.code == "timeout" and "trang 1" in str(err)


@needs_ocr
def test_blank_page_without_image_is_not_ocred(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "_ocr_page", lambda *_: pytest.fail("a page without an image was OCRed"))
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    import io

    buf = io.BytesIO()
    writer.write(buf)
    assert _refused(buf.getvalue()).code == "no_text_layer"


def test_seal_and_signature_ink_are_dropped_black_print_kept() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 40), (225, 225, 225))  # mostly paper
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 39, 39), fill=(205, 30, 40))  # seal red
    draw.rectangle((40, 0, 79, 39), fill=(35, 45, 160))  # signature blue
    draw.rectangle((80, 0, 119, 39), fill=(20, 20, 20))  # print
    grey = ocr.drop_colour_ink(image)
    assert grey.getpixel((20, 20)) > 200 and grey.getpixel((60, 20)) > 200
    assert grey.getpixel((100, 20)) < 40



def test_misread_hyphen_in_a_document_symbol_is_restored() -> None:
    assert ocr.tidy_ocr_text("Số: 1234/SGDĐT:TCCTTT Long An, ngày 25") == "Số: 1234/SGDĐT-TCCTTT Long An, ngày 25"
    assert ocr.tidy_ocr_text("Số: 12/KH–UBND") == "Số: 12/KH-UBND"
    assert ocr.tidy_ocr_text("Ghi chú: lúc 7/6: họp") == "Ghi chú: lúc 7/6: họp"


def test_pdfs_read_from_many_threads_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFium is not thread-safe; every call into it holds one lock, so uploads in parallel
    threads neither crash the process nor mix their pages."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.corpus.test_extraction import _pdf_bytes

    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    texts = [_pdf_bytes([[f"Công văn số {i}/SGDĐT-VP về kế hoạch năm học."]]) for i in range(8)]
    scan = _image_only_pdf(2)

    def read(i: int) -> str:
        if i % 2:
            try:
                extract_text(scan, "scan.pdf")
            except ExtractionError as exc:
                return exc.code
        return extract_text(texts[i % 8], "cv.pdf").text.strip()

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(read, range(24)))
    for i, result in enumerate(results):
        assert result == ("needs_ocr" if i % 2 else f"Công văn số {i % 8}/SGDĐT-VP về kế hoạch năm học.")
