"""Fixtures for the bot tests: a fake Bot API server, a seeded database, a running bot."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fake_telegram import FakeTelegram, make_settings
from corpus.db import make_engine
from corpus.store import CorpusStore
from retrieval.service import Settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture()
def tg(fake_server: FakeTelegram) -> FakeTelegram:
    fake_server.reset()
    return fake_server


@pytest.fixture(scope="session")
def seeded_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples ingested once; each test gets a copy of the file."""
    from corpus.ingest import ingest_paths

    path = tmp_path_factory.mktemp("seeded") / "chinam.db"
    engine = make_engine(f"sqlite:///{path}")
    store = CorpusStore(engine)
    outcomes = ingest_paths(store, [SAMPLES])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]
    # the seeding's outbox events are old news: no test should see them pushed
    store.finish_outbox([e.id for e in store.claim_outbox("seeding", limit=1000) if e.id])
    engine.dispose()  # checkpoints the WAL into the file
    return path


@pytest.fixture()
def bot_settings(tmp_path: Path, tg: FakeTelegram, seeded_db_template: Path) -> Settings:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(seeded_db_template, data / "chinam.db")
    return make_settings(data, tg.url)


@pytest.fixture()
def bot_store(bot_settings: Settings) -> Iterator[CorpusStore]:
    engine = make_engine(bot_settings.db_url)
    yield CorpusStore(engine)
    engine.dispose()


@pytest.fixture()
def seeded(tmp_path: Path, seeded_db_template: Path) -> Iterator[CorpusStore]:
    """A store on a copy of the seeded database, in ``tmp_path/data`` as the bot expects."""
    (tmp_path / "data").mkdir()
    shutil.copy(seeded_db_template, tmp_path / "data" / "chinam.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'chinam.db'}")
    yield CorpusStore(engine)
    engine.dispose()
