"""A deleted document's id is never given to a later upload.

Old Telegram messages keep buttons naming a document id ("full text", "info"), outbox events,
feedback and the query log keep document and passage ids: reusing an id would make them show
another document. PostgreSQL sequences never reuse ids; on SQLite the document and passage
tables are declared AUTOINCREMENT for the same guarantee.
"""

from __future__ import annotations

from corpus.ingest import ingest_bytes
from corpus.store import CorpusStore
from tests.reliability.texts import dispatch


def test_ids_of_a_deleted_document_are_not_reused(store: CorpusStore) -> None:
    first = ingest_bytes(store, dispatch(901, "sao biển bạc"), "cv-901.txt")
    assert first.document_id is not None
    passages = {p.id for p in store.passages_of(first.document_id)}
    assert store.delete_document(first.document_id)
    second = ingest_bytes(store, dispatch(902, "cánh diều vàng"), "cv-902.txt")
    assert second.document_id is not None
    assert second.document_id != first.document_id
    assert not passages & {p.id for p in store.passages_of(second.document_id)}
