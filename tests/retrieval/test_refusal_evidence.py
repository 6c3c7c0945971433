"""Evidence of other kinds for the "không tìm thấy" decision: the value a question asks for,
the words that ask, both retrievers agreeing, and documents named but not held."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from corpus.docnumbers import numbers_in_question, parse_number
from corpus.store import CorpusStore
from retrieval.answers import Answerer
from retrieval.answers.confidence import Evidence, decide, evidence, states_slot
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.query import parse_query
from retrieval.searcher import Hit
from retrieval.titles import TitleIndex


@pytest.mark.parametrize(
    ("question", "slot", "unit"),
    [
        ("cô giáo sinh con được nghỉ bao lâu", "duration", None),
        ("nhan vien cuoi vo duoc nghi may ngay co luong", "duration", None),
        ("Làm thêm ngày chủ nhật được trả lương bao nhiêu phần trăm?", "percent", None),
        ("NQ 71 nâng phụ cấp ưu đãi lên bao nhiêu %?", "percent", None),
        ("che do thai san duoc huong bao nhieu tien mot thang", "money", None),
        ("hoc phi mam non la bao nhieu", "money", None),
        # the unit after "bao nhiêu" decides; "lương hưu" later names no sum asked for
        ("dong bhxh bao nhieu nam thi duoc huong luong huu", "duration", None),
        ("can le trai phai bao nhieu mm", "measure", None),
        ("Giáo viên phải dạy bao nhiêu tiết một tuần?", "rate", "tiet"),
        ("Lớp dạy thêm tối đa mấy HS một lớp?", "rate", "hoc"),
        ("tổ chuyên môn họp mấy lần một tháng", "rate", "lan"),
        ("lop tieu hoc toi da bao nhieu hoc sinh", "count", "hoc"),
        ("Lớp có học sinh khuyết tật thì tối đa mấy em?", "count", "em"),
        # no value of a checkable kind: a frequency, a day, "some", a yes/no question
        ("to chuyen mon sinh hoat bao lau mot lan", None, None),
        ("Bộ GD&ĐT phải báo cáo Chính phủ trước ngày mấy?", None, None),
        ("Trường có mấy thầy cô không muốn vào công đoàn, có được ép không?", None, None),
        ("Tuổi nghỉ hưu của giáo viên nữ là bao nhiêu?", None, None),
        ("Hết thai sản trường xếp việc khác có đúng không?", None, None),
    ],
)
def test_the_value_a_question_asks_for(question: str, slot: str | None, unit: str | None) -> None:
    q = parse_query(question)
    assert (q.slot, q.slot_unit) == (slot, unit)


def test_words_that_ask_are_not_looked_for_in_passages() -> None:
    q = parse_query("cô giáo sinh con được nghỉ bao lâu")
    assert "lâu" in q.content_words and "lâu" not in q.evidence_words
    assert q.evidence_words == ["cô", "giáo", "sinh", "con", "nghỉ"]
    yes_no = parse_query("Hết thai sản đi làm lại mà trường xếp việc khác có đúng không ạ?")
    assert "đúng" in yes_no.content_words and not {"đúng", "ạ"} & set(yes_no.evidence_words)
    which = parse_query("Có văn bản nào nói về phối hợp với công đoàn không?")
    assert not {"văn", "bản", "nói"} & set(which.evidence_words)
    assert ("phối", "hợp") in which.evidence_pairs
    # a pair never jumps over a question word: "nghỉ" and "mấy ngày" stay apart
    bare = parse_query("nghi may ngay")
    assert ("nghi", "ngay") not in bare.evidence_pairs
    # the asker's own time is no topic; "tới" as "to" is a word of the question
    assert "tới" not in parse_query("Năm học tới các trường dùng mấy bộ SGK?").evidence_words
    assert "tới" in parse_query("công văn gửi tới các trường").evidence_words
    # "trẻ em" is no question word, "em" the asker is
    assert "em" in parse_query("quyền trẻ em được bảo vệ").evidence_words
    assert "em" not in parse_query("trường em sắp sáp nhập").evidence_words


def test_a_pair_never_crosses_clause_punctuation() -> None:
    listed = parse_query("Giáo viên có phải kiêm kế toán, thư viện không?")
    assert {("kế", "toán"), ("thư", "viện")} <= listed.evidence_pairs
    assert ("toán", "thư") not in listed.evidence_pairs
    tail = parse_query("Chi phí trọng tài được định nghĩa trong luật thương mại, đúng hay sai?")
    assert ("mại", "đúng") not in tail.evidence_pairs
    # a point or comma inside a number or an abbreviation is no break
    assert ("2", "5") not in parse_query("mức 2.5 lần").evidence_pairs
    assert ("5", "lần") in parse_query("mức 2,5 lần").evidence_pairs
    assert ("tp", "hồ") in parse_query("giáo viên ở tp.hcm").evidence_pairs


@pytest.mark.parametrize(
    ("slot", "text", "unit", "states"),
    [
        ("duration", "nghỉ thai sản trước và sau khi sinh con là 06 tháng", None, True),
        ("duration", "thời gian thử việc không quá sáu (06) tháng", None, True),
        ("duration", "có hiệu lực từ ngày 15 tháng 9 năm 2026", None, False),
        ("duration", "Điều 139. Nghỉ thai sản theo quy định", None, False),
        ("percent", "được trả lương ít nhất bằng 200%", None, True),
        ("percent", "theo quy định của pháp luật về bảo hiểm xã hội", None, False),
        ("money", "hưởng trợ cấp bằng 2 lần mức lương", None, True),
        ("money", "chế độ thai sản theo pháp luật về bảo hiểm xã hội", None, False),
        ("measure", "lề trên: cách mép trên từ 20 mm đến 25 mm", None, True),
        ("rate", "không quá 02 (hai) tiết/tuần", "tiet", True),
        ("rate", "tổ chuyên môn sinh hoạt hai tuần một lần", "lan", True),
        ("rate", "giáo viên dạy đủ số tiết theo định mức mỗi tuần", "tiet", False),
        ("rate", "không quá 02 tiết/tuần", None, False),
    ],
)
def test_a_passage_states_the_value(slot: str, text: str, unit: str | None, states: bool) -> None:
    assert states_slot(slot, text, unit) is states  # type: ignore[arg-type]


def _ev(**kw: object) -> Evidence:
    base: dict[str, object] = dict(
        content_words=8, coverage=0.6, pair_coverage=0.3, number_named=False,
        number_found=False, dense_top=0.88, dense_gap=0.01, lexical_top_rank=1, content_pairs=4,
    )
    base.update(kw)
    return Evidence(**base)  # type: ignore[arg-type]


def test_decide_reads_the_slot_and_the_agreement() -> None:
    weak = _ev()
    assert not decide(weak)  # coverage 0.6, pairs 0.3, no dense margin
    assert decide(_ev(slot="duration", slot_found=True))  # "06 tháng" for "bao lâu"
    assert decide(_ev(slot="rate", slot_found=True))
    assert not decide(_ev(slot="money", slot_found=True))  # "%" states any rate: no rescue
    assert decide(_ev(slot="count", slot_found=True))  # "02 học sinh" for "mấy học sinh"
    # "01 người" answers "mấy kế toán": a count not found is no reason to refuse
    assert decide(_ev(coverage=1.0, pair_coverage=0.8, slot="count", slot_found=False))
    # both retrievers put the same passage first: enough with more of the compounds found
    assert decide(_ev(agreed=True, pair_coverage=0.45))
    assert not decide(_ev(agreed=True))
    assert not decide(_ev(agreed=True, pair_coverage=0.45, coverage=0.4))
    strong = _ev(coverage=1.0, pair_coverage=0.8)
    assert decide(strong)
    assert not decide(_ev(coverage=1.0, pair_coverage=0.8, slot="money", slot_found=False))
    assert decide(_ev(coverage=1.0, pair_coverage=0.8, slot="money", slot_found=False,
                      number_named=True, number_found=True))  # a held number still answers


@dataclass(frozen=True)
class _Passage:
    text: str
    context: str = ""


def test_evidence_from_hits_and_passages() -> None:
    q = parse_query("Nhân viên cưới vợ được nghỉ mấy ngày?")
    passages = {
        1: _Passage("Người lao động được nghỉ việc riêng: kết hôn: nghỉ 03 ngày; nhân viên"),
        2: _Passage("Điều 112. Nghỉ lễ, tết"),
    }
    hits = [Hit(1, 1, 1.0, lexical_rank=1, dense_rank=1, dense_score=0.9),
            Hit(2, 1, 0.5, lexical_rank=2, dense_rank=2, dense_score=0.85)]
    ev = evidence(q, hits, passages)
    assert ev.slot == "duration" and ev.slot_found is True and ev.agreed
    swapped = [Hit(1, 1, 1.0, lexical_rank=1, dense_rank=2, dense_score=0.9), hits[1]]
    assert not evidence(q, swapped, passages).agreed
    # first for both, but nothing else of their first three in common
    alone = [hits[0], Hit(2, 1, 0.5, lexical_rank=2, dense_rank=9, dense_score=0.8)]
    assert not evidence(q, alone, passages).agreed
    no_days = evidence(q, hits, {1: _Passage("Người lao động kết hôn"), 2: passages[2]})
    assert no_days.slot_found is False and not decide(no_days)


def test_a_passage_abbreviation_covers_its_expansion() -> None:
    q = parse_query("phối hợp giữa Sở Giáo dục và Đào tạo và công đoàn")
    hits = [Hit(1, 1, 1.0, lexical_rank=1)]
    spelled = evidence(q, hits, {1: _Passage("Kế hoạch phối hợp giữa Sở GD&ĐT và công đoàn")})
    assert spelled.coverage == 1.0
    other = evidence(q, hits, {1: _Passage("Kế hoạch phối hợp giữa Sở và công đoàn")})
    assert other.coverage < 1.0


def test_staff_wording_and_digits_are_covered_by_the_documents_words() -> None:
    hits = [Hit(1, 1, 1.0, lexical_rank=1)]
    # "phụ huynh" -> "cha mẹ học sinh": one compound of the entry's wording is enough
    q = parse_query("phụ huynh đóng góp tự nguyện")
    parents = evidence(q, hits, {1: _Passage("vận động cha mẹ học sinh đóng góp tự nguyện")})
    unrelated = evidence(q, hits, {1: _Passage("vận động học sinh đóng góp tự nguyện")})
    assert parents.coverage == 1.0 and unrelated.coverage < 1.0
    assert parents.pair_coverage > unrelated.pair_coverage
    # "1 bộ" typed, "một bộ" printed
    book = parse_query("dùng 1 bộ sách giáo khoa")
    printed = evidence(book, hits, {1: _Passage("dùng một bộ sách giáo khoa")})
    assert printed.coverage == 1.0 and printed.pair_coverage == 1.0
    other = evidence(book, hits, {1: _Passage("dùng các bộ sách giáo khoa")})
    assert other.pair_coverage < 1.0


def test_action_programmes_are_document_numbers() -> None:
    n = parse_number("Chương trình hành động số 09-CTrHĐ/TU ngày 12/01/2026")
    assert n is not None and n.type_code == "CTr" and n.match_key == "CTR:9"
    typed = numbers_in_question("chuong trinh hanh dong 09 cua Thanh uy co chi tieu gi")
    assert [x.match_key for x in typed] == ["CTR:9"]
    assert numbers_in_question("chương trình GDPT 2018 có mấy môn") == []


@dataclass
class _Doc:
    id: int
    title: str
    doc_type: str
    subject: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    place: str | None = None


def test_titles_of_documents_not_held() -> None:
    index = TitleIndex([
        _Doc(1, "Luật Công đoàn số 12/2012/QH13", "Luật"),
        _Doc(2, "Luật Giáo dục số 43/2019/QH14", "Luật"),
        _Doc(3, "Thông tư 15/2026/TT-BGDĐT ban hành Điều lệ trường phổ thông", "Thông tư"),
        _Doc(4, "Bộ luật Lao động số 45/2019/QH14", "Bộ luật"),
    ])
    assert index.unheld("Điều lệ Công đoàn Việt Nam quy định đóng đoàn phí bao nhiêu?") == [
        "Điều lệ Công đoàn"]
    assert index.unheld("Luật Nhà giáo quy định nghỉ hè bao lâu") == ["Luật Nhà giáo"]
    for held in ("Luật Công đoàn 2012 có hiệu lực khi nào", "Luật GD 2019 sửa đổi bởi luật nào",
                 "Điều lệ trường mới có gì", "Theo Bộ luật Lao động thì", "Luật quy định thế nào",
                 "luật nhà giáo quy định gì"):  # lower case: no name typed as a name
        assert index.unheld(held) == [], held


def _answerer(store: CorpusStore) -> Answerer:
    retriever = IndexBuilder(store, encoder=HashEncoder())
    retriever.refresh()
    return Answerer(store, retriever)


def test_documents_named_but_not_held_are_said_so(seeded_store: CorpusStore) -> None:
    answerer = _answerer(seeded_store)
    charter = answerer.answer(
        "Điều lệ Công đoàn Việt Nam quy định đoàn viên đóng đoàn phí bao nhiêu?", log_query=False)
    assert charter.status == "not_found" and "Điều lệ Công đoàn" in charter.missing
    assert any("12/2012/QH13" in c for c in charter.citing), charter.citing  # the union law
    programme = answerer.answer(
        "Chương trình hành động 09-CTrHĐ/TU của Thành ủy có những chỉ tiêu gì?", log_query=False)
    assert programme.status == "not_found"
    assert any("09-CTrHĐ/TU" in m for m in programme.missing)
    held = answerer.answer("Luật Công đoàn quy định quyền của công đoàn thế nào?", log_query=False)
    assert held.missing == []
