"""Hybrid search: BM25 + dense vectors + document-number matches, fused by weighted RRF.

The indexes are derived from the database. :meth:`Retriever.refresh` brings them up to the
corpus revision incrementally: new or changed passages are tokenised and embedded (embeddings
come from the database cache when the same text under the same model was embedded before),
removed ones dropped. Index files under ``index_dir`` make restarts cheap and are verified
against the database on every refresh.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from corpus.hashing import embed_text
from corpus.models import DocumentStatus
from corpus.store import CorpusStore, PassageRecord
from corpus.text import has_diacritics
from retrieval.analyzer import Analyzer
from retrieval.dense import APPROXIMATE_ABOVE, NPROBE, DenseIndex
from retrieval.diacritics import DiacriticRestorer
from retrieval.encoder import Encoder
from retrieval.feedback import feedback_query
from retrieval.fusion import reciprocal_rank_fusion, zscore_fusion
from retrieval.lexical import LexicalIndex
from retrieval.names import NameIndex
from retrieval.query import Query, parse_query

log = logging.getLogger(__name__)

EMBED_BATCH = 256


@dataclass(frozen=True)
class SearchWeights:
    """How the rankings are fused (chosen on the dev set; see README "Retrieval quality").

    ``zscore``: each retriever's scores standardised over its top ``candidates`` and summed
    with these weights; documents the question names by number or title get a bonus in the
    same z units; passages of superseded/withdrawn documents a penalty. ``rrf``: weighted
    reciprocal-rank fusion of the same lists (kept for comparison).
    """

    method: Literal["zscore", "rrf"] = "zscore"
    lexical: float = 0.5
    dense: float = 0.5
    numbers: float = 1.0
    names: float = 0.5
    candidates: int = 100
    rrf_k: int = 60
    superseded_penalty: float = 1.0
    # Questions typed without diacritics are given them back from the corpus's words
    # (retrieval.diacritics) before they are encoded. Left bare, the e5 model finds almost
    # nothing for them (dev set R@10 0.06), so a question still without any diacritics after
    # that (or with restoring off) gets this dense weight instead.
    restore_diacritics: bool = True
    dense_without_diacritics: float = 0.0
    # Pseudo-relevance feedback (retrieval.feedback): the dense list is searched again with
    # the question's vector moved towards the first ranking's best passages. 0 turns it off.
    feedback_passages: int = 3
    feedback_weight: float = 0.7
    # Without diacritics the feedback vector is the passages' mean alone, at this weight.
    feedback_without_diacritics: float = 0.25


@dataclass(frozen=True)
class Hit:
    passage_id: int
    document_id: int
    score: float
    lexical_rank: int | None = None
    dense_rank: int | None = None
    dense_score: float | None = None
    lexical_score: float | None = None
    number_match: bool = False


@dataclass
class _State:
    records: list[PassageRecord] = field(default_factory=list)
    row_of: dict[int, int] = field(default_factory=dict)
    lexical: LexicalIndex = field(default_factory=LexicalIndex)
    dense: DenseIndex | None = None
    dense_hashes: dict[int, str] = field(default_factory=dict)
    doc_status: dict[int, str] = field(default_factory=dict)
    doc_match: dict[int, str | None] = field(default_factory=dict)
    names: NameIndex = field(default_factory=lambda: NameIndex([]))
    restorer: DiacriticRestorer | None = None
    revision: int = -1


class Retriever:
    """Search over the store's passages. Thread-safe: searches run while a refresh builds."""

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
        self._dense_options = {"approximate_above": approximate_above, "nprobe": nprobe}
        self.encoder = encoder
        self.index_dir = index_dir
        self.analyzer = analyzer or Analyzer()
        self.weights = weights or SearchWeights()
        self._state = _State()
        self._tokens: dict[str, list[str]] = {}
        self._refresh_lock = threading.Lock()
        self._loaded_from_disk = False
        self._disk_lexical: tuple[str, LexicalIndex] | None = None

    @property
    def mode(self) -> str:
        return "hybrid" if self.encoder is not None else "lexical"

    @property
    def revision(self) -> int:
        return self._state.revision

    def __len__(self) -> int:
        return len(self._state.records)

    # -- building ----------------------------------------------------------------------------
    def refresh(
        self, *, force: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> bool:
        """Bring the indexes to the store's revision; True when anything changed."""
        with self._refresh_lock:
            revision = self.store.revision()
            if revision == self._state.revision and not force:
                return False
            started = time.perf_counter()
            if not self._loaded_from_disk:
                self._load_from_disk()
            records = self.store.passages_for_index()
            state = _State(records=records, revision=revision)
            state.row_of = {r.id: i for i, r in enumerate(records)}
            digest = _digest(records)
            if self._disk_lexical is not None and self._disk_lexical[0] == digest:
                state.lexical = self._disk_lexical[1]
            else:
                self._build_lexical(state)
            self._disk_lexical = None
            if self.encoder is not None:
                self._update_dense(state, progress)
                if self.weights.restore_diacritics:
                    state.restorer = DiacriticRestorer.for_index(state.lexical)
            docs = self.store.documents_by_ids({r.document_id for r in records})
            state.doc_status = {i: d.status for i, d in docs.items()}
            state.doc_match = {i: d.match_key for i, d in docs.items()}
            state.names = NameIndex(docs.values())
            self._state = state
            self._save_to_disk()
            log.info(
                "Indexes at revision %d: %d passages, mode %s (%.1fs)",
                revision, len(records), self.mode, time.perf_counter() - started,
            )
            return True

    def _new_dense(self, dim: int) -> DenseIndex:
        return DenseIndex(dim, **self._dense_options)

    def _build_lexical(self, state: _State) -> None:
        live: dict[str, list[str]] = {}
        docs = []
        for r in state.records:
            toks = self._tokens.get(r.content_hash)
            if toks is None:
                # Interned: the same syllables recur across passages (~3x less memory).
                raw = self.analyzer.document_tokens(embed_text(r.context, r.text))
                toks = [sys.intern(t) for t in raw]
            live[r.content_hash] = toks
            docs.append(toks)
        self._tokens = live
        state.lexical.build(docs)

    def _update_dense(
        self, state: _State, progress: Callable[[int, int], None] | None
    ) -> None:
        assert self.encoder is not None
        old = self._state
        dense = old.dense if old.dense is not None else self._new_dense(self.encoder.dim)
        hashes = dict(old.dense_hashes)
        wanted = {r.id: r.content_hash for r in state.records}
        stale = [pid for pid, h in hashes.items() if wanted.get(pid) != h]
        dense.remove(np.asarray(stale, dtype=np.int64))
        for pid in stale:
            hashes.pop(pid, None)
        todo = [r for r in state.records if r.id not in hashes]
        model = self.encoder.model_id
        cached = self.store.embeddings(model, [r.content_hash for r in todo])
        # One embedding per distinct text, sorted by length so that every batch pads little.
        unique = {r.content_hash: r for r in todo if r.content_hash not in cached}
        missing = sorted(unique.values(), key=lambda r: len(r.context) + len(r.text))
        if missing:
            log.info("Embedding %d new passages (%d cached)", len(missing), len(cached))
        done = 0
        for i in range(0, len(missing), EMBED_BATCH):
            part = missing[i : i + EMBED_BATCH]
            vecs = self.encoder.encode_passages([embed_text(r.context, r.text) for r in part])
            fresh = {
                r.content_hash: v.astype(np.float32).tobytes()
                for r, v in zip(part, vecs, strict=True)
            }
            self.store.put_embeddings(model, fresh)
            cached.update(fresh)
            done += len(part)
            if progress:
                progress(done, len(missing))
        if todo:
            ids = np.asarray([r.id for r in todo], dtype=np.int64)
            vecs = np.stack([np.frombuffer(cached[r.content_hash], dtype=np.float32) for r in todo])
            dense.add(ids, vecs)
            hashes.update({r.id: r.content_hash for r in todo})
        state.dense = dense
        state.dense_hashes = hashes

    # -- persistence -------------------------------------------------------------------------
    def _manifest_path(self) -> Path | None:
        return self.index_dir / "manifest.json" if self.index_dir else None

    def _load_from_disk(self) -> None:
        self._loaded_from_disk = True
        manifest = self._read_manifest()
        if manifest is None:
            return
        assert self.index_dir is not None
        try:
            if manifest.get("analyzer") == self.analyzer.signature() and manifest.get("passages"):
                lexical = LexicalIndex.load(self.index_dir / "bm25", manifest["passages"])
                self._disk_lexical = (manifest["digest"], lexical)
            if self.encoder is not None and manifest.get("model") == self.encoder.model_id:
                dense = DenseIndex.load(
                    self.index_dir / "dense.faiss", self.encoder.dim, **self._dense_options
                )
                hashes = {int(k): v for k, v in manifest.get("dense_hashes", {}).items()}
                if set(dense.ids().tolist()) == set(hashes):
                    self._state.dense, self._state.dense_hashes = dense, hashes
                else:
                    log.warning("Dense index on disk disagrees with its manifest: rebuilding.")
            elif self.encoder is not None:
                log.info("Index was built with model %s: rebuilding.", manifest.get("model"))
        except Exception as exc:  # a damaged cache is rebuilt from the database
            log.warning("Index files unreadable (%s): rebuilding from the database.", exc)
            self._disk_lexical = None
            self._state = _State()

    def _read_manifest(self) -> dict[str, Any] | None:
        """The index manifest on disk; None when there is none or it is unreadable (the
        indexes are then rebuilt from the database)."""
        path = self._manifest_path()
        if path is None or not path.exists():
            return None
        try:
            manifest = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            manifest = exc
        if not isinstance(manifest, dict):
            log.warning("Index manifest unreadable (%s): rebuilding from the database.", manifest)
            return None
        return manifest

    def _save_to_disk(self) -> None:
        if self.index_dir is None:
            return
        self.index_dir.mkdir(parents=True, exist_ok=True)
        state = self._state
        model = self.encoder.model_id if self.encoder else None
        dense_hashes = {str(k): v for k, v in state.dense_hashes.items()}
        if self.encoder is None and (self.index_dir / "dense.faiss").exists():
            # A lexical-only process keeps the dense index's record for the next hybrid one,
            # which then updates it incrementally instead of rebuilding it.
            previous = self._read_manifest() or {}
            model, dense_hashes = previous.get("model"), previous.get("dense_hashes", {})
        manifest = {
            "revision": state.revision,
            "analyzer": self.analyzer.signature(),
            "model": model,
            "passages": len(state.records),
            "digest": _digest(state.records),
            "dense_hashes": dense_hashes,
        }
        state.lexical.save(self.index_dir / "bm25")
        if state.dense is not None:
            state.dense.save(self.index_dir / "dense.faiss")
        tmp = self.index_dir / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest))
        tmp.replace(self.index_dir / "manifest.json")

    # -- searching ---------------------------------------------------------------------------
    def parse(self, text: str) -> Query:
        """The :class:`Query` of ``text``, with diacritics restored for the dense encoder from
        the corpus's words (unchanged when it has them, or in lexical mode)."""
        restorer = self._state.restorer
        return parse_query(text, restore=restorer.restore if restorer is not None else None)

    def search(self, query: Query, *, k: int = 10) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first."""
        state = self._state
        if not state.records or not query:
            return []
        w = self.weights
        n = w.candidates
        lex_rows, lex_scores = state.lexical.top(self.analyzer.query_tokens(query.text), n)
        lex_ids = [state.records[i].id for i in lex_rows]
        dense_ids: list[int] = []
        dense_scores: np.ndarray = np.zeros(0, dtype=np.float32)
        qvec: np.ndarray | None = None
        dense_question = query.restored
        dense_weight = w.dense if has_diacritics(dense_question) else w.dense_without_diacritics
        if dense_weight and self.encoder is not None and state.dense is not None:
            qvec = self.encoder.encode_queries([dense_question])[0]
            dense_ids, dense_scores = self._dense_search(state, qvec, n)
        number_docs = self._number_documents(query, state)
        bonus = {doc: w.names for doc in state.names.named(query.text)}
        bonus |= {doc: w.numbers for doc in number_docs}
        lexical = (lex_ids, lex_scores)
        fused = self._score(state, lexical, (dense_ids, dense_scores), dense_weight, bonus)
        feedback = self._feedback(state, fused, qvec, dense_weight)
        if feedback is not None:
            fb_ids, fb_scores, fb_weight = feedback
            fused = self._score(state, lexical, (fb_ids, fb_scores), fb_weight, bonus)
        lex_rank = {pid: i + 1 for i, pid in enumerate(lex_ids)}
        lex_score = {pid: float(s) for pid, s in zip(lex_ids, lex_scores, strict=True)}
        # Ranks and scores of the question's own dense search: what the confidence check reads.
        dense_rank = {pid: i + 1 for i, pid in enumerate(dense_ids)}
        dense_score = {int(pid): float(s) for pid, s in zip(dense_ids, dense_scores, strict=False)}
        inf = len(state.records) + 1
        best = sorted(fused.items(), key=lambda kv: (-kv[1], lex_rank.get(kv[0], inf)))[:k]
        return [
            Hit(
                passage_id=pid,
                document_id=state.records[state.row_of[pid]].document_id,
                score=score,
                lexical_rank=lex_rank.get(pid),
                dense_rank=dense_rank.get(pid),
                dense_score=dense_score.get(pid),
                lexical_score=lex_score.get(pid),
                number_match=state.records[state.row_of[pid]].document_id in number_docs,
            )
            for pid, score in best
        ]

    @staticmethod
    def _dense_search(state: _State, qvec: np.ndarray, n: int) -> tuple[list[int], np.ndarray]:
        assert state.dense is not None
        ids, scores = state.dense.search(qvec, n)
        keep = [i for i, pid in enumerate(ids) if int(pid) in state.row_of]
        return [int(ids[i]) for i in keep], scores[keep]

    def _feedback(
        self,
        state: _State,
        fused: dict[int, float],
        qvec: np.ndarray | None,
        dense_weight: float,
    ) -> tuple[list[int], np.ndarray, float] | None:
        """The feedback dense list and its weight, or None when feedback does not apply."""
        w = self.weights
        weight = dense_weight if qvec is not None else w.feedback_without_diacritics
        if not (w.feedback_passages and weight and fused) or state.dense is None:
            return None
        top = heapq.nlargest(w.feedback_passages, fused, key=fused.__getitem__)
        try:
            vectors = state.dense.vectors(top)
        except KeyError:  # a passage whose vector is not indexed (yet): skip feedback
            return None
        vec = feedback_query(qvec, vectors, weight=w.feedback_weight)
        ids, scores = self._dense_search(state, vec, w.candidates)
        return ids, scores, weight

    def _score(
        self,
        state: _State,
        lexical: tuple[list[int], np.ndarray],
        dense: tuple[list[int], np.ndarray],
        dense_weight: float,
        bonus: dict[int, float],
    ) -> dict[int, float]:
        """Fused scores with the named-document bonus and the superseded penalty applied."""
        w = self.weights
        fused = self._fuse(lexical[0], lexical[1], dense[0], dense[1], dense_weight)
        # Bonus and penalty are in z units; RRF scores live on a 1/k scale.
        unit = 1.0 if w.method == "zscore" else 1.0 / w.rrf_k
        for pid in fused:
            doc_id = state.records[state.row_of[pid]].document_id
            fused[pid] += unit * bonus.get(doc_id, 0.0)
            status = state.doc_status.get(doc_id, DocumentStatus.IN_FORCE)
            if status != DocumentStatus.IN_FORCE:
                fused[pid] -= unit * w.superseded_penalty
        return fused

    def _fuse(
        self,
        lex_ids: list[int],
        lex_scores: np.ndarray,
        dense_ids: list[int],
        dense_scores: np.ndarray,
        dense_weight: float,
    ) -> dict[int, float]:
        w = self.weights
        if w.method == "rrf":
            lists = [lex_ids, dense_ids]
            return reciprocal_rank_fusion(lists, [w.lexical, dense_weight], k=w.rrf_k)
        return zscore_fusion(
            [(lex_ids, lex_scores.tolist()), (dense_ids, dense_scores.tolist())],
            [w.lexical, dense_weight],
        )

    def _number_documents(self, query: Query, state: _State) -> set[int]:
        keys = query.number_keys
        if not keys:
            return set()
        named = {doc for doc, key in state.doc_match.items() if key in keys}
        citing = {r.document_id for r in self.store.cited_by(named, keys)}
        return named | citing

    def record(self, passage_id: int) -> PassageRecord | None:
        state = self._state
        row = state.row_of.get(passage_id)
        return state.records[row] if row is not None else None


def _digest(records: list[PassageRecord]) -> str:
    h = hashlib.sha256()
    for r in records:
        h.update(f"{r.id}:{r.content_hash};".encode())
    return h.hexdigest()
