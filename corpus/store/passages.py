"""Passages, their cached embeddings, and the references between documents."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from corpus.models import (
    Embedding,
    Passage,
    Reference,
)
from corpus.store.base import StoreBase
from corpus.store.records import PassageRecord, ReferenceLink


class PassageQueries(StoreBase):
    # -- passages and embeddings ----------------------------------------------------------
    def passages_for_index(self, ids: Iterable[int] | None = None) -> list[PassageRecord]:
        """Every passage (or those of ``ids``) as the indexes need it, by id."""
        stmt = select(  # type: ignore[call-overload]
            col(Passage.id),
            col(Passage.document_id),
            col(Passage.context),
            col(Passage.text),
            col(Passage.content_hash),
            col(Passage.ref),
        ).order_by(col(Passage.id))
        with self.session() as s:
            if ids is None:
                return [PassageRecord(*row) for row in s.exec(stmt).all()]
            wanted = sorted(set(ids))
            out: list[PassageRecord] = []
            for i in range(0, len(wanted), 500):
                part = stmt.where(col(Passage.id).in_(wanted[i : i + 500]))
                out.extend(PassageRecord(*row) for row in s.exec(part).all())
            return out

    def passage_hashes(self) -> dict[int, str]:
        """id -> content hash of every passage: what an index compares with what it holds."""
        # The driver's cursor: SQLAlchemy's rows cost ~1 s per 100k here, the dict 0.05 s.
        with self.engine.connect() as conn:
            cursor = conn.connection.cursor()
            try:
                cursor.execute(f"SELECT id, content_hash FROM {Passage.__tablename__}")
                return dict(cursor.fetchall())
            finally:
                cursor.close()

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
