"""The engine, sessions and the corpus revision every query module shares."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from corpus.models import (
    CorpusState,
    utcnow,
)


class StoreBase:
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
