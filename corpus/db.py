"""Engine creation: SQLite by default, PostgreSQL by URL. Nothing is created at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, create_engine

from corpus import models  # also registers the tables on SQLModel.metadata


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for ``url``; creates the SQLite directory and the tables when ``create``."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800)
    engine = create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        create_schema(engine)
    return engine


def create_schema(engine: Engine) -> None:
    """Tables and the revision row, safe when several processes start at once."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Concurrent CREATE TABLEs of one name fail on PostgreSQL: serialise them.
            conn.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
        SQLModel.metadata.create_all(conn)
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        conn.execute(
            insert(models.CorpusState).values(id=1, revision=0).on_conflict_do_nothing()
        )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
