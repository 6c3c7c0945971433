"""Base: the schema ``create_all`` made before migrations existed (main of issue 17).

Generated with autogenerate from the models of that main, then reviewed: SQLModel's string
and datetime types written as the plain SQLAlchemy types they render, one helper per table.
A database made by that ``create_all`` is recognised and stamped with this revision by
``chinam db upgrade`` (corpus.db.upgrade_schema).

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_AUTOINCREMENT = {"sqlite_autoincrement": True}  # ids never reused on SQLite


def _str(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.String(), nullable=nullable)


def _int(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _text(name: str, *, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _json(name: str) -> sa.Column:
    return sa.Column(name, sa.JSON(), nullable=True)


def _time(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _indexes(table: str, *columns: str, unique: tuple[str, ...] = ()) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=column in unique)


def _document() -> None:
    op.create_table(
        "document",
        _id(),
        _str("identity"),
        _str("number"),
        _str("number_key"),
        _str("match_key"),
        _str("doc_type", nullable=False),
        _str("title", nullable=False),
        _text("subject"),
        _str("issuer"),
        _str("parent_issuer"),
        _str("place"),
        sa.Column("issue_date", sa.Date(), nullable=True),
        _str("date_text"),
        _int("year", nullable=True),
        _str("signer"),
        _str("signer_title"),
        _json("recipients"),
        _json("raw"),
        _str("status", nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=True),
        _str("visibility", nullable=False),
        _str("source_name", nullable=False),
        _str("sha256", nullable=False),
        _int("version"),
        _text("text"),
        _time("created_at"),
        _time("updated_at"),
        _str("uploaded_by"),
        **_AUTOINCREMENT,
    )
    _indexes(
        "document", "identity", "match_key", "number_key", "sha256", "status", "year",
        unique=("sha256",),
    )
    op.create_table(
        "document_version",
        _id(),
        sa.Column(
            "document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _int("version"),
        _str("sha256", nullable=False),
        _str("source_name", nullable=False),
        _text("text"),
        _time("created_at"),
    )
    _indexes("document_version", "document_id")


def _passages() -> None:
    op.create_table(
        "passage",
        _id(),
        sa.Column(
            "document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _int("ordinal"),
        _str("section", nullable=False),
        _str("heading", nullable=False),
        _text("context"),
        _text("text", nullable=False),
        _int("start"),
        _int("end"),
        _str("content_hash", nullable=False),
        _str("ref"),
        **_AUTOINCREMENT,
    )
    _indexes("passage", "content_hash", "document_id", "ref")
    op.create_table(
        "embedding",
        sa.Column("model", sa.String(), primary_key=True),
        sa.Column("content_hash", sa.String(), primary_key=True),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "reference",
        _id(),
        sa.Column(
            "document_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _str("relation", nullable=False),
        _str("key", nullable=False),
        _str("match_key"),
        _text("raw"),
        _str("ref_type"),
        _str("ref_number"),
        _str("ref_date"),
        _str("ref_issuer"),
        sa.Column(
            "target_id", sa.Integer(), sa.ForeignKey("document.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    _indexes("reference", "document_id", "key", "match_key", "target_id")


def _activity() -> None:
    op.create_table(
        "query_log",
        _id(),
        _time("asked_at"),
        _text("question", nullable=False),
        _str("channel", nullable=False),
        _str("user_ref"),
        _str("status", nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        _str("mode", nullable=False),
        sa.Column("top_score", sa.Float(), nullable=True),
        _json("cited"),
    )
    _indexes("query_log", "asked_at", "status")
    op.create_table(
        "feedback",
        _id(),
        sa.Column(
            "query_id", sa.Integer(), sa.ForeignKey("query_log.id", ondelete="SET NULL"),
            nullable=True,
        ),
        _str("user_ref"),
        _int("value"),
        _text("comment"),
        _time("created_at"),
    )
    _indexes("feedback", "query_id")
    op.create_table(
        "subscription",
        _id(),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        _str("topic", nullable=False),
        _time("created_at"),
        sa.UniqueConstraint("chat_id", "topic"),
    )
    _indexes("subscription", "chat_id")


def _operations() -> None:
    op.create_table(
        "outbox",
        _id(),
        _str("kind", nullable=False),
        _int("document_id", nullable=True),
        _json("payload"),
        _time("created_at"),
        _str("claimed_by"),
        _time("claimed_at", nullable=True),
        _time("processed_at", nullable=True),
    )
    _indexes("outbox", "document_id", "processed_at")
    op.create_table(
        "audit_log",
        _id(),
        _time("at"),
        _str("actor", nullable=False),
        _str("action", nullable=False),
        _int("document_id", nullable=True),
        _json("before"),
        _json("after"),
    )
    _indexes("audit_log", "at")
    state = op.create_table(
        "corpus_state",
        _id(),
        _int("revision"),
        _time("updated_at"),
    )
    # The one row the store bumps on every corpus change (corpus.store.base).
    op.bulk_insert(state, [{"id": 1, "revision": 0, "updated_at": datetime.now(UTC)}])


def upgrade() -> None:
    _document()
    _passages()
    _activity()
    _operations()


def downgrade() -> None:
    for table in (
        "corpus_state", "audit_log", "outbox", "subscription", "feedback", "query_log",
        "reference", "embedding", "passage", "document_version", "document",
    ):
        op.drop_table(table)
