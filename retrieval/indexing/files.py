"""The index files under ``index_dir``: a manifest, the BM25 matrix and the FAISS index.

They make restarts cheap; the database stays the source of truth, so anything missing,
unreadable or built under another analyzer or model is rebuilt from it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.store import PassageRecord
from retrieval.dense import DenseIndex
from retrieval.lexical import LexicalIndex

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LEXICAL_DIR = "bm25"
DENSE_FILE = "dense.faiss"


def passages_digest(records: Sequence[PassageRecord]) -> str:
    """Identifies the passages (ids and contents) an index was built from."""
    h = hashlib.sha256()
    for r in records:
        h.update(f"{r.id}:{r.content_hash};".encode())
    return h.hexdigest()


@dataclass
class StoredIndexes:
    """What was usable on disk: the BM25 index with the digest of its passages, and the dense
    index with the content hash of every passage it holds."""

    lexical: tuple[str, LexicalIndex] | None = None
    dense: DenseIndex | None = None
    dense_hashes: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IndexFiles:
    directory: Path

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
        """The indexes on disk that match ``analyzer`` and ``model`` (nothing on any doubt)."""
        manifest = self.read_manifest()
        if manifest is None:
            return StoredIndexes()
        found = StoredIndexes()
        try:
            if manifest.get("analyzer") == analyzer and manifest.get("passages"):
                lexical = LexicalIndex.load(self.directory / LEXICAL_DIR, manifest["passages"])
                found.lexical = (manifest["digest"], lexical)
            if model is not None and manifest.get("model") == model:
                dense = DenseIndex.load(self.directory / DENSE_FILE, dim, **dense_options)
                hashes = {int(k): v for k, v in manifest.get("dense_hashes", {}).items()}
                if set(dense.ids().tolist()) == set(hashes):
                    found.dense, found.dense_hashes = dense, hashes
                else:
                    log.warning("Dense index on disk disagrees with its manifest: rebuilding.")
            elif model is not None:
                log.info("Index was built with model %s: rebuilding.", manifest.get("model"))
        except Exception as exc:  # a damaged cache is rebuilt from the database
            log.warning("Index files unreadable (%s): rebuilding from the database.", exc)
            return StoredIndexes()
        return found

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
    ) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        hashes: dict[str, Any] = {str(k): v for k, v in dense_hashes.items()}
        if model is None and (self.directory / DENSE_FILE).exists():
            # A lexical-only process keeps the dense index's record for the next hybrid one,
            # which then updates it incrementally instead of rebuilding it.
            previous = self.read_manifest() or {}
            model, hashes = previous.get("model"), previous.get("dense_hashes", {})
        manifest = {
            "revision": revision,
            "analyzer": analyzer,
            "model": model,
            "passages": len(records),
            "digest": passages_digest(records),
            "dense_hashes": hashes,
        }
        lexical.save(self.directory / LEXICAL_DIR)
        if dense is not None:
            dense.save(self.directory / DENSE_FILE)
        tmp = self.directory / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(manifest))
        tmp.replace(self.directory / MANIFEST)
