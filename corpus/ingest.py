"""Ingestion: file bytes -> text -> parsed document, passages, references -> one transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError

from corpus.chunking import chunk_text
from corpus.docnumbers import DocNumber, parse_number, type_code_for_name
from corpus.extraction import SUPPORTED_SUFFIXES, ExtractionError, extract_text
from corpus.hashing import content_hash, sha256_text
from corpus.labels import follow_number, passage_context
from corpus.models import Document, Passage, Reference
from corpus.parsing import ParsedDocument, parse_document
from corpus.references import extract_references
from corpus.store import AlreadyStored, CorpusStore, OlderContent
from corpus.text import bare, clean_text

Status = Literal["added", "updated", "unchanged", "failed"]
EDITABLE_FIELDS = (
    "doc_type", "number", "title", "subject", "issuer", "parent_issuer", "place",
    "issue_date", "date_text", "year", "signer", "signer_title", "recipients", "status",
    "visibility",
)


@dataclass
class IngestOutcome:
    source: str
    status: Status
    document_id: int | None = None
    message: str = ""
    title: str = ""
    number_key: str | None = None
    passages: int = 0
    older_version: int | None = None
    """Set when the content is that of this kept older version: nothing was stored."""

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def safe_name(filename: str) -> str:
    """The bare file name of an upload: no directories (either slash), no control characters."""
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "unnamed"


def _apply_number(doc: Document, number: DocNumber | None) -> None:
    empty = {"number": None, "number_key": None, "match_key": None, "identity": None}
    for name, value in (number.fields() if number else empty).items():
        setattr(doc, name, value)


def build_document(
    text: str,
    *,
    source_name: str,
    overrides: dict[str, Any] | None = None,
    uploaded_by: str | None = None,
) -> tuple[Document, list[Passage], list[Reference], ParsedDocument]:
    """The document, its passages and its references, read from ``text``; ``overrides`` (the
    uploader's corrections) win over what the parser read."""
    parsed = parse_document(text, source_name=source_name)
    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "")}
    typed_number = overrides.pop("number", None)
    number = parsed.number
    if typed_number is not None:
        number = parse_number(str(typed_number)) or number
    if number is not None and number.year is None:
        number = number.with_year(parsed.year)
    doc = _document(parsed, text, source_name=source_name, uploaded_by=uploaded_by)
    for key, value in overrides.items():
        if key in EDITABLE_FIELDS:
            setattr(doc, key, value)
    if number is not None and overrides.get("doc_type"):
        number = number.with_type(type_code_for_name(str(overrides["doc_type"])))
    _apply_number(doc, number)
    printed = parsed.number.printed if parsed.number else None
    for name in ("title", "subject"):
        if name not in overrides:
            setattr(doc, name, follow_number(getattr(doc, name), printed, doc.number))
    passages = _passages(doc, text, parsed.body_start)
    return doc, passages, _references(text, number), parsed


def _document(
    parsed: ParsedDocument, text: str, *, source_name: str, uploaded_by: str | None
) -> Document:
    return Document(
        doc_type=parsed.doc_type,
        title=parsed.title,
        subject=parsed.subject,
        issuer=parsed.issuer,
        parent_issuer=parsed.parent_issuer,
        place=parsed.place,
        issue_date=parsed.issue_date,
        date_text=parsed.date_text,
        year=parsed.year,
        signer=parsed.signer,
        signer_title=parsed.signer_title,
        recipients=list(parsed.recipients),
        raw={**parsed.raw, "cc": list(parsed.cc)},
        source_name=source_name,
        sha256=sha256_text(text),
        text=text,
        uploaded_by=uploaded_by,
    )


def _passages(doc: Document, text: str, body_start: int) -> list[Passage]:
    """The chunks of the body, each with its context line and content hash."""
    passages = []
    for i, chunk in enumerate(chunk_text(text, start=body_start)):
        trail = " > ".join(chunk.headings)
        context = passage_context(doc, trail)
        passages.append(
            Passage(
                document_id=0,
                ordinal=i,
                section=chunk.section,
                heading=trail,
                context=context,
                text=chunk.text,
                start=chunk.start,
                end=chunk.end,
                content_hash=content_hash(context, chunk.text),
            )
        )
    return passages


def _references(text: str, number: DocNumber | None) -> list[Reference]:
    return [
        Reference(
            document_id=0,
            relation=ref.relation,
            key=ref.number.key,
            match_key=ref.number.match_key,
            raw=ref.raw,
            ref_type=ref.ref_type,
            ref_number=ref.number.printed,
            ref_date=ref.date_text,
            ref_issuer=ref.issuer,
        )
        for ref in extract_references(text, self_number=number)
    ]


def ingest_bytes(
    store: CorpusStore,
    data: bytes,
    filename: str,
    *,
    uploaded_by: str | None = None,
    overrides: dict[str, Any] | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    max_chars: int = 3_000_000,
) -> IngestOutcome:
    """Ingest one file's bytes. Never raises for bad input: the outcome says what went wrong."""
    name = safe_name(filename)
    try:
        extracted = extract_text(data, name, max_bytes=max_bytes, max_chars=max_chars)
    except ExtractionError as exc:
        return IngestOutcome(name, "failed", message=str(exc))
    return ingest_text(
        store, extracted.text, source_name=name, uploaded_by=uploaded_by, overrides=overrides
    )


def ingest_text(
    store: CorpusStore,
    text: str,
    *,
    source_name: str,
    uploaded_by: str | None = None,
    overrides: dict[str, Any] | None = None,
    replaces: int | None = None,
    file_sha256: str | None = None,
) -> IngestOutcome:
    """Store ``text`` as a new document, or as a new version of the document ``replaces``
    (the uploader's explicit intent), else of the one :func:`previous_version` finds.
    ``file_sha256`` names the original file, kept by the caller (:mod:`corpus.originals`)."""
    text = clean_text(text)
    if not text.strip():
        return IngestOutcome(source_name, "failed", message="Tệp không có nội dung văn bản.")
    existing = store.find_by_sha(sha256_text(text))
    if existing is not None:
        return _outcome(source_name, "unchanged", existing, "Đã có trong kho, không thay đổi.")
    older = store.find_version_by_sha(sha256_text(text))
    if older is not None:
        return older_outcome(store, source_name, older.document_id, older.version)
    doc, passages, refs, _ = build_document(
        text, source_name=source_name, overrides=overrides, uploaded_by=uploaded_by
    )
    doc.file_sha256 = file_sha256
    if not passages:
        return IngestOutcome(source_name, "failed", message="Không tách được đoạn văn nào.")
    if replaces is not None:
        previous = store.get_document(replaces)
        if previous is None:
            return IngestOutcome(
                source_name, "failed", message=f"Không có văn bản số {replaces} để thay thế."
            )
    else:
        previous = previous_version(store, doc)
    try:
        saved = store.save_document(
            doc,
            passages,
            refs,
            replaces=previous.id if previous else None,
            actor=uploaded_by,
        )
    except AlreadyStored as same:
        return _outcome(source_name, "unchanged", same.document, "Đã có trong kho, không thay đổi.")
    except OlderContent as found:
        return older_outcome(store, source_name, found.version.document_id, found.version.version)
    except IntegrityError:
        # Another process stored the same content between our check and our commit.
        again = store.find_by_sha(doc.sha256)
        if again is None:
            raise
        return _outcome(source_name, "unchanged", again, "Đã có trong kho, không thay đổi.")
    status: Status = "updated" if previous else "added"
    message = f"Phiên bản mới (v{saved.version})." if previous else "Đã thêm."
    return _outcome(source_name, status, saved, message, len(passages))


def older_outcome(
    store: CorpusStore, source_name: str, doc_id: int, version: int
) -> IngestOutcome:
    """The answer to content equal to kept version ``version`` of document ``doc_id``."""
    current = store.get_document(doc_id)
    now = f"v{current.version}" if current else "?"
    message = (
        f"Nội dung này trùng phiên bản v{version} của văn bản #{doc_id}; văn bản đang ở {now}. "
        f"Muốn khôi phục v{version}, hãy dùng chức năng khôi phục."
    )
    if current is None:
        return IngestOutcome(source_name, "failed", message=message, older_version=version)
    outcome = _outcome(source_name, "unchanged", current, message)
    outcome.older_version = version
    return outcome


def previous_version(store: CorpusStore, doc: Document) -> Document | None:
    """The stored document this one is a new version of, if any.

    With a số/ký hiệu: the same number and either the same file name or a similar subject (a
    decree and its appendix share a number but are different documents). Without one, a file
    name says little (every school has its "thong-bao.docx"): the same name *and* a similar
    text. Anything else is a new document; replacing one is asked for explicitly.
    """
    if not doc.identity:
        same_name = store.find_by_source(doc.source_name)
        if same_name is not None and _similar_text(same_name.text, doc.text):
            return same_name
        return None
    for candidate in store.find_by_identity(doc.identity):
        if candidate.source_name == doc.source_name or _similar(candidate, doc):
            return candidate
    return None


SIMILAR_TEXT = 0.6
"""Share of word trigrams two texts have in common (Jaccard) to count as versions of one."""


def _similar_text(a: str, b: str) -> bool:
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return sa == sb
    return len(sa & sb) / len(sa | sb) >= SIMILAR_TEXT


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = bare(text).split()
    return {tuple(words[i : i + 3]) for i in range(max(0, len(words) - 2))}


def _similar(a: Document, b: Document) -> bool:
    wa = set(bare(a.subject or a.title).split())
    wb = set(bare(b.subject or b.title).split())
    if not wa or not wb:
        return True
    return len(wa & wb) / len(wa | wb) >= 0.6


def _outcome(
    source: str, status: Status, doc: Document, message: str, passages: int = 0
) -> IngestOutcome:
    return IngestOutcome(
        source,
        status,
        document_id=doc.id,
        message=message,
        title=doc.title,
        number_key=doc.number_key,
        passages=passages,
    )


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and supported files inside folders named (recursively, sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not child.name.upper().startswith("README")
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                ):
                    yield child
        else:
            yield path


def ingest_paths(
    store: CorpusStore,
    paths: Iterable[str | Path],
    *,
    uploaded_by: str | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    max_chars: int = 3_000_000,
    on_done: Callable[[IngestOutcome], None] | None = None,
) -> list[IngestOutcome]:
    outcomes = []
    for path in expand_paths(paths):
        outcome = ingest_path(
            store, path, uploaded_by=uploaded_by, max_bytes=max_bytes, max_chars=max_chars
        )
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes


def ingest_path(
    store: CorpusStore,
    path: Path,
    *,
    uploaded_by: str | None = None,
    max_bytes: int = 20 * 1024 * 1024,
    max_chars: int = 3_000_000,
) -> IngestOutcome:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return IngestOutcome(
                path.name,
                "failed",
                message=f"Tệp quá lớn ({size / 1_048_576:.1f} MB, tối đa "
                f"{max_bytes / 1_048_576:.0f} MB).",
            )
        data = path.read_bytes()
    except OSError as exc:
        return IngestOutcome(path.name, "failed", message=f"Không đọc được tệp: {exc.strerror}.")
    return ingest_bytes(
        store, data, path.name, uploaded_by=uploaded_by, max_bytes=max_bytes, max_chars=max_chars
    )
