"""Hybrid search over one in-memory snapshot of the indexes: BM25 + dense vectors + the
documents a question names, fused by z-score.

A :class:`Searcher` never touches the database or the disk: everything a search needs (the
passages' documents, their status, which documents a number reaches) is computed when the
snapshot is built (:mod:`retrieval.indexing`). Snapshots are replaced whole on refresh, so a
question is answered against one consistent corpus revision.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from corpus.models import DocumentStatus
from corpus.store import PassageRecord
from corpus.text import has_diacritics
from retrieval.analyzer import Analyzer
from retrieval.dense import DenseIndex
from retrieval.diacritics import DiacriticRestorer
from retrieval.encoder import Encoder
from retrieval.fusion import zscore_fusion
from retrieval.lexical import LexicalIndex
from retrieval.pseudo_relevance import feedback_vector
from retrieval.query import Query, parse_query
from retrieval.titles import TitleIndex


@dataclass(frozen=True)
class SearchWeights:
    """How the rankings are fused (chosen on the dev set; see README "Retrieval quality").

    Each retriever's scores are standardised over its top ``candidates`` and summed with these
    weights; documents the question names by number or title get a bonus in the same z units;
    passages of superseded/withdrawn documents a penalty.
    """

    lexical: float = 0.5
    dense: float = 0.5
    numbers: float = 1.0
    names: float = 0.5
    # A law named after the question's subject ("Viên chức có được …": Luật Viên chức).
    governs: float = 0.5
    # A local issuer named with its province ("Sở GD&ĐT Long An") names its documents more
    # surely than a number (which also reaches the documents citing it): it must outweigh a
    # document that repeats the abbreviation ("Sở GD&ĐT Hà Nội") many times.
    issuers: float = 2.5
    # A follow-up (a reply to an answer) stays with the documents that answer came from.
    thread: float = 2.0
    candidates: int = 100
    superseded_penalty: float = 1.0
    # Questions typed without diacritics are given them back from the corpus's words
    # (retrieval.diacritics) before they are encoded. Left bare, the e5 model finds almost
    # nothing for them (dev set R@10 0.06), so a question still without any diacritics after
    # that (or with restoring off) gets this dense weight instead.
    restore_diacritics: bool = True
    dense_without_diacritics: float = 0.0
    # Pseudo-relevance feedback (retrieval.pseudo_relevance): the dense list is searched again
    # with the question's vector moved towards the first ranking's best passages. 0 turns it off.
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


Ranking = tuple[list[int], np.ndarray]


@dataclass(frozen=True)
class Searcher:
    """One snapshot of the indexes at ``revision``; thread-safe, read-only.

    ``number_documents`` maps a number's loose key ("NQ:2") to the documents it reaches: the
    documents with that number and those citing them.
    """

    records: Sequence[PassageRecord] = ()
    lexical: LexicalIndex = field(default_factory=LexicalIndex)
    dense: DenseIndex | None = None
    encoder: Encoder | None = None
    analyzer: Analyzer = field(default_factory=Analyzer)
    weights: SearchWeights = field(default_factory=SearchWeights)
    doc_status: Mapping[int, str] = field(default_factory=dict)
    number_documents: Mapping[str, frozenset[int]] = field(default_factory=dict)
    titles: TitleIndex = field(default_factory=lambda: TitleIndex([]))
    restorer: DiacriticRestorer | None = None
    revision: int = -1
    row_of: Mapping[int, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "row_of", {r.id: i for i, r in enumerate(self.records)})

    @property
    def mode(self) -> str:
        return "hybrid" if self.encoder is not None else "lexical"

    def __len__(self) -> int:
        return len(self.records)

    def record(self, passage_id: int) -> PassageRecord | None:
        row = self.row_of.get(passage_id)
        return self.records[row] if row is not None else None

    def parse(self, text: str) -> Query:
        """The :class:`Query` of ``text``, with diacritics restored for the dense encoder from
        the corpus's words (unchanged when it has them, or in lexical mode)."""
        restore = self.restorer.restore if self.restorer is not None else None
        return parse_query(text, restore=restore)

    def search(
        self, query: Query, *, k: int = 10, prefer: Collection[int] = frozenset()
    ) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first; the documents of ``prefer`` (those
        a follow-up question's thread already answered from) get the ``thread`` bonus."""
        if not self.records or not query:
            return []
        w = self.weights
        tokens = self.analyzer.query_tokens(query.text)
        lex_rows, lex_scores = self.lexical.top(tokens, w.candidates)
        lexical: Ranking = ([self.records[i].id for i in lex_rows], lex_scores)
        dense_weight = w.dense if has_diacritics(query.restored) else w.dense_without_diacritics
        qvec: np.ndarray | None = None
        dense: Ranking = ([], np.zeros(0, dtype=np.float32))
        if dense_weight and self.encoder is not None and self.dense is not None:
            qvec = self.encoder.encode_queries([query.restored])[0]
            dense = self._dense_search(qvec)
        number_docs = self._number_documents(query)
        # a follow-up's subject is its thread's, not a law named after its first words
        governing = self.titles.governing(query.text) if w.governs and not prefer else set()
        bonus = dict.fromkeys(governing, w.governs)
        bonus |= {doc: w.names for doc in self.titles.named(query.text)}
        bonus |= {doc: w.issuers for doc in self.titles.issued(query.text)}
        for doc in prefer:
            bonus[doc] = bonus.get(doc, 0.0) + w.thread
        bonus |= {doc: w.numbers for doc in number_docs}
        fused = self._score(lexical, dense, dense_weight, bonus)
        feedback = self._feedback(fused, qvec, dense_weight)
        if feedback is not None:
            fb_ranking, fb_weight = feedback
            fused = self._score(lexical, fb_ranking, fb_weight, bonus)
        return self._hits(fused, lexical, dense, number_docs, k)

    def _hits(
        self, fused: dict[int, float], lexical: Ranking, dense: Ranking, number_docs: set[int],
        k: int,
    ) -> list[Hit]:
        """The ``k`` best of ``fused`` with the ranks and scores of the question's own lists
        (what the confidence check reads)."""
        lex_ids, lex_scores = lexical
        lex_rank = {pid: i + 1 for i, pid in enumerate(lex_ids)}
        lex_score = {pid: float(s) for pid, s in zip(lex_ids, lex_scores, strict=True)}
        dense_rank = {pid: i + 1 for i, pid in enumerate(dense[0])}
        dense_score = {int(pid): float(s) for pid, s in zip(dense[0], dense[1], strict=False)}
        inf = len(self.records) + 1
        best = sorted(fused.items(), key=lambda kv: (-kv[1], lex_rank.get(kv[0], inf)))[:k]
        hits = []
        for pid, score in best:
            doc_id = self.records[self.row_of[pid]].document_id
            hits.append(Hit(
                passage_id=pid,
                document_id=doc_id,
                score=score,
                lexical_rank=lex_rank.get(pid),
                dense_rank=dense_rank.get(pid),
                dense_score=dense_score.get(pid),
                lexical_score=lex_score.get(pid),
                number_match=doc_id in number_docs,
            ))
        return hits

    def _dense_search(self, qvec: np.ndarray) -> Ranking:
        assert self.dense is not None
        ids, scores = self.dense.search(qvec, self.weights.candidates)
        keep = [i for i, pid in enumerate(ids) if int(pid) in self.row_of]
        return [int(ids[i]) for i in keep], scores[keep]

    def _feedback(
        self, fused: dict[int, float], qvec: np.ndarray | None, dense_weight: float
    ) -> tuple[Ranking, float] | None:
        """The feedback dense list and its weight, or None when feedback does not apply."""
        w = self.weights
        weight = dense_weight if qvec is not None else w.feedback_without_diacritics
        if not (w.feedback_passages and weight and fused) or self.dense is None:
            return None
        top = heapq.nlargest(w.feedback_passages, fused, key=fused.__getitem__)
        try:
            vectors = self.dense.vectors(top)
        except KeyError:  # a passage whose vector is not indexed (yet): skip feedback
            return None
        vec = feedback_vector(qvec, vectors, weight=w.feedback_weight)
        return self._dense_search(vec), weight

    def _score(
        self, lexical: Ranking, dense: Ranking, dense_weight: float, bonus: dict[int, float]
    ) -> dict[int, float]:
        """Fused scores with the named-document bonus and the superseded penalty applied."""
        w = self.weights
        fused = zscore_fusion(
            [(lexical[0], lexical[1].tolist()), (dense[0], dense[1].tolist())],
            [w.lexical, dense_weight],
        )
        for pid in fused:
            doc_id = self.records[self.row_of[pid]].document_id
            fused[pid] += bonus.get(doc_id, 0.0)
            if self.doc_status.get(doc_id, DocumentStatus.IN_FORCE) != DocumentStatus.IN_FORCE:
                fused[pid] -= w.superseded_penalty
        return fused

    def _number_documents(self, query: Query) -> set[int]:
        found: set[int] = set()
        for key in query.number_keys:
            found |= self.number_documents.get(key, frozenset())
        return found
