"""Questions answered concurrently (threads) while documents are uploaded and deleted.

Against the store and Answerer directly, on SQLite and PostgreSQL, with a retriever refreshed
by its IndexRefresher every half second (so answers often run on an index that still holds a
deleted document): no errors, and no document cited by an answer that started after its
deletion returned. The same through the HTTP API is in test_api_during_churn.py.
"""

from __future__ import annotations

import pytest

from corpus.ingest import ingest_bytes, ingest_paths
from corpus.store import CorpusStore
from retrieval.answers import Answerer
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.service import IndexRefresher
from tests.conftest import SAMPLES
from tests.reliability.churn import Ask, run_churn
from tests.reliability.texts import dispatch

pytestmark = pytest.mark.slow

ROUNDS = 8
READERS = 4
REFRESH = 0.5


def test_no_deleted_document_cited_after_its_deletion(store: CorpusStore) -> None:
    assert all(o.ok for o in ingest_paths(store, [SAMPLES]))
    retriever = IndexBuilder(store, encoder=HashEncoder(32))
    retriever.refresh()
    loop = IndexRefresher(retriever, REFRESH)
    loop.start()

    def make_reader() -> Ask:
        answerer = Answerer(store, retriever)

        def ask(q: str) -> list[int]:
            return [g.citation.document_id for g in answerer.answer(q, channel="test").groups]

        return ask

    def upload(r: int, topic: str) -> int:
        outcome = ingest_bytes(store, dispatch(600 + r, topic), f"cv-{600 + r}.txt")
        assert outcome.status == "added", outcome
        return outcome.document_id or 0

    def delete(doc_id: int) -> None:
        assert store.delete_document(doc_id, actor="test")

    try:
        report = run_churn(make_reader, upload, delete, rounds=ROUNDS, readers=READERS)
    finally:
        loop.stop()
    print(f"{report.answers} answers by {READERS} threads, {report.uploads} uploads, "
          f"{report.deletions} deletions, {report.rounds_cited} cited, "
          f"{report.asked_after_deletion} asked after deletion, slowest {report.slowest:.2f}s")
    assert report.errors == []
    assert report.violations == []
    assert report.rounds_cited >= ROUNDS - 1, "uploads must be found before deletion"
    assert report.asked_after_deletion >= ROUNDS, "the dangerous window must be exercised"
