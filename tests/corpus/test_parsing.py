"""corpus.parsing: metadata of Vietnamese administrative documents (thể thức NĐ 30/2020)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.docnumbers import NEWS_TYPE
from corpus.parsing import ParsedDocument, parse_document
from corpus.parsing.document import read_document
from corpus.text import clean_text

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLES = SHARED / "corpus-samples"
EXPECTED = Path(__file__).with_name("expected_metadata.json")


def _read(path: Path) -> str:
    if not path.is_file():
        pytest.skip(f"{path} is not available (../shared beside the checkout)")
    return clean_text(path.read_text(encoding="utf-8"))


def _seed(prefix: str) -> tuple[str, str]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    path = next(iter(sorted(SEEDS.glob(f"{prefix}_*.txt"))), None)
    if path is None:
        pytest.skip(f"seed {prefix} is missing")
    return _read(path), path.name


# --------------------------------------------------------------------------- seeds


def test_seed_000_dispatch() -> None:
    text, name = _seed("000")
    doc = parse_document(text, source_name=name)
    assert doc.doc_type == "Công văn"
    assert doc.issuer == "Sở Giáo dục và Đào tạo"
    assert doc.parent_issuer == "UBND tỉnh Long An"
    assert doc.raw["issuer"] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert doc.raw["parent_issuer"] == "UBND TỈNH LONG AN"
    assert doc.number is not None
    assert doc.number.number is None
    assert doc.number.symbol == "SGDDĐT-TCCTTT"
    assert doc.number.printed == "/SGDDĐT-TCCTTT"
    assert doc.raw["number"] == "Số: /SGDDĐT-TCCTTT"
    assert doc.place == "Long An"
    assert doc.date_text == "11/2021"
    assert doc.issue_date is None
    assert doc.year == 2021
    assert doc.raw["date"] == "Long An, ngày tháng 11 năm 2021"
    assert doc.subject is not None
    assert doc.subject.startswith(
        "triển khai, thực hiện Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị về đổi "
        "mới tổ chức và hoạt động Công đoàn"
    )
    assert "\n" not in doc.subject and not doc.subject.startswith("V/v")
    assert doc.title.startswith("Công văn /SGDDĐT-TCCTTT V/v triển khai, thực hiện Nghị quyết")
    assert doc.signer == "Nguyễn Thanh Tiệp"
    assert doc.signer_title == "Giám đốc"
    assert doc.recipients == [
        "Công đoàn ngành Giáo dục và Đào tạo",
        "Phòng GD&ĐT các huyện, thị xã, thành phố",
        "Các đơn vị trực thuộc Sở",
    ]
    assert doc.cc == ["Như trên", "Lưu: VT, TC-CTTT"]
    assert text[doc.body_start :].startswith("Căn cứ Nghị quyết số 02-NQ/TW")


def test_seed_002_news() -> None:
    text, name = _seed("002")
    doc = parse_document(text, source_name=name)
    assert doc.doc_type == NEWS_TYPE
    assert doc.title == (
        "Ký kết phối hợp công tác giữa Công đoàn ngành Giáo dục Hà Nội và Sở GD&ĐT Hà Nội"
    )
    assert doc.number is None
    assert doc.issue_date is None
    assert doc.date_text in (None, "06/09", "6/9")
    assert text[doc.body_start :].startswith("GD&TĐ - Chiều nay")


# --------------------------------------------------------------------------- hand-checked corpus


def _field(doc: ParsedDocument, name: str) -> object:
    if name == "number":
        return "".join(doc.number.raw.split()) if doc.number is not None else None
    return getattr(doc, name)


def test_corpus_samples_field_accuracy() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/corpus-samples is not beside the checkout")
    expected: dict[str, dict[str, object]] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    expected.pop("_comment", None)
    assert len(expected) == 22
    total = correct = 0
    misses: list[str] = []
    for filename, fields in sorted(expected.items()):
        path = SAMPLES / filename
        assert path.is_file(), f"{filename} is listed in expected_metadata.json but missing"
        doc = parse_document(_read(path), source_name=filename)
        for name, want in fields.items():
            if want is None:
                continue
            total += 1
            got = _field(doc, name)
            if got == want:
                correct += 1
            else:
                misses.append(f"{filename}: {name} = {got!r}, expected {want!r}")
    accuracy = correct / total
    print(f"\nmetadata field accuracy: {correct}/{total} = {accuracy:.3f}")
    for miss in misses:
        print("  miss:", miss)
    assert accuracy >= 0.90, misses


# --------------------------------------------------------------------------- layouts


PARTY = """ĐẢNG CỘNG SẢN VIỆT NAM
BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số 02-NQ/TW
Hà Nội, ngày 12 tháng 6 năm 2021
NGHỊ QUYẾT
CỦA BỘ CHÍNH TRỊ
về đổi mới tổ chức và hoạt động của Công đoàn Việt Nam trong tình hình mới
I. TÌNH HÌNH VÀ NGUYÊN NHÂN
Công đoàn Việt Nam là tổ chức chính trị - xã hội rộng lớn của giai cấp công nhân.
T/M BỘ CHÍNH TRỊ
"""


def test_party_resolution() -> None:
    doc = parse_document(clean_text(PARTY))
    assert doc.doc_type == "Nghị quyết"
    assert doc.number is not None and doc.number.key == "NQ 02-NQ/TW 2021"
    assert doc.raw["number"] == "Số 02-NQ/TW"
    assert doc.issuer == "Bộ Chính trị"
    assert doc.parent_issuer == "Ban Chấp hành Trung ương"
    assert doc.date_text == "12/06/2021"
    assert doc.issue_date == datetime.date(2021, 6, 12)
    assert doc.place == "Hà Nội"
    assert doc.subject == (
        "về đổi mới tổ chức và hoạt động của Công đoàn Việt Nam trong tình hình mới"
    )
    assert doc.title.startswith("Nghị quyết 02-NQ/TW về đổi mới")


FLATTENED = """UBND HUYỆN ĐỨC HÒA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHÒNG GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc
Số: 215/PGDĐT-TCCB Đức Hòa, ngày 05 tháng 01 năm 2022
V/v tổ chức hội nghị cán bộ,
công chức năm 2022
Kính gửi: Hiệu trưởng các trường trực thuộc.
Thực hiện Công văn số 11276/UBND-VHXXH ngày 12/11/2021 của Ủy ban nhân dân tỉnh Long An;
Phòng Giáo dục và Đào tạo hướng dẫn như sau.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. TRƯỞNG PHÒNG
PHÓ TRƯỞNG PHÒNG
(Đã ký)
Trần Văn Bình
"""


def test_flattened_two_column_header() -> None:
    text = clean_text(FLATTENED)
    doc = parse_document(text)
    assert doc.doc_type == "Công văn"
    assert doc.parent_issuer == "UBND huyện Đức Hòa"
    assert doc.issuer == "Phòng Giáo dục và Đào tạo"
    assert doc.number is not None and doc.number.raw == "215/PGDĐT-TCCB"
    assert doc.number.key == "CV 215 2022"
    assert doc.place == "Đức Hòa"
    assert doc.issue_date == datetime.date(2022, 1, 5)
    assert doc.subject == "tổ chức hội nghị cán bộ, công chức năm 2022"
    assert doc.recipients == ["Hiệu trưởng các trường trực thuộc"]
    assert doc.signer == "Trần Văn Bình"
    assert doc.signer_title == "Phó Trưởng phòng"
    assert doc.raw["signer_title"] == "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG"
    assert doc.cc == ["Như trên", "Lưu: VT"]
    assert text[doc.body_start :].startswith("Thực hiện Công văn số 11276")


LAW = """QUỐC HỘI
--------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------
Luật số: 43/2019/QH14
Hà Nội, ngày 14 tháng 6 năm 2019
LUẬT
GIÁO DỤC
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Giáo dục.
"""


def test_law_header() -> None:
    text = clean_text(LAW)
    doc = parse_document(text)
    assert (doc.doc_type, doc.issuer, doc.title) == (
        "Luật",
        "Quốc hội",
        "Luật Giáo dục số 43/2019/QH14",
    )
    assert doc.number is not None and doc.number.key == "L 43 2019"
    assert doc.date_text == "14/06/2019"
    assert text[doc.body_start :].startswith("Căn cứ Hiến pháp")


def test_title_line_fallback() -> None:
    text = (
        "# source: github.com/x/y @ abc : legal-sources/5208-BGDĐT-GDPT 2026 Công văn.txt\n"
        "# title: Công văn số 5208/BGDĐT-GDPT (2026): hướng dẫn thực hiện nhiệm vụ năm học\n"
        "\n"
        "A. NHIỆM VỤ CHUNG\n1. Tổ chức thực hiện hiệu quả Chương trình giáo dục phổ thông.\n"
    )
    doc = parse_document(text)
    assert doc.doc_type == "Công văn"
    assert doc.number is not None and doc.number.raw == "5208/BGDĐT-GDPT"
    assert doc.year == 2026
    assert doc.issuer == "Bộ Giáo dục và Đào tạo"
    assert doc.subject == "hướng dẫn thực hiện nhiệm vụ năm học"
    assert text[doc.body_start :].startswith("A. NHIỆM VỤ CHUNG")


def test_file_name_is_the_last_fallback() -> None:
    doc = parse_document("1. Mục đích, yêu cầu\n- Nội dung.\n", source_name="ke-hoach-12-2024.txt")
    assert doc.doc_type == "Kế hoạch"


def test_unknown_text() -> None:
    doc = parse_document("Một đoạn văn bản bình thường, không có phần đầu.\n")
    assert doc.doc_type == "Văn bản"
    assert doc.number is None
    assert doc.title == "Một đoạn văn bản bình thường, không có phần đầu."
    assert doc.body_start == 0


@pytest.mark.parametrize("text", ["", "\n\n", "Số:", "Kính gửi:", "Nơi nhận:\n-", "|", "# title:"])
def test_degenerate_inputs(text: str) -> None:
    doc = parse_document(text)
    assert isinstance(doc, ParsedDocument)
    assert 0 <= doc.body_start <= len(text)


_PIECES = st.sampled_from(
    [
        "UBND TỈNH LONG AN",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Số: /SGDĐT-VP",
        "Số 02-NQ/TW",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Long An, ngày tháng 11 năm 2021",
        "ngày 31 tháng 02 năm 2021",
        "V/v abc",
        "Kính gửi:",
        "- A;",
        "NGHỊ QUYẾT",
        "LUẬT",
        "Căn cứ",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "Nguyễn Văn A",
        "| a | b |",
        "# title: Luật",
        "(Kèm theo",
        "Phụ lục",
        "---",
        "*",
        "",
        " ",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=40)), max_size=25))
def test_never_raises(pieces: list[str]) -> None:
    text = "\n".join(pieces)
    # the parser itself, not the safety net in parse_document, must cope with anything
    doc = read_document(text)
    assert 0 <= doc.body_start <= len(text)
    if doc.issue_date is not None:
        assert doc.year == doc.issue_date.year


def test_docx_letter_end_to_end() -> None:
    """Header and signature blocks laid out in two-column tables, as Word templates do."""
    import io

    import docx

    from corpus.extraction import extract_text

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "UBND TỈNH LONG AN"
    for line in ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 2468/SGDĐT-VP", "V/v báo cáo kết quả", "năm học"):
        left.add_paragraph(line)
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Long An, ngày 03 tháng 12 năm 2021")
    document.add_paragraph("Kính gửi: Phòng GD&ĐT các huyện, thị xã, thành phố.")
    document.add_paragraph("Thực hiện Công văn số 11276/UBND-VHXXH ngày 12/11/2021 của UBND tỉnh;")
    document.add_paragraph("Sở Giáo dục và Đào tạo đề nghị các đơn vị báo cáo đúng hạn./.")
    footer = document.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left.text = "Nơi nhận:"
    left.add_paragraph("- Như trên;")
    left.add_paragraph("- Lưu: VT.")
    right.text = "KT. GIÁM ĐỐC"
    right.add_paragraph("PHÓ GIÁM ĐỐC")
    right.add_paragraph("")
    right.add_paragraph("Lê Thị Hoa")
    buf = io.BytesIO()
    document.save(buf)

    text = extract_text(buf.getvalue(), "cv-2468.docx").text
    doc = parse_document(text, source_name="cv-2468.docx")
    assert (doc.doc_type, doc.issuer, doc.parent_issuer) == (
        "Công văn",
        "Sở Giáo dục và Đào tạo",
        "UBND tỉnh Long An",
    )
    assert doc.number is not None and doc.number.key == "CV 2468 2021"
    assert doc.subject == "báo cáo kết quả năm học"
    assert doc.issue_date == datetime.date(2021, 12, 3)
    assert doc.recipients == ["Phòng GD&ĐT các huyện, thị xã, thành phố"]
    assert (doc.signer, doc.signer_title) == ("Lê Thị Hoa", "Phó Giám đốc")
    assert doc.cc == ["Như trên", "Lưu: VT"]
    assert text[doc.body_start :].startswith("Thực hiện Công văn số 11276")


DECISION = """ỦY BAN NHÂN DÂN
TỈNH LONG AN
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 1234/QĐ-UBND
Long An, ngày 15 tháng 02 năm 2022
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch thực hiện Nghị quyết số 02-NQ/TW
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LONG AN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thực hiện Nghị quyết số 02-NQ/TW.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Út
"""


def test_decision_with_issuer_name_on_two_lines() -> None:
    text = clean_text(DECISION)
    doc = parse_document(text)
    assert doc.doc_type == "Quyết định"
    assert doc.issuer == "Ủy ban nhân dân tỉnh Long An"
    assert doc.parent_issuer is None
    assert doc.number is not None and doc.number.key == "QĐ 1234 2022"
    assert doc.issue_date == datetime.date(2022, 2, 15)
    assert doc.subject == "Về việc ban hành Kế hoạch thực hiện Nghị quyết số 02-NQ/TW"
    assert (doc.signer, doc.signer_title) == ("Nguyễn Văn Út", "Phó Chủ tịch")
    assert doc.cc == ["Như Điều 3", "Lưu: VT"]
    assert text[doc.body_start :].startswith("Căn cứ Luật Tổ chức")


# The text layer of a union plan's PDF (issue #17): the issuer's name wrapped in its narrow
# cell, the motto wrapped in the other, both columns of the last lines on one line.
UNION_PLAN_PDF = """CÔNG ĐOÀN GIÁO DỤC VIỆT NAM
CÔNG ĐOÀN NGÀNH GIÁO DỤC
LONG AN
Số: 45/KH-CĐN
CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Long An, ngày 12 tháng 3 năm 2024
KẾ HOẠCH
Tổ chức Hội thi giáo viên dạy giỏi
năm học 2023-2024
Căn cứ Kế hoạch số 12/KH-CĐGD ngày 05/01/2024 của Công đoàn Giáo dục Việt Nam;
I. MỤC ĐÍCH, YÊU CẦU
1. Các công đoàn cơ sở tổ chức hội thi cấp trường trước ngày 30/3/2024.
Nơi nhận: TM. BAN THƯỜNG VỤ
- CĐGD Việt Nam; CHỦ TỊCH
- Các CĐCS trực thuộc;
- Lưu: VT.
Trần Văn Minh
"""


def test_union_plan_pdf_text_layer() -> None:
    doc = parse_document(UNION_PLAN_PDF)
    assert doc.issuer == "Công đoàn ngành Giáo dục Long An"
    assert doc.parent_issuer == "Công đoàn Giáo dục Việt Nam"
    assert doc.issue_date == datetime.date(2024, 3, 12)
    assert doc.subject == "Tổ chức Hội thi giáo viên dạy giỏi năm học 2023-2024"
    assert (doc.signer, doc.signer_title) == ("Trần Văn Minh", "Chủ tịch")
    assert doc.cc == ["CĐGD Việt Nam", "Các CĐCS trực thuộc", "Lưu: VT"]


# A ministry's name wrapped mid-name, the authority line run onto the title's last line,
# the "Nơi nhận" items interleaved with the signer's lines (LibreOffice PDF, pypdf).
WRAPPED_PDF = """BỘ LAO ĐỘNG – THƯƠNG
BINH
VÀ XÃ HỘI
Số: 12/QĐ-LĐTBXH
CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 03 tháng 12 năm 2018
QUYẾT ĐỊNH
VỀ VIỆC THÀNH LẬP TỔ CÔNG TÁC CHI TRẢ TRỢ CẤP QUA HỆ THỐNG BƯU ĐIỆN BỘ TRƯỞNG BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI
Căn cứ Nghị định số 14/2017/NĐ-CP;
Điều 1. Thành lập Tổ công tác.
Nơi nhận:
- Như Điều 3;
KT. BỘ TRƯỞNG
THỨ TRƯỞNG

- Lưu: VT, Vụ KHTC.
Lê Tấn Dũng
"""


def test_wrapped_header_and_interleaved_signer() -> None:
    doc = parse_document(WRAPPED_PDF)
    assert doc.issuer == "Bộ Lao động - Thương binh và Xã hội"
    assert doc.parent_issuer is None
    assert doc.issue_date == datetime.date(2018, 12, 3)
    assert doc.subject == (
        "Về việc thành lập tổ công tác chi trả trợ cấp qua hệ thống bưu điện"
    )
    assert (doc.signer, doc.signer_title) == ("Lê Tấn Dũng", "Thứ trưởng")


def test_title_naming_a_body_keeps_it() -> None:
    text = WRAPPED_PDF.replace(
        "BỘ TRƯỞNG BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "VÀ ỦY BAN NHÂN DÂN TỈNH LONG AN"
    )
    doc = parse_document(text)
    assert doc.subject is not None and doc.subject.endswith("và Ủy ban nhân dân tỉnh Long An")


def test_three_issuer_lines_give_the_nearest_parent() -> None:
    text = "LĐLĐ TỈNH LONG AN\nCÔNG ĐOÀN NGÀNH GIÁO DỤC\nCÔNG ĐOÀN TRƯỜNG THPT TÂN AN\n" + (
        UNION_PLAN_PDF.split("\n", 3)[3]
    )
    doc = parse_document(text)
    assert doc.parent_issuer == "Công đoàn ngành Giáo dục"
    assert doc.issuer is not None and doc.issuer.startswith("Công đoàn trường THPT")


# Tesseract's reading of a scanned dispatch: the two header columns side by side on each
# line, the date run into the wrapped "V/v", a blank line inside it, the "Nơi nhận" column
# and the signer's on the same lines, the name misread under the signature.
OCR_DISPATCH = """BỘ XÂY DỰNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 2428/BXD-QLN
V/v: Hỗ trợ người có công với cách Hà Nội, ngày 15 tháng 11 năm 2013 mạng về nhà ở theo

Quyết định số 22/2013/QĐ-TTg

Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương

Thực hiện Quyết định số 22/2013/QĐ-TTg ngày 26/4/2013 về hỗ trợ người có công về nhà ở.

Nơi nhận: KE BỘ TRƯỞNG
- Như trên; THỨ TRƯỞNG
- Bộ Tài chính; ~ :
(để b/c) Nguyên Trần Nam
- Lưu: VT, QLN.
"""


def test_ocr_reading_of_a_scanned_dispatch() -> None:
    doc = parse_document(OCR_DISPATCH)
    assert doc.issue_date == datetime.date(2013, 11, 15) and doc.place == "Hà Nội"
    assert doc.subject == (
        "Hỗ trợ người có công với cách mạng về nhà ở theo Quyết định số 22/2013/QĐ-TTg"
    )
    assert (doc.signer, doc.signer_title) == ("Nguyễn Trần Nam", "Thứ trưởng")


def test_date_cited_in_the_vv_is_not_the_issue_date() -> None:
    text = OCR_DISPATCH.replace("cách Hà Nội, ngày 15 tháng 11 năm 2013 mạng", "cách mạng ngày 12/6/2013")
    assert parse_document(text).issue_date is None
