"""How a shown document's passages are quoted (retrieval.answers.documents)."""

from __future__ import annotations

from retrieval.answers.documents import sentence_bonus
from retrieval.answers.quoting import trim_quote
from retrieval.query import parse_query

# Three sentences sharing the question's words; only the last states how long.
_TERM = (
    "Nhiệm kỳ của Ban Thanh tra nhân dân được tính từ ngày hội nghị bầu ra Ban Thanh tra nhân "
    "dân theo quy định của pháp luật về thực hiện dân chủ ở cơ sở và hướng dẫn của Mặt trận. "
    "Ban Thanh tra nhân dân làm việc theo nhiệm kỳ, báo cáo kết quả hoạt động với hội nghị "
    "cán bộ, công chức, viên chức, người lao động của cơ quan, đơn vị trong từng kỳ họp. "
    "Thành viên Ban Thanh tra nhân dân được bầu lại trong nhiệm kỳ sau nếu được tín nhiệm. "
    "Nhiệm kỳ của Ban Thanh tra nhân dân là 02 năm."
)


def test_a_sentence_stating_the_value_asked_for_is_quoted_first() -> None:
    terms = ["nhiệm", "kỳ", "ban", "thanh", "tra", "nhân", "dân"]
    plain, _, _ = trim_quote(_TERM, terms, limit=200)
    assert "02 năm" not in plain
    query = parse_query("Nhiệm kỳ của Ban thanh tra nhân dân bao lâu?")
    quoted, _, _ = trim_quote(_TERM, terms, limit=200, bonus=sentence_bonus(query))
    assert "Nhiệm kỳ của Ban Thanh tra nhân dân là 02 năm." in quoted


def test_a_quote_already_shown_by_an_earlier_document_is_not_repeated() -> None:
    from retrieval.answers.documents import repeated
    from retrieval.answers.model import Citation, DocumentGroup, Quote

    def group(doc: int, *texts: str) -> DocumentGroup:
        citation = Citation(doc, "Luật", f"{doc}/2019/QH14", None, "Quốc hội", None, "Giáo dục",
                            "", "in_force")
        return DocumentGroup(citation, [Quote(doc * 10 + i, doc, "Điều 92", t, 0, len(t), 1.0)
                                        for i, t in enumerate(texts)])

    same = "2. Không tổ chức ban đại diện cha mẹ học sinh liên trường."
    said: set[str] = set()
    assert repeated(group(1, same), said) is not None
    assert repeated(group(2, same), said) is None  # the consolidated text prints the same
    third = repeated(group(3, f"…{same}", "1. Được sửa đổi: miễn học phí."), said)
    assert third is not None and [q.text for q in third.quotes] == ["1. Được sửa đổi: miễn học phí."]
