"""What the issue must show, with the real embedding model over the bundled samples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.calibrate_confidence import collect, rates
from chinam.answer_text import answer_to_text
from corpus.db import make_engine
from corpus.ingest import ingest_paths
from corpus.store import CorpusStore
from retrieval.answers import Answer, Answerer
from retrieval.answers.confidence import DEFAULT_THRESHOLDS
from retrieval.answers.quoting import quote_segments, unmarked
from retrieval.encoder import load_encoder
from retrieval.indexing import IndexBuilder

pytestmark = pytest.mark.model

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def answerer(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('model') / 'chinam.db'}")
    store = CorpusStore(engine)
    assert all(o.ok for o in ingest_paths(store, [SAMPLES]))
    retriever = IndexBuilder(store, encoder=load_encoder(str(model_dir)))
    retriever.refresh()
    assert retriever.mode == "hybrid"
    yield Answerer(store, retriever)
    engine.dispose()


def _doc_id(store: CorpusStore, prefix: str) -> int:
    docs, _ = store.list_documents(limit=50)
    doc_id = next(d.id for d in docs if d.source_name.startswith(prefix))
    assert doc_id is not None
    return doc_id


def _quoted(answer: Answer, store: CorpusStore) -> None:
    passages = store.passages_by_ids(answer.shown_passage_ids())
    for group in answer.groups:
        for q in group.quotes:
            source = unmarked(passages[q.passage_id].text)
            assert all(p in source for p in quote_segments(q.text))
    assert set(answer.cited_passage_ids()) <= answer.shown_passage_ids()


@pytest.mark.parametrize(
    "question",
    ["Các đơn vị phải làm gì để thực hiện Nghị quyết 02?", "cac don vi phai lam gi theo nq 02"],
)
def test_units_duties_under_resolution_02(answerer: Answerer, question: str) -> None:
    store = answerer.store
    seed = _doc_id(store, "seed-000")
    answer = answerer.answer(question)
    assert answer.status == "answered" and answer.intent == "obligation"
    assert answer.groups[0].citation.document_id == seed
    assert "Sở Giáo dục và Đào tạo" in (answer.groups[0].citation.issuer or "")
    by_actor: dict[str, list[str]] = {}
    for ob in answer.obligations:
        assert ob.document_id == seed
        by_actor.setdefault(ob.actor, []).append(ob.action)
    # "Thủ trưởng các đơn vị" and "Thủ trưởng đơn vị" are one actor, listed once
    assert not {"Thủ trưởng các đơn vị", "Thủ trưởng đơn vị"} <= set(by_actor)
    heads = by_actor.get("Thủ trưởng các đơn vị", []) + by_actor.get("Thủ trưởng đơn vị", [])
    assert any("tổ chức nghiên cứu quán triệt Nghị quyết số 02-NQ/TW" in a
               and "công chức, viên chức" in a for a in heads)
    assert any("phối hợp với tổ chức công đoàn tham mưu cấp ủy, chỉ bộ xây dựng kế hoạch" in a
               for a in heads)
    union = by_actor["Thường trực Công đoàn ngành Giáo dục và Đào tạo"]
    assert any("tham mưu các cấp lãnh đạo chỉ đạo các đơn vị" in a for a in union)
    assert any("Xây dựng các chương trình phối hợp" in a and "lâu dài" in a for a in union)
    quoted = " ".join(q.text for q in answer.groups[0].quotes)
    assert "Thường trực Công đoàn ngành Giáo dục và Đào tạo tham mưu" in quoted
    _quoted(answer, store)
    text = answer_to_text(answer)
    assert "• Thủ trưởng đơn vị:" in text and "[1] Công văn /SGDDĐT-TCCTTT" in text


def test_hanoi_department_duties_from_the_second_seed(answerer: Answerer) -> None:
    store = answerer.store
    answer = answerer.answer("Sở GD&ĐT Hà Nội có trách nhiệm gì trong phối hợp với Công đoàn "
                             "ngành?")
    seed2 = _doc_id(store, "seed-002")
    assert answer.status == "answered"
    assert answer.groups[0].citation.document_id == seed2
    first = answer.obligations[0]
    assert first.actor == "Sở GD&ĐT Hà Nội" and first.document_id == seed2
    actions = [ob.action for ob in answer.obligations if ob.actor == "Sở GD&ĐT Hà Nội"]
    assert any("Hỗ trợ kinh phí để Công đoàn Giáo dục Hà Nội" in a for a in actions)
    _quoted(answer, store)


def test_implementers_of_resolution_02(answerer: Answerer) -> None:
    store = answerer.store
    answer = answerer.answer("Văn bản nào triển khai Nghị quyết 02-NQ/TW?")
    seed = _doc_id(store, "seed-000")
    assert answer.status == "answered" and answer.intent == "implementing"
    assert answer.groups[0].citation.document_id == seed
    chains = answer.chain_lines()
    assert any(c.startswith("Nghị quyết 02-NQ/TW của Bộ Chính trị ← Kế hoạch 37-KH/TU của Tỉnh "
                            "ủy Long An ← Công văn /SGDDĐT-TCCTTT") for c in chains), chains
    assert answer.related[0].document_id == seed
    _quoted(answer, store)


def test_out_of_corpus_question_is_logged_unanswered(answerer: Answerer) -> None:
    question = "Mức phạt khi vượt đèn đỏ đối với xe máy là bao nhiêu?"
    answer = answerer.answer(question, channel="bot")
    assert answer.status == "not_found" and not answer.groups
    assert question in [q.question for q in answerer.store.questions(unanswered=True)]


@pytest.mark.parametrize(
    ("question", "doc", "actor", "deadline"),
    [
        ("Các địa phương phải làm gì về bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp?",
         "cong-van-5243", "Các địa phương", "trước ngày 30/9/2026"),
        ("Theo công văn 5243, Ủy ban nhân dân các tỉnh phải làm gì về xét thăng hạng chức danh "
         "nghề nghiệp nhà giáo?", "cong-van-5243",
         "Uỷ ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "đến hết ngày 31/12/2026"),
        ("Ủy ban nhân dân các tỉnh phải làm gì theo công văn 5243 về quản lý đội ngũ nhà giáo?",
         "cong-van-5243", "Uỷ ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", None),
        ("Theo công văn 5208, Sở GDĐT phải làm gì về sách giáo khoa?", "cong-van-5208",
         "Sở GDĐT", "trước khi bắt đầu năm học"),
        ("Hiệu trưởng chịu trách nhiệm gì trong quản trị nhà trường theo công văn 5208?",
         "cong-van-5208", "Hiệu trưởng", None),
        ("Sở GDĐT cần làm gì khi có vướng mắc vượt thẩm quyền trong thực hiện nhiệm vụ năm học?",
         "cong-van-5208", "Sở GDĐT", None),
    ],
)
def test_obligations_in_ministry_dispatches(
    answerer: Answerer, question: str, doc: str, actor: str, deadline: str | None
) -> None:
    store = answerer.store
    answer = answerer.answer(question, log_query=False)
    assert answer.status == "answered" and answer.intent == "obligation"
    assert answer.groups[0].citation.document_id == _doc_id(store, doc)
    assert answer.obligations[0].actor == actor
    if deadline:
        assert any(ob.actor == actor and ob.deadline == deadline for ob in answer.obligations)
    _quoted(answer, store)


@pytest.mark.parametrize(
    ("question", "doc", "date"),
    [
        ("Các địa phương phải hoàn thành bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp trước "
         "ngày nào?", "cong-van-5243", "30/9/2026"),
        ("Theo công văn 5243, xét thăng hạng chức danh nghề nghiệp nhà giáo được thực hiện đến "
         "khi nào?", "cong-van-5243", "31/12/2026"),
    ],
)
def test_deadline_questions_get_the_sentence_with_the_date(
    answerer: Answerer, question: str, doc: str, date: str
) -> None:
    answer = answerer.answer(question, log_query=False)
    assert answer.status == "answered" and answer.intent == "general"
    assert answer.groups[0].citation.document_id == _doc_id(answerer.store, doc)
    assert not answer.obligations
    assert any(date in d.text for d in answer.direct), [d.text for d in answer.direct]


def test_threshold_rates_on_the_samples(answerer: Answerer) -> None:
    """False refusals on questions the samples answer and false answers on questions they do
    not (traffic, tax, health, cooking, sports …): both at most 5 %."""

    def questions(name: str) -> list[str]:
        lines = (DATA / name).read_text("utf-8").splitlines()
        return [json.loads(line)["question"] for line in lines if line.strip()]

    inside = collect(answerer.index.searcher, answerer.store, questions("questions_in_corpus.jsonl"))
    outside = collect(answerer.index.searcher, answerer.store,
                      questions("questions_out_of_corpus.jsonl"))
    r = rates(inside, outside, DEFAULT_THRESHOLDS)
    assert r.n_in >= 50 and r.n_out >= 80
    assert r.false_refusal <= 0.05 and r.false_answer <= 0.05, r
