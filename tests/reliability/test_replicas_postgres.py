"""Several replicas against one PostgreSQL stay consistent.

Two replica processes (each its own engine, retriever, index directory and refresh loop, as
`chinam serve` and `chinam bot` are) ingest at once, the same files in opposite orders or
different files sharing one: no ingest fails or makes a spurious new version, every file is
stored exactly once and whole, neither process logs an error (their refresh loops run at the
same moments), and both replicas' indexes converge on the database. A document ingested by
one replica is found by the other through its refresh loop alone; one deleted by one replica
is never cited by the other once the deletion has returned, and leaves both indexes.

test_replica_races_postgres.py pins each race down separately (many trials, fresh schemas).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.db import make_engine
from corpus.extraction import extract_text
from corpus.hashing import sha256_text
from corpus.store import CorpusStore
from corpus.text import clean_text
from tests.conftest import SAMPLES
from tests.reliability.replicas import ReplicaProcess, fresh_schema, running
from tests.reliability.texts import DISPATCH

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")
TRIALS = 6
REFRESH = 0.2
CONVERGE_SECONDS = 20.0


@pytest.fixture()
def replicas(pg_url: str, tmp_path: Path) -> Iterator[tuple[ReplicaProcess, ...]]:
    with running(tmp_path, "A", "B") as started:
        yield started


def _plan(trial: int) -> tuple[list[Path], list[Path]]:
    if trial % 2 == 0:
        return FILES, FILES[::-1]  # the same files, in opposite orders
    return FILES[:4], FILES[3:]  # different files, one in common


def _check_database(url: str, plan: tuple[list[Path], list[Path]]) -> tuple[int, set[int]]:
    """Every file stored once, whole, at version 1, with its own content; (revision, ids)."""
    sources = {p.name: sha256_text(clean_text(extract_text(p.read_bytes(), p.name).text))
               for paths in plan for p in paths}
    engine = make_engine(url)
    store = CorpusStore(engine)
    try:
        docs, total = store.list_documents(limit=100)
        assert total == len(sources)
        assert {d.source_name: d.sha256 for d in docs} == sources
        passage_ids: set[int] = set()
        for doc in docs:
            assert doc.version == 1, (doc.source_name, doc.version)
            passages = store.passages_of(doc.id or 0)
            assert [p.ordinal for p in passages] == list(range(len(passages))) and passages
            assert all(doc.text[p.start : p.end] == p.text for p in passages)
            passage_ids |= {p.id for p in passages if p.id is not None}
        assert store.count_passages() == len(passage_ids)
        return store.revision(), passage_ids
    finally:
        engine.dispose()


def _converged(replica: ReplicaProcess, revision: int, passage_ids: set[int]) -> None:
    reached = replica.call("wait_revision", at_least=revision, seconds=CONVERGE_SECONDS)
    assert reached["revision"] == revision, f"{replica.name} stuck at {reached}"
    index = replica.call("indexed_documents")
    assert set(index["passages"]) == passage_ids == set(index["dense"]), replica.name


def test_two_replicas_ingesting_at_once_store_each_file_once(
    replicas: tuple[ReplicaProcess, ReplicaProcess], tmp_path: Path
) -> None:
    a, b = replicas
    files = 0
    for trial in range(TRIALS):
        plan = _plan(trial)
        with fresh_schema() as url:
            for replica in replicas:
                data_dir = tmp_path / f"{trial}-{replica.name}"
                replica.call("open", url=url, data_dir=str(data_dir), refresh=REFRESH)
            # Both requests are written before either reply is read: the two ingests overlap.
            for replica, paths in zip(replicas, plan, strict=True):
                replica.send("ingest", paths=[str(p) for p in paths])
            outcomes = a.receive(120)["outcomes"] + b.receive(120)["outcomes"]
            files += len(outcomes)
            odd = [o for o in outcomes if o["status"] not in ("added", "unchanged")]
            assert odd == [], f"trial {trial}: {odd}"
            added = sorted(o["source"] for o in outcomes if o["status"] == "added")
            assert added == sorted({p.name for paths in plan for p in paths}), f"trial {trial}"
            revision, passage_ids = _check_database(url, plan)
            for replica in replicas:
                _converged(replica, revision, passage_ids)
            for replica in replicas:
                assert replica.call("logged_errors")["errors"] == [], replica.name
                replica.call("close")
    print(f"{TRIALS} trials, {files} concurrent file ingests")


def _ingest_dispatch(replica: ReplicaProcess, path: Path, number: str, topic: str) -> int:
    path.write_text(DISPATCH.format(number=number, topic=topic), encoding="utf-8")
    (outcome,) = replica.call("ingest", paths=[str(path)])["outcomes"]
    assert outcome["status"] == "added", outcome
    return int(outcome["id"])


def _cited_within(replica: ReplicaProcess, question: str, doc_id: int) -> None:
    deadline = time.monotonic() + CONVERGE_SECONDS
    while doc_id not in (reply := replica.call("ask", question=question))["cited"]:
        assert time.monotonic() < deadline, f"{replica.name} never cited {doc_id}: {reply}"
        time.sleep(0.1)


def test_each_replica_follows_the_other_through_the_revision(
    replicas: tuple[ReplicaProcess, ReplicaProcess], pg_url: str, tmp_path: Path
) -> None:
    a, b = replicas
    for replica in replicas:
        replica.call("open", url=pg_url, data_dir=str(tmp_path / replica.name), refresh=REFRESH)
    a.call("ingest", paths=[str(SAMPLES)])
    rounds = [(a, b, "501", "sao biển bạc"), (b, a, "502", "cánh diều vàng")]
    for writer, reader, number, topic in rounds:
        question = f"Hội thi {topic} tổ chức trước ngày nào?"
        doc_id = _ingest_dispatch(writer, tmp_path / f"cv-{number}.txt", number, topic)
        _cited_within(reader, question, doc_id)  # found through the reader's refresh loop
        assert reader.call("delete", id=doc_id)["deleted"]  # the reader deletes it
        # From the moment the deletion returned, the writer never cites it, before and after
        # its own refresh.
        deleted = time.monotonic()
        while time.monotonic() - deleted < 4 * REFRESH + 0.5:
            assert doc_id not in writer.call("ask", question=question)["cited"]
        for replica in replicas:
            revision = replica.call("wait_revision", at_least=0, seconds=0)["revision"]
            deadline = time.monotonic() + CONVERGE_SECONDS
            while doc_id in (index := replica.call("indexed_documents"))["documents"]:
                assert time.monotonic() < deadline, f"{replica.name} still indexes {doc_id}"
                time.sleep(0.1)
            assert index["revision"] >= revision
            assert doc_id not in replica.call("ask", question=question)["cited"]
    for replica in replicas:
        assert replica.call("logged_errors")["errors"] == [], replica.name
