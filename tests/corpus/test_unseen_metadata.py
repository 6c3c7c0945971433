"""Metadata accuracy on real documents the parser was not written against
(tests/corpus/unseen: .docx, the text PDF printed from it, and a printed-stamped-scanned copy
read by OCR), field by field against expected.json, which was written by reading them.

The floors are what the parser reaches today; a change that loses a field fails here. The
table per field and form: ``bench/metadata_accuracy.py``.
"""

from __future__ import annotations

import pytest

from corpus.extraction import extract_text, ocr
from corpus.parsing import parse_document
from tests.corpus.scans import font_path
from tests.corpus.unseen_check import FIELDS, UNSEEN, Tally, expected
from tests.corpus.unseen_render import to_scan

# Fraction of all fields right, and of each field, per form.
FLOORS = {"docx": (0.98, 0.92), "pdf": (0.98, 0.92)}
SCAN_FLOORS = (0.90, 0.75)
SCANNED = ("cv-2864-ldtbxh-ncc-2015", "qd-986-ubnd-tuyen-quang-2024", "nq-494-ubtvqh13-2012")


def _check(tally: Tally, form: str, floors: tuple[float, float]) -> None:
    overall, per_field = floors
    print(f"\n{form}: " + ", ".join(f"{f} {tally.accuracy(f):.2f}" for f in FIELDS))
    for miss in tally.misses:
        print("  miss:", miss)
    assert tally.accuracy() >= overall, tally.misses
    for name in FIELDS:
        assert tally.accuracy(name) >= per_field, (name, tally.misses)


def test_every_document_has_its_forms_and_source() -> None:
    sources = (UNSEEN / "SOURCES.md").read_text(encoding="utf-8")
    docs = expected()
    assert len(docs) >= 12
    for stem, fields in docs.items():
        for suffix in (".txt", ".docx", ".pdf"):
            assert (UNSEEN / f"{stem}{suffix}").is_file(), f"{stem}{suffix} missing"
        assert stem in sources, f"{stem} has no entry in SOURCES.md"
        assert set(fields) == set(FIELDS), stem


@pytest.mark.parametrize("form", ["docx", "pdf"])
def test_unseen_documents_metadata_accuracy(form: str) -> None:
    tally = Tally.empty()
    for stem, fields in sorted(expected().items()):
        name = f"{stem}.{form}"
        text = extract_text((UNSEEN / name).read_bytes(), name).text
        tally.add(name, parse_document(text, source_name=name), fields)
    _check(tally, form, FLOORS[form])


@pytest.mark.skipif(
    not ocr.ocr_available() or font_path() is None,
    reason="tesseract-ocr-vie or a serif font to print the page is not installed",
)
@pytest.mark.slow
def test_unseen_scans_metadata_accuracy() -> None:
    tally = Tally.empty()
    docs = expected()
    for stem in SCANNED:
        scan = to_scan((UNSEEN / f"{stem}.txt").read_text(encoding="utf-8"))
        text = extract_text(scan.pdf, f"{stem}-scan.pdf").text
        tally.add(f"{stem}.scan", parse_document(text, source_name=f"{stem}.pdf"), docs[stem])
    _check(tally, "scan", SCAN_FLOORS)
