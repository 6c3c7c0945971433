"""Shared fixtures: stores on SQLite and PostgreSQL, the bundled samples, a fake encoder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from corpus.db import make_engine
from corpus.store import CorpusStore
from retrieval.service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
MODEL_DIR = SHARED / "models" / "multilingual-e5-small-vi"
PG_URL = os.environ.get("CHINAM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


_PG = _pg_available()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED


@pytest.fixture(scope="session")
def model_dir() -> Path:
    if not (MODEL_DIR / "modules.json").exists():
        pytest.skip("the local embedding model is not in ../shared/models")
    return MODEL_DIR


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if not _PG:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (database test)")
    with fresh_schema() as url:
        yield url


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new, empty schema (dropped afterwards)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'chinam.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture()
def store(db_url: str) -> Iterator[CorpusStore]:
    engine = make_engine(db_url)
    yield CorpusStore(engine)
    engine.dispose()


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding_model=None, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture()
def sqlite_store(tmp_path: Path) -> Iterator[CorpusStore]:
    engine = make_engine(f"sqlite:///{tmp_path / 'chinam.db'}")
    yield CorpusStore(engine)
    engine.dispose()


@pytest.fixture()
def seeded_store(sqlite_store: CorpusStore) -> CorpusStore:
    """The bundled samples, ingested."""
    from corpus.ingest import ingest_paths

    outcomes = ingest_paths(sqlite_store, [SAMPLES])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]
    return sqlite_store
