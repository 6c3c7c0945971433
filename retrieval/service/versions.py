"""A document's versions: listing them, making an older one current again (a restore).

A restore stores the kept text as a new version (the replaced one is kept in turn), audited
and announced to subscribers like any update; the caller then asks its runtime's index to
catch up (:meth:`retrieval.service.runtime.Runtime.after_write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from corpus import versions
from corpus.diffing import VersionDiff, diff_versions, fields_of
from corpus.store import CorpusStore
from corpus.versions import version_fields
from retrieval.service.catalog import get_document
from retrieval.service.errors import Conflict, DocumentNotFound
from retrieval.service.settings import Settings
from retrieval.service.uploads import Uploaded, originals


@dataclass(frozen=True)
class VersionInfo:
    version: int
    stored_at: datetime
    stored_by: str | None
    sha256: str
    chars: int
    source_name: str
    current: bool
    file_sha256: str | None = None


def document_versions(store: CorpusStore, doc_id: int) -> list[VersionInfo]:
    """Every version of the document, oldest first, the current one last."""
    doc = get_document(store, doc_id)
    kept = [
        VersionInfo(v.version, v.created_at, v.uploaded_by, v.sha256, len(v.text),
                    v.source_name, current=False, file_sha256=v.file_sha256)
        for v in store.versions_of(doc_id)
    ]
    now = VersionInfo(doc.version, doc.updated_at, doc.uploaded_by, doc.sha256, len(doc.text),
                      doc.source_name, current=True, file_sha256=doc.file_sha256)
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


@dataclass(frozen=True)
class VersionContent:
    version: int
    text: str
    fields: dict[str, object]
    source_name: str
    file_sha256: str | None


def version_content(store: CorpusStore, doc_id: int, version: int) -> VersionContent:
    """The text, fields and file of one version (the current one included)."""
    doc = get_document(store, doc_id)
    if version == doc.version:
        return VersionContent(version, doc.text, fields_of(doc), doc.source_name,
                              doc.file_sha256)
    kept = next((v for v in store.versions_of(doc_id) if v.version == version), None)
    if kept is None:
        raise DocumentNotFound(f"Văn bản #{doc_id} không có phiên bản v{version}.",
                               document_id=doc_id)
    return VersionContent(version, kept.text, version_fields(kept), kept.source_name,
                          kept.file_sha256)


def compare_versions(store: CorpusStore, doc_id: int, old: int, new: int) -> VersionDiff:
    """What changed from version ``old`` to version ``new`` (either may be the current one):
    fields, then lines with a deadline or a duty, then the other lines."""
    a = version_content(store, doc_id, old)
    b = version_content(store, doc_id, new)
    return diff_versions(a.text, b.text, a.fields, b.fields)


def version_file(
    store: CorpusStore, doc_id: int, version: int | None, settings: Settings
) -> tuple[Path, str]:
    """The original file of a version (None: the current one) and its name."""
    doc = get_document(store, doc_id)
    content = version_content(store, doc_id, doc.version if version is None else version)
    path = originals(settings).file(content.file_sha256)
    if path is None:
        raise DocumentNotFound(
            f"Tệp gốc của văn bản #{doc_id} (v{content.version}) không được lưu "
            "(văn bản được nạp trước khi Chỉ Nam lưu tệp gốc, hoặc từ dòng lệnh).",
            document_id=doc_id,
        )
    return path, content.source_name
