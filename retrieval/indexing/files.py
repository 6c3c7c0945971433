"""The index files under ``index_dir``: a manifest, the BM25 matrix and the FAISS index.

They make restarts cheap; the database stays the source of truth, so anything missing,
unreadable, built under another analyzer or model, or not matching its manifest is rebuilt
from it.

Each save writes a new generation (``gen-*``: ``bm25/`` and ``dense.faiss``) in a temporary
directory, renames it into place, then replaces the manifest, which names the generation and
records each file's row count and SHA-256: a crash leaves the previous generation in force,
and files changed behind the manifest's back are caught at load. One process per data
directory writes them, the one holding ``.writer.lock`` (taken on first save, held until the
process exits); any other keeps its index in memory only, built from the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from corpus.store import PassageRecord
from retrieval.dense import DenseIndex
from retrieval.lexical import LexicalIndex

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LEXICAL_DIR = "bm25"
DENSE_FILE = "dense.faiss"
WRITER_LOCK = ".writer.lock"
GENERATION = "gen-"


def passages_digest(records: Sequence[PassageRecord]) -> str:
    """Identifies the passages (ids and contents) an index was built from."""
    h = hashlib.sha256()
    for r in records:
        h.update(f"{r.id}:{r.content_hash};".encode())
    return h.hexdigest()


def files_digest(path: Path) -> str:
    """SHA-256 of a file, or of a directory's files (names and bytes, in name order)."""
    h = hashlib.sha256()
    for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if f.is_file():
            h.update(f"{f.relative_to(path).as_posix() if f != path else ''}\0".encode())
            with f.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()


class FilesMismatch(ValueError):
    """An index file does not match the manifest."""


_WRITERS: dict[Path, FileLock] = {}
_WRITERS_GUARD = threading.Lock()


def _holds_writer_lock(directory: Path) -> bool:
    """True when this process writes the index files of ``directory`` (taken at once or not)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = directory.resolve()
    with _WRITERS_GUARD:
        lock = _WRITERS.get(key)
        if lock is None:
            lock = _WRITERS[key] = FileLock(str(key / WRITER_LOCK))
        if lock.is_locked:
            return True
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        return True


@dataclass
class StoredIndexes:
    """What was usable on disk: the BM25 index with the digest of its passages, and the dense
    index with the content hash of every passage it holds."""

    lexical: tuple[str, LexicalIndex] | None = None
    dense: DenseIndex | None = None
    dense_hashes: dict[int, str] = field(default_factory=dict)
    problem: str | None = None  # why files that were there could not be trusted




@dataclass
class IndexFiles:
    directory: Path
    writer: bool | None = None  # None until the first save tries to take the lock

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest on disk; None when there is none or it is unreadable (the indexes are
        then rebuilt from the database)."""
        path = self.directory / MANIFEST
        if not path.exists():
            return None
        try:
            manifest = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            manifest = exc
        if not isinstance(manifest, dict):
            log.warning("Index manifest unreadable (%s): rebuilding from the database.", manifest)
            return None
        return manifest

    def load(
        self, *, analyzer: str, model: str | None, dim: int, dense_options: dict[str, int]
    ) -> StoredIndexes:
        """The indexes on disk that match ``analyzer`` and ``model`` and their manifest (nothing
        on any doubt, with the reason in ``problem``)."""
        manifest = self.read_manifest()
        if manifest is None:
            unreadable = (self.directory / MANIFEST).exists()
            return StoredIndexes(problem="manifest unreadable" if unreadable else None)
        found = StoredIndexes()
        try:
            files, base = self._generation(manifest)
            if manifest.get("analyzer") == analyzer and manifest.get("passages"):
                path = base / LEXICAL_DIR
                _verify(path, files.get("bm25"), manifest["passages"])
                lexical = LexicalIndex.load(path, manifest["passages"])
                found.lexical = (manifest["digest"], lexical)
            if model is not None and manifest.get("model") == model:
                hashes = {int(k): v for k, v in manifest.get("dense_hashes", {}).items()}
                path = base / DENSE_FILE
                _verify(path, files.get("dense"), len(hashes))
                dense = DenseIndex.load(path, dim, **dense_options)
                if set(dense.ids().tolist()) != set(hashes):
                    raise FilesMismatch("dense index holds other passages than its manifest")
                found.dense, found.dense_hashes = dense, hashes
            elif model is not None:
                log.info("Index was built with model %s: rebuilding.", manifest.get("model"))
        except Exception as exc:  # a damaged or stale cache is rebuilt from the database
            log.warning("Index files not usable (%s): rebuilding from the database.", exc)
            return StoredIndexes(problem=str(exc) or type(exc).__name__)
        return found

    def _generation(self, manifest: dict[str, Any]) -> tuple[dict[str, Any], Path]:
        files, name = manifest.get("files"), manifest.get("generation")
        if not isinstance(files, dict) or not isinstance(name, str) or "/" in name:
            raise FilesMismatch("manifest names no verified files (older layout)")
        return files, self.directory / name

    def owns(self) -> bool:
        """Whether this process writes the files (tried once, then remembered)."""
        if self.writer is None:
            self.writer = _holds_writer_lock(self.directory)
            if not self.writer:
                log.warning(
                    "Another process writes the index files in %s: this one keeps its index "
                    "in memory only (built from the database) and writes none.", self.directory,
                )
        return self.writer

    def save(
        self,
        *,
        revision: int,
        analyzer: str,
        records: Sequence[PassageRecord],
        lexical: LexicalIndex,
        dense: DenseIndex | None,
        model: str | None,
        dense_hashes: dict[int, str],
    ) -> bool:
        """Write a new generation and its manifest; False when another process is the writer."""
        if not self.owns():
            return False
        previous = self.read_manifest() or {}
        hashes: dict[str, Any] = {str(k): v for k, v in dense_hashes.items()}
        name = f"{GENERATION}{uuid.uuid4().hex[:16]}"
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=self.directory))
        try:
            files: dict[str, Any] = {}
            if len(lexical):
                lexical.save(tmp / LEXICAL_DIR)
                files["bm25"] = _entry(tmp / LEXICAL_DIR, len(lexical))
            if dense is not None:
                dense.save(tmp / DENSE_FILE)
                files["dense"] = _entry(tmp / DENSE_FILE, len(dense))
            elif self._keep_dense(previous, tmp):
                # A lexical-only process keeps the dense index's record for the next hybrid
                # one, which then updates it incrementally instead of rebuilding it.
                model, hashes = previous.get("model"), previous.get("dense_hashes", {})
                files["dense"] = previous["files"]["dense"]
            tmp.rename(self.directory / name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        manifest = {
            "revision": revision,
            "analyzer": analyzer,
            "model": model,
            "passages": len(records),
            "digest": passages_digest(records),
            "dense_hashes": hashes,
            "generation": name,
            "files": files,
        }
        _write_atomically(self.directory / MANIFEST, json.dumps(manifest))
        self._remove_all_but(name)
        return True

    def _keep_dense(self, previous: dict[str, Any], tmp: Path) -> bool:
        try:
            files, base = self._generation(previous)
            if "dense" not in files or not (base / DENSE_FILE).is_file():
                return False
            os.link(base / DENSE_FILE, tmp / DENSE_FILE)
        except (FilesMismatch, OSError):
            return False
        return True

    def _remove_all_but(self, name: str) -> None:
        """Earlier generations, files of the older layout, and leftovers of crashed saves."""
        for child in self.directory.iterdir():
            old = child.name.startswith((GENERATION, f".{GENERATION}")) and child.name != name
            if old or child.name in (LEXICAL_DIR, DENSE_FILE):
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)


def _entry(path: Path, rows: int) -> dict[str, Any]:
    return {"rows": rows, "sha256": files_digest(path)}


def _verify(path: Path, entry: Any, rows: int) -> None:
    """FilesMismatch unless ``path`` has the digest and row count the manifest recorded."""
    if not isinstance(entry, dict) or entry.get("rows") != rows:
        raise FilesMismatch(f"manifest has no record of {path.name} with {rows} rows")
    if not path.exists():
        raise FilesMismatch(f"{path.name} is missing")
    if files_digest(path) != entry.get("sha256"):
        raise FilesMismatch(f"{path.name} differs from the manifest (digest)")


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
