"""The part of a document a question names by its heading (retrieval.answers.sections)."""

from __future__ import annotations

from corpus.models import Document, Passage
from retrieval.answers.duties import _ranked_duties
from retrieval.answers.sections import named_section, section_passages
from retrieval.query import parse_query
from retrieval.searcher import Hit

PARTS = [
    ("A", "A. NHIỆM VỤ CHUNG",
     "A. NHIỆM VỤ CHUNG\n1. Tổ chức thực hiện hiệu quả Chương trình giáo dục phổ thông.\n"
     "2. Xây dựng môi trường giáo dục an toàn, lành mạnh."),
    ("B > 1", "B. NHIỆM VỤ CỤ THỂ > 1. Chuyển đổi số",
     "1. Chuyển đổi số\nSở GDĐT triển khai học bạ số trong năm học."),
    ("B > 2", "B. NHIỆM VỤ CỤ THỂ > 2. Nhiệm vụ của người học",
     "2. Nhiệm vụ của người học\nHọc sinh thực hiện nhiệm vụ học tập."),
    ("C", "C. TỔ CHỨC THỰC HIỆN",
     "C. TỔ CHỨC THỰC HIỆN\n1. Sở GDĐT xây dựng kế hoạch nhiệm vụ năm học.\n"
     "2. Sở GDĐT báo cáo vướng mắc về Bộ GDĐT."),
]


def _document() -> tuple[Document, list[Passage]]:
    text = "\n".join(body for _, _, body in PARTS)
    doc = Document(id=1, doc_type="Công văn", number="5208/BGDĐT-GDPT", title="Nhiệm vụ năm học",
                   text=text, recipients=[])
    passages = [
        Passage(id=10 + i, document_id=1, ordinal=i, section=section, heading=heading,
                text=body, start=text.index(body), end=text.index(body) + len(body))
        for i, (section, heading, body) in enumerate(PARTS)
    ]
    return doc, passages


def _named(question: str) -> str | None:
    _, passages = _document()
    found = named_section(parse_query(question), 1, passages)
    return found.path if found else None


def test_a_question_names_a_part_by_its_heading_words() -> None:
    assert _named("CV 5208 có những nhiệm vụ chung nào?") == "A"
    assert _named("Sở GDĐT phải làm gì theo phần Tổ chức thực hiện của CV 5208?") == "C"


def test_a_heading_is_named_without_diacritics_too() -> None:
    assert _named("cv 5208 co nhung nhiem vu chung nao") == "A"
    assert _named("so gddt phai lam gi theo phan to chuc thuc hien cua cv 5208") == "C"


def test_request_words_alone_or_a_missing_word_name_no_part() -> None:
    assert _named("CV 5208 giao những nhiệm vụ gì?") is None  # "nhiệm vụ" heads A and B
    assert _named("Sở GDĐT có nhiệm vụ gì về học bạ số?") is None
    assert _named("nhiệm vụ năm học của học sinh là gì") is None  # "người" is missing
    assert _named("nhiệm vụ của người học là gì") == "B > 2"


def test_the_parts_passages_follow_its_path() -> None:
    _, passages = _document()
    found = named_section(parse_query("phần nhiệm vụ cụ thể của CV 5208"), 1, passages)
    assert found is not None and found.path == "B"
    assert [p.id for p in section_passages(found, passages)] == [11, 12]


def test_the_named_parts_duties_come_first_whatever_words_they_share() -> None:
    doc, passages = _document()
    hits = [Hit(passage_id=11, document_id=1, score=1.0, number_match=True)]
    query = parse_query("Sở GDĐT phải làm gì theo phần Tổ chức thực hiện của CV 5208?")
    found = named_section(query, 1, passages)
    duties = _ranked_duties(doc, passages, hits, query, further=False, section=found)
    assert [d.passage_id for d in duties[:2]] == [13, 13]
    assert "kế hoạch nhiệm vụ năm học" in duties[0].action
    without = _ranked_duties(doc, passages, hits, query, further=False)
    assert without[0].passage_id == 11


def test_a_large_part_is_shown_where_the_search_found_it() -> None:
    from retrieval.answers.sections import shown_first

    _, passages = _document()
    found = named_section(parse_query("phần nhiệm vụ cụ thể của CV 5208"), 1, passages)
    assert found is not None
    assert shown_first(found, passages, [12, 13], room=3) == [11, 12]
    assert shown_first(found, passages, [12, 13, 11], room=1) == [12, 11]
