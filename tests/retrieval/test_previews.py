"""Parsed-but-unpublished uploads: their files go after the keep time, a late publish is a
clear error, and published documents keep theirs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from corpus.store import CorpusStore
from retrieval.service import Settings, Unreadable, parse_upload, publish_upload
from retrieval.service.previews import sweep_kept_files
from retrieval.service.uploads import originals
from tests.reliability.texts import dispatch


def _age_all(root: Path, seconds: float) -> None:
    then = time.time() - seconds
    for path in root.glob("*/*"):
        os.utime(path, (then, then))


def test_unpublished_preview_is_swept_and_a_late_publish_says_so(
    sqlite_store: CorpusStore, settings: Settings
) -> None:
    published = parse_upload(sqlite_store, dispatch(11, "bơi lội"), "a.txt", settings=settings)
    publish_upload(sqlite_store, published.key, "a.txt", actor="admin", settings=settings)
    abandoned = parse_upload(sqlite_store, dispatch(22, "cờ vua"), "b.txt", settings=settings)
    _age_all(settings.data_dir / "files", (settings.preview_keep_hours + 1) * 3600)

    assert sweep_kept_files(sqlite_store, settings, force=True) == 2  # its .bin and .txt
    kept = originals(settings)
    assert kept.file(published.key) is not None  # a stored document keeps its original
    assert kept.file(abandoned.key) is None
    with pytest.raises(Unreadable, match="tải lên lại"):
        publish_upload(sqlite_store, abandoned.key, "b.txt", actor="admin", settings=settings)
    assert sqlite_store.count_documents() == 1


def test_sweeping_runs_at_most_hourly_unless_forced(
    sqlite_store: CorpusStore, settings: Settings
) -> None:
    parse_upload(sqlite_store, dispatch(33, "kéo co"), "c.txt", settings=settings)  # sweeps once
    _age_all(settings.data_dir / "files", (settings.preview_keep_hours + 1) * 3600)
    assert sweep_kept_files(sqlite_store, settings) == 0  # swept within the hour already
    assert sweep_kept_files(sqlite_store, settings, force=True) == 2
