"""A document's versions: listing them, making an older one current again (a restore).

A restore stores the kept text as a new version (the replaced one is kept in turn), audited
and announced to subscribers like any update; the caller then asks its runtime's index to
catch up (:meth:`retrieval.service.runtime.Runtime.after_write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from corpus import versions
from corpus.store import CorpusStore
from retrieval.service.catalog import get_document
from retrieval.service.errors import Conflict, DocumentNotFound
from retrieval.service.uploads import Uploaded


@dataclass(frozen=True)
class VersionInfo:
    version: int
    stored_at: datetime
    stored_by: str | None
    sha256: str
    chars: int
    source_name: str
    current: bool


def document_versions(store: CorpusStore, doc_id: int) -> list[VersionInfo]:
    """Every version of the document, oldest first, the current one last."""
    doc = get_document(store, doc_id)
    kept = [
        VersionInfo(v.version, v.created_at, v.uploaded_by, v.sha256, len(v.text),
                    v.source_name, current=False)
        for v in store.versions_of(doc_id)
    ]
    now = VersionInfo(doc.version, doc.updated_at, doc.uploaded_by, doc.sha256, len(doc.text),
                      doc.source_name, current=True)
    return [*kept, now]


def restore_version(store: CorpusStore, doc_id: int, version: int, *, actor: str) -> Uploaded:
    """Make kept version ``version`` the current text, as a new version."""
    doc = get_document(store, doc_id)
    if version == doc.version:
        raise Conflict(f"v{version} đang là phiên bản hiện hành của văn bản #{doc_id}.",
                       document_id=doc_id)
    try:
        outcome = versions.restore_version(store, doc_id, version, actor=actor)
    except versions.VersionMissing as missing:
        raise DocumentNotFound(f"Văn bản #{doc_id} không có phiên bản v{version}.",
                               document_id=doc_id) from missing
    if outcome.status == "unchanged":
        raise Conflict(outcome.message, document_id=doc_id)
    return Uploaded(outcome.status, outcome.message, get_document(store, doc_id),
                    outcome.passages)
