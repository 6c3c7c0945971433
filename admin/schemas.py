"""Request and response bodies (XPublic / XUpdate style), separate from the table models."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from corpus.models import AuditLog, Document, DocumentStatus, Feedback, Passage, QueryLog, Reference
from retrieval.service import printable_text

StatusValue = Literal["in_force", "superseded", "withdrawn"]
VisibilityValue = Literal["public", "internal"]
UploadStatus = Literal["added", "updated", "unchanged"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: object) -> object:
    """Dates only as YYYY-MM-DD (pydantic would also take numbers as Unix timestamps)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("phải là ngày dạng YYYY-MM-DD")
    if not isinstance(value, str | date) or isinstance(value, datetime):
        raise ValueError("phải là ngày dạng YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


def _json_integer(value: object) -> object:
    """JSON integers (2026 or 2026.0), not booleans or numeric strings."""
    if isinstance(value, bool | str):
        raise ValueError("phải là số nguyên")
    return value


_JSON_INT = BeforeValidator(_json_integer)  # after the bounds, so the schema keeps them


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


# Optional in a PATCH, but not nullable: omitted means "unchanged", null is refused.
def _not_null(**kwargs: Any) -> Any:
    return Field(default=None, json_schema_extra=_no_default, **kwargs)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: Any) -> None:
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise ValueError("Văn bản chứa ký tự không hợp lệ (NUL hoặc mã UTF-16 lẻ).")
    elif isinstance(value, dict):
        for item in value.values():
            _storable(item)
    elif isinstance(value, list):
        for item in value:
            _storable(item)


def _within_limits(model: type[BaseModel], data: Any) -> None:
    """Lengths as the schema states them, counted on the text as sent: dropping control
    characters must not make an overlong text acceptable."""
    if not isinstance(data, dict):
        return
    for name, field in model.model_fields.items():
        value = data.get(field.alias or name)
        if not isinstance(value, str):
            continue
        limit = next((m.max_length for m in field.metadata if isinstance(m, MaxLen)), None)
        if limit is not None and len(value) > limit:
            raise ValueError(f"“{name}” dài quá {limit} ký tự.")


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        return printable_text(value, keep_newlines=True)
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


class _Input(BaseModel):
    """Request bodies: text must be storable in PostgreSQL (no NUL, no lone surrogates);
    terminal escapes and other control characters are dropped (line breaks and tabs stay)."""

    @model_validator(mode="before")
    @classmethod
    def _only_storable_text(cls, data: Any) -> Any:
        _storable(data)
        _within_limits(cls, data)
        return _printable(data)


# PostgreSQL text cannot hold NUL; refusing it in the schema keeps it out of every query.
NO_NUL = r"^[^\x00]*$"
_SHORT = 200
_LONG = 2000


class DocumentPublic(BaseModel):
    id: int
    doc_type: str
    number: str | None
    number_key: str | None
    title: str
    subject: str | None
    issuer: str | None
    parent_issuer: str | None
    place: str | None
    issue_date: date | None
    date_text: str | None
    year: int | None
    signer: str | None
    signer_title: str | None
    recipients: list[str]
    status: str
    status_label: str
    superseded_by_id: int | None
    visibility: str
    source_name: str
    sha256: str
    version: int
    created_at: datetime
    updated_at: datetime
    uploaded_by: str | None

    @classmethod
    def of(cls, doc: Document) -> DocumentPublic:
        assert doc.id is not None
        data = {name: getattr(doc, name) for name in cls.model_fields if hasattr(doc, name)}
        data["recipients"] = list(doc.recipients or [])
        data["status_label"] = DocumentStatus.LABELS.get(doc.status, doc.status)
        return cls(**data)


class PassagePublic(BaseModel):
    id: int
    ordinal: int
    section: str
    heading: str
    text: str
    start: int
    end: int

    @classmethod
    def of(cls, p: Passage) -> PassagePublic:
        assert p.id is not None
        return cls(id=p.id, ordinal=p.ordinal, section=p.section, heading=p.heading,
                   text=p.text, start=p.start, end=p.end)


class ReferencePublic(BaseModel):
    id: int
    relation: str
    key: str
    raw: str
    ref_type: str | None
    ref_number: str | None
    ref_date: str | None
    ref_issuer: str | None
    target_id: int | None

    @classmethod
    def of(cls, r: Reference) -> ReferencePublic:
        assert r.id is not None
        return cls(id=r.id, relation=r.relation, key=r.key, raw=r.raw, ref_type=r.ref_type,
                   ref_number=r.ref_number, ref_date=r.ref_date, ref_issuer=r.ref_issuer,
                   target_id=r.target_id)


class DocumentDetail(DocumentPublic):
    passages: list[PassagePublic]
    references: list[ReferencePublic]
    cited_by: list[int] = Field(description="ids of the documents that cite this one")


class DocumentList(BaseModel):
    items: list[DocumentPublic]
    total: int
    offset: int
    limit: int


class UploadResult(BaseModel):
    status: UploadStatus
    message: str
    document: DocumentPublic
    passages: int = Field(description="passages stored by this upload (0 when unchanged)")


class _MetadataFields(_Input):
    """Editable metadata; every field optional (only what is sent changes)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    doc_type: str | None = Field(default=None, min_length=1, max_length=100, pattern=NO_NUL)
    number: str | None = Field(default=None, max_length=100, pattern=NO_NUL)
    title: str | None = Field(default=None, min_length=1, max_length=_LONG, pattern=NO_NUL)
    subject: str | None = Field(default=None, max_length=_LONG, pattern=NO_NUL)
    issuer: str | None = Field(default=None, max_length=_SHORT, pattern=NO_NUL)
    parent_issuer: str | None = Field(default=None, max_length=_SHORT, pattern=NO_NUL)
    place: str | None = Field(default=None, max_length=_SHORT, pattern=NO_NUL)
    issue_date: IsoDate | None = None
    date_text: str | None = Field(default=None, max_length=50, pattern=NO_NUL)
    year: Annotated[int, Field(ge=1900, le=2100), _JSON_INT] | None = None
    signer: str | None = Field(default=None, max_length=_SHORT, pattern=NO_NUL)
    signer_title: str | None = Field(default=None, max_length=_SHORT, pattern=NO_NUL)
    status: StatusValue | None = None
    visibility: VisibilityValue | None = None


Recipient = Annotated[str, StringConstraints(max_length=_SHORT, pattern=NO_NUL)]


class DocumentUpdate(_MetadataFields):
    """PATCH body: at least one field; ``null`` clears an optional field."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"minProperties": 1}
    )

    doc_type: str = _not_null(min_length=1, max_length=100, pattern=NO_NUL)
    title: str = _not_null(min_length=1, max_length=_LONG, pattern=NO_NUL)
    status: StatusValue = _not_null()
    visibility: VisibilityValue = _not_null()
    recipients: list[Recipient] | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _check(self) -> DocumentUpdate:
        if not self.model_fields_set:
            raise ValueError("Cần ít nhất một trường để sửa.")
        return self

    def changes(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set}


class DocumentQuery(BaseModel):
    """Filters of the document list (query string); absent means "any"."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    type: str = _not_null(max_length=100, pattern=NO_NUL, description="loại văn bản")
    issuer: str = _not_null(max_length=200, pattern=NO_NUL, description="cơ quan ban hành")
    status: StatusValue = _not_null()
    date_from: IsoDate = _not_null(description="ngày ban hành từ (YYYY-MM-DD)")
    date_to: IsoDate = _not_null(description="ngày ban hành đến (YYYY-MM-DD)")
    q: str = _not_null(max_length=200, pattern=NO_NUL, description="tìm trong số hiệu, tiêu đề")
    offset: int = Field(default=0, ge=0, le=1_000_000)
    limit: int = Field(default=50, ge=1, le=200)


_NOT_FIELDS = {"replace_document_id", "key", "name"}


class UploadForm(_Input):
    """Optional metadata sent with an upload (form fields); it wins over what the parser found.

    An empty field means "not given". Other form fields (the file itself) are ignored here.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    doc_type: str = _not_null(max_length=100, pattern=NO_NUL)
    number: str = _not_null(max_length=100, pattern=NO_NUL)
    title: str = _not_null(max_length=_LONG, pattern=NO_NUL)
    subject: str = _not_null(max_length=_LONG, pattern=NO_NUL)
    issuer: str = _not_null(max_length=_SHORT, pattern=NO_NUL)
    parent_issuer: str = _not_null(max_length=_SHORT, pattern=NO_NUL)
    place: str = _not_null(max_length=_SHORT, pattern=NO_NUL)
    issue_date: IsoDate = _not_null()
    date_text: str = _not_null(max_length=50, pattern=NO_NUL)
    signer: str = _not_null(max_length=_SHORT, pattern=NO_NUL)
    signer_title: str = _not_null(max_length=_SHORT, pattern=NO_NUL)
    status: StatusValue = _not_null()
    visibility: VisibilityValue = _not_null()
    replace_document_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1,
        description="id of the document this file is a new version of (without it, a new "
        "version only of a document with the same number, or the same name and similar text)",
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    def overrides(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set
                if getattr(self, k) not in (None, "") and k not in _NOT_FIELDS}


class SupersedeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by_id: Annotated[int, Field(ge=1, le=2**31 - 1), _JSON_INT] | None = Field(
        default=None, description="id of the document that replaces it"
    )


class AskRequest(_Input):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=1000, pattern=r"^[^\x00]*[^\x00\s][^\x00]*$")
    offset: Annotated[int, Field(ge=0, le=100), _JSON_INT] = 0


class AnswerPublic(BaseModel):
    """The bot's answer as plain data (see retrieval.answers.answer_to_dict)."""

    model_config = ConfigDict(extra="allow")

    question: str
    status: str
    groups: list[dict[str, Any]]
    mode: str
    query_id: int | None = None


class ReindexJob(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed"]
    phase: str
    done: int
    total: int
    requested_by: str
    started_at: datetime | None
    finished_at: datetime | None
    revision: int | None
    passages: int | None
    mode: str
    error: str | None


class QuestionPublic(BaseModel):
    id: int
    asked_at: datetime
    question: str
    channel: str
    status: str
    mode: str
    top_score: float | None
    latency_ms: float
    answer: str | None = Field(default=None, description="câu trả lời đã đưa (văn bản thuần)")
    cited: list[int] = Field(default_factory=list, description="id các đoạn được trích dẫn")

    @classmethod
    def of(cls, q: QueryLog) -> QuestionPublic:
        assert q.id is not None
        return cls(id=q.id, asked_at=q.asked_at, question=q.question, channel=q.channel,
                   status=q.status, mode=q.mode, top_score=q.top_score, latency_ms=q.latency_ms,
                   answer=q.answer, cited=list(q.cited or []))


class QuestionList(BaseModel):
    items: list[QuestionPublic]
    offset: int
    limit: int


class FeedbackPublic(BaseModel):
    id: int
    query_id: int | None
    question: str | None
    value: int
    comment: str | None
    created_at: datetime

    @classmethod
    def of(cls, fb: Feedback, question: str | None) -> FeedbackPublic:
        assert fb.id is not None
        return cls(id=fb.id, query_id=fb.query_id, question=question, value=fb.value,
                   comment=fb.comment, created_at=fb.created_at)


class FeedbackList(BaseModel):
    items: list[FeedbackPublic]
    offset: int
    limit: int


class IndexStatus(BaseModel):
    revision: int
    passages: int
    mode: Literal["hybrid", "lexical"]
    up_to_date: bool


class Stats(BaseModel):
    documents: int
    passages: int
    references: int
    questions: int
    unanswered: int
    questions_7d: int
    feedback_up: int
    feedback_down: int
    subscriptions: int
    by_type: dict[str, int]
    revision: int
    index: IndexStatus


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    document_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, a: AuditLog) -> AuditEntry:
        assert a.id is not None
        return cls(id=a.id, at=a.at, actor=a.actor, action=a.action, document_id=a.document_id,
                   before=a.before, after=a.after)


class AuditList(BaseModel):
    items: list[AuditEntry]
    offset: int
    limit: int


class Health(BaseModel):
    status: Literal["ok"]


class DatabaseStatus(BaseModel):
    ok: bool
    revision: int | None
    error: str | None = None


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    database: DatabaseStatus
    index: IndexStatus
    mode: Literal["hybrid", "lexical"]
    model: str | None = Field(description="embedding model id; null when lexical-only")
    index_files: Literal["ok", "none", "read_only", "index_rebuilt_from_database"] = Field(
        default="none",
        description="index files on disk: ok; none (memory only); read_only (another process "
        "of this data directory writes them); index_rebuilt_from_database (files found did "
        "not match their manifest or the database, see reason)",
    )
    reason: str | None = Field(default=None, description="why, for index_files")
