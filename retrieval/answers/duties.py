"""The duties an obligation answer lists: who must do what, by when, for this question.

The duties come from :mod:`retrieval.answers.obligations`; here they are chosen for one question
(the party it asks about first, then words about its topic, a deadline when it asks "khi nào"),
a few passages per document, and turned into :class:`Obligation` rows. When the question names
a part of a document by its heading (:mod:`retrieval.answers.sections`), the duties of that part
come first, in reading order, whatever words they share with the question.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from corpus.models import Document, DocumentStatus, Passage
from retrieval.answers.model import Obligation, compact_references
from retrieval.answers.obligations import (
    MAX_ACTION_CHARS,
    Duty,
    actors_match,
    extract_duties,
    rank_duties,
)
from retrieval.answers.quoting import cut_text, window
from retrieval.answers.reading import Reading
from retrieval.answers.sections import NamedSection
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
    sections: Mapping[int, NamedSection] | None = None,
) -> dict[int, list[Duty]]:
    """The duties to list for each of ``doc_ids`` (best document first), grouped by actor;
    ``sections``: the part of a document the question names, whose duties come first."""
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
        part = (sections or {}).get(doc_id)
        ranked = _ranked_duties(doc, passages, doc_hits, query, further=rank > 0, section=part)
        picked = _pick(ranked, max_passages=max(max_quotes, 2),
                       limit=min(MAX_OBLIGATIONS_PER_DOCUMENT, MAX_OBLIGATIONS - total),
                       chars=DUTY_CHARS - used)
        if picked:
            out[doc_id] = _grouped_by_actor(picked, part)
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
    section: NamedSection | None = None,
) -> list[Duty]:
    """The duties of one document that may answer ``query``, most relevant first: those in
    its hit passages (any, in a short document) and those it gives to the party the question
    asks about; a ``further`` document adds only duties of
    the party the question asks about, or, without one, duties of a document it names. The
    duties of the ``section`` the question names come first, all of them, whatever words they
    share with the question."""
    actor = query.actor
    hit_ids = {h.passage_id for h in doc_hits}
    small = len(passages) <= SMALL_DOCUMENT
    extracted = extract_duties(doc, passages)
    named = [d for d in extracted if section is not None and section.holds(d.section)]
    in_section = {id(d) for d in named}
    duties = [d for d in extracted if id(d) not in in_section
              and (small or d.passage_id in hit_ids or _assigned_to(d, actor))]
    if further:
        named_doc = any(h.number_match for h in doc_hits)
        duties = [
            d for d in duties
            if (actor and d.explicit and actors_match(actor, d.actor_key))
            or (not actor and named_doc)
        ]
    if actor and any(actors_match(actor, d.actor_key) for d in duties):
        duties = [d for d in duties if actors_match(actor, d.actor_key)] + [
            d for d in duties if not actors_match(actor, d.actor_key)
        ]
    ranked = rank_duties(duties, terms=sorted(query.topic), actor=actor,
                         wants_deadline=query.wants_deadline, keep_unrelated=small)
    if named:
        ranked = rank_duties(named, terms=sorted(query.topic), actor=actor,
                             wants_deadline=query.wants_deadline) + ranked
    texts = {p.id: p.text for p in passages}
    return [_fitted(d, texts.get(d.passage_id, ""), query.content_words) for d in ranked]


def _fitted(duty: Duty, text: str, terms: Sequence[str]) -> Duty:
    """A duty cut before its clause ends, shown by the part of the clause that holds the
    question's words (its start when that holds as many)."""
    if duty.clause_end <= duty.end or len(text) < duty.clause_end:
        return duty
    start, end = window(text, (duty.start, duty.clause_end), terms, MAX_ACTION_CHARS)
    if (start, end) == (duty.start, duty.end):
        return duty
    action = cut_text(text, (start, end), duty.clause_end, duty.start)
    return dataclasses.replace(duty, action=action, start=start, end=end)


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


def _grouped_by_actor(duties: Sequence[Duty], section: NamedSection | None = None) -> list[Duty]:
    """Keep the ranking between actors, but list each actor's duties together, those of the
    ``section`` the question names before the others, each in reading order."""
    rank: dict[str, int] = {}
    for i, d in enumerate(duties):
        rank.setdefault(d.actor_key, i)
    inside = section.holds if section is not None else (lambda _: False)
    return sorted(duties, key=lambda d: (rank[d.actor_key], not inside(d.section), d.order))


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
