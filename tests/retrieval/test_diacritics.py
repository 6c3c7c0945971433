"""Diacritic restoration: the bigram model on a small corpus, and what the retriever does with it."""

from dataclasses import replace

import pytest

from corpus.store import CorpusStore
from corpus.text import strip_diacritics
from retrieval.analyzer import Analyzer
from retrieval.diacritics import DiacriticRestorer, question_phrases
from retrieval.indexing import IndexBuilder
from retrieval.lexical import LexicalIndex
from retrieval.searcher import SearchWeights
from tests.retrieval.topics import TopicEncoder

PASSAGES = [
    "Các đơn vị tổ chức quán triệt Nghị quyết 02-NQ/TW về đổi mới tổ chức Công đoàn.",
    "Giáo viên nghỉ phép năm được hưởng nguyên lương.",
    "Nghị quyết có hiệu lực từ ngày ký.",
    "Thời gian nghỉ phép không tính vào thời gian thử việc.",
]


@pytest.fixture(scope="module")
def restorer() -> DiacriticRestorer:
    analyzer = Analyzer()
    index = LexicalIndex.build([analyzer.document_tokens(p) for p in PASSAGES])
    return DiacriticRestorer.for_index(index)


def test_neighbours_choose_between_spellings(restorer: DiacriticRestorer) -> None:
    # "nghi" is "nghị" before "quyết" and "nghỉ" before "phép": both are in the corpus.
    assert restorer.restore("nghi quyet 02") == "nghị quyết 02"
    assert restorer.restore("nghi phep nam") == "nghỉ phép năm"
    assert restorer.restore("giao vien duoc huong luong") == "giáo viên được hưởng lương"


def test_case_punctuation_numbers_and_unknown_words_are_kept(restorer: DiacriticRestorer) -> None:
    assert restorer.restore("Cac don vi - theo NQ 02/NQ-TW?") == "Các đơn vị - theo NQ 02/NQ-TW?"
    assert restorer.restore("Don vi") == "Đơn vị"
    assert restorer.restore("xyzzy 2026, email!") == "xyzzy 2026, email!"
    assert restorer.restore("") == ""
    assert restorer.restore("   ") == "   "
    # A question that has diacritics is the user's own spelling: never touched.
    assert restorer.restore("Nghi quyết số 02") == "Nghi quyết số 02"


def test_question_phrases_fill_what_the_corpus_lacks(restorer: DiacriticRestorer) -> None:
    assert ("bao", "nhiêu") in question_phrases()
    # None of these words' accented forms is in PASSAGES: the phrase table supplies them.
    assert restorer.restore("phai lam gi") == "phải làm gì"
    assert restorer.restore("nghi phep bao nhieu ngay") == "nghỉ phép bao nhiêu ngày"


def test_bare_question_is_searched_densely_like_the_accented_one(
    topic_store: CorpusStore,
) -> None:
    accented = "Giáo viên nghỉ phép có được hưởng gì?"
    bare = strip_diacritics(accented)
    r = IndexBuilder(topic_store, encoder=TopicEncoder())
    r.refresh()
    assert r.searcher.parse(bare).restored == accented
    assert r.searcher.parse(accented).restored == accented
    with_accents = r.searcher.search(r.searcher.parse(accented), k=5)
    without = r.searcher.search(r.searcher.parse(bare), k=5)
    assert [h.passage_id for h in without] == [h.passage_id for h in with_accents]
    # The bare question now has a dense score of its own (what the confidence check reads).
    assert all(h.dense_score is not None for h in without)
    assert [h.dense_score for h in without] == pytest.approx([h.dense_score for h in with_accents])


def test_restoring_can_be_turned_off_and_is_skipped_in_lexical_mode(
    topic_store: CorpusStore,
) -> None:
    bare = strip_diacritics("Giáo viên nghỉ phép có được hưởng gì?")
    off = IndexBuilder(
        topic_store, encoder=TopicEncoder(),
        weights=replace(SearchWeights(), restore_diacritics=False),
    )
    off.refresh()
    assert off.searcher.parse(bare).restored == bare
    assert all(h.dense_score is None for h in off.searcher.search(off.searcher.parse(bare), k=5))
    lexical = IndexBuilder(topic_store)
    lexical.refresh()
    assert lexical.searcher.parse(bare).restored == bare
    assert lexical.searcher.search(lexical.searcher.parse(bare), k=1)
