"""Parse, show, confirm: an upload read and shown before it is stored, then published.

:func:`parse_upload` reads a file, keeps it (:mod:`corpus.originals`) and returns what the
parser found (:class:`Preview`) without storing anything: the fields, what it cites, what the
upload would do (a new document, a new version of #n, content already stored) and warnings
when it does not look like an administrative document. :func:`publish_upload` stores the kept
file with the fields as confirmed or corrected; derived fields (title, labels) follow an
edited number as in any upload.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from corpus.hashing import sha256_text
from corpus.ingest import build_document, previous_version
from corpus.labels import reference_label
from corpus.models import Document
from corpus.store import CorpusStore
from corpus.text import clean_text
from retrieval.service.errors import Unreadable
from retrieval.service.settings import Settings
from retrieval.service.uploads import (
    Uploaded,
    check_upload,
    extract,
    originals,
    parse_gate,
    split_number,
    store_text,
)

log = logging.getLogger(__name__)

PREVIEW_FIELDS = (
    "doc_type", "number", "issuer", "parent_issuer", "place", "date_text", "issue_date",
    "subject", "title", "signer", "signer_title",
)
"""The parsed fields shown for confirmation, in the order of the printed page."""
SHORT_WORDS = 40
"""Fewer words than this: too short for an administrative document."""


@dataclass(frozen=True)
class Preview:
    key: str
    """Digest of the kept file; what :func:`publish_upload` publishes."""
    name: str
    fields: dict[str, str]
    cites: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: bool = False
    """True when the text does not look like an administrative document."""
    effect: str = ""
    """What publishing would do, in words."""
    existing_id: int | None = None


def parse_upload(store: CorpusStore, data: bytes, filename: str | None, *,
                 settings: Settings) -> Preview:
    """Read and keep one file; nothing is stored in the database."""
    name = check_upload(filename, len(data), settings)
    with parse_gate(settings).slot(settings):
        text = clean_text(extract(data, name, settings))
    if not text.strip():
        raise Unreadable("Tệp không có nội dung văn bản.")
    key = originals(settings).put(data, text)
    sweep_kept_files(store, settings)
    doc, _, refs, _ = build_document(text, source_name=name)
    warnings, review = review_warnings(doc, text)
    effect, existing = _effect(store, doc, text)
    return Preview(
        key=key, name=name, fields=_shown_fields(doc),
        cites=[reference_label(r.ref_type, r.ref_number, r.raw) for r in refs],
        warnings=warnings, review=review, effect=effect, existing_id=existing,
    )


SWEEP_EVERY_SECONDS = 3600.0
_last_sweep: dict[Path, float] = {}
_sweep_lock = threading.Lock()


def sweep_kept_files(store: CorpusStore, settings: Settings, *, force: bool = False) -> int:
    """Remove kept files nothing names any more (previews never published, files of deleted
    documents) once they are ``preview_keep_hours`` old; at most once an hour per data
    directory in this process unless ``force``. Returns how many files went."""
    root = settings.data_dir.resolve()
    now = time.monotonic()
    with _sweep_lock:
        if not force and now - _last_sweep.get(root, -SWEEP_EVERY_SECONDS) < SWEEP_EVERY_SECONDS:
            return 0
        _last_sweep[root] = now
    try:
        removed = originals(settings).sweep(
            store.kept_file_digests, older_than=settings.preview_keep_hours * 3600
        )
    except OSError as exc:
        log.warning("Could not sweep unused original files: %s", exc)
        return 0
    if removed:
        log.info("Removed %d original files nothing names (older than %.0f h)",
                 removed, settings.preview_keep_hours)
    return removed


def review_warnings(doc: Document, text: str) -> tuple[list[str], bool]:
    """What to check before publishing, and whether the text looks like no administrative
    document at all (two of number, issuer, date missing, or a very short text)."""
    missing = [label for label, value in (
        ("số/ký hiệu", doc.number), ("cơ quan ban hành", doc.issuer),
        ("ngày ban hành", doc.issue_date or doc.date_text),
    ) if not value]
    words = len(text.split())
    short = words < SHORT_WORDS
    warnings = []
    if missing:
        warnings.append("Không đọc được " + ", ".join(missing) + ".")
    if short:
        warnings.append(f"Văn bản rất ngắn ({words} từ).")
    review = short or len(missing) >= 2
    if review:
        warnings.insert(0, "Nội dung này có vẻ không phải văn bản hành chính (công văn, kế "
                           "hoạch, quyết định…); hãy kiểm tra trước khi đăng.")
    return warnings, review


def _effect(store: CorpusStore, doc: Document, text: str) -> tuple[str, int | None]:
    sha = sha256_text(text)
    same = store.find_by_sha(sha)
    if same is not None:
        return f"Nội dung này đã có trong kho (văn bản #{same.id}); đăng sẽ không đổi gì.", same.id
    older = store.find_version_by_sha(sha)
    if older is not None:
        return (f"Nội dung này trùng phiên bản cũ v{older.version} của văn bản "
                f"#{older.document_id}; muốn dùng lại, hãy khôi phục phiên bản đó.",
                older.document_id)
    previous = previous_version(store, doc)
    if previous is not None:
        return (f"Sẽ thành phiên bản mới (v{previous.version + 1}) của văn bản #{previous.id}.",
                previous.id)
    return "Sẽ thêm thành văn bản mới.", None


def _shown_fields(doc: Document) -> dict[str, str]:
    shown = {}
    for name in PREVIEW_FIELDS:
        value = getattr(doc, name)
        shown[name] = value.isoformat() if isinstance(value, date) else (value or "")
    return shown


def publish_upload(
    store: CorpusStore,
    key: str,
    filename: str,
    *,
    actor: str,
    settings: Settings,
    overrides: Mapping[str, Any] | None = None,
    replace_document_id: int | None = None,
) -> Uploaded:
    """Store a parsed upload with the confirmed fields (:class:`Unreadable` when its file is
    no longer kept)."""
    name = check_upload(filename, None, settings)
    kept = originals(settings)
    if not kept.touch(key):
        raise Unreadable("Không còn tệp đã tải lên (quá hạn giữ bản xem trước); hãy tải lên lại.")
    text = kept.text(key)
    if text is None:
        data = kept.data(key)
        if data is None:
            raise Unreadable("Không còn tệp đã tải lên; hãy tải lên lại.")
        text = extract(data, name, settings)
    changes, free_number = split_number(overrides)
    return store_text(store, text, name, file_sha256=key, actor=actor, overrides=changes,
                      free_number=free_number, replace_document_id=replace_document_id)
