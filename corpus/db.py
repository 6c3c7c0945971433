"""Engines and the database schema: SQLite by default, PostgreSQL by URL.

The schema is versioned with Alembic (revisions in ``corpus/migrations/versions``, shipped
with the package). A new, empty database is created at the newest revision by
:func:`make_engine`; an existing one changes only through :func:`upgrade_schema`
(``chinam db upgrade``), and code that finds it behind refuses to run on it
(:class:`SchemaNotCurrent`). Nothing is created at import time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, inspect, text
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, create_engine

from corpus import models  # also registers the tables on SQLModel.metadata

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASE_REVISION = "0001"
"""The schema as ``create_all`` made it before migrations existed."""
VERSION_TABLE = "alembic_version"
_PG_LOCK = 4242001  # serialises schema changes of processes starting at once on PostgreSQL
_UPGRADE_HINT = "chinam db upgrade"


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against the revisions this code ships."""

    current: tuple[str, ...]  # revisions recorded in the database; () when unversioned
    head: str
    has_tables: bool  # any of the project's tables exists
    known: bool  # every recorded revision is one this code ships

    @property
    def empty(self) -> bool:
        return not self.current and not self.has_tables

    @property
    def unversioned(self) -> bool:
        """Tables made by ``create_all`` before migrations: no revision recorded."""
        return not self.current and self.has_tables

    @property
    def up_to_date(self) -> bool:
        return self.current == (self.head,)

    @property
    def label(self) -> str:
        return ", ".join(self.current) if self.current else "—"


class SchemaNotCurrent(RuntimeError):
    """The database exists but is not at the schema this code expects (message: vi + en)."""

    def __init__(self, state: SchemaState, message: str | None = None) -> None:
        self.state = state
        self.message = message or _not_current_message(state)
        super().__init__(self.message)


class SchemaMismatch(SchemaNotCurrent):
    """Unversioned tables that are not the base revision's: they cannot be stamped."""


def _not_current_message(state: SchemaState) -> str:
    if not state.known:
        return (
            f"Cơ sở dữ liệu ở phiên bản lược đồ {state.label}, phiên bản này của Chỉ Nam không "
            f"biết (mới nhất nó biết: {state.head}): hãy cập nhật Chỉ Nam.\n"
            f"The database schema is at revision {state.label}, unknown to this Chỉ Nam "
            f"(its newest is {state.head}): update Chỉ Nam."
        )
    where = "chưa đánh số phiên bản" if state.unversioned else f"phiên bản {state.label}"
    where_en = "unversioned" if state.unversioned else f"at revision {state.label}"
    return (
        f"Cơ sở dữ liệu chưa được nâng cấp ({where}, cần {state.head}). Hãy sao lưu rồi chạy "
        f"`{_UPGRADE_HINT}`.\n"
        f"The database schema is not up to date ({where_en}, needs {state.head}). Back it up, "
        f"then run `{_UPGRADE_HINT}`."
    )


def make_engine(url: str, *, create: bool = True) -> Engine:
    """An engine for ``url``.

    With ``create``, a new empty database gets the tables at the newest revision and an
    existing one must already be there, else :class:`SchemaNotCurrent`.
    """
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
        try:
            create_schema(engine)
        except SchemaNotCurrent:
            engine.dispose()
            raise
    return engine


def create_schema(engine: Engine) -> SchemaState:
    """Create the schema at the newest revision if the database is empty, else check it.

    Safe when several processes start at once. Raises :class:`SchemaNotCurrent` for an
    existing database that is not at the newest revision.
    """
    state = schema_state(engine)
    if state.empty:
        with _schema_lock(engine) as conn:
            state = _state(conn)  # again: another process may have created it meanwhile
            if state.empty:
                _create_at_head(conn)
                return _state(conn)
    if not state.up_to_date:
        raise SchemaNotCurrent(state)
    return state


def check_schema(url: str) -> SchemaState:
    """Refuse (:class:`SchemaNotCurrent`) an existing database that needs ``db upgrade``.

    An empty or missing database passes: it is created at the newest revision on first use.
    """
    engine = make_engine(url, create=False)
    try:
        with engine.connect() as conn:
            state = _state(conn)
    finally:
        engine.dispose()
    if not (state.empty or state.up_to_date):
        raise SchemaNotCurrent(state)
    return state


def schema_state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        return _state(conn)


@dataclass(frozen=True)
class Upgrade:
    before: SchemaState
    after: str
    created: bool = False  # the database was empty: created at the newest revision
    stamped: bool = False  # unversioned tables recognised as the base revision

    @property
    def changed(self) -> bool:
        return self.created or not self.before.up_to_date


def upgrade_schema(engine: Engine) -> Upgrade:
    """Bring the database to the newest revision; a no-op when it is there already.

    Unversioned tables (made by ``create_all`` before migrations) are first checked against
    the base revision's tables and stamped with it (:class:`SchemaMismatch` when they differ).
    """
    with _schema_lock(engine) as conn:
        before = _state(conn)
        if before.empty:
            _create_at_head(conn)
            return Upgrade(before, before.head, created=True)
        if not before.known:
            raise SchemaNotCurrent(before)
        if before.up_to_date:
            return Upgrade(before, before.head)
        if before.unversioned:
            _require_base_layout(conn, before)
            _ensure_state_row(conn)
            MigrationContext.configure(conn).stamp(_scripts(), BASE_REVISION)
        command.upgrade(alembic_config(conn), "head")
        return Upgrade(before, _state(conn).label, stamped=before.unversioned)


def backup_sqlite(engine: Engine, tag: str) -> Path | None:
    """Copy a SQLite database file aside (online backup) as ``<file>.<tag>.bak``.

    ``chinam db upgrade`` keeps this copy first: an upgrade that fails is rolled back, but a
    revision that ran and turned out wrong is undone only from a copy. None for PostgreSQL and
    in-memory databases (use ``pg_dump``).
    """
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    source = Path(database)
    target = source.with_name(f"{source.name}.{tag}.bak")
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(target) as copy:
            raw.driver_connection.backup(copy)  # type: ignore[union-attr]
        copy.close()
    finally:
        raw.close()
    return target


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole change, exclusive among schema changers.

    PostgreSQL: an advisory lock. SQLite: ``BEGIN IMMEDIATE`` (the write lock up front; the
    driver would otherwise run DDL outside any transaction, so a failed revision would leave
    the file half changed), with foreign keys off while tables may be rebuilt (Alembic's batch
    mode copies and drops tables: with them on, dropping the old table would cascade).
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                if sqlite:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
                yield conn
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def _state(conn: Connection) -> SchemaState:
    current = tuple(MigrationContext.configure(conn).get_current_heads())
    known_revisions = {script.revision for script in _scripts().walk_revisions()}
    tables = set(inspect(conn).get_table_names())
    return SchemaState(
        current=current,
        head=_head(),
        has_tables=bool(tables & set(SQLModel.metadata.tables)),
        known=set(current) <= known_revisions,
    )


def _create_at_head(conn: Connection) -> None:
    """Alembic's recipe for a new database: ``create_all`` from the models, stamped at head.

    tests/corpus/test_migrations.py checks that the models are what the revisions build.
    """
    SQLModel.metadata.create_all(conn)
    _ensure_state_row(conn)
    MigrationContext.configure(conn).stamp(_scripts(), "head")


def _ensure_state_row(conn: Connection) -> None:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(models.CorpusState).values(id=1, revision=0).on_conflict_do_nothing())


def _require_base_layout(conn: Connection, state: SchemaState) -> None:
    expected, found = _base_layout(), _layout(conn)
    problems = []
    for table, columns in sorted(expected.items()):
        if table not in found:
            problems.append(f"thiếu bảng / missing table {table}")
            continue
        missing, extra = columns - found[table], found[table] - columns
        if missing:
            problems.append(f"{table}: thiếu cột / missing columns {', '.join(sorted(missing))}")
        if extra:
            problems.append(f"{table}: cột lạ / unexpected columns {', '.join(sorted(extra))}")
    if problems:
        raise SchemaMismatch(
            state,
            "Các bảng hiện có không khớp lược đồ gốc của Chỉ Nam nên không thể nâng cấp tự động"
            " / The existing tables do not match Chỉ Nam's base schema, so they cannot be "
            "upgraded automatically:\n  " + "\n  ".join(problems),
        )


def _layout(conn: Connection) -> dict[str, frozenset[str]]:
    inspector = inspect(conn)
    return {
        table: frozenset(column["name"] for column in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if table != VERSION_TABLE
    }


@lru_cache(maxsize=1)
def _base_layout() -> dict[str, frozenset[str]]:
    """Tables and columns of the base revision, built by the revision itself in memory."""
    engine = sa_create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), BASE_REVISION)
            return _layout(conn)
    finally:
        engine.dispose()


def alembic_config(conn: Connection | None = None) -> Config:
    """Alembic's configuration, built here (there is no alembic.ini); env.py uses ``conn``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "r%%(rev)s_%%(slug)s")
    config.attributes["connection"] = conn
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _head() -> str:
    return str(_scripts().get_current_head())


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
