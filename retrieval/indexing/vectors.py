"""Passage vectors for the dense index, embedded once per text and model.

Vectors are cached in the database by (model, content hash), so a passage whose text did not
change is never embedded again, whichever process or restart asks for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from corpus.hashing import embed_text
from corpus.store import CorpusStore, PassageRecord
from retrieval.dense import DenseIndex
from retrieval.encoder import Encoder

log = logging.getLogger(__name__)

EMBED_BATCH = 256

Progress = Callable[[int, int], None]


def update_dense(
    dense: DenseIndex,
    indexed: dict[int, str],
    wanted: Mapping[int, str],
    added: Sequence[PassageRecord],
    records: Sequence[PassageRecord],
    *,
    encoder: Encoder,
    store: CorpusStore,
    progress: Progress | None = None,
) -> tuple[dict[int, str], int]:
    """Bring ``dense`` (holding the passages ``indexed``: id -> content hash) to ``wanted``
    (id -> content hash of ``records``; ``added`` are those just read, looked at first):
    stale vectors removed, new ones added. Returns the new id -> content hash map and how
    many vectors changed."""
    hashes = dict(indexed)
    stale = [pid for pid, _ in indexed.items() - wanted.items()]  # set operations, in C
    dense.remove(np.asarray(stale, dtype=np.int64))
    for pid in stale:
        hashes.pop(pid, None)
    missing = sorted(wanted.keys() - hashes.keys())
    by_id = {r.id: r for r in added}
    if not all(pid in by_id for pid in missing):
        by_id = {r.id: r for r in records}
    todo = [by_id[pid] for pid in missing]
    vectors = _vectors(todo, encoder=encoder, store=store, progress=progress)
    if todo:
        ids = np.asarray([r.id for r in todo], dtype=np.int64)
        stacked = np.stack([np.frombuffer(vectors[r.content_hash], dtype=np.float32) for r in todo])
        dense.add(ids, stacked)
        hashes.update({r.id: r.content_hash for r in todo})
    return hashes, len(stale) + len(todo)


def _vectors(
    todo: Sequence[PassageRecord],
    *,
    encoder: Encoder,
    store: CorpusStore,
    progress: Progress | None,
) -> dict[str, bytes]:
    """content hash -> vector bytes for ``todo``: from the cache, else embedded and cached."""
    model = encoder.model_id
    cached = store.embeddings(model, [r.content_hash for r in todo])
    # One embedding per distinct text, sorted by length so that every batch pads little.
    unique = {r.content_hash: r for r in todo if r.content_hash not in cached}
    missing = sorted(unique.values(), key=lambda r: len(r.context) + len(r.text))
    if missing:
        log.info("Embedding %d new passages (%d cached)", len(missing), len(cached))
    done = 0
    for i in range(0, len(missing), EMBED_BATCH):
        part = missing[i : i + EMBED_BATCH]
        vecs = encoder.encode_passages([embed_text(r.context, r.text) for r in part])
        fresh = {
            r.content_hash: v.astype(np.float32).tobytes() for r, v in zip(part, vecs, strict=True)
        }
        store.put_embeddings(model, fresh)
        cached.update(fresh)
        done += len(part)
        if progress:
            progress(done, len(missing))
    return cached
