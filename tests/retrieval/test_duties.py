"""Choosing the duties an obligation answer lists (retrieval.answers.duties)."""

from __future__ import annotations

from corpus.models import Document, Passage
from retrieval.answers.duties import _ranked_duties
from retrieval.query import parse_query
from retrieval.searcher import Hit

ARTICLES = [
    "Điều 3. Nguyên tắc dạy thêm\nViệc dạy thêm phải bảo đảm tự nguyện.",
    "Điều 8. Trách nhiệm của Ủy ban nhân dân cấp tỉnh\n1. Chỉ đạo việc thanh tra hoạt động dạy "
    "thêm, học thêm trên địa bàn.",
    "Điều 9. Trách nhiệm của Sở Giáo dục và Đào tạo\n1. Hướng dẫn thực hiện quy định về dạy thêm.",
    "Điều 10. Thu tiền học thêm\nMức thu do thỏa thuận giữa cha mẹ học sinh và cơ sở dạy thêm.",
    "Điều 11. Hồ sơ dạy thêm\nHồ sơ gồm danh sách người học và người dạy.",
    "Điều 12. Trách nhiệm của Ủy ban nhân dân cấp xã\n1. Chịu trách nhiệm quản lí hoạt động dạy "
    "thêm trên địa bàn.",
    "Điều 13. Trách nhiệm của Hiệu trưởng\n1. Tổ chức việc dạy thêm trong nhà trường theo quy "
    "định.\n2. Thiết lập và công khai số điện thoại đường dây nóng.",
    "Điều 14. Hiệu lực thi hành\nThông tư này có hiệu lực kể từ ngày ký.",
]


def _document() -> tuple[Document, list[Passage]]:
    text = "\n\n".join(ARTICLES)
    doc = Document(
        id=1, doc_type="Thông tư", title="Quy định về dạy thêm", text=text, recipients=[]
    )
    passages = [
        Passage(
            id=10 + i,
            document_id=1,
            ordinal=i,
            section=part.split(".")[0],
            text=part,
            start=text.index(part),
            end=text.index(part) + len(part),
        )
        for i, part in enumerate(ARTICLES)
    ]
    return doc, passages


def test_the_asked_partys_own_article_is_listed_even_when_search_missed_it() -> None:
    doc, passages = _document()
    hits = [Hit(passage_id=11, document_id=1, score=1.0)]  # search found the province's article
    duties = _ranked_duties(
        doc, passages, hits, parse_query("hiệu trưởng phải làm gì về dạy thêm"), further=False
    )
    assert duties[0].action == "1. Tổ chức việc dạy thêm trong nhà trường theo quy định."
    assert duties[0].actor == "Hiệu trưởng" and duties[0].passage_id == 16


def test_without_a_party_only_the_found_passages_count() -> None:
    doc, passages = _document()
    hits = [Hit(passage_id=11, document_id=1, score=1.0)]
    duties = _ranked_duties(
        doc, passages, hits, parse_query("phải làm gì về dạy thêm"), further=False
    )
    assert {d.passage_id for d in duties} == {11}


def test_a_long_duty_is_shown_by_the_part_that_holds_the_question_words() -> None:
    body = ("Trên cơ sở phương án được phê duyệt, người đứng đầu trường mới có trách nhiệm lập hồ sơ "
            "nhân sự, rà soát từng trường hợp, tổng hợp ý kiến các tổ chuyên môn, gửi cơ quan quản "
            "lý, theo dõi tiến độ thực hiện, báo cáo kết quả, công khai quy trình, lưu trữ hồ sơ, "
            "phối hợp với công đoàn, giải đáp thắc mắc của viên chức, lập danh sách người nghỉ việc để "
            "trình cấp có thẩm quyền xem xét, giải quyết chính sách tinh giản biên chế.")
    doc = Document(id=2, doc_type="Công văn", title="Chính sách", text=body, recipients=[])
    passage = Passage(id=30, document_id=2, ordinal=0, section="4", text=body, start=0,
                      end=len(body))
    hits = [Hit(passage_id=30, document_id=2, score=1.0)]
    query = parse_query("hiệu trưởng trường mới phải làm gì về danh sách người nghỉ việc")
    duties = _ranked_duties(doc, [passage], hits, query, further=False)
    assert "danh sách người nghỉ việc" in duties[0].action
    assert duties[0].action.startswith("…")
    assert body[duties[0].start:duties[0].end] in duties[0].action
