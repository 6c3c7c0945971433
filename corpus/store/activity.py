"""What people do around the corpus: questions, feedback, subscriptions, outbox, audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from corpus.models import (
    AuditLog,
    CorpusState,
    Document,
    Feedback,
    OutboxEvent,
    Passage,
    QueryLog,
    Reference,
    RevokedSession,
    Subscription,
    utcnow,
)
from corpus.store.base import StoreBase
from corpus.text import bare


class ActivityQueries(StoreBase):
    # -- query log and feedback ------------------------------------------------------------
    def log_query(self, entry: QueryLog) -> int:
        """Store ``entry`` (one INSERT, without the ORM's unit of work: it runs per question)."""
        table = QueryLog.__table__  # type: ignore[attr-defined]
        values = {c.name: getattr(entry, c.name) for c in table.columns if c.name != "id"}
        with self.engine.begin() as conn:
            key = conn.execute(insert(table).values(**values)).inserted_primary_key
        new_id = key[0] if key else None
        entry.id = new_id
        return int(new_id or 0)

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

    def feedback_for(self, query_ids: Iterable[int]) -> dict[int, list[Feedback]]:
        """The feedback given on each of these questions, oldest first."""
        wanted = list(set(query_ids))
        if not wanted:
            return {}
        with self.session() as s:
            stmt = (select(Feedback).where(col(Feedback.query_id).in_(wanted))
                    .order_by(col(Feedback.id)))
            out: dict[int, list[Feedback]] = {}
            for fb in s.exec(stmt).all():
                out.setdefault(fb.query_id or 0, []).append(fb)
            return out

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
        """Follow ``topic``; False when the chat follows it already, spelled with or
        without diacritics (topics match documents without them anyway)."""
        topic = " ".join(topic.split())
        with self.session() as s, s.begin():
            if _same_topic(s, chat_id, topic):
                return False
            s.add(Subscription(chat_id=chat_id, topic=topic))
            return True

    def unsubscribe(self, chat_id: int, topic: str | None = None) -> int:
        """Stop following ``topic`` (diacritics, case and spaces ignored), or everything."""
        with self.session() as s, s.begin():
            stmt = delete(Subscription).where(col(Subscription.chat_id) == chat_id)
            if topic:
                ids = [sub.id for sub in _same_topic(s, chat_id, topic)]
                stmt = stmt.where(col(Subscription.id).in_(ids))
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

    # -- admin page sessions ---------------------------------------------------------------
    def revoke_session(self, session_id: str, expires_at: datetime) -> None:
        """Refuse the session ``session_id`` from now on (expired revocations are dropped)."""
        try:
            with self.session() as s, s.begin():
                s.execute(
                    delete(RevokedSession).where(col(RevokedSession.expires_at) < utcnow())
                )
                if s.get(RevokedSession, session_id) is None:
                    s.add(RevokedSession(id=session_id, expires_at=expires_at))
        except IntegrityError:
            pass  # revoked by a concurrent sign-out of the same session

    def session_revoked(self, session_id: str) -> bool:
        with self.session() as s:
            return s.get(RevokedSession, session_id) is not None


def _same_topic(s: Session, chat_id: int, topic: str) -> list[Subscription]:
    """The chat's subscriptions to ``topic`` however it is spelled."""
    key = " ".join(bare(topic).split())
    subs = s.exec(select(Subscription).where(Subscription.chat_id == chat_id)).all()
    return [sub for sub in subs if " ".join(bare(sub.topic).split()) == key]
