"""The answer's store reads kept per corpus revision: same results, one round trip each."""

from __future__ import annotations

from collections import Counter
from typing import Any

from corpus.models import DocumentStatus
from corpus.store import CorpusStore
from retrieval.answers import Answerer
from retrieval.answers.reads import RevisionReads
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder


class CountingStore:
    """``store`` with a count of the queries made through it."""

    def __init__(self, store: CorpusStore) -> None:
        self.store = store
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.store, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attr(*args, **kwargs)

        return counted


def _ids(seeded_store: CorpusStore) -> tuple[list[int], list[int]]:
    docs, _ = seeded_store.list_documents(limit=50)
    doc_ids = [d.id for d in docs if d.id is not None]
    passage_ids = [p.id for d in doc_ids for p in seeded_store.passages_of(d) if p.id is not None]
    return doc_ids, passage_ids


def test_reads_equal_the_store_and_are_made_once(seeded_store: CorpusStore) -> None:
    doc_ids, passage_ids = _ids(seeded_store)
    counting = CountingStore(seeded_store)
    reads = RevisionReads(counting, seeded_store.revision())  # type: ignore[arg-type]
    keys = [d.match_key for d in seeded_store.documents_by_ids(doc_ids).values() if d.match_key]
    refs = [r for d in doc_ids for r in seeded_store.references_of(d)]
    targets = {r.target_id for r in refs if r.target_id is not None}
    assert keys and refs and targets
    some = [*passage_ids[::7], 10 ** 9]
    for _ in range(2):
        assert reads.passages_by_ids(some).keys() == seeded_store.passages_by_ids(some).keys()
        assert list(reads.documents_by_ids([*doc_ids, 10 ** 9])) == sorted(doc_ids)
        assert reads.get_document(10**9) is None
        assert reads.get_document(doc_ids[0]) is not None
        for d in doc_ids:
            assert [p.id for p in reads.passages_of(d)] == [
                p.id for p in seeded_store.passages_of(d)]
            assert [r.id for r in reads.references_of(d)] == [
                r.id for r in seeded_store.references_of(d)]
        assert {d.id for d in reads.documents_by_match_keys(keys[:2])} == {
            d.id for d in seeded_store.documents_by_match_keys(keys[:2])}
        assert {r.id for r in reads.cited_by(targets, keys[:1])} == {
            r.id for r in seeded_store.cited_by(targets, keys[:1])}
        assert reads.cited_by([], []) == [] and reads.documents_by_match_keys([]) == []
        first = dict(counting.calls)
    assert counting.calls == first  # the second pass was answered from memory
    assert first["passages_by_ids"] == 1 and first["passages_of"] == len(doc_ids)


def test_least_recently_used_reads_are_dropped(seeded_store: CorpusStore) -> None:
    doc_ids, _ = _ids(seeded_store)
    counting = CountingStore(seeded_store)
    reads = RevisionReads(counting, 0, size=2)  # type: ignore[arg-type]
    for d in doc_ids[:3]:
        reads.references_of(d)
    reads.references_of(doc_ids[2])
    assert counting.calls["references_of"] == 3
    reads.references_of(doc_ids[0])
    assert counting.calls["references_of"] == 4


def test_a_new_revision_is_read_again(seeded_store: CorpusStore) -> None:
    index = IndexBuilder(seeded_store, encoder=HashEncoder())
    index.refresh()
    answerer = Answerer(seeded_store, index)
    question = "Quản lý đội ngũ nhà giáo theo công văn 5243 thế nào?"
    before = answerer.answer(question, log_query=False)
    doc_id = before.groups[0].citation.document_id
    assert before.groups[0].citation.status == DocumentStatus.IN_FORCE
    seeded_store.update_document(doc_id, {"status": DocumentStatus.WITHDRAWN})
    index.refresh()
    after = answerer.answer(question, log_query=False)
    statuses = {g.citation.document_id: g.citation.status for g in after.groups}
    assert statuses[doc_id] == DocumentStatus.WITHDRAWN
