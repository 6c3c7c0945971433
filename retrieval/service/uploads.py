"""Uploading one file: the accepted types, the checks before reading, storing it.

The bot and the admin app (API and page) upload through :func:`upload_file`; ingestion itself is
:mod:`corpus.ingest`. Refusals are typed (:mod:`retrieval.service.errors`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from corpus.docnumbers import parse_number
from corpus.extraction import SUPPORTED_SUFFIXES, ExtractionError, extract_text
from corpus.ingest import ingest_text, safe_name
from corpus.models import Document
from corpus.originals import Originals
from corpus.sizes import human_size
from corpus.store import CorpusStore
from retrieval.service.edits import update_metadata
from retrieval.service.errors import (
    Conflict,
    DocumentNotFound,
    OlderVersion,
    TooLarge,
    Unreadable,
    UnsupportedType,
    UploadBusy,
)
from retrieval.service.settings import Settings

_COMMON_FIRST = (".docx", ".pdf", ".txt")


def _display_order(suffix: str) -> tuple[int, str]:
    common = _COMMON_FIRST.index(suffix) if suffix in _COMMON_FIRST else len(_COMMON_FIRST)
    return common, suffix


ACCEPTED_SUFFIXES: tuple[str, ...] = tuple(sorted(SUPPORTED_SUFFIXES, key=_display_order))
"""Every file type an upload may have, the common ones first (for lists shown to people)."""
ACCEPTED_TYPES_TEXT = ", ".join(ACCEPTED_SUFFIXES[:-1]) + " hoặc " + ACCEPTED_SUFFIXES[-1]

_UNSUPPORTED_CODES = {"unsupported", "needs_libreoffice"}

# Terminal escape sequences (CSI, OSC, two-character ESC forms, the 8-bit CSI): removed whole,
# so "\x1b[31m" leaves nothing behind.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?"
)
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable_text(value: str, *, keep_newlines: bool = False) -> str:
    """``value`` without terminal escape sequences, control characters (NUL included) and
    bidirectional overrides; tabs and line breaks stay when ``keep_newlines``."""
    value = _ESCAPES.sub("", value)
    kept = "\t\n\r" if keep_newlines else ""
    return "".join(
        ch for ch in value
        if ch in kept or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS)
    )


@dataclass(frozen=True)
class Uploaded:
    status: str  # added | updated | unchanged
    message: str
    document: Document
    passages: int

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"


def check_upload(filename: str | None, size: int | None, settings: Settings) -> str:
    """The name an upload is stored under; refuses its type or its announced size before
    anything is read (:class:`UnsupportedType`, :class:`TooLarge`)."""
    name = safe_name(printable_text(filename or ""))
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"“{suffix}”" if suffix else "không có phần mở rộng"
        raise UnsupportedType(
            f"Định dạng tệp {shown} không được hỗ trợ; hãy gửi một trong: "
            f"{', '.join(ACCEPTED_SUFFIXES)}.",
            name=name,
        )
    limit = settings.max_upload_bytes
    if size is not None and size > limit:
        raise TooLarge(f"Tệp quá lớn; giới hạn là {human_size(limit)}.", size=size, limit=limit)
    return name


def upload_file(
    store: CorpusStore,
    data: bytes,
    filename: str | None,
    *,
    actor: str,
    settings: Settings,
    overrides: Mapping[str, Any] | None = None,
    replace_document_id: int | None = None,
) -> Uploaded:
    """Read and store one file. Nothing is written unless the whole document is stored.

    ``overrides`` replace parsed metadata; a number the parser cannot read is kept as typed.
    ``replace_document_id`` stores it as a new version of that document (otherwise a new
    version only of a document with the same number, or the same name and a similar text).
    Content equal to a kept older version is refused with :class:`OlderVersion`.
    At most ``settings.upload_workers`` uploads are read at once in a process and
    ``settings.upload_queue`` more wait their turn; beyond that (or after waiting
    ``upload_wait_seconds``) the upload is refused with :class:`UploadBusy`.
    """
    name = check_upload(filename, len(data), settings)
    with parse_gate(settings).slot(settings):
        return _store_upload(store, data, name, actor=actor, settings=settings,
                             overrides=overrides, replace_document_id=replace_document_id)


def _store_upload(
    store: CorpusStore,
    data: bytes,
    name: str,
    *,
    actor: str,
    settings: Settings,
    overrides: Mapping[str, Any] | None,
    replace_document_id: int | None,
) -> Uploaded:
    changes, free_number = split_number(overrides)
    if replace_document_id is not None and store.get_document(replace_document_id) is None:
        raise DocumentNotFound(f"Không có văn bản số {replace_document_id} để thay thế.")
    text = extract(data, name, settings)
    sha = originals(settings).put(data, text)
    return store_text(store, text, name, file_sha256=sha, actor=actor, overrides=changes,
                      free_number=free_number, replace_document_id=replace_document_id)


def store_text(
    store: CorpusStore,
    text: str,
    name: str,
    *,
    file_sha256: str | None,
    actor: str,
    overrides: dict[str, Any],
    free_number: str | None,
    replace_document_id: int | None,
) -> Uploaded:
    """Store an upload's text (its file already kept under ``file_sha256``)."""
    if replace_document_id is not None and store.get_document(replace_document_id) is None:
        raise DocumentNotFound(f"Không có văn bản số {replace_document_id} để thay thế.")
    outcome = ingest_text(
        store, text, source_name=name, uploaded_by=actor, overrides=overrides,
        replaces=replace_document_id, file_sha256=file_sha256,
    )
    if outcome.older_version is not None:
        raise OlderVersion(
            outcome.message, document_id=outcome.document_id, version=outcome.older_version
        )
    if outcome.status == "failed" or outcome.document_id is None:
        raise Unreadable(outcome.message)
    doc = store.get_document(outcome.document_id)
    if doc is None:
        raise Conflict("Văn bản vừa bị xóa bởi người khác; hãy tải lên lại.")
    if free_number is not None and outcome.status != "unchanged" and doc.number != free_number:
        doc = update_metadata(store, outcome.document_id, {"number": free_number}, actor=actor)
    return Uploaded(outcome.status, outcome.message, doc, outcome.passages)


def originals(settings: Settings) -> Originals:
    """Where this deployment keeps original files (``<data dir>/files``)."""
    return Originals(settings.data_dir / "files")


def split_number(overrides: Mapping[str, Any] | None) -> tuple[dict[str, Any], str | None]:
    """The overrides without a number the parser cannot read, and that number (kept as
    typed, set after storing)."""
    changes = dict(overrides or {})
    if changes.get("number") and parse_number(str(changes["number"])) is None:
        return changes, str(changes.pop("number"))
    return changes, None


def extract(data: bytes, name: str, settings: Settings) -> str:
    limit = settings.max_upload_bytes
    try:
        extracted = extract_text(data, name, max_bytes=limit, max_chars=settings.max_text_chars)
    except ExtractionError as exc:
        if exc.code == "too_large":
            raise TooLarge(exc.message, size=len(data), limit=limit) from exc
        if exc.code in _UNSUPPORTED_CODES:
            raise UnsupportedType(exc.message, name=name) from exc
        raise Unreadable(exc.message) from exc
    return extracted.text


class _ParseGate:
    """A bounded pool of upload slots: ``workers`` run, ``queue`` wait, the rest are refused."""

    def __init__(self, workers: int, queue: int) -> None:
        self._admitted = threading.BoundedSemaphore(workers + queue)
        self._running = threading.BoundedSemaphore(workers)

    @contextmanager
    def slot(self, settings: Settings) -> Iterator[None]:
        if not self._admitted.acquire(blocking=False):
            raise _busy(settings)
        try:
            if not self._running.acquire(timeout=settings.upload_wait_seconds):
                raise _busy(settings)
            try:
                yield
            finally:
                self._running.release()
        finally:
            self._admitted.release()


def _busy(settings: Settings) -> UploadBusy:
    seconds = settings.upload_retry_seconds
    return UploadBusy(
        f"Máy chủ đang bận xử lý các tệp khác; hãy gửi lại sau khoảng {seconds} giây.",
        retry_after=seconds,
    )


_gates: dict[tuple[int, int], _ParseGate] = {}
_gates_lock = threading.Lock()


def parse_gate(settings: Settings) -> _ParseGate:
    """The process's pool for these sizes (created on first use)."""
    key = (settings.upload_workers, settings.upload_queue)
    with _gates_lock:
        if key not in _gates:
            _gates[key] = _ParseGate(*key)
        return _gates[key]
