"""The duties an obligation answer lists: who must do what, by when, for this question.

The duties come from :mod:`retrieval.answers.obligations`; here they are chosen for one question
(the party it asks about first, then words about its topic, a deadline when it asks "khi nào"),
a few passages per document, and turned into :class:`Obligation` rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corpus.models import Document, DocumentStatus, Passage
from retrieval.answers.model import Obligation, compact_references
from retrieval.answers.obligations import Duty, actors_match, extract_duties, rank_duties
from retrieval.answers.reading import Reading
from retrieval.query import Query
from retrieval.searcher import Hit

MAX_OBLIGATIONS = 8
MAX_OBLIGATIONS_PER_DOCUMENT = 6
DUTY_CHARS = 800  # quoted duty text an answer lists (references compacted): one phone screen
SMALL_DOCUMENT = 6  # passages: every duty of a document this short may be listed


def answer_duties(
    doc_ids: Sequence[int],
    order: Mapping[int, list[Hit]],
    query: Query,
    reading: Reading,
    *,
    max_quotes: int,
) -> dict[int, list[Duty]]:
    """The duties to list for each of ``doc_ids`` (best document first), grouped by actor."""
    out: dict[int, list[Duty]] = {}
    total = used = 0
    for rank, doc_id in enumerate(doc_ids):
        doc = reading.docs.get(doc_id)
        if doc is None:
            continue
        if out and (total >= MAX_OBLIGATIONS or used >= DUTY_CHARS * 3 // 4):
            break
        doc_hits = order.get(doc_id, [])
        passages = reading.store.passages_of(doc_id)
        ranked = _ranked_duties(doc, passages, doc_hits, query, further=rank > 0)
        picked = _pick(ranked, max_passages=max(max_quotes, 2),
                       limit=min(MAX_OBLIGATIONS_PER_DOCUMENT, MAX_OBLIGATIONS - total),
                       chars=DUTY_CHARS - used)
        if picked:
            out[doc_id] = _grouped_by_actor(picked)
            total += len(picked)
            used += sum(len(compact_references(d.action)) for d in picked)
        by_id = {p.id: p for p in passages if p.id is not None}
        for d in picked:
            reading.passages.setdefault(d.passage_id, by_id[d.passage_id])
    return out


def _ranked_duties(
    doc: Document,
    passages: Sequence[Passage],
    doc_hits: Sequence[Hit],
    query: Query,
    *,
    further: bool,
) -> list[Duty]:
    """The duties of one document that may answer ``query``, most relevant first: those in
    its hit passages (any, in a short document) and those it gives to the party the question
    asks about; a ``further`` document adds only duties of
    the party the question asks about, or, without one, duties of a document it names."""
    actor = query.actor
    hit_ids = {h.passage_id for h in doc_hits}
    small = len(passages) <= SMALL_DOCUMENT
    duties = [d for d in extract_duties(doc, passages)
              if small or d.passage_id in hit_ids or _assigned_to(d, actor)]
    if further:
        named = any(h.number_match for h in doc_hits)
        duties = [
            d for d in duties
            if (actor and d.explicit and actors_match(actor, d.actor_key))
            or (not actor and named)
        ]
    if actor and any(actors_match(actor, d.actor_key) for d in duties):
        duties = [d for d in duties if actors_match(actor, d.actor_key)] + [
            d for d in duties if not actors_match(actor, d.actor_key)
        ]
    return rank_duties(duties, terms=sorted(query.topic), actor=actor,
                       wants_deadline=query.wants_deadline, keep_unrelated=small)


def _assigned_to(duty: Duty, actor: str | None) -> bool:
    """A duty the document gives to the party the question asks about, by name or under a
    heading that names it ("Điều 13. Trách nhiệm của Hiệu trưởng" for "hiệu trưởng phải làm
    gì"), wherever it stands; not one that only falls to the document's addressee."""
    return actor is not None and not duty.to_addressee and actors_match(actor, duty.actor_key)


def _pick(ranked: Sequence[Duty], *, max_passages: int, limit: int,
          chars: int = DUTY_CHARS) -> list[Duty]:
    """The first ``ranked`` duties, from at most ``max_passages`` passages, until ``limit``
    or ``chars`` of quoted text (at least one)."""
    passages_used: list[int] = []
    picked: list[Duty] = []
    used = 0
    for d in ranked:
        size = len(compact_references(d.action))
        if picked and used + size > chars:
            continue
        if d.passage_id not in passages_used:
            if len(passages_used) >= max_passages:
                continue
            passages_used.append(d.passage_id)
        picked.append(d)
        used += size
        if len(picked) >= limit:
            break
    return picked


def _grouped_by_actor(duties: Sequence[Duty]) -> list[Duty]:
    """Keep the ranking between actors, but list each actor's duties together."""
    first: dict[str, int] = {}
    for i, d in enumerate(duties):
        first.setdefault(d.actor_key, i)
    return sorted(duties, key=lambda d: (first[d.actor_key], d.order))


def obligation_of(
    d: Duty, docs: Mapping[int, Document], passages: Mapping[int, Passage]
) -> Obligation:
    """The :class:`Obligation` row of a duty, with offsets into its document."""
    doc = docs.get(d.document_id)
    p = passages.get(d.passage_id)
    passage_start = p.start if p is not None else 0
    return Obligation(
        actor=d.actor,
        action=d.action,
        deadline=d.deadline,
        passage_id=d.passage_id,
        document_id=d.document_id,
        section=d.section,
        start=passage_start + d.start,
        end=passage_start + d.end,
        explicit=d.explicit,
        document_status=doc.status if doc is not None else DocumentStatus.IN_FORCE,
    )
