"""Which documents an answer shows, in which order, and the quotes shown of each.

Documents are ranked by their best hit; a superseded document gets back the relevance the
searcher took from it and is then placed right after the document that replaces it, withdrawn
documents last. Each shown document becomes a :class:`DocumentGroup`: its citation (with what
it implements and what implements it) and verbatim quotes of its best passages, the passages
holding the duties an obligation answer lists first.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
from collections.abc import Mapping, Sequence

from corpus.models import Document, DocumentStatus
from corpus.text import bare_view, bare_words
from retrieval.answers.confidence import states_slot, support
from retrieval.answers.direct import asks_through, held
from retrieval.answers.graph import DirectiveGraph, node_of_document
from retrieval.answers.model import Citation, DocumentGroup, Quote, citation_for
from retrieval.answers.obligations import Duty
from retrieval.answers.quoting import (
    MAX_OBLIGATION_QUOTE_CHARS,
    MAX_QUOTE_CHARS,
    SentenceBonus,
    quote_spans,
    read_from_start,
    term_score,
    trim_quote,
)
from retrieval.answers.reading import Reading
from retrieval.query import Query
from retrieval.searcher import Hit

log = logging.getLogger(__name__)

# a further document is shown only when its best passage covers this share of the question
# words that the best document covers
RELATIVE_COVERAGE = 0.6
RELATIVE_PAIRS = 0.5
# what a quoted sentence gains for each of the question's compounds it holds ("nhiệm kỳ",
# "thành viên"), and for stating the kind of value the question asks for ("mấy người":
# "gồm từ 03 đến 09 thành viên"; "bao lâu": "02 năm")
PAIR_BONUS = 0.5
VALUE_BONUS = 1.5


def sentence_bonus(query: Query) -> SentenceBonus:
    """What a sentence scores, beyond the question's words, when a quote picks its sentences."""
    pairs = {(bare_view(a), bare_view(b)) for a, b in query.evidence_pairs}
    slot, unit = query.slot, query.slot_unit

    def bonus(sentence: str) -> float:
        words = bare_words(sentence)
        found = len(pairs.intersection(itertools.pairwise(words))) if pairs else 0
        value = slot is not None and states_slot(slot, sentence, unit)
        return PAIR_BONUS * found + (VALUE_BONUS if value else 0.0)

    return bonus


# -- order -------------------------------------------------------------------------------------
def natural_order(
    hits: Sequence[Hit], docs: Mapping[int, Document], superseded_penalty: float
) -> dict[int, list[Hit]]:
    """Hits by document, documents by relevance, a superseded document's score divided by the
    searcher's ``superseded_penalty`` again (see :func:`demote` for where it then goes)."""
    grouped: dict[int, list[Hit]] = {}
    for h in hits:
        grouped.setdefault(h.document_id, []).append(h)

    def natural(doc_id: int) -> float:
        best = max(h.score for h in grouped[doc_id])
        doc = docs.get(doc_id)
        if doc is not None and doc.status == DocumentStatus.SUPERSEDED and superseded_penalty:
            return best / superseded_penalty
        return best

    return {d: grouped[d] for d in sorted(grouped, key=natural, reverse=True)}


def relevant_documents(
    order: Mapping[int, list[Hit]], query: Query, reading: Reading
) -> tuple[list[int], list[int]]:
    """(documents to show first, further documents), each in relevance order.

    When the question names a document, the documents its number reaches come first and the
    others only on later pages. Beyond the best document, a document is kept when its best
    passages cover the question nearly as well."""
    docs = list(order)
    passages = reading.passages
    scores = {
        d: support(query, [passages[h.passage_id] for h in order[d][:3]
                           if h.passage_id in passages])
        for d in docs
    }
    top_cov, top_pairs = scores[docs[0]]
    kept = [
        d for d in docs
        if d == docs[0] or (scores[d][0] >= RELATIVE_COVERAGE * top_cov
                            and scores[d][1] >= RELATIVE_PAIRS * top_pairs)
    ]
    numbered = [d for d in docs if any(h.number_match for h in order[d])]
    if not numbered:
        return kept, []
    if query.intent == "general" and not asks_for_citing(query):
        # "CV 777 giảm bao nhiêu % đầu mối": the document that is CV 777 before those citing
        # it; a who-does-what question keeps the search order ("báo chí phải làm gì về NQ 71"
        # is answered by the documents implementing it as much as by NQ 71)
        named = [d for d in numbered if d in reading.docs
                 and any(held(n, [reading.docs[d]]) for n in query.numbers)]
        numbered = named + [d for d in numbered if d not in named]
    return numbered, [d for d in kept if d not in numbered]


_CITING = re.compile(
    r"(?<!\w)(?:(?:van ban|ke hoach|cong van|quyet dinh|chi thi|huong dan)\s+nao|dan chieu|"
    r"vien dan|nhac den|can cu vao)(?!\w)"
)


def asks_for_citing(query: Query) -> bool:
    """Whether the question asks which documents cite or implement the one it names."""
    return bool(_CITING.search(query.bare)) or any(asks_through(query, n) for n in query.numbers)


def demote(doc_ids: list[int], reading: Reading) -> list[int]:
    """Superseded documents right after their replacement (pulled in when absent), withdrawn
    ones last."""
    docs = reading.docs
    shown_early = (DocumentStatus.IN_FORCE, DocumentStatus.SUPERSEDED)
    out = [d for d in doc_ids if docs.get(d) is None or docs[d].status in shown_early]
    for doc_id in list(out):
        doc = docs.get(doc_id)
        if doc is None or doc.status != DocumentStatus.SUPERSEDED or not doc.superseded_by_id:
            continue
        repl = doc.superseded_by_id
        if repl not in docs:
            reading.load_documents([repl])
        if repl not in docs:
            continue
        out.remove(doc_id)
        if repl not in out:
            at = doc_ids.index(doc_id) if doc_id in doc_ids else len(doc_ids)
            out.insert(min(len(out), at), repl)
        out.insert(out.index(repl) + 1, doc_id)
    out += [d for d in doc_ids if d not in out]
    return list(dict.fromkeys(out))


# -- groups ------------------------------------------------------------------------------------
def document_group(
    doc: Document,
    doc_hits: Sequence[Hit],
    duties: Sequence[Duty],
    terms: Sequence[str],
    reading: Reading,
    *,
    max_quotes: int,
    section: Sequence[int] = (),
    bonus: SentenceBonus | None = None,
) -> DocumentGroup:
    """The citation of ``doc`` and quotes of its passages: those holding ``duties`` first (in
    reading order), then those of the ``section`` the question names (passage ids in reading
    order; one holding duties is quoted from its start, its other items too), then its best
    hits; a document without any of these (a replacement pulled in) shows the passage sharing
    the most question words."""
    assert doc.id is not None
    by_passage: dict[int, list[Duty]] = {}
    for d in duties:
        by_passage.setdefault(d.passage_id, []).append(d)
    picks = list(by_passage)
    picks += [pid for pid in section if pid not in by_passage][: max(0, max_quotes - len(picks))]
    for h in doc_hits:
        if len(picks) >= max(max_quotes, len(by_passage)):
            break
        if h.passage_id not in picks:
            picks.append(h.passage_id)
    if not doc_hits and not picks:
        picks = _best_passages_of(doc.id, terms, reading)
    score_of = {h.passage_id: h.score for h in doc_hits}
    reading.load_passages(picks)
    quotes: list[Quote] = []
    for pid in picks:
        quote = _quote(doc.id, pid, by_passage.get(pid, []), terms, reading, score_of,
                       whole=pid in section and pid in by_passage, bonus=bonus)
        if quote is not None:
            quotes.append(quote)
    first = set(by_passage).union(section) if section else set()
    quotes.sort(key=lambda q: (bool(first) and q.passage_id not in first,
                               0.0 if by_passage else -q.score, q.start))
    replacement = None
    if doc.superseded_by_id:
        replacement = reading.document(doc.superseded_by_id)
    return DocumentGroup(linked_citation(doc, replacement, reading.graph), quotes)


def _quote(
    doc_id: int,
    passage_id: int,
    duties: Sequence[Duty],
    terms: Sequence[str],
    reading: Reading,
    score_of: Mapping[int, float],
    *,
    whole: bool = False,
    bonus: SentenceBonus | None = None,
) -> Quote | None:
    """A verbatim quote of one passage: read from its start (its ``duties`` kept) when the
    question names the part it lists (``whole``), else around its ``duties`` when it has any,
    else its sentences richest in ``terms``."""
    p = reading.passages.get(passage_id)
    if p is None or p.id is None:
        return None
    spans = [(d.start, d.end) for d in duties]
    if whole:
        limit = MAX_OBLIGATION_QUOTE_CHARS if duties else MAX_QUOTE_CHARS
        text, s, e = read_from_start(p.text, limit, spans)
    elif duties:
        text, s, e = quote_spans(p.text, spans, terms, MAX_OBLIGATION_QUOTE_CHARS, bonus)
    else:
        text, s, e = trim_quote(p.text, list(terms), MAX_QUOTE_CHARS, bonus)
    if not text:
        return None
    return Quote(p.id, doc_id, p.section, text, p.start + s, p.start + e,
                 score_of.get(passage_id, 0.0))


def _best_passages_of(doc_id: int, terms: Sequence[str], reading: Reading) -> list[int]:
    """The passage of a document sharing the most question words (none if none shares any)."""
    scored = []
    for p in reading.passages_of(doc_id):
        if p.id is None:
            continue
        score = term_score(p.text, terms)
        if score:
            scored.append((p.id, float(score)))
    scored.sort(key=lambda x: -x[1])
    return [pid for pid, _ in scored[:1]]


def repeated(group: DocumentGroup, said: set[str]) -> DocumentGroup | None:
    """``group`` less the quotes an earlier document already showed word for word (an
    original law and its consolidated text print the same articles), or None when nothing of
    it is new; ``said`` (the words of what was shown) takes the new quotes."""
    fresh = [q for q in group.quotes if _said(q.text) not in said]
    if group.quotes and not fresh:
        return None
    said.update(_said(q.text) for q in fresh)
    return group if len(fresh) == len(group.quotes) else dataclasses.replace(group, quotes=fresh)


def _said(text: str) -> str:
    return " ".join(bare_words(text))


def linked_citation(
    doc: Document, replacement: Document | None, graph: DirectiveGraph
) -> Citation:
    """The citation of ``doc`` with the chains of what it implements and what implements it."""
    assert doc.id is not None
    try:
        implements = [c.text() for c in graph.implements(doc.id)]
        implemented_by = [c.text() for c in graph.implementers(node_of_document(doc))]
    except Exception:  # the card is a bonus: never lose the answer over it
        log.exception("Directive graph failed for document %s", doc.id)
        implements, implemented_by = [], []
    return citation_for(doc, replacement, implements=implements,
                        implemented_by=implemented_by)
