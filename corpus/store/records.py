"""What the repository hands out besides model objects: small frozen records and filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from corpus.models import Document, DocumentVersion


@dataclass(frozen=True)
class PassageRecord:
    """What the search indexes need of a passage."""

    id: int
    document_id: int
    context: str
    text: str
    content_hash: str
    ref: str | None


@dataclass(frozen=True)
class DocumentSummary:
    """What the search indexes need of a document: its names, status and number key."""

    id: int
    doc_type: str
    title: str
    subject: str | None
    status: str
    match_key: str | None
    issuer: str | None = None
    parent_issuer: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class ReferenceLink:
    """What the search needs of a reference: who cites, whom (when stored) and by what key."""

    document_id: int
    target_id: int | None
    match_key: str | None


@dataclass(frozen=True)
class DocumentFilter:
    doc_type: str | None = None
    issuer: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None


class OlderContent(Exception):
    """The content is that of a kept older version (``version``) of a stored document."""

    def __init__(self, version: DocumentVersion) -> None:
        super().__init__(version.document_id, version.version)
        self.version = version


class AlreadyStored(Exception):
    """The same content was stored meanwhile (by another process); carries its document."""

    def __init__(self, document: Document) -> None:
        super().__init__(document.id)
        self.document = document


def jsonable_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in fields.items()}


def jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
