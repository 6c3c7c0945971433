"""Corpus operations shared by the API routes and the admin page.

Every change goes through :class:`corpus.store.CorpusStore` (one transaction, audited with the
token name as actor, corpus revision bumped so every process refreshes its indexes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from admin.errors import (
    Conflict,
    FieldError,
    Invalid,
    NotFound,
    TooLarge,
    UnsupportedType,
)
from corpus import editing
from corpus.docnumbers import parse_number
from corpus.extraction import SUPPORTED_SUFFIXES, ExtractionError, extract_text
from corpus.ingest import ingest_text
from corpus.models import Document
from corpus.sizes import human_size
from corpus.store import CorpusStore

_UNSUPPORTED_CODES = {"unsupported", "needs_libreoffice"}
_SUPPORTED_LIST = ", ".join(sorted(SUPPORTED_SUFFIXES))


@dataclass(frozen=True)
class Uploaded:
    status: str  # added | updated | unchanged
    message: str
    document: Document
    passages: int


def check_filename(filename: str | None) -> str:
    """The base name of an upload, or :class:`UnsupportedType` before anything is read."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    suffix = PurePosixPath(name).suffix.lower()
    if not name or suffix not in SUPPORTED_SUFFIXES:
        shown = f"“{suffix}”" if suffix else "không có phần mở rộng"
        raise UnsupportedType(
            f"Định dạng tệp {shown} không được hỗ trợ; hãy gửi một trong: {_SUPPORTED_LIST}."
        )
    return name


def upload(
    store: CorpusStore,
    data: bytes,
    filename: str,
    *,
    actor: str,
    overrides: dict[str, Any],
    max_bytes: int,
    max_chars: int,
) -> Uploaded:
    """Parse and store one file. Nothing is written unless the whole document is stored."""
    name = check_filename(filename)
    if len(data) > max_bytes:
        raise TooLarge(f"Tệp quá lớn; giới hạn là {human_size(max_bytes)}.")
    overrides = dict(overrides)
    free_number = None
    if overrides.get("number") and parse_number(str(overrides["number"])) is None:
        free_number = str(overrides.pop("number"))  # kept as typed, set after storing
    try:
        extracted = extract_text(data, name, max_bytes=max_bytes, max_chars=max_chars)
    except ExtractionError as exc:
        if exc.code == "too_large":
            raise TooLarge(exc.message) from exc
        if exc.code in _UNSUPPORTED_CODES:
            raise UnsupportedType(exc.message) from exc
        raise Invalid(exc.message, [FieldError(field="file", message=exc.message)]) from exc
    outcome = ingest_text(
        store, extracted.text, source_name=name, uploaded_by=actor, overrides=overrides
    )
    if outcome.status == "failed" or outcome.document_id is None:
        raise Invalid(outcome.message, [FieldError(field="file", message=outcome.message)])
    doc = store.get_document(outcome.document_id)
    if doc is None:  # deleted by someone else in between
        raise Conflict("Văn bản vừa bị xóa bởi người khác; hãy tải lên lại.")
    if free_number is not None and outcome.status != "unchanged" and doc.number != free_number:
        doc = update_metadata(store, outcome.document_id, {"number": free_number}, actor=actor)
    return Uploaded(outcome.status, outcome.message, doc, outcome.passages)


def get_document(store: CorpusStore, doc_id: int) -> Document:
    doc = store.get_document(doc_id)
    if doc is None:
        raise NotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
    return doc


def update_metadata(
    store: CorpusStore, doc_id: int, changes: dict[str, Any], *, actor: str
) -> Document:
    """Fix metadata; passage contexts follow, so the document is re-indexed everywhere."""
    get_document(store, doc_id)
    if editing.update_metadata(store, doc_id, changes, actor=actor) is None:
        raise NotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
    return get_document(store, doc_id)


def supersede(store: CorpusStore, doc_id: int, by_id: int | None, *, actor: str) -> Document:
    get_document(store, doc_id)
    if by_id is not None:
        if by_id == doc_id:
            raise Conflict("Một văn bản không thể thay thế chính nó.", document_id=doc_id)
        replacement = store.get_document(by_id)
        if replacement is None:
            raise NotFound(
                f"Không có văn bản #{by_id} để làm văn bản thay thế.", document_id=by_id
            )
        if replacement.superseded_by_id == doc_id:
            raise Conflict(
                f"Văn bản #{by_id} đang được ghi là bị văn bản #{doc_id} thay thế; "
                "không thể thay thế vòng tròn.",
                document_id=by_id,
            )
    if store.supersede(doc_id, by_id, actor=actor) is None:
        raise NotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
    return get_document(store, doc_id)


def delete(store: CorpusStore, doc_id: int, *, actor: str) -> None:
    if not store.delete_document(doc_id, actor=actor):
        raise NotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
