"""Property: whatever is asked, an answer never cites a passage it does not show, and every
quote and obligation is verbatim text of its passage."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.db import make_engine
from corpus.ingest import ingest_paths
from corpus.store import CorpusStore
from retrieval.answers import Answerer
from retrieval.answers.prose import Source, check_prose, sources_of
from retrieval.answers.quoting import ELLIPSIS, quote_segments, unmarked, unmarked_slice
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

CUES = ["phải làm gì", "có trách nhiệm gì", "văn bản nào triển khai", "hạn nộp khi nào",
        "cac don vi phai lam gi theo", "nhiệm vụ", "yêu cầu gì", "là gì", ""]
NUMBERS = ["NQ 02", "Nghị quyết 02-NQ/TW", "công văn 5208", "cv 5243", "nghị quyết 71",
           "Kế hoạch 37-KH/TU", "Thông tư 99/2031/TT-BGDĐT", ""]


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'chinam.db'}")
    store = CorpusStore(engine)
    assert all(o.ok for o in ingest_paths(store, [SAMPLES]))
    retriever = IndexBuilder(store, encoder=HashEncoder())
    retriever.refresh()
    yield Answerer(store, retriever)
    engine.dispose()


@pytest.fixture(scope="module")
def vocabulary(answerer: Answerer) -> list[str]:
    words: set[str] = set()
    for p in answerer.store.passages_for_index()[:60]:
        words.update(re.findall(r"\w+", p.text)[:40])
    return sorted(words)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_answers_cite_only_what_they_show(
    answerer: Answerer, vocabulary: list[str], data: st.DataObject
) -> None:
    words = data.draw(st.lists(st.sampled_from(vocabulary), min_size=0, max_size=8))
    noise = data.draw(st.text(alphabet="abcdeđghiklmnopqrstuvxyàáảãạâầấơườ0123456789 ?,.-/",
                              max_size=12))
    question = " ".join([data.draw(st.sampled_from(NUMBERS)), *words,
                         data.draw(st.sampled_from(CUES)), noise])
    offset = data.draw(st.sampled_from([0, 0, 1]))
    answer = answerer.answer(question, offset=offset, log_query=False)

    shown = answer.shown_passage_ids()
    assert set(answer.cited_passage_ids()) <= shown
    assert (answer.status == "answered") == bool(answer.groups)
    if answer.status == "not_found":
        assert not answer.obligations and answer.suggestions
    store = answerer.store
    passages = store.passages_by_ids(shown)
    docs = store.documents_by_ids(g.citation.document_id for g in answer.groups)
    group_docs = {g.citation.document_id for g in answer.groups}
    for group in answer.groups:
        for q in group.quotes:
            assert q.document_id == group.citation.document_id
            text = unmarked(passages[q.passage_id].text)
            pieces = quote_segments(q.text)
            assert pieces and all(p in text for p in pieces)
            span = unmarked_slice(docs[q.document_id].text, q.start, q.end)
            assert span.startswith(pieces[0]) and span.endswith(pieces[-1])
    for ob in answer.obligations:
        assert ob.passage_id in shown and ob.document_id in group_docs
        assert ob.action.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS) in passages[ob.passage_id].text
    for rel in answer.related:
        assert store.get_document(rel.document_id) is not None

    # prose may only cite the groups shown
    sources = sources_of(answer.groups)
    n = data.draw(st.integers(min_value=1, max_value=len(sources) + 2))
    prose = f"Nội dung đã trích [{n}]."
    checked = check_prose(prose, sources)
    assert (checked is not None) == (n <= len(sources))


def test_check_prose_never_accepts_unknown_sources() -> None:
    sources = [Source(1, "Công văn", ("a",))]
    assert check_prose("Câu một [1]. Câu hai [2].", sources) is None
    assert check_prose("Câu một [1][1].", sources) is not None
