"""Builds and refreshes the search snapshot from the database, and keeps the index files.

:meth:`IndexBuilder.refresh` brings the indexes up to the corpus revision incrementally: it
compares the passages' ids and content hashes with those the index holds, reads only the new
or changed passages, tokenises them into a small BM25 segment beside the large one and embeds
them (embeddings come from the database cache when the same text under the same model was
embedded before), and masks the rows of removed ones; then a new
:class:`~retrieval.searcher.Searcher` replaces the old one whole. Once the small segment and
the masked rows outgrow ``MERGE_SHARE`` of the index, the segments are merged into one, after
the new snapshot is published. Index files under ``index_dir`` make restarts cheap and are
checked against the database on every refresh.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from corpus.hashing import embed_text
from corpus.store import CorpusStore, PassageRecord, ReferenceLink
from retrieval.analyzer import Analyzer
from retrieval.dense import APPROXIMATE_ABOVE, NPROBE, DenseIndex
from retrieval.diacritics import DiacriticRestorer
from retrieval.encoder import Encoder
from retrieval.indexing.files import IndexFiles, StoredLexical
from retrieval.indexing.vectors import Progress, update_dense
from retrieval.lexical import LexicalIndex
from retrieval.searcher import Searcher, SearchWeights
from retrieval.titles import TitleIndex

log = logging.getLogger(__name__)

# The BM25 segments are merged into one once the rows outside the large one (added or
# masked) pass this share of the index, and at least MERGE_MIN_ROWS.
MERGE_SHARE = 0.05
MERGE_MIN_ROWS = 2_000
# The FAISS file is rewritten once this many vectors changed since it was last written (the
# files keep the previous one meanwhile, and a restart adds the few missing vectors from the
# database's embedding cache): an upload does not rewrite 150 MiB at 100k passages.
DENSE_SAVE_CHANGES = 1_000


class IndexBuilder:
    """Owns the derived indexes of one process. ``searcher`` is the current snapshot; searches
    go on against it while a refresh builds the next one."""

    def __init__(
        self,
        store: CorpusStore,
        *,
        encoder: Encoder | None = None,
        index_dir: Path | None = None,
        analyzer: Analyzer | None = None,
        weights: SearchWeights | None = None,
        approximate_above: int = APPROXIMATE_ABOVE,
        nprobe: int = NPROBE,
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.files = IndexFiles(index_dir) if index_dir is not None else None
        self.analyzer = analyzer or Analyzer()
        self.weights = weights or SearchWeights()
        self._dense_options = {"approximate_above": approximate_above, "nprobe": nprobe}
        self._searcher = Searcher(encoder=encoder, analyzer=self.analyzer, weights=self.weights)
        self._dense: DenseIndex | None = None
        self._dense_hashes: dict[int, str] = {}
        self._disk_lexical: StoredLexical | None = None
        self._held: dict[int, str] = {}  # id -> content hash of the snapshot's passages
        self._dense_unsaved = 0  # vectors changed since the dense index was last written
        self._loaded_from_disk = False
        self._disk_problem: str | None = None
        self._lock = threading.Lock()

    @property
    def searcher(self) -> Searcher:
        """The current snapshot (empty before the first refresh)."""
        return self._searcher

    @property
    def mode(self) -> str:
        return self._searcher.mode

    @property
    def revision(self) -> int:
        return self._searcher.revision

    def __len__(self) -> int:
        return len(self._searcher)

    @property
    def files_state(self) -> tuple[str, str | None]:
        """(state, reason) of the index files: ``none`` (kept in memory only by design),
        ``index_rebuilt_from_database`` (files found did not match their manifest or the
        database; the reason says how), ``read_only`` (another process writes them) or ``ok``.
        """
        if self.files is None:
            return "none", None
        if self._disk_problem is not None:
            return "index_rebuilt_from_database", self._disk_problem
        if self.files.writer is False:
            return "read_only", "another process writes the index files of this data directory"
        return "ok", None

    def refresh(self, *, force: bool = False, progress: Progress | None = None) -> bool:
        """Bring the indexes to the store's revision; True when anything changed. ``force``
        rebuilds the BM25 index from every passage."""
        with self._lock:
            revision = self.store.revision()
            if revision == self._searcher.revision and not force:
                return False
            started = time.perf_counter()
            if not self._loaded_from_disk:
                self._load_from_disk()
            hashes = self.store.passage_hashes()
            records, lexical, held = self._base(force)
            records, lexical, added = self._apply(records, lexical, held, hashes)
            self._held = hashes
            if self.encoder is not None:
                self._update_dense(records, hashes, added, progress)
            restorer = self._restorer(self._searcher, lexical, added)
            self._searcher = self._snapshot(records, lexical, restorer, revision)
            log.info(
                "Indexes at revision %d: %d passages (%d read), mode %s (%.2fs)",
                revision, len(records), len(added), self.mode, time.perf_counter() - started,
            )
            if lexical.delta_rows > max(MERGE_MIN_ROWS, MERGE_SHARE * len(lexical)):
                self._searcher = dataclasses.replace(self._searcher, lexical=lexical.merged())
                log.info("BM25 segments merged (%.2fs)", time.perf_counter() - started)
            self._save_to_disk()
            return True

    def _base(self, force: bool) -> tuple[list[PassageRecord], LexicalIndex, dict[int, str]]:
        """The passages, BM25 index and id -> content hash of its rows that the refresh
        changes: the current snapshot's, the files' (with the database's passages) at the first
        refresh, or nothing if ``force``."""
        disk, self._disk_lexical = self._disk_lexical, None
        if force:
            return [], LexicalIndex(), {}
        if disk is None or self._searcher.revision >= 0:
            return list(self._searcher.records), self._searcher.lexical, self._held
        current = {r.id: r for r in self.store.passages_for_index()}
        records = []
        for pid, h in zip(disk.ids, disk.hashes, strict=True):
            found = current.get(pid)
            # A row whose passage is gone or changed matches no hash: _apply masks it.
            records.append(found if found is not None and found.content_hash == h
                           else PassageRecord(pid, 0, "", "", "", None))
        return records, disk.index, {r.id: r.content_hash for r in records}

    def _apply(
        self, records: list[PassageRecord], lexical: LexicalIndex, held: Mapping[int, str],
        hashes: Mapping[int, str],
    ) -> tuple[list[PassageRecord], LexicalIndex, list[PassageRecord]]:
        """``records`` (whose ids and hashes are ``held``) and ``lexical`` brought to
        ``hashes`` (the database's passages): rows of removed or changed passages masked, new
        or changed ones read and appended. The comparisons are set operations on the two maps'
        items, so an upload costs its own passages, not a pass over the corpus in Python."""
        gone = {pid for pid, _ in held.items() - hashes.items()}
        new = sorted(pid for pid, _ in hashes.items() - held.items())
        added = self.store.passages_for_index(new)
        if not gone and not added:
            return records, lexical, added
        removed = [i for i, r in enumerate(records) if r.id in gone] if gone else []
        kept = [r for r in records if r.id not in gone] if gone else records
        lexical = lexical.with_changes(removed, self._tokens(added))
        return kept + added, lexical, added

    def _tokens(self, records: Sequence[PassageRecord]) -> Iterator[list[str]]:
        for r in records:
            yield self.analyzer.document_tokens(embed_text(r.context, r.text))

    def _restorer(
        self, previous: Searcher, lexical: LexicalIndex, added: Sequence[PassageRecord]
    ) -> DiacriticRestorer | None:
        """The diacritic restorer over ``lexical``: the previous one given the new segment's
        syllables when ``lexical`` only grew a small segment, else built anew."""
        if self.encoder is None or not self.weights.restore_diacritics:
            return None
        if previous.restorer is None or previous.lexical.segments[:1] != lexical.segments[:1]:
            return DiacriticRestorer.for_index(lexical)
        new = lexical.segments[-1].tokens if added and len(lexical.segments) > 1 else []
        return previous.restorer.updated(lexical, new)

    def _snapshot(
        self,
        records: list[PassageRecord],
        lexical: LexicalIndex,
        restorer: DiacriticRestorer | None,
        revision: int,
    ) -> Searcher:
        held = {r.document_id for r in records}
        docs = {d.id: d for d in self.store.document_summaries() if d.id in held}
        match_keys = {i: d.match_key for i, d in docs.items()}
        return Searcher(
            records=records,
            lexical=lexical,
            dense=self._dense if self.encoder is not None else None,
            encoder=self.encoder,
            analyzer=self.analyzer,
            weights=self.weights,
            doc_status={i: d.status for i, d in docs.items()},
            number_documents=number_documents(match_keys, self.store.reference_links()),
            titles=TitleIndex(docs.values(), self._searcher.titles),
            restorer=restorer,
            revision=revision,
        )

    def _update_dense(
        self, records: Sequence[PassageRecord], hashes: Mapping[int, str],
        added: Sequence[PassageRecord], progress: Progress | None,
    ) -> None:
        assert self.encoder is not None
        if self._dense is None:
            self._dense = self._new_dense(self.encoder.dim)
        before = len(self._dense_hashes)
        self._dense_hashes, changed = update_dense(
            self._dense, self._dense_hashes, hashes, added, records,
            encoder=self.encoder, store=self.store, progress=progress,
        )
        self._dense_unsaved += changed if before else DENSE_SAVE_CHANGES

    def _new_dense(self, dim: int) -> DenseIndex:
        return DenseIndex(dim, **self._dense_options)

    def _load_from_disk(self) -> None:
        self._loaded_from_disk = True
        if self.files is None:
            return
        stored = self.files.load(
            analyzer=self.analyzer.signature(),
            model=self.encoder.model_id if self.encoder is not None else None,
            dim=self.encoder.dim if self.encoder is not None else 0,
            dense_options=self._dense_options,
        )
        self._disk_lexical = stored.lexical
        self._disk_problem = stored.problem
        if stored.dense is not None:
            self._dense, self._dense_hashes = stored.dense, stored.dense_hashes

    def _save_to_disk(self) -> None:
        if self.files is None:
            return
        searcher = self._searcher
        rewrite = self._dense_unsaved >= DENSE_SAVE_CHANGES
        self.files.save(
            revision=searcher.revision,
            analyzer=self.analyzer.signature(),
            records=searcher.records,
            lexical=searcher.lexical,
            dense=searcher.dense,
            model=self.encoder.model_id if self.encoder is not None else None,
            dense_hashes=self._dense_hashes,
            rewrite_dense=rewrite,
        )
        if rewrite:
            self._dense_unsaved = 0


def number_documents(
    match_keys: Mapping[int, str | None], links: Iterable[ReferenceLink]
) -> dict[str, frozenset[int]]:
    """Loose number key -> the documents a question naming it reaches: the indexed documents
    with that number, the documents citing them, and those citing the number unresolved."""
    named: dict[str, set[int]] = {}
    for doc_id, key in match_keys.items():
        if key:
            named.setdefault(key, set()).add(doc_id)
    citing_key: dict[str, set[int]] = {}
    citing_doc: dict[int, set[int]] = {}
    for link in links:
        if link.match_key:
            citing_key.setdefault(link.match_key, set()).add(link.document_id)
        if link.target_id is not None:
            citing_doc.setdefault(link.target_id, set()).add(link.document_id)
    out: dict[str, frozenset[int]] = {}
    for key in named.keys() | citing_key.keys():
        docs = set(named.get(key, ())) | citing_key.get(key, set())
        for doc_id in named.get(key, ()):
            docs |= citing_doc.get(doc_id, set())
        out[key] = frozenset(docs)
    return out
