"""Kept versions of a document: their fields, making an older one current again (as a new
version)."""

from __future__ import annotations

from typing import Any

from corpus.diffing import fields_of
from corpus.ingest import EDITABLE_FIELDS, IngestOutcome, build_document
from corpus.models import DocumentVersion
from corpus.store import AlreadyStored, CorpusStore


class VersionMissing(LookupError):
    """The document, or the version asked for, is not stored."""


def restore_version(
    store: CorpusStore, doc_id: int, version: int, *, actor: str | None = None
) -> IngestOutcome:
    """Store kept version ``version`` of document ``doc_id`` as its newest version.

    The text is parsed again, as an upload of it would be, and the fields recorded with the
    version (an admin's corrections included) win; the replaced current text is kept
    in turn, so nothing is lost. Subscribers are told of the update like any new version.
    Content already current answers ``unchanged`` and stores nothing.
    """
    current = store.get_document(doc_id)
    kept = next((v for v in store.versions_of(doc_id) if v.version == version), None)
    if current is None or kept is None:
        raise VersionMissing(doc_id, version)
    doc, passages, refs, _ = build_document(
        kept.text, source_name=kept.source_name, uploaded_by=actor,
        overrides=_kept_overrides(kept),
    )
    doc.file_sha256 = kept.file_sha256
    try:
        saved = store.save_document(
            doc, passages, refs, replaces=doc_id, actor=actor, restored_from=version
        )
    except AlreadyStored as same:
        return IngestOutcome(
            kept.source_name, "unchanged", document_id=same.document.id,
            message=f"Nội dung v{version} đã là nội dung hiện hành; không có gì thay đổi.",
            title=same.document.title, number_key=same.document.number_key,
        )
    return IngestOutcome(
        kept.source_name, "updated", document_id=saved.id,
        message=f"Đã khôi phục v{version} thành phiên bản mới (v{saved.version}).",
        title=saved.title, number_key=saved.number_key, passages=len(passages),
    )


def _kept_overrides(kept: DocumentVersion) -> dict[str, Any]:
    """The recorded fields of a kept version that an upload may override."""
    return {k: v for k, v in (kept.fields or {}).items() if k in EDITABLE_FIELDS and v}


def version_fields(version: DocumentVersion) -> dict[str, Any]:
    """The fields of a kept version: as recorded, or read again from its text (versions
    kept before fields were recorded, revision 0005)."""
    if version.fields is not None:
        return dict(version.fields)
    doc, _, _, _ = build_document(version.text, source_name=version.source_name)
    return fields_of(doc)
