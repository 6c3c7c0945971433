"""Kept original files: written once by digest, swept when nothing names them any more."""

from __future__ import annotations

import os
import time
from pathlib import Path

from corpus.originals import Originals

DAY = 24 * 3600


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_sweep_removes_old_unnamed_files_only(tmp_path: Path) -> None:
    kept = Originals(tmp_path / "files")
    named = kept.put(b"named", "named text")
    abandoned = kept.put(b"abandoned", "abandoned text")
    fresh = kept.put(b"fresh")
    for sha in (named, abandoned):
        path = kept.file(sha)
        assert path is not None
        _age(path, 2 * DAY)
        _age(path.with_suffix(".txt"), 2 * DAY)

    assert kept.sweep(lambda: {named}, older_than=DAY) == 2  # abandoned's .bin and .txt
    assert kept.data(named) == b"named" and kept.text(named) == "named text"
    assert kept.file(abandoned) is None and kept.text(abandoned) is None
    assert kept.data(fresh) == b"fresh"  # unnamed but young: a preview still being confirmed


def test_a_file_put_or_touched_again_is_young_again(tmp_path: Path) -> None:
    kept = Originals(tmp_path / "files")
    sha = kept.put(b"same bytes")
    path = kept.file(sha)
    assert path is not None
    _age(path, 2 * DAY)
    kept.put(b"same bytes")  # the same file uploaded again
    assert kept.sweep(set, older_than=DAY) == 0
    _age(path, 2 * DAY)
    assert kept.touch(sha)
    assert kept.sweep(set, older_than=DAY) == 0 and kept.file(sha) is not None


def test_nothing_named_is_asked_when_nothing_is_old(tmp_path: Path) -> None:
    kept = Originals(tmp_path / "files")
    kept.put(b"x")

    def never() -> set[str]:
        raise AssertionError("the database is not asked when no file is old")

    assert kept.sweep(never, older_than=DAY) == 0
    assert Originals(tmp_path / "absent").sweep(never, older_than=DAY) == 0
    assert not Originals(tmp_path / "absent").touch("0" * 64)
