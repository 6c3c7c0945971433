"""Builds and refreshes the search snapshot from the database, and keeps the index files.

:meth:`IndexBuilder.refresh` brings the indexes up to the corpus revision incrementally: new
or changed passages are tokenised and embedded (embeddings come from the database cache when
the same text under the same model was embedded before), removed ones dropped; then a new
:class:`~retrieval.searcher.Searcher` replaces the old one whole. Index files under
``index_dir`` make restarts cheap and are checked against the database on every refresh.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from corpus.hashing import embed_text
from corpus.store import CorpusStore, PassageRecord, ReferenceLink
from retrieval.analyzer import Analyzer
from retrieval.dense import APPROXIMATE_ABOVE, NPROBE, DenseIndex
from retrieval.diacritics import DiacriticRestorer
from retrieval.encoder import Encoder
from retrieval.indexing.files import IndexFiles, passages_digest
from retrieval.indexing.vectors import Progress, update_dense
from retrieval.lexical import LexicalIndex
from retrieval.searcher import Searcher, SearchWeights
from retrieval.titles import TitleIndex

log = logging.getLogger(__name__)


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
        self._tokens: dict[str, list[str]] = {}
        self._disk_lexical: tuple[str, LexicalIndex] | None = None
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
        """Bring the indexes to the store's revision; True when anything changed."""
        with self._lock:
            revision = self.store.revision()
            if revision == self._searcher.revision and not force:
                return False
            started = time.perf_counter()
            if not self._loaded_from_disk:
                self._load_from_disk()
            records = self.store.passages_for_index()
            lexical = self._lexical(records)
            restorer = None
            if self.encoder is not None:
                self._update_dense(records, progress)
                if self.weights.restore_diacritics:
                    restorer = DiacriticRestorer.for_index(lexical)
            self._searcher = self._snapshot(records, lexical, restorer, revision)
            self._save_to_disk()
            log.info(
                "Indexes at revision %d: %d passages, mode %s (%.1fs)",
                revision, len(records), self.mode, time.perf_counter() - started,
            )
            return True

    def _snapshot(
        self,
        records: list[PassageRecord],
        lexical: LexicalIndex,
        restorer: DiacriticRestorer | None,
        revision: int,
    ) -> Searcher:
        docs = self.store.documents_by_ids({r.document_id for r in records})
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
            titles=TitleIndex(docs.values()),
            restorer=restorer,
            revision=revision,
        )

    def _lexical(self, records: list[PassageRecord]) -> LexicalIndex:
        """The BM25 index of ``records``: the one on disk when it was built from them."""
        disk, self._disk_lexical = self._disk_lexical, None
        if disk is not None and disk[0] == passages_digest(records):
            if len(disk[1]) == len(records):
                return disk[1]
            self._disk_problem = f"BM25 holds {len(disk[1])} rows, the database {len(records)}"
        live: dict[str, list[str]] = {}
        docs = []
        for r in records:
            toks = self._tokens.get(r.content_hash)
            if toks is None:
                # Interned: the same syllables recur across passages (~3x less memory).
                raw = self.analyzer.document_tokens(embed_text(r.context, r.text))
                toks = [sys.intern(t) for t in raw]
            live[r.content_hash] = toks
            docs.append(toks)
        self._tokens = live
        lexical = LexicalIndex()
        lexical.build(docs)
        return lexical

    def _update_dense(self, records: Sequence[PassageRecord], progress: Progress | None) -> None:
        assert self.encoder is not None
        if self._dense is None:
            self._dense = self._new_dense(self.encoder.dim)
        self._dense_hashes = update_dense(
            self._dense, self._dense_hashes, records,
            encoder=self.encoder, store=self.store, progress=progress,
        )

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
        self.files.save(
            revision=searcher.revision,
            analyzer=self.analyzer.signature(),
            records=searcher.records,
            lexical=searcher.lexical,
            dense=searcher.dense,
            model=self.encoder.model_id if self.encoder is not None else None,
            dense_hashes=self._dense_hashes,
        )


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
