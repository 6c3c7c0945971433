"""Header questions ("ai ký", "gửi những đơn vị nào", "ban hành ngày nào", "về việc gì")
answered by the document's header and signature lines (retrieval.answers.header)."""

from __future__ import annotations

import pytest

from corpus.models import Document
from retrieval.answers.direct import direct_answer
from retrieval.answers.header import header_kind, header_lines
from retrieval.answers.model import Citation, DocumentGroup, Quote
from retrieval.query import parse_query

HEADER = (
    "UBND HUYỆN BÌNH CHÁNH\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 215/PGDĐT-TCCB\n"
    "V/v tổ chức hội thi giáo viên dạy\ngiỏi cấp huyện năm học\n2025-2026\n\n"
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
    "Bình Chánh, ngày 03 tháng 10 năm 2025\n\nKính gửi:\n\n- Hiệu trưởng các trường tiểu học;\n"
    "- Hiệu trưởng các trường trung học cơ sở.\n\n"
)
BODY = (
    "Phòng Giáo dục và Đào tạo đề nghị các trường đăng ký danh sách giáo viên dự thi "
    "trước ngày 20/10/2025.\n\n"
)
TAIL = "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG\n\nTrần Văn Bình"
TEXT = HEADER + BODY + TAIL


def _doc() -> Document:
    return Document(
        id=3,
        doc_type="Công văn",
        number="215/PGDĐT-TCCB",
        sha256="x",
        text=TEXT,
        signer="Trần Văn Bình",
        signer_title="Phó Trưởng phòng",
        raw={
            "number": "Số: 215/PGDĐT-TCCB",
            "date": "Bình Chánh, ngày 03 tháng 10 năm 2025",
            "subject": "tổ chức hội thi giáo viên dạy\ngiỏi cấp huyện năm học\n2025-2026",
            "issuer": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
            "parent_issuer": "UBND HUYỆN BÌNH CHÁNH",
            "signer": "Trần Văn Bình",
            "signer_title": "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG",
            "recipients": "Kính gửi:\n- Hiệu trưởng các trường tiểu học;\n"
            "- Hiệu trưởng các trường trung học cơ sở.",
        },
    )


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Ai ký công văn 215 về hội thi giáo viên giỏi?", "signer"),
        ("ai ky cong van 215", "signer"),
        ("Công văn 215 gửi những đơn vị nào?", "recipients"),
        ("cong van 215 gui cho ai", "recipients"),
        ("Cơ quan nào ban hành công văn 215?", "issuer"),
        ("công văn 215 ban hành ngày nào", "date"),
        ("CV 215 về việc gì?", "subject"),
        ("hội thi giáo viên giỏi được tổ chức bằng văn bản nào", "which"),
        ("Giáo viên dự thi phải đăng ký trước ngày nào?", None),
        ("Trường nào được ký kết hợp đồng?", None),  # "ký kết" is not "ai ký"
    ],
)
def test_header_questions_are_told_apart(question: str, kind: str | None) -> None:
    assert header_kind(parse_query(question)) == kind


def test_signer_lines_come_from_the_signature_and_the_issuer_block() -> None:
    lines = header_lines(_doc(), "signer", len(HEADER))
    assert lines == [
        "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG\nTrần Văn Bình",
        "UBND HUYỆN BÌNH CHÁNH\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
    ]


def test_recipients_keep_their_list_and_a_wrapped_subject_reads_as_one_line() -> None:
    doc = _doc()
    assert header_lines(doc, "recipients", len(HEADER)) == [
        "Kính gửi:\n- Hiệu trưởng các trường tiểu học;\n- Hiệu trưởng các trường trung học cơ sở."
    ]
    assert header_lines(doc, "subject", len(HEADER)) == [
        "Số: 215/PGDĐT-TCCB",
        "V/v tổ chức hội thi giáo viên dạy giỏi cấp huyện năm học 2025-2026",
    ]
    assert header_lines(doc, "date", len(HEADER))[0] == "Bình Chánh, ngày 03 tháng 10 năm 2025"


def test_a_field_not_printed_in_the_header_is_not_quoted() -> None:
    doc = _doc()
    doc.raw = {**doc.raw, "date": "2024"}  # e.g. from a file name: not in the header
    assert header_lines(doc, "date", len(HEADER)) == ["Số: 215/PGDĐT-TCCB"]
    doc.raw = {**doc.raw, "signer": "Lê Thị Hoa"}
    doc.signer = "Lê Thị Hoa"
    assert header_lines(doc, "signer", len(HEADER)) == []


def _group() -> DocumentGroup:
    cit = Citation(
        document_id=3,
        doc_type="Công văn",
        number="215/PGDĐT-TCCB",
        number_key=None,
        issuer="Phòng GD&ĐT",
        date_text="03/10/2025",
        subject=None,
        title="",
        status="in_force",
    )
    return DocumentGroup(cit, [Quote(9, 3, "", BODY.strip(), 0, len(BODY), 1.0)])


def test_direct_answer_quotes_the_header_for_a_header_question_only() -> None:
    doc = _doc()
    signer = direct_answer(
        parse_query("ai ky cong van ve hoi thi giao vien gioi"),
        [_group()],
        document=doc,
        body_start=len(HEADER),
    )
    assert signer[0].text.endswith("Trần Văn Bình") and len(signer) == 2
    deadline = direct_answer(
        parse_query("giáo viên dự thi đăng ký trước ngày nào"),
        [_group()],
        document=doc,
        body_start=len(HEADER),
    )
    assert "trước ngày 20/10/2025" in deadline[0].text
    which = direct_answer(
        parse_query("hội thi giáo viên giỏi tổ chức bằng văn bản nào"),
        [_group()],
        document=doc,
        body_start=len(HEADER),
    )
    assert [d.text for d in which][:2] == header_lines(doc, "which", len(HEADER))
    assert "giáo viên dự thi" in which[-1].text  # the body sentence follows


def test_a_question_about_another_documents_date_is_not_answered_by_this_header() -> None:
    # "NQ 02 ban hành ngày nào": this dispatch only cites it; its own date is no answer
    direct = direct_answer(
        parse_query("NQ 02 ban hành ngày nào"), [_group()], document=_doc(), body_start=len(HEADER)
    )
    assert not any("Bình Chánh, ngày" in d.text for d in direct)


def test_a_text_kept_without_its_signature_answers_with_no_body_sentence() -> None:
    """A signer question over a text stored without header or signature gets no sentence of
    the body in their place: the answer says which part is missing (bot.format)."""
    doc = Document(id=3, doc_type="Công văn", number="215/PGDĐT-TCCB", sha256="x",
                   text=BODY, raw={})
    direct = direct_answer(parse_query("ai ky cong van ve hoi thi giao vien gioi"), [_group()],
                           document=doc)
    assert direct == []
    content = direct_answer(parse_query("giao vien du thi dang ky truoc ngay nao"),
                            [_group()], document=doc)
    assert content and "trước ngày 20/10/2025" in content[0].text
