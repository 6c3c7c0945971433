"""The repository: every query the project makes lives here.

Callers get plain model objects (detached, safe to read after the session closes) or small
dataclasses; no other module opens a session.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from corpus.models import (
    AuditLog,
    CorpusState,
    Document,
    DocumentStatus,
    DocumentVersion,
    Embedding,
    Feedback,
    OutboxEvent,
    Passage,
    QueryLog,
    Reference,
    Subscription,
    utcnow,
)
from corpus.text import bare


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


class AlreadyStored(Exception):
    """The same content was stored meanwhile (by another process); carries its document."""

    def __init__(self, document: Document) -> None:
        super().__init__(document.id)
        self.document = document


class CorpusStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # -- revision -------------------------------------------------------------------------
    def revision(self) -> int:
        with self.session() as s:
            state = s.get(CorpusState, 1)
            return state.revision if state else 0

    @staticmethod
    def _bump(s: Session) -> None:
        """Increment the revision (its row is created with the tables, see corpus.db)."""
        s.execute(
            update(CorpusState)
            .where(col(CorpusState.id) == 1)
            .values(revision=CorpusState.revision + 1, updated_at=utcnow())
        )

    # -- documents ------------------------------------------------------------------------
    def find_by_sha(self, sha256: str) -> Document | None:
        with self.session() as s:
            return s.exec(select(Document).where(Document.sha256 == sha256)).first()

    def find_by_identity(self, identity: str) -> list[Document]:
        with self.session() as s:
            stmt = select(Document).where(Document.identity == identity).order_by(col(Document.id))
            return list(s.exec(stmt).all())

    def find_by_source(self, source_name: str) -> Document | None:
        with self.session() as s:
            stmt = select(Document).where(
                Document.source_name == source_name, col(Document.identity).is_(None)
            )
            return s.exec(stmt).first()

    def save_document(
        self,
        doc: Document,
        passages: Sequence[Passage],
        references: Sequence[Reference],
        *,
        replaces: int | None = None,
        actor: str | None = None,
    ) -> Document:
        """Store a document with its passages and references in one transaction.

        With ``replaces``, the stored document of that id becomes the previous version: its
        text is archived, its passages and references are replaced, its id is kept.
        """
        with self.session() as s, s.begin():
            same = s.exec(select(Document).where(Document.sha256 == doc.sha256)).first()
            if same is not None:
                s.expunge(same)  # keep its loaded fields: the rollback below expires the rest
                raise AlreadyStored(same)
            if replaces is not None:
                old = s.get(Document, replaces)
                if old is None:
                    raise LookupError(replaces)
                s.add(
                    DocumentVersion(
                        document_id=old.id or 0,
                        version=old.version,
                        sha256=old.sha256,
                        source_name=old.source_name,
                        text=old.text,
                    )
                )
                s.execute(delete(Passage).where(col(Passage.document_id) == replaces))
                s.execute(delete(Reference).where(col(Reference.document_id) == replaces))
                keep = {"id", "created_at", "status", "superseded_by_id", "visibility"}
                for name in Document.model_fields:
                    if name not in keep:
                        setattr(old, name, getattr(doc, name))
                old.version += 1
                old.updated_at = utcnow()
                target = old
            else:
                target = doc
            s.add(target)
            s.flush()
            assert target.id is not None
            for p in passages:
                p.document_id = target.id
                s.add(p)
            for r in references:
                r.document_id = target.id
                r.target_id = self._resolve(s, r.match_key, r.key, exclude=target.id)
                s.add(r)
            if target.match_key:
                s.execute(
                    update(Reference)
                    .where(
                        col(Reference.match_key) == target.match_key,
                        col(Reference.target_id).is_(None),
                        col(Reference.document_id) != target.id,
                    )
                    .values(target_id=target.id)
                )
            s.add(
                OutboxEvent(
                    kind="document_updated" if replaces else "document_added",
                    document_id=target.id,
                )
            )
            s.add(
                AuditLog(
                    actor=actor or "",
                    action="update_version" if replaces else "create",
                    document_id=target.id,
                    after={"number": target.number, "sha256": target.sha256},
                )
            )
            self._bump(s)
        return target

    @staticmethod
    def _resolve(s: Session, match_key: str | None, key: str, *, exclude: int) -> int | None:
        if not match_key:
            return None
        rows = s.exec(
            select(Document).where(Document.match_key == match_key, Document.id != exclude)
        ).all()
        if not rows:
            return None
        exact = [d for d in rows if d.number_key == key]
        return (exact or rows)[0].id

    def get_document(self, doc_id: int) -> Document | None:
        with self.session() as s:
            return s.get(Document, doc_id)

    def documents_by_ids(self, ids: Iterable[int]) -> dict[int, Document]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        with self.session() as s:
            rows = s.exec(select(Document).where(col(Document.id).in_(wanted))).all()
            return {d.id: d for d in rows if d.id is not None}

    def find_documents(self, number_or_key: str) -> list[Document]:
        """Documents whose number, canonical key or match key equals the given spelling."""
        from corpus.docnumbers import numbers_in_question, parse_number

        text = number_or_key.strip()
        with self.session() as s:
            exact = s.exec(
                select(Document).where(
                    or_(col(Document.number) == text, col(Document.number_key) == text)
                )
            ).all()
            if exact:
                return list(exact)
            parsed = parse_number(text)
            keys = [parsed.match_key] if parsed and parsed.match_key else []
            keys += [n.match_key for n in numbers_in_question(text) if n.match_key]
            if not keys:
                return []
            return list(s.exec(select(Document).where(col(Document.match_key).in_(keys))).all())

    def documents_by_match_keys(self, keys: Iterable[str]) -> list[Document]:
        wanted = list(set(keys))
        if not wanted:
            return []
        with self.session() as s:
            return list(s.exec(select(Document).where(col(Document.match_key).in_(wanted))).all())

    def list_documents(
        self, flt: DocumentFilter | None = None, *, offset: int = 0, limit: int = 50
    ) -> tuple[list[Document], int]:
        flt = flt or DocumentFilter()
        conds: list[Any] = []
        if flt.doc_type:
            conds.append(col(Document.doc_type) == flt.doc_type)
        if flt.issuer:
            conds.append(col(Document.issuer).ilike(f"%{flt.issuer}%"))
        if flt.status:
            conds.append(col(Document.status) == flt.status)
        if flt.date_from:
            conds.append(col(Document.issue_date) >= flt.date_from)
        if flt.date_to:
            conds.append(col(Document.issue_date) <= flt.date_to)
        if flt.text:
            like = f"%{flt.text}%"
            conds.append(
                or_(
                    col(Document.title).ilike(like),
                    col(Document.subject).ilike(like),
                    col(Document.number).ilike(like),
                    col(Document.number_key).ilike(like),
                )
            )
        with self.session() as s:
            total = s.exec(select(func.count()).select_from(Document).where(*conds)).one()
            rows = s.exec(
                select(Document)
                .where(*conds)
                .order_by(col(Document.created_at).desc(), col(Document.id).desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return list(rows), int(total)

    def count_documents(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(Document)).one())

    def count_passages(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(Passage)).one())

    def update_document(
        self,
        doc_id: int,
        changes: dict[str, Any],
        *,
        actor: str = "",
        context_for: Any = None,
    ) -> Document | None:
        """Apply metadata changes; with ``context_for(doc) -> str`` passage contexts follow."""
        with self.session() as s, s.begin():
            doc = s.get(Document, doc_id)
            if doc is None:
                return None
            before = {k: _jsonable(getattr(doc, k)) for k in changes}
            for key, value in changes.items():
                setattr(doc, key, value)
            doc.updated_at = utcnow()
            if context_for is not None:
                from corpus.hashing import content_hash

                for p in s.exec(select(Passage).where(Passage.document_id == doc_id)).all():
                    p.context = context_for(doc, p)
                    p.content_hash = content_hash(p.context, p.text)
                    s.add(p)
            s.add(doc)
            s.add(
                AuditLog(
                    actor=actor,
                    action="update",
                    document_id=doc_id,
                    before=before,
                    after={k: _jsonable(v) for k, v in changes.items()},
                )
            )
            self._bump(s)
            return doc

    def supersede(self, doc_id: int, by_id: int | None, *, actor: str = "") -> Document | None:
        changes: dict[str, Any] = {"status": DocumentStatus.SUPERSEDED, "superseded_by_id": by_id}
        return self.update_document(doc_id, changes, actor=actor)

    def delete_document(self, doc_id: int, *, actor: str = "") -> bool:
        with self.session() as s, s.begin():
            doc = s.get(Document, doc_id)
            if doc is None:
                return False
            s.execute(
                update(Reference).where(col(Reference.target_id) == doc_id).values(target_id=None)
            )
            s.execute(
                update(Document)
                .where(col(Document.superseded_by_id) == doc_id)
                .values(superseded_by_id=None)
            )
            s.execute(delete(Passage).where(col(Passage.document_id) == doc_id))
            s.execute(delete(Reference).where(col(Reference.document_id) == doc_id))
            s.execute(delete(DocumentVersion).where(col(DocumentVersion.document_id) == doc_id))
            s.add(
                AuditLog(
                    actor=actor,
                    action="delete",
                    document_id=doc_id,
                    before={"number": doc.number, "title": doc.title, "sha256": doc.sha256},
                )
            )
            s.delete(doc)
            self._bump(s)
        return True

    # -- passages and embeddings ----------------------------------------------------------
    def passages_for_index(self) -> list[PassageRecord]:
        with self.session() as s:
            rows = s.exec(
                select(  # type: ignore[call-overload]
                    col(Passage.id),
                    col(Passage.document_id),
                    col(Passage.context),
                    col(Passage.text),
                    col(Passage.content_hash),
                    col(Passage.ref),
                ).order_by(col(Passage.id))
            ).all()
            return [PassageRecord(*row) for row in rows]

    def passages_of(self, doc_id: int) -> list[Passage]:
        with self.session() as s:
            stmt = (
                select(Passage)
                .where(Passage.document_id == doc_id)
                .order_by(col(Passage.ordinal))
            )
            return list(s.exec(stmt).all())

    def passages_by_ids(self, ids: Iterable[int]) -> dict[int, Passage]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        with self.session() as s:
            rows = s.exec(select(Passage).where(col(Passage.id).in_(wanted))).all()
            return {p.id: p for p in rows if p.id is not None}

    def embeddings(self, model: str, hashes: Iterable[str]) -> dict[str, bytes]:
        wanted = list(set(hashes))
        out: dict[str, bytes] = {}
        with self.session() as s:
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                rows = s.exec(
                    select(Embedding.content_hash, Embedding.vector).where(
                        Embedding.model == model, col(Embedding.content_hash).in_(part)
                    )
                ).all()
                out.update({h: bytes(v) for h, v in rows})
        return out

    def put_embeddings(self, model: str, vectors: dict[str, bytes]) -> None:
        if not vectors:
            return
        rows = [{"model": model, "content_hash": h, "vector": v} for h, v in vectors.items()]
        with self.session() as s, s.begin():
            # Two processes refreshing at once embed the same new texts: first write wins.
            dialect = s.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            for i in range(0, len(rows), 500):
                stmt = insert(Embedding).values(rows[i : i + 500]).on_conflict_do_nothing()
                s.execute(stmt)

    # -- references: the directive graph ---------------------------------------------------
    def references_of(self, doc_id: int) -> list[Reference]:
        with self.session() as s:
            stmt = (
                select(Reference)
                .where(Reference.document_id == doc_id)
                .order_by(col(Reference.id))
            )
            return list(s.exec(stmt).all())

    def reference_links(self) -> list[ReferenceLink]:
        with self.session() as s:
            rows = s.exec(
                select(
                    col(Reference.document_id), col(Reference.target_id), col(Reference.match_key)
                )
            ).all()
            return [ReferenceLink(*row) for row in rows]

    def cited_by(self, doc_ids: Iterable[int], match_keys: Iterable[str] = ()) -> list[Reference]:
        """References pointing at any of ``doc_ids`` (resolved) or ``match_keys`` (unresolved)."""
        ids, keys = list(set(doc_ids)), list(set(match_keys))
        conds = []
        if ids:
            conds.append(col(Reference.target_id).in_(ids))
        if keys:
            conds.append(col(Reference.match_key).in_(keys))
        if not conds:
            return []
        with self.session() as s:
            return list(s.exec(select(Reference).where(or_(*conds))).all())

    # -- query log and feedback ------------------------------------------------------------
    def log_query(self, entry: QueryLog) -> int:
        with self.session() as s, s.begin():
            s.add(entry)
            s.flush()
            return entry.id or 0

    def questions(
        self, *, unanswered: bool | None = None, offset: int = 0, limit: int = 50
    ) -> list[QueryLog]:
        with self.session() as s:
            stmt = select(QueryLog)
            if unanswered is True:
                stmt = stmt.where(QueryLog.status != "answered")
            elif unanswered is False:
                stmt = stmt.where(QueryLog.status == "answered")
            stmt = stmt.order_by(col(QueryLog.id).desc()).offset(offset).limit(limit)
            return list(s.exec(stmt).all())

    def get_query(self, query_id: int) -> QueryLog | None:
        with self.session() as s:
            return s.get(QueryLog, query_id)

    def add_feedback(self, fb: Feedback) -> int:
        with self.session() as s, s.begin():
            s.add(fb)
            s.flush()
            return fb.id or 0

    def feedback(self, *, offset: int = 0, limit: int = 50) -> list[Feedback]:
        with self.session() as s:
            stmt = select(Feedback).order_by(col(Feedback.id).desc()).offset(offset).limit(limit)
            return list(s.exec(stmt).all())

    def stats(self) -> dict[str, Any]:
        with self.session() as s:
            def count(model: Any, *conds: Any) -> int:
                stmt = select(func.count()).select_from(model).where(*conds)
                return int(s.exec(stmt).one())

            by_type = s.exec(
                select(Document.doc_type, func.count()).group_by(Document.doc_type)
            ).all()
            week = utcnow() - timedelta(days=7)
            return {
                "documents": count(Document),
                "passages": count(Passage),
                "references": count(Reference),
                "questions": count(QueryLog),
                "unanswered": count(QueryLog, col(QueryLog.status) != "answered"),
                "questions_7d": count(QueryLog, col(QueryLog.asked_at) >= week),
                "feedback_up": count(Feedback, col(Feedback.value) > 0),
                "feedback_down": count(Feedback, col(Feedback.value) < 0),
                "subscriptions": count(Subscription),
                "by_type": {t: int(n) for t, n in by_type},
                "revision": (s.get(CorpusState, 1) or CorpusState()).revision,
            }

    # -- subscriptions and the outbox ---------------------------------------------------------
    def subscribe(self, chat_id: int, topic: str) -> bool:
        topic = " ".join(topic.split())
        with self.session() as s, s.begin():
            exists = s.exec(
                select(Subscription).where(
                    Subscription.chat_id == chat_id, Subscription.topic == topic
                )
            ).first()
            if exists:
                return False
            s.add(Subscription(chat_id=chat_id, topic=topic))
            return True

    def unsubscribe(self, chat_id: int, topic: str | None = None) -> int:
        with self.session() as s, s.begin():
            stmt = delete(Subscription).where(col(Subscription.chat_id) == chat_id)
            if topic:
                stmt = stmt.where(col(Subscription.topic) == " ".join(topic.split()))
            result = s.execute(stmt)
            return int(getattr(result, "rowcount", 0) or 0)

    def subscriptions(self, chat_id: int | None = None) -> list[Subscription]:
        with self.session() as s:
            stmt = select(Subscription)
            if chat_id is not None:
                stmt = stmt.where(Subscription.chat_id == chat_id)
            return list(s.exec(stmt.order_by(col(Subscription.id))).all())

    def claim_outbox(
        self, worker: str, *, limit: int = 20, lease: timedelta = timedelta(minutes=5)
    ) -> list[OutboxEvent]:
        """Claim unprocessed events for ``worker``; concurrent workers never share one.

        A claim whose worker did not finish within ``lease`` (it crashed) can be taken again.
        """
        with self.session() as s, s.begin():
            claimable = or_(
                col(OutboxEvent.claimed_by).is_(None),
                col(OutboxEvent.claimed_at) < utcnow() - lease,
            )
            stmt = (
                select(OutboxEvent)
                .where(col(OutboxEvent.processed_at).is_(None), claimable)
                .order_by(col(OutboxEvent.id))
                .limit(limit)
            )
            if s.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            events = list(s.exec(stmt).all())
            claimed = []
            for ev in events:
                result = s.execute(
                    update(OutboxEvent)
                    .where(col(OutboxEvent.id) == ev.id, claimable)
                    .values(claimed_by=worker, claimed_at=utcnow())
                )
                if getattr(result, "rowcount", 0) == 1:
                    ev.claimed_by = worker
                    claimed.append(ev)
            return claimed

    def finish_outbox(self, event_ids: Iterable[int]) -> None:
        ids = list(event_ids)
        if not ids:
            return
        with self.session() as s, s.begin():
            s.execute(
                update(OutboxEvent)
                .where(col(OutboxEvent.id).in_(ids))
                .values(processed_at=utcnow())
            )

    # -- audit -----------------------------------------------------------------------------
    def audit(
        self,
        *,
        actor: str,
        action: str,
        document_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        with self.session() as s, s.begin():
            s.add(
                AuditLog(
                    actor=actor, action=action, document_id=document_id, before=before, after=after
                )
            )

    def audit_log(self, *, offset: int = 0, limit: int = 50) -> list[AuditLog]:
        with self.session() as s:
            stmt = select(AuditLog).order_by(col(AuditLog.id).desc()).offset(offset).limit(limit)
            return list(s.exec(stmt).all())


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def search_key(text: str) -> str:
    """Loose matching form used for topics and titles: folded, without diacritics."""
    return bare(text)
