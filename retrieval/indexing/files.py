"""The index files under ``index_dir``: a manifest, the BM25 segments and the FAISS index.

They make restarts cheap; the database stays the source of truth, so anything missing,
unreadable, built under another analyzer or model, or not matching its manifest is rebuilt
from it.

Each save writes a new generation (``gen-*``) in a temporary directory: ``bm25/`` with one
directory per BM25 segment and ``rows.npz`` (each row's passage id and content hash, and the
segments' live-row masks); ``dense.faiss`` and ``dense-rows.npz`` (each vector's passage id
and content hash). It renames it into place, then replaces the manifest, which names the
generation and records each file's row count and SHA-256: a crash leaves the previous
generation in force, and files changed behind the manifest's back are caught at load.
Segments are immutable: one the previous generation holds is hard-linked into the new one
with its recorded digest, so an upload writes and hashes its own small segment and the row
tables, not the whole BM25 index. One process per data directory writes them, the one
holding ``.writer.lock`` (taken on first save, held until the process exits); any other
keeps its index in memory only, built from the database.
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

import numpy as np
from filelock import FileLock, Timeout

from corpus.store import PassageRecord
from retrieval.dense import DenseIndex
from retrieval.lexical import LexicalIndex, Segment

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LEXICAL_DIR = "bm25"
ROWS_FILE = "rows.npz"
DENSE_ROWS_FILE = "dense-rows.npz"
DENSE_FILE = "dense.faiss"
WRITER_LOCK = ".writer.lock"
GENERATION = "gen-"


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


@dataclass(frozen=True)
class StoredLexical:
    """A BM25 index read from disk and the (passage id, content hash) of each of its rows."""

    index: LexicalIndex
    ids: list[int]
    hashes: list[str]


@dataclass
class StoredIndexes:
    """What was usable on disk: the BM25 index with the passages of its rows, and the dense
    index with the content hash of every passage it holds."""

    lexical: StoredLexical | None = None
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
                found.lexical = _load_lexical(base / LEXICAL_DIR, manifest)
            if model is not None and manifest.get("model") == model:
                hashes = _dense_hashes(base, files, manifest)
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
        rewrite_dense: bool = True,
    ) -> bool:
        """Write a new generation and its manifest; False when another process is the writer.
        Without ``rewrite_dense`` the previous generation's dense files are kept when there
        are some (a restart brings them up to date from the database's embedding cache)."""
        if not self.owns():
            return False
        previous = self.read_manifest() or {}
        name = f"{GENERATION}{uuid.uuid4().hex[:16]}"
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=self.directory))
        try:
            files: dict[str, Any] = {}
            segments: list[dict[str, Any]] = []
            if len(lexical):
                segments = self._save_lexical(tmp / LEXICAL_DIR, lexical, records, previous)
                files["rows"] = _entry(tmp / LEXICAL_DIR / ROWS_FILE, len(lexical))
            if dense is not None and not rewrite_dense and self._keep_dense(previous, tmp):
                files["dense"] = previous["files"]["dense"]
                files["dense_rows"] = previous["files"]["dense_rows"]
            elif dense is not None:
                dense.save(tmp / DENSE_FILE)
                files["dense"] = _entry(tmp / DENSE_FILE, len(dense))
                _save_rows(tmp / DENSE_ROWS_FILE, list(dense_hashes), list(dense_hashes.values()))
                files["dense_rows"] = _entry(tmp / DENSE_ROWS_FILE, len(dense_hashes))
            elif self._keep_dense(previous, tmp):
                # A lexical-only process keeps the dense index's record for the next hybrid
                # one, which then updates it incrementally instead of rebuilding it.
                model = previous.get("model")
                files["dense"] = previous["files"]["dense"]
                files["dense_rows"] = previous["files"]["dense_rows"]
            tmp.rename(self.directory / name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        manifest = {
            "revision": revision,
            "analyzer": analyzer,
            "model": model,
            "passages": len(records),
            "segments": segments,
            "generation": name,
            "files": files,
        }
        _write_atomically(self.directory / MANIFEST, json.dumps(manifest))
        self._remove_all_but(name)
        return True

    def _save_lexical(
        self, path: Path, lexical: LexicalIndex, records: Sequence[PassageRecord],
        previous: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Write the row table and the segments the previous generation lacks; link the
        others. Returns the manifest's segment entries."""
        path.mkdir()
        before = {e.get("name"): e for e in previous.get("segments", []) if isinstance(e, dict)}
        try:
            _, old_base = self._generation(previous)
        except FilesMismatch:
            old_base = None
        entries = []
        for seg in lexical.segments:
            known, target = before.get(seg.name), path / seg.name
            if known and old_base is not None and _link_tree(old_base / LEXICAL_DIR / seg.name,
                                                              target):
                entries.append(known)
                continue
            seg.save(target)
            entries.append({"name": seg.name, **_entry(target, len(seg))})
        masks = {f"alive_{i}": a for i, a in enumerate(lexical.alive) if a is not None}
        _save_rows(path / ROWS_FILE, [r.id for r in records], [r.content_hash for r in records],
                   **masks)
        return entries

    def _keep_dense(self, previous: dict[str, Any], tmp: Path) -> bool:
        try:
            files, base = self._generation(previous)
            if "dense" not in files or "dense_rows" not in files:
                return False
            os.link(base / DENSE_FILE, tmp / DENSE_FILE)
            os.link(base / DENSE_ROWS_FILE, tmp / DENSE_ROWS_FILE)
        except (FilesMismatch, OSError):
            (tmp / DENSE_FILE).unlink(missing_ok=True)
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


def _save_rows(path: Path, ids: Sequence[int], hashes: Sequence[str], **extra: Any) -> None:
    """Passage ids and content hashes, row by row (and ``extra`` arrays), in one .npz."""
    np.savez(path, ids=np.asarray(ids, dtype=np.int64),
             hashes=np.asarray(hashes, dtype="S64"), **extra)


def _read_rows(path: Path) -> tuple[list[int], list[str]]:
    with np.load(path, allow_pickle=False) as table:
        return table["ids"].tolist(), [h.decode() for h in table["hashes"].tolist()]


def _dense_hashes(base: Path, files: dict[str, Any], manifest: dict[str, Any]) -> dict[int, str]:
    """passage id -> content hash of the dense index's vectors, checked against the manifest
    (the manifest itself held them before December 2026)."""
    if "dense_rows" not in files:
        return {int(k): v for k, v in manifest.get("dense_hashes", {}).items()}
    entry = files["dense_rows"]
    _verify(base / DENSE_ROWS_FILE, entry, entry.get("rows") if isinstance(entry, dict) else None)
    ids, hashes = _read_rows(base / DENSE_ROWS_FILE)
    return dict(zip(ids, hashes, strict=True))


def _link_tree(source: Path, target: Path) -> bool:
    """Hard-link the files of directory ``source`` into a new ``target``; False if it cannot."""
    try:
        target.mkdir()
        for f in source.iterdir():
            os.link(f, target / f.name)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


def _load_lexical(path: Path, manifest: dict[str, Any]) -> StoredLexical:
    """The BM25 segments and row table of a generation, each checked against the manifest."""
    files, entries = manifest.get("files") or {}, manifest.get("segments")
    if not isinstance(entries, list) or not entries:
        raise FilesMismatch("manifest names no BM25 segments (older layout)")
    segments = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or "/" in name:
            raise FilesMismatch("manifest names a BM25 segment badly")
        _verify(path / name, entry, entry.get("rows"), what="bm25/")
        segments.append(Segment.load(path / name))
        if len(segments[-1]) != entry["rows"]:
            raise FilesMismatch(f"BM25 segment {name} holds other rows than its manifest")
    rows = manifest["passages"]
    _verify(path / ROWS_FILE, files.get("rows"), rows, what="bm25/")
    ids, hashes = _read_rows(path / ROWS_FILE)
    with np.load(path / ROWS_FILE, allow_pickle=False) as table:
        alive = [table.get(f"alive_{i}") for i in range(len(segments))]
    index = LexicalIndex(segments, alive)
    if not len(index) == len(ids) == len(hashes) == rows:
        raise FilesMismatch(f"BM25 index holds {len(index)} rows, its manifest {rows}")
    return StoredLexical(index, ids, hashes)


def _entry(path: Path, rows: int) -> dict[str, Any]:
    return {"rows": rows, "sha256": files_digest(path)}


def _verify(path: Path, entry: Any, rows: Any, *, what: str = "") -> None:
    """FilesMismatch unless ``path`` has the digest and row count the manifest recorded."""
    name = f"{what}{path.name}"
    if not isinstance(entry, dict) or not isinstance(rows, int) or entry.get("rows") != rows:
        raise FilesMismatch(f"manifest has no record of {name} with {rows} rows")
    if not path.exists():
        raise FilesMismatch(f"{name} is missing")
    if files_digest(path) != entry.get("sha256"):
        raise FilesMismatch(f"{name} differs from the manifest (digest)")


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
