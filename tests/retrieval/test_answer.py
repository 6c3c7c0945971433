"""Answer composition with the hashing encoder: quotes, citations, status, graph, logging.

Answer quality with the real model is in test_answer_model.py.
"""

from __future__ import annotations

import pytest

from chinam.answer_text import answer_to_text
from corpus.ingest import ingest_text
from corpus.models import Document, DocumentStatus
from corpus.store import CorpusStore
from retrieval.answers import Answer, Answerer, answer_to_dict
from retrieval.answers.quoting import ELLIPSIS, quote_segments, trim_quote, unmarked
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.query import parse_query

NEW_5243 = """BỘ GIÁO DỤC VÀ ĐÀO TẠO
Số: 6001/BGDĐT-NGCBQLGD
V/v hướng dẫn bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp nhà giáo
Hà Nội, ngày 01 tháng 10 năm 2026

Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.

Đề nghị các địa phương hoàn thành việc bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp nhà giáo \
trước ngày 31/12/2026; Công văn này thay thế nội dung bồi dưỡng tại Công văn số \
5243/BGDĐT-NGCBQLGD.
"""


def _answerer(store: CorpusStore) -> Answerer:
    retriever = IndexBuilder(store, encoder=HashEncoder())
    retriever.refresh()
    return Answerer(store, retriever)


def _doc(store: CorpusStore, prefix: str) -> Document:
    docs, _ = store.list_documents(limit=50)
    return next(d for d in docs if d.source_name.startswith(prefix))


def assert_verbatim(store: CorpusStore, answer: Answer) -> None:
    """Every quote is made of exact pieces of its passage, at the offsets it claims."""
    passages = store.passages_by_ids(answer.cited_passage_ids())
    docs = store.documents_by_ids(g.citation.document_id for g in answer.groups)
    for group in answer.groups:
        for q in group.quotes:
            text = unmarked(passages[q.passage_id].text)
            pieces = quote_segments(q.text)
            assert pieces and all(piece in text for piece in pieces), q.text
            span = unmarked(docs[q.document_id].text[q.start : q.end])
            assert span.startswith(pieces[0]) and span.endswith(pieces[-1])
    for ob in answer.obligations:
        action = ob.action.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS)
        assert action in passages[ob.passage_id].text
        assert store.get_document(ob.document_id).text[ob.start : ob.start + len(action)] == action  # type: ignore[union-attr]
    assert set(answer.cited_passage_ids()) <= answer.shown_passage_ids()


def test_intents() -> None:
    assert parse_query("Các đơn vị phải làm gì để thực hiện Nghị quyết 02?").intent == "obligation"
    assert parse_query("cac don vi phai lam gi theo nq 02").intent == "obligation"
    # a deadline question is answered by the sentence with the date, not a list of duties
    assert parse_query("Hạn nộp báo cáo là khi nào?").intent == "general"
    assert parse_query("gv dang hoc boi duong thi phai xong truoc ngay nao").intent == "general"
    assert parse_query("UBND tỉnh phải báo cáo kết quả trước ngày nào?").intent == "general"
    assert parse_query("Ai phải báo cáo và hạn nộp khi nào?").intent == "obligation"
    assert parse_query("Văn bản nào triển khai Nghị quyết 02-NQ/TW?").intent == "implementing"
    assert parse_query("van ban nao trien khai nq 02").intent == "implementing"
    assert parse_query("Kinh phí công đoàn bằng bao nhiêu phần trăm quỹ lương?").intent == "general"


def test_trim_quote_is_verbatim() -> None:
    text = ("Câu mở đầu không liên quan gì cả. " * 10 + "Sở GD&ĐT báo cáo kết quả trước ngày "
            "15/12. " + "Một câu khác nữa ở cuối đoạn văn. " * 10)
    quote, start, end = trim_quote(text, ["báo", "cáo", "15"], limit=120)
    assert "Sở GD&ĐT báo cáo kết quả trước ngày 15/12." in quote
    assert quote.startswith(ELLIPSIS) and quote.endswith(ELLIPSIS)
    assert all(piece in text for piece in quote_segments(quote))
    assert text[start:end].startswith(quote_segments(quote)[0])
    assert trim_quote("Ngắn.", ["x"]) == ("Ngắn.", 0, 5)


def test_obligation_answer_quotes_and_cites_the_dispatch(seeded_store: CorpusStore) -> None:
    answer = _answerer(seeded_store).answer("Các đơn vị phải làm gì để thực hiện Nghị quyết 02?")
    assert answer.status == "answered" and answer.intent == "obligation"
    seed = _doc(seeded_store, "seed-000")
    assert answer.groups[0].citation.document_id == seed.id
    line = answer.groups[0].citation.line()
    assert "Sở Giáo dục và Đào tạo" in line and "Nghị quyết số 02-NQ/TW" in line
    assert {ob.document_id for ob in answer.obligations} == {seed.id}
    actors = [ob.actor for ob in answer.obligations]
    assert "Thủ trưởng đơn vị" in actors  # "Thủ trưởng các đơn vị" merged into one name
    assert "Thường trực Công đoàn ngành Giáo dục và Đào tạo" in actors
    # grouped by actor: each actor's lines are contiguous
    assert actors == sorted(actors, key=actors.index)
    assert any("Kế hoạch 37-KH/TU" in chain for chain in answer.groups[0].citation.implements)
    assert_verbatim(seeded_store, answer)
    data = answer_to_dict(answer)
    assert data["groups"][0]["citation"]["line"] == line
    assert data["obligations"][0]["actor"] == answer.obligations[0].actor
    text = answer_to_text(answer)
    assert "Ai phải làm gì:" in text and "[1]" in text


def test_obligations_of_cv_5243_and_5208(seeded_store: CorpusStore) -> None:
    answerer = _answerer(seeded_store)
    deadline = answerer.answer("Theo công văn 5243, các địa phương phải hoàn thành bồi dưỡng "
                               "theo tiêu chuẩn chức danh nghề nghiệp trước ngày nào?")
    assert deadline.groups[0].citation.number == "5243/BGDĐT-NGCBQLGD"
    assert deadline.intent == "general" and not deadline.obligations
    assert "trước ngày 30/9/2026" in deadline.direct[0].text  # the sentence with the date on top
    a = answerer.answer("Theo công văn 5243, các địa phương phải làm gì về bồi dưỡng theo tiêu "
                        "chuẩn chức danh nghề nghiệp?")
    assert a.groups[0].citation.number == "5243/BGDĐT-NGCBQLGD"
    assert a.obligations[0].actor == "Các địa phương"
    # "…; đối với nhà giáo … thì bảo đảm hoàn thành trước ngày 30/9/2026": the deadline stays
    # with the duty it qualifies instead of becoming an item of its own
    (duty,) = [ob for ob in a.obligations if ob.actor == "Các địa phương"]
    assert duty.deadline == "trước ngày 30/9/2026"
    assert duty.action.startswith("Đề nghị các địa phương") and "30/9/2026" in duty.action
    assert_verbatim(seeded_store, a)
    b = answerer.answer("Theo công văn 5208, Sở GDĐT phải làm gì về sách giáo khoa?")
    assert b.groups[0].citation.number == "5208/BGDĐT-GDPT"
    assert b.obligations and all(ob.actor == "Sở GDĐT" for ob in b.obligations[:3])
    assert any(ob.deadline == "trước khi bắt đầu năm học" for ob in b.obligations)
    assert_verbatim(seeded_store, b)


def test_implementing_question_shows_the_chain(seeded_store: CorpusStore) -> None:
    answer = _answerer(seeded_store).answer("Văn bản nào triển khai Nghị quyết 02-NQ/TW?")
    seed = _doc(seeded_store, "seed-000")
    assert answer.status == "answered" and answer.intent == "implementing"
    assert answer.target is not None and answer.target.number == "02-NQ/TW"
    assert [g.citation.document_id for g in answer.groups] == [seed.id]
    assert any("37-KH/TU" in c.text() for c in answer.chains)
    (rel,) = answer.related
    assert rel.document_id == seed.id and rel.relation == "implemented_by"
    assert any("Kế hoạch số 37-KH/TU" in label for label in rel.path)
    assert "Kế hoạch số 37-KH/TU" in answer.groups[0].quotes[0].text
    assert_verbatim(seeded_store, answer)
    assert "Văn bản triển khai Nghị quyết số 02-NQ/TW" in answer_to_text(answer)


def test_not_found_is_plain_and_logged(seeded_store: CorpusStore) -> None:
    answerer = _answerer(seeded_store)
    miss = answerer.answer("Cách làm bánh flan không bị rỗ", channel="bot", user_ref="u1")
    assert miss.status == "not_found" and not miss.groups and not miss.obligations
    assert miss.suggestions and miss.tips
    assert "Không tìm thấy" in answer_to_text(miss)
    hit = answerer.answer("Quyền của đoàn viên công đoàn là gì?")
    assert hit.status == "answered"
    unanswered = seeded_store.questions(unanswered=True)
    assert [q.question for q in unanswered] == ["Cách làm bánh flan không bị rỗ"]
    assert unanswered[0].channel == "bot" and unanswered[0].user_ref == "u1"
    logged = seeded_store.get_query(hit.query_id or 0)
    assert logged is not None and logged.status == "answered"
    assert logged.cited == hit.cited_passage_ids() and logged.latency_ms >= 0
    empty = answerer.answer("   ")
    assert empty.status == "not_found"
    assert seeded_store.get_query(empty.query_id or 0).question == "(trống)"  # type: ignore[union-attr]


def test_a_named_document_missing_from_the_corpus(seeded_store: CorpusStore) -> None:
    miss = _answerer(seeded_store).answer("Thông tư 99/2031/TT-BGDĐT quy định gì về đồng phục?")
    assert miss.status == "not_found"
    assert any("99/2031/TT-BGDĐT" in tip for tip in miss.tips)


def test_superseded_documents_are_marked_and_ranked_below(seeded_store: CorpusStore) -> None:
    old = _doc(seeded_store, "cong-van-5243")
    out = ingest_text(seeded_store, NEW_5243, source_name="cv-6001.txt")
    assert out.document_id is not None and old.id is not None
    seeded_store.supersede(old.id, out.document_id)
    answerer = _answerer(seeded_store)
    answer = answerer.answer("Các địa phương bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp "
                             "nhà giáo đến khi nào?")
    ids = [g.citation.document_id for g in answer.groups]
    assert out.document_id in ids and old.id in ids
    assert ids.index(out.document_id) < ids.index(old.id)
    old_citation = answer.groups[ids.index(old.id)].citation
    assert old_citation.status == DocumentStatus.SUPERSEDED
    assert "[ĐÃ BỊ THAY THẾ, thay bằng Công văn 6001/BGDĐT-NGCBQLGD]" in old_citation.line()
    assert_verbatim(seeded_store, answer)


def test_replacement_is_pulled_in_and_withdrawn_last(seeded_store: CorpusStore) -> None:
    old = _doc(seeded_store, "cong-van-5243")
    nq71 = _doc(seeded_store, "nghi-quyet-71")
    assert old.id is not None and nq71.id is not None
    question = "Các địa phương bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp đến khi nào?"
    seeded_store.supersede(old.id, nq71.id)
    answer = _answerer(seeded_store).answer(question)
    ids = [g.citation.document_id for g in answer.groups]
    assert old.id in ids and ids.index(nq71.id) < ids.index(old.id)
    seeded_store.update_document(old.id, {"status": DocumentStatus.WITHDRAWN,
                                          "superseded_by_id": None})
    wide = _answerer(seeded_store)
    wide.max_documents = 6
    again = wide.answer(question)
    statuses = [g.citation.status for g in again.groups]
    assert statuses[-1] == DocumentStatus.WITHDRAWN and statuses.count(DocumentStatus.WITHDRAWN) == 1
    assert "[ĐÃ BỊ THU HỒI]" in again.groups[-1].citation.line()
    assert_verbatim(seeded_store, again)


@pytest.mark.parametrize("offset", [0, 1])
def test_paging_by_document(seeded_store: CorpusStore, offset: int) -> None:
    answer = _answerer(seeded_store).answer("Công đoàn phối hợp tổ chức phong trào thi đua",
                                            offset=offset, log_query=False)
    assert answer.offset == offset
    assert len(answer.groups) <= 3


def test_a_question_naming_a_party_lists_its_duties_first(seeded_store: CorpusStore) -> None:
    answerer = _answerer(seeded_store)
    a = answerer.answer("HT trường mình cần làm gì theo CV của Sở GD&ĐT Long An về NQ 02?")
    assert a.intent == "obligation" and a.unassigned_actor is None
    assert a.obligations[0].actor == "Thủ trưởng đơn vị"  # the principal heads the unit
    b = answerer.answer("Hiệu trưởng phải làm gì theo công văn 5243?")
    assert b.groups[0].citation.number == "5243/BGDĐT-NGCBQLGD"
    assert b.obligations, "the other parties' duties are still listed"
    assert b.unassigned_actor == "hiệu trưởng"  # the answer says the document assigns none
    assert "không giao việc riêng cho hiệu trưởng" in answer_to_text(b)
    assert_verbatim(seeded_store, b)


def test_the_named_document_comes_before_those_citing_it(seeded_store: CorpusStore) -> None:
    answerer = _answerer(seeded_store)
    a = answerer.answer("Theo NQ 71 cơ quan nào chủ trì quán triệt, tuyên truyền Nghị quyết?")
    assert a.intent == "general"
    assert a.groups[0].citation.number == "71-NQ/TW"  # not CV 999, which implements it
    b = answerer.answer("Ban Tuyên giáo và Dân vận TP.HCM yêu cầu làm gì để triển khai NQ 71?")
    assert b.groups[0].citation.number == "999-CV/BTGDVTU"  # asked through the implementer
