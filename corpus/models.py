"""Tables. The database is the single source of truth; search indexes derive from it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class DocumentStatus:
    """Values of Document.status and their Vietnamese labels."""

    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    ALL = (IN_FORCE, SUPERSEDED, WITHDRAWN)
    LABELS: ClassVar[dict[str, str]] = {
        IN_FORCE: "còn hiệu lực",
        SUPERSEDED: "đã bị thay thế",
        WITHDRAWN: "đã bị thu hồi",
    }


# Ids are never reused (SQLite reuses the largest deleted rowid without AUTOINCREMENT): an index
# that has not yet seen a deletion must not find a new document or passage under an old id.
_NO_REUSE = {"sqlite_autoincrement": True}


class Document(SQLModel, table=True):
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    identity: str | None = Field(default=None, index=True, description="versioning key")
    number: str | None = Field(default=None, description="số/ký hiệu as printed")
    number_key: str | None = Field(default=None, index=True, description="NQ 02-NQ/TW 2021")
    match_key: str | None = Field(default=None, index=True, description="NQ:2")
    doc_type: str = "Văn bản"
    title: str = ""
    subject: str | None = Field(default=None, sa_column=Column(Text))
    issuer: str | None = None
    parent_issuer: str | None = None
    place: str | None = None
    issue_date: date | None = None
    date_text: str | None = Field(default=None, description="dd/mm/yyyy, mm/yyyy or yyyy")
    year: int | None = Field(default=None, index=True)
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    raw: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = Field(default=DocumentStatus.IN_FORCE, index=True)
    superseded_by_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    visibility: str = "public"
    source_name: str = ""
    sha256: str = Field(index=True, unique=True)
    version: int = 1
    text: str = Field(default="", sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    uploaded_by: str | None = None
    file_sha256: str | None = Field(
        default=None, description="digest of the original file, kept under the data dir"
    )


class DocumentVersion(SQLModel, table=True):
    """A previous version of a document, kept when a changed file replaces it.

    ``created_at`` is when that version became the current one, ``uploaded_by`` who stored it,
    ``fields`` its parsed metadata (see :func:`corpus.versions.version_fields`; None for
    versions kept before revision 0005), ``file_sha256`` its original file (None: not kept).
    """

    __tablename__ = "document_version"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    version: int
    sha256: str
    source_name: str = ""
    text: str = Field(default="", sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)
    uploaded_by: str | None = None
    fields: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    file_sha256: str | None = None


class Passage(SQLModel, table=True):
    __table_args__ = _NO_REUSE
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    ordinal: int
    section: str = Field(default="", description="section path, e.g. 'II > 2 > b'")
    heading: str = ""
    context: str = Field(default="", sa_column=Column(Text))
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: int = 0
    end: int = 0
    content_hash: str = Field(index=True)
    ref: str | None = Field(default=None, index=True, description="external id (eval corpora)")


class Embedding(SQLModel, table=True):
    """Vector of one embedded text under one model; keyed by content so nothing is re-embedded."""

    model: str = Field(primary_key=True)
    content_hash: str = Field(primary_key=True)
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Reference(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True, ondelete="CASCADE")
    relation: str = "mention"
    key: str = Field(index=True)
    match_key: str | None = Field(default=None, index=True)
    raw: str = Field(default="", sa_column=Column(Text))
    ref_type: str | None = None
    ref_number: str | None = None
    ref_date: str | None = None
    ref_issuer: str | None = None
    target_id: int | None = Field(
        default=None, foreign_key="document.id", index=True, ondelete="SET NULL"
    )


class CorpusState(SQLModel, table=True):
    __tablename__ = "corpus_state"
    id: int = Field(default=1, primary_key=True)
    revision: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class QueryLog(SQLModel, table=True):
    __tablename__ = "query_log"
    id: int | None = Field(default=None, primary_key=True)
    asked_at: datetime = Field(default_factory=utcnow, index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    channel: str = "cli"
    user_ref: str | None = None
    status: str = Field(default="answered", index=True)
    latency_ms: float = 0.0
    mode: str = "hybrid"
    top_score: float | None = None
    cited: list[int] = Field(default_factory=list, sa_column=Column(JSON))
    answer: str | None = Field(default=None, sa_column=Column(Text))


class Feedback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    query_id: int | None = Field(
        default=None, foreign_key="query_log.id", index=True, ondelete="SET NULL"
    )
    user_ref: str | None = None
    value: int = 0
    comment: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("chat_id", "topic"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(index=True)
    topic: str
    created_at: datetime = Field(default_factory=utcnow)


class OutboxEvent(SQLModel, table=True):
    """A corpus event waiting to be pushed to subscribers by whichever bot process claims it."""

    __tablename__ = "outbox"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = "document_added"
    document_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow)
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    processed_at: datetime | None = Field(default=None, index=True)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = ""
    action: str = ""
    document_id: int | None = None
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class RevokedSession(SQLModel, table=True):
    """A signed-out admin page session (a digest of its id): its cookie is refused until it
    would have expired anyway, in every process sharing the database."""

    __tablename__ = "revoked_session"
    id: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(index=True)
