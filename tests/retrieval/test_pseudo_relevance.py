"""Pseudo-relevance feedback: the vector arithmetic, and what it does inside the retriever."""

from dataclasses import replace

import numpy as np
import pytest

from corpus.hashing import embed_text
from corpus.store import CorpusStore
from corpus.text import strip_diacritics
from retrieval.indexing import IndexBuilder
from retrieval.pseudo_relevance import feedback_vector
from retrieval.searcher import SearchWeights
from tests.retrieval.topics import TopicEncoder


def test_feedback_vector_moves_towards_the_passages() -> None:
    q = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    passages = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    vec = feedback_vector(q, passages, weight=0.7)
    assert np.linalg.norm(vec) == pytest.approx(1.0)
    expected = np.array([1.0, 0.35, 0.35]) / np.linalg.norm([1.0, 0.35, 0.35])
    assert vec == pytest.approx(expected, abs=1e-6)
    # Without a question vector the passages' direction is the query.
    alone = feedback_vector(None, passages, weight=0.7)
    assert alone == pytest.approx(np.array([0.0, 1.0, 1.0]) / np.sqrt(2), abs=1e-6)
    with pytest.raises(ValueError):
        feedback_vector(q, np.zeros((0, 3), dtype=np.float32), weight=0.7)
    with pytest.raises(ValueError):
        feedback_vector(None, np.zeros((2, 3), dtype=np.float32), weight=0.7)


def _rank(r: IndexBuilder, store: CorpusStore, question: str, source: str) -> int:
    names = []
    for hit in r.searcher.search(r.searcher.parse(question), k=10):
        doc = store.get_document(hit.document_id)
        assert doc is not None
        names.append(doc.source_name)
    return names.index(source) if source in names else len(names)


def test_feedback_lifts_the_neighbours_of_the_best_passages(topic_store: CorpusStore) -> None:
    question = "Giáo viên nghỉ phép có được hưởng gì?"
    with_fb = IndexBuilder(topic_store, encoder=TopicEncoder())
    with_fb.refresh()
    without = IndexBuilder(
        topic_store, encoder=TopicEncoder(), weights=replace(SearchWeights(), feedback_passages=0)
    )
    without.refresh()
    assert _rank(with_fb, topic_store, question, "a.txt") == 0
    assert _rank(without, topic_store, question, "a.txt") == 0
    # b.txt shares nothing with the question but the answer's topic: feedback puts it second.
    assert _rank(with_fb, topic_store, question, "b.txt") == 1
    assert _rank(without, topic_store, question, "b.txt") > 1
    # The hits still carry the question's own dense score (what the confidence check reads).
    hit = with_fb.searcher.search(with_fb.searcher.parse(question), k=1)[0]
    record = with_fb.searcher.record(hit.passage_id)
    assert record is not None and hit.dense_score is not None
    qv = TopicEncoder().encode_queries([question])[0]
    pv = TopicEncoder().encode_passages([embed_text(record.context, record.text)])[0]
    assert hit.dense_score == pytest.approx(float(qv @ pv), abs=1e-5)


def test_feedback_gives_diacritic_free_questions_a_dense_list(topic_store: CorpusStore) -> None:
    # With restoring off (or when it finds no diacritics to put back) a bare question has no
    # vector of its own; feedback from its lexical ranking is its only dense list.
    question = strip_diacritics("Giáo viên nghỉ phép có được hưởng gì?")
    bare = replace(SearchWeights(), restore_diacritics=False)
    with_fb = IndexBuilder(topic_store, encoder=TopicEncoder(), weights=bare)
    with_fb.refresh()
    without = IndexBuilder(
        topic_store, encoder=TopicEncoder(),
        weights=replace(bare, feedback_without_diacritics=0.0),
    )
    without.refresh()
    assert _rank(with_fb, topic_store, question, "a.txt") == 0
    # Lexical search alone finds only a.txt; the passages' own vectors bring in b.txt.
    assert len(without.searcher.search(without.searcher.parse(question), k=10)) == 1
    assert _rank(with_fb, topic_store, question, "b.txt") == 1
    # Nothing was encoded for the bare question: its hits have no dense score of their own.
    assert all(h.dense_score is None for h in with_fb.searcher.search(with_fb.searcher.parse(question), k=5))
