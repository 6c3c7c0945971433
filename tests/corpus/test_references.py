"""corpus.references: the documents a document cites, one entry each, strongest relation."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.docnumbers import parse_number
from corpus.parsing import parse_document
from corpus.references import (
    CAN_CU,
    MENTION,
    THUC_HIEN,
    ParsedReference,
    cites,
    extract_references,
)
from corpus.text import clean_text

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def _read(path: Path) -> str:
    if not path.is_file():
        pytest.skip(f"{path} is not available (../shared beside the checkout)")
    return clean_text(path.read_text(encoding="utf-8"))


def _by_key(refs: list[ParsedReference]) -> dict[str, ParsedReference]:
    return {r.number.key: r for r in refs}


def test_seed_000_cites_three_documents() -> None:
    seeds = SHARED / "seeds"
    path = next(iter(sorted(seeds.glob("000_*.txt"))), None) if seeds.is_dir() else None
    if path is None:
        pytest.skip("../shared/seeds/000_* is not available")
    text = _read(path)
    doc = parse_document(text, source_name=path.name)
    refs = extract_references(text, self_number=doc.number)
    assert [r.number.key for r in refs] == ["NQ 02-NQ/TW 2021", "KH 37-KH/TU 2021", "CV 11276 2021"]
    nq, kh, cv = refs
    assert nq.relation == CAN_CU
    assert nq.raw == "Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị"
    assert (nq.ref_type, nq.date_text, nq.issuer) == ("Nghị quyết", "12/06/2021", "Bộ Chính trị")
    assert text[nq.start : nq.end].startswith("Nghị quyết số 02-NQ/TW")
    assert kh.relation == THUC_HIEN
    assert (kh.ref_type, kh.date_text, kh.issuer) == ("Kế hoạch", "29/10/2021", "Tỉnh ủy Long An")
    assert cv.relation == THUC_HIEN
    assert cv.number.type_code == "CV"
    assert (cv.ref_type, cv.date_text) == ("Công văn", "12/11/2021")
    assert cv.issuer == "Ủy ban nhân dân tỉnh Long An"


def test_corpus_sample_mentions() -> None:
    path = (
        SHARED
        / "corpus-samples"
        / "cong-van-5208-BGDDT-GDPT-2026_nhiem-vu-GDPT-nam-hoc-2026-2027.txt"
    )
    text = _read(path)
    doc = parse_document(text, source_name=path.name)
    refs = _by_key(extract_references(text, self_number=doc.number))
    tt = refs["TT 32 2018"]
    assert tt.raw == "Thông tư số 32/2018/TT-BGDĐT ngày 26/12/2018"
    assert (tt.ref_type, tt.date_text) == ("Thông tư", "26/12/2018")
    cv = refs["CV 2345 2021"]
    assert cv.raw == "Công văn số 2345/BGDĐT-GDTH ngày 07/6/2021"
    assert cv.date_text == "07/06/2021"
    law = refs["L 43 2019"]
    assert law.raw == "Luật Giáo dục số 43/2019/QH14"
    assert "CV 5208 2026" not in refs  # never the document itself


def test_decree_bases() -> None:
    path = (
        SHARED / "corpus-samples" / "nghi-dinh-299-2026-ND-CP_to-chuc-don-vi-su-nghiep-cong-lap.txt"
    )
    text = _read(path)
    doc = parse_document(text, source_name=path.name)
    refs = _by_key(extract_references(text, self_number=doc.number))
    assert refs["L 63 2025"].relation == CAN_CU
    assert refs["L 63 2025"].raw == "Luật Tổ chức Chính phủ số 63/2025/QH15"
    assert refs["NĐ 120 2020"].issuer == "Chính phủ"
    assert "NĐ 299 2026" not in refs


def test_type_name_sets_type_code_and_date_sets_year() -> None:
    refs = extract_references(
        "Thực hiện Văn bản số 777/TTg-TCCV ngày 10/7/2026 của Thủ tướng Chính phủ về việc sắp xếp;"
    )
    assert len(refs) == 1
    ref = refs[0]
    assert ref.number.key == "CV 777 2026"
    assert ref.relation == THUC_HIEN
    assert ref.issuer == "Thủ tướng Chính phủ"


def test_symbol_type_wins_over_a_conflicting_name() -> None:
    refs = extract_references(
        "Thông báo Kết luận số 105-TB/VPTW ngày 24/6/2026 của Văn phòng Trung ương."
    )
    assert refs[0].number.type_code == "TB"
    assert refs[0].ref_type == "Thông báo"


def test_law_name_between_type_and_number() -> None:
    refs = extract_references("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;\n")
    assert refs[0].raw == "Luật Thi đua, khen thưởng số 06/2022/QH15"
    assert refs[0].number.key == "L 06 2022"
    assert refs[0].relation == CAN_CU


def test_dedupe_keeps_first_position_and_strongest_relation() -> None:
    text = (
        "V/v triển khai Nghị quyết số 02-NQ/TW\n"
        "Căn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị;\n"
        "Thực hiện Kế hoạch số 37-KH/TU ngày 29/10/2021 của Tỉnh ủy về việc thực hiện "
        "Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị;\n"
    )
    refs = extract_references(text)
    assert [(r.number.key, r.relation) for r in refs] == [
        ("NQ 02-NQ/TW 2021", CAN_CU),
        ("KH 37-KH/TU 2021", THUC_HIEN),
    ]


def test_second_document_in_a_clause_is_a_mention() -> None:
    text = (
        "Căn cứ Nghị quyết số 44/NQ-CP ngày 09 tháng 6 năm 2014 của Chính phủ ban hành Chương "
        "trình hành động thực hiện Nghị quyết số 29-NQ/TW ngày 04 tháng 11 năm 2013;\n"
    )
    refs = _by_key(extract_references(text))
    assert refs["NQ 44 2014"].relation == CAN_CU
    assert refs["NQ 44 2014"].date_text == "09/06/2014"
    assert refs["NQ 29-NQ/TW 2013"].relation == MENTION


def test_theo_de_nghi_is_not_implementation() -> None:
    refs = extract_references("Theo đề nghị của Giám đốc Sở tại Tờ trình số 15/TTr-SGDĐT;\n")
    assert refs and refs[0].relation == MENTION


def test_self_number_and_header_line_are_excluded() -> None:
    text = (
        "CHÍNH PHỦ\nSố: 30/2020/NĐ-CP\nHà Nội, ngày 05 tháng 3 năm 2020\n"
        "Nghị định này thay thế Nghị định số 110/2004/NĐ-CP ngày 08 tháng 4 năm 2004 của "
        "Chính phủ về công tác văn thư. Nghị định số 30/2020/NĐ-CP có hiệu lực từ ngày ký.\n"
    )
    assert [r.number.key for r in extract_references(text)] == ["NĐ 110 2004", "NĐ 30 2020"]
    own = parse_number("30/2020/NĐ-CP")
    keys = [r.number.key for r in extract_references(text, self_number=own)]
    assert keys == ["NĐ 110 2004"]


def test_dataset_title_line_is_not_a_reference() -> None:
    text = "# title: Công văn số 4054/BGDĐT-GDPT (2026): đẩy mạnh\n\n1. Mục đích\n"
    assert extract_references(text) == []


def test_split_number_and_no_numbers() -> None:
    refs = extract_references("hiệu quả Nghị quyết số 71-\nNQ/TW, Chương trình hành động")
    assert [r.number.key for r in refs] == ["NQ 71-NQ/TW"]
    assert extract_references("") == []
    assert extract_references("Không có số hiệu văn bản nào ở đây.") == []


@pytest.mark.parametrize(
    ("ref_number", "ref_key", "doc_number", "doc_year", "expected"),
    [
        ("58/2014/QH13", "L 58 2014", "58/2010/QH12", 2010, False),  # BHXH is not Viên chức
        ("58/2010/QH12", "L 58 2010", "58/2010/QH12", 2010, True),
        ("02-NQ/TW", "NQ 02-NQ/TW 2021", "02-NQ/TW", 2021, True),
        ("02-NQ/TW", "NQ 02-NQ/TW 2016", "02-NQ/TW", 2021, False),  # another year's NQ 02
        ("02-NQ/TW", "NQ 02-NQ/TW", "02-NQ/TW", 2021, True),  # no date printed: number decides
        ("5208/BGDĐT-GDPT", "CV 5208", "5208/BGDĐT-GDPT", 2026, True),
        ("5208/UBND-VX", "CV 5208", "5208/BGDĐT-GDPT", 2026, False),  # another issuer
        ("30/2020/NĐ-CP", "NĐ 30 2020", "30/2020/NĐ-CP", 2020, True),
    ],
)
def test_cites_checks_year_and_issuer(
    ref_number: str, ref_key: str, doc_number: str, doc_year: int, expected: bool
) -> None:
    assert cites(ref_number, ref_key, doc_number, doc_year) is expected
