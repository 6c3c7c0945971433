"""Changes an admin makes to stored documents: metadata, supersession, deletion.

Each goes through :class:`corpus.store.CorpusStore` (one transaction, audited with ``actor``,
corpus revision bumped so every process refreshes). The caller then asks its runtime's
index to catch up (:meth:`retrieval.service.runtime.Runtime.after_write`).
"""

from __future__ import annotations

from typing import Any

from corpus import editing
from corpus.models import Document
from corpus.store import CorpusStore
from retrieval.service.catalog import get_document
from retrieval.service.errors import Conflict, DocumentNotFound


def update_metadata(
    store: CorpusStore, doc_id: int, changes: dict[str, Any], *, actor: str
) -> Document:
    """Fix metadata; passage contexts follow, so the document is re-indexed everywhere."""
    get_document(store, doc_id)
    if editing.update_metadata(store, doc_id, changes, actor=actor) is None:
        raise DocumentNotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
    return get_document(store, doc_id)


def supersede_document(
    store: CorpusStore, doc_id: int, by_id: int | None, *, actor: str
) -> Document:
    """Mark ``doc_id`` as replaced by ``by_id`` (None: no longer replaced)."""
    get_document(store, doc_id)
    if by_id is not None:
        if by_id == doc_id:
            raise Conflict("Một văn bản không thể thay thế chính nó.", document_id=doc_id)
        replacement = store.get_document(by_id)
        if replacement is None:
            raise DocumentNotFound(
                f"Không có văn bản #{by_id} để làm văn bản thay thế.", document_id=by_id
            )
        if replacement.superseded_by_id == doc_id:
            raise Conflict(
                f"Văn bản #{by_id} đang được ghi là bị văn bản #{doc_id} thay thế; "
                "không thể thay thế vòng tròn.",
                document_id=by_id,
            )
    if store.supersede(doc_id, by_id, actor=actor) is None:
        raise DocumentNotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
    return get_document(store, doc_id)


def delete_document(store: CorpusStore, doc_id: int, *, actor: str) -> None:
    if not store.delete_document(doc_id, actor=actor):
        raise DocumentNotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
