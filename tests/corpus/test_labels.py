"""corpus.labels: the names documents go by, for people."""

from __future__ import annotations

import pytest

from corpus.docnumbers import NEWS_TYPE
from corpus.labels import (
    document_label,
    document_title,
    passage_context,
    reference_label,
    short_label,
    status_suffix,
)
from corpus.models import Document, DocumentStatus


def _doc(**fields: object) -> Document:
    base: dict[str, object] = {
        "doc_type": "Công văn",
        "number": "5208/BGDĐT-GDPT",
        "issuer": "Bộ Giáo dục và Đào tạo",
        "subject": "hướng dẫn nhiệm vụ giáo dục phổ thông",
        "title": "Công văn 5208/BGDĐT-GDPT V/v hướng dẫn nhiệm vụ giáo dục phổ thông",
        "sha256": "0" * 64,
    }
    base.update(fields)
    return Document(**base)


# --------------------------------------------------------------------------- document_label


def test_document_label_full() -> None:
    assert document_label(_doc()) == (
        "Công văn số 5208/BGDĐT-GDPT của Bộ Giáo dục và Đào tạo: "
        "hướng dẫn nhiệm vụ giáo dục phổ thông"
    )


def test_document_label_blank_number_has_no_so() -> None:
    label = document_label(_doc(number="/SGDĐT-TC", issuer=None, subject=None))
    assert label == "Công văn /SGDĐT-TC"


def test_document_label_subject_without_number() -> None:
    label = document_label(_doc(number=None, issuer=None, subject="về đổi mới"))
    assert label == "Công văn: về đổi mới"


def test_document_label_falls_back_on_title_then_type() -> None:
    assert document_label(_doc(number=None, subject=None)) == _doc().title
    assert document_label(_doc(number=None, subject=None, title="")) == "Công văn"
    news = _doc(doc_type=NEWS_TYPE, title="Hà Nội phối hợp với công đoàn")
    assert document_label(news) == "Hà Nội phối hợp với công đoàn"


def test_passage_context() -> None:
    doc = _doc(issuer=None, subject=None)
    assert passage_context(doc, "") == "Công văn số 5208/BGDĐT-GDPT"
    assert passage_context(doc, "II > 2") == "Công văn số 5208/BGDĐT-GDPT — II > 2"


# --------------------------------------------------------------------------- document_title


def test_document_title() -> None:
    assert document_title(_doc()) == "Công văn số 5208/BGDĐT-GDPT"
    assert document_title(_doc(number=None)) == _doc().title
    assert document_title(_doc(number=None, title="")) == "Công văn"
    assert document_title(_doc(doc_type=NEWS_TYPE, title="Tin")) == "Tin"


# --------------------------------------------------------------------------- short_label


def test_short_label() -> None:
    assert short_label(_doc()) == "Công văn 5208/BGDĐT-GDPT"
    assert short_label(_doc(number=None, title="x" * 100)) == "x" * 80
    blank = _doc(number="/SGDĐT-TC", issuer="Sở Giáo dục và Đào tạo (UBND tỉnh Long An)")
    assert short_label(blank) == "Công văn /SGDĐT-TC của Sở Giáo dục và Đào tạo (UBND tỉnh Long An)"


@pytest.mark.parametrize(
    ("status", "suffix"),
    [
        (DocumentStatus.IN_FORCE, ""),
        (DocumentStatus.SUPERSEDED, " [ĐÃ BỊ THAY THẾ]"),
        (DocumentStatus.WITHDRAWN, " [ĐÃ BỊ THU HỒI]"),
        ("draft", " [DRAFT]"),
    ],
)
def test_status_suffix(status: str, suffix: str) -> None:
    assert status_suffix(_doc(status=status)) == suffix


# --------------------------------------------------------------------------- reference_label


def test_reference_label() -> None:
    assert reference_label("Công văn", "11276/UBND-VHXXH", "x") == "Công văn 11276/UBND-VHXXH"
    assert reference_label(None, "11276/UBND-VHXXH", "x") == "11276/UBND-VHXXH"
    assert reference_label("Luật", None, "Luật Giáo dục " * 20) == ("Luật Giáo dục " * 20)[:120]
