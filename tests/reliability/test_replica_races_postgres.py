"""Races between replicas on one PostgreSQL, each pinned down on its own.

Each test sends the same kind of request to two replica processes at once, on a fresh schema,
TRIALS times:

- the same file uploaded to both: one "added", one "unchanged"; version 1, no archived
  version, one outbox event (a spurious version 2 pushes a second notification to every
  subscriber);
- the first two different uploads into an empty database: both "added" (the corpus revision
  row is created by whichever commits first);
- two refreshes at once after an ingest: neither logs an error (both store the same new
  embeddings);
- three replicas starting together on an empty database: all start (each creates the tables
  it does not find; PostgreSQL refuses the second CREATE TABLE of a name in flight).

CorpusStore.save_document re-checks the content hash inside its transaction, the revision
row is created with the tables, put_embeddings ignores rows another process wrote first, and
corpus.db.create_schema serialises CREATE TABLE with an advisory lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import func, select

from corpus.db import make_engine
from corpus.models import DocumentVersion, OutboxEvent
from corpus.store import CorpusStore
from tests.reliability.replicas import ReplicaProcess, fresh_schema, running
from tests.reliability.texts import DISPATCH

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

TRIALS = 8


@pytest.fixture()
def pair(pg_url: str, tmp_path: Path) -> Iterator[tuple[ReplicaProcess, ...]]:
    with running(tmp_path, "A", "B") as started:
        yield started


def _open(pair: tuple[ReplicaProcess, ReplicaProcess], url: str, root: Path) -> None:
    for replica in pair:
        # A long refresh interval: only the explicit refreshes below build indexes.
        replica.call("open", url=url, data_dir=str(root / replica.name), refresh=3600)


def _at_once(pair: tuple[ReplicaProcess, ReplicaProcess], op: str, *fields: dict) -> list[dict]:
    """Both requests written before either reply is read; raw replies (errors included)."""
    for replica, f in zip(pair, fields, strict=True):
        replica.send(op, **f)
    return [replica.read(120) for replica in pair]


def _file(root: Path, number: str) -> Path:
    path = root / f"cv-{number}.txt"
    path.write_text(DISPATCH.format(number=number, topic=f"mã {number}"), encoding="utf-8")
    return path


def test_the_same_upload_at_once_is_one_version(
    pair: tuple[ReplicaProcess, ReplicaProcess], tmp_path: Path
) -> None:
    for trial in range(TRIALS):
        path = str(_file(tmp_path, str(700 + trial)))
        with fresh_schema() as url:
            _open(pair, url, tmp_path / str(trial))
            replies = _at_once(pair, "ingest", {"paths": [path]}, {"paths": [path]})
            assert [r.get("error") for r in replies] == [None, None], f"trial {trial}"
            statuses = sorted(r["outcomes"][0]["status"] for r in replies)
            engine = make_engine(url)
            store = CorpusStore(engine)
            (doc,), _ = store.list_documents()
            with store.session() as s:
                versions = s.exec(select(func.count()).select_from(DocumentVersion)).one()
                events = s.exec(select(func.count()).select_from(OutboxEvent)).one()
            engine.dispose()
            for replica in pair:
                replica.call("close")
        assert statuses == ["added", "unchanged"], f"trial {trial}: {statuses}"
        assert (doc.version, versions, events) == (1, 0, 1), f"trial {trial}"


def test_the_first_two_uploads_into_an_empty_database_both_succeed(
    pair: tuple[ReplicaProcess, ReplicaProcess], tmp_path: Path
) -> None:
    for trial in range(TRIALS):
        paths = [str(_file(tmp_path, f"{800 + trial}{side}")) for side in (1, 2)]
        with fresh_schema() as url:
            _open(pair, url, tmp_path / str(trial))
            replies = _at_once(pair, "ingest", {"paths": paths[:1]}, {"paths": paths[1:]})
            for replica in pair:
                replica.call("close")
        errors = [r["error"] for r in replies if "error" in r]
        assert errors == [], f"trial {trial}: {errors}"
        statuses = [r["outcomes"][0]["status"] for r in replies]
        assert statuses == ["added", "added"], f"trial {trial}: {statuses}"


def test_two_refreshes_at_once_log_no_error(
    pair: tuple[ReplicaProcess, ReplicaProcess], tmp_path: Path
) -> None:
    samples = str(Path(__file__).resolve().parents[2] / "samples")
    for trial in range(TRIALS):
        with fresh_schema() as url:
            _open(pair, url, tmp_path / str(trial))
            pair[0].call("ingest", paths=[samples])
            replies = _at_once(pair, "refresh", {}, {})
            errors = [r["error"] for r in replies if "error" in r]
            errors += [e for replica in pair for e in replica.call("logged_errors")["errors"]]
            for replica in pair:
                replica.call("close")
        assert errors == [], f"trial {trial}: {errors}"


def test_replicas_starting_together_on_an_empty_database_all_start(
    pair: tuple[ReplicaProcess, ReplicaProcess], tmp_path: Path
) -> None:
    with running(tmp_path, "C") as (third,):
        replicas = (*pair, third)
        for trial in range(TRIALS // 2):
            with fresh_schema() as url:
                for replica in replicas:
                    root = tmp_path / f"start{trial}" / replica.name
                    replica.send("open", url=url, data_dir=str(root), refresh=3600)
                replies = [replica.read(60) for replica in replicas]
                for replica in replicas:
                    replica.send("close")
                    replica.read(30)
            errors = [r["error"][:200] for r in replies if "error" in r]
            assert errors == [], f"trial {trial}: {errors}"
