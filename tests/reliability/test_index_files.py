"""Index files on disk: stale ones are rebuilt and /readyz says so; one writer per data
directory, the others keep their index in memory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from admin.app import create_app
from corpus.store import CorpusStore
from retrieval.indexing import IndexBuilder
from tests.reliability.served import AUTH, admin_settings
from tests.retrieval.test_indexing import _bm25_dir


def test_readiness_reports_a_rebuild_from_the_database(
    seeded_store: CorpusStore, tmp_path: Path
) -> None:
    settings = admin_settings(tmp_path / "data", refresh_seconds=0)
    index_dir = settings.index_dir
    IndexBuilder(seeded_store, index_dir=index_dir).refresh()
    bm25 = _bm25_dir(index_dir)
    next(bm25.rglob("tokens.json")).write_text("[]")  # stale behind its back
    index = IndexBuilder(seeded_store, index_dir=index_dir)
    index.refresh()
    with TestClient(create_app(settings, store=seeded_store, index=index)) as client:
        body = client.get("/readyz", headers=AUTH).json()
    assert body["status"] == "ready" and body["index"]["up_to_date"]
    assert body["index_files"] == "index_rebuilt_from_database"
    assert "bm25" in body["reason"]


HOLD = """
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def test_a_second_process_on_one_data_directory_writes_no_index_files(
    seeded_store: CorpusStore, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(index_dir / ".writer.lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        index = IndexBuilder(seeded_store, index_dir=index_dir)
        index.refresh()
        assert index.files_state[0] == "read_only"
        assert sorted(p.name for p in index_dir.iterdir()) == [".writer.lock"]
        searcher = index.searcher
        assert searcher.search(searcher.parse("nghị quyết 02"), k=3)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    shutil.rmtree(index_dir)
