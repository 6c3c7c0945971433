"""Original files of uploaded documents, kept under the data directory by their digest.

``<data dir>/files/ab/abcdef….bin`` holds the bytes as uploaded; ``….txt`` beside it the text
read from them (so publishing a parsed upload does not read a scanned PDF twice). Files are
written once (same bytes, same name) and never changed; the database names them by digest
(``Document.file_sha256``, ``DocumentVersion.file_sha256``), so every kept version keeps its file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Collection
from pathlib import Path

_DIGEST = re.compile(r"[0-9a-f]{64}")


class Originals:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def _path(self, sha256: str, suffix: str) -> Path | None:
        if not _DIGEST.fullmatch(sha256 or ""):
            return None
        return self.root / sha256[:2] / f"{sha256}{suffix}"

    def put(self, data: bytes, text: str | None = None) -> str:
        """Keep ``data`` (and the text read from it); its digest."""
        sha = self.digest(data)
        path = self._path(sha, ".bin")
        assert path is not None
        if not self.touch(sha):  # kept already: in use again, not swept as an abandoned preview
            _write(path, data)
        if text is not None:
            _write(path.with_suffix(".txt"), text.encode("utf-8"))
        return sha

    def file(self, sha256: str | None) -> Path | None:
        """The kept file of this digest, or None (not kept, or a malformed digest)."""
        path = self._path(sha256 or "", ".bin")
        return path if path is not None and path.is_file() else None

    def data(self, sha256: str) -> bytes | None:
        path = self.file(sha256)
        return path.read_bytes() if path is not None else None

    def touch(self, sha256: str) -> bool:
        """Mark a kept file as in use now (so :meth:`sweep` leaves it); False when it is gone."""
        path = self._path(sha256 or "", ".bin")
        if path is None:
            return False
        try:
            os.utime(path)  # unlike Path.touch, never creates an empty file a sweep just removed
        except FileNotFoundError:
            return False
        return True

    def sweep(self, referenced: Callable[[], Collection[str]], *, older_than: float) -> int:
        """Remove files untouched for ``older_than`` seconds whose digest ``referenced()``
        does not name: uploads parsed for confirmation and never published, files of deleted
        documents, writes left half-done. ``referenced`` is asked after the candidates are
        listed, and each file's age is checked again just before it goes, so a file that a
        publish touched meanwhile stays. Returns how many files were removed."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than
        old = [p for p in self.root.glob("*/*") if p.is_file() and _mtime(p) < cutoff]
        if not old:
            return 0
        keep = set(referenced())
        removed = 0
        for path in old:
            if path.name.split(".", 1)[0] in keep or _mtime(path) >= cutoff:
                continue
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def text(self, sha256: str) -> str | None:
        path = self._path(sha256, ".txt")
        if path is None or not path.is_file():
            return None
        return path.read_text(encoding="utf-8")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _write(path: Path, data: bytes) -> None:
    """Write atomically: a concurrent reader sees the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
