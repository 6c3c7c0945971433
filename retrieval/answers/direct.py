"""The top of an answer: the one to three verbatim sentences that answer, and the numbers
the question names that the corpus does not hold.

Sentences are chosen from the quotes the answer already shows (so every one is verbatim and
cited), scored by the question's content words and adjacent pairs; a sentence that introduces
a list ("như sau:", "sau đây:", "gồm:", any lead ending in ":") brings its items
(:func:`~retrieval.answers.quoting.list_items`); notes are never chosen; a deadline question prefers
sentences with a date or a "trước / chậm nhất / đến hết" limit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from corpus.docnumbers import DocNumber, parse_number
from corpus.models import Document
from corpus.text import bare_view, folded_view
from retrieval.answers.model import DirectSentence, DocumentGroup
from retrieval.answers.quoting import ELLIPSIS, is_note, list_items, sentence_spans
from retrieval.query import Query

MAX_SENTENCES = 3
MAX_DIRECT_CHARS = 450
_WORD = re.compile(r"\w+")
_DEADLINE = re.compile(
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?|(?<!\w)(?:trước ngày|chậm nhất|đến hết|trước|hằng năm|"
    r"hằng quý|hằng tháng|thời hạn|trong thời hạn|ngày \d+ tháng)(?!\w)",
    re.IGNORECASE,
)
_IMPLEMENTING_CONTEXT = re.compile(
    r"(?:thuc hien|trien khai|quan triet|cu the hoa)\s+(?:\S+\s+){0,2}$"
    r"|(?:cong van|cv|ke hoach|kh|van ban|huong dan)(?!\w).*(?<!\w)ve\s+(?:\S+\s+){0,2}$"
)


def _words(text: str, accented: bool) -> list[str]:
    return _WORD.findall(folded_view(text) if accented else bare_view(text))


def _score(sentence: str, query: Query) -> float:
    words = _words(sentence, query.accented)
    bag = set(words)
    content = set(query.content_words)
    if not content:
        return 0.0
    hits = len(content & bag) / len(content)
    pairs = query.content_pairs
    pair_hits = len(pairs & set(itertools.pairwise(words))) / len(pairs) if pairs else 0
    score = hits + pair_hits
    if query.wants_deadline and _DEADLINE.search(sentence):
        score += 0.5
    return score


def direct_answer(query: Query, groups: Sequence[DocumentGroup]) -> list[DirectSentence]:
    """Up to three sentences of the first document's quotes that best answer ``query``."""
    if not groups:
        return []
    group = groups[0]
    candidates: list[tuple[float, int, DirectSentence, list[DirectSentence]]] = []
    order = 0
    for quote in group.quotes:
        pieces = [p.strip() for p in quote.text.split(ELLIPSIS) if p.strip()]
        for piece in pieces:
            spans = sentence_spans(piece)
            sentences = [piece[a:b].strip() for a, b in spans]
            for i, text in enumerate(sentences):
                order += 1
                if len(text) < 20 or is_note(text):
                    continue
                follow = [
                    DirectSentence(quote.document_id, quote.passage_id, quote.section,
                                   sentences[j])
                    for j in list_items(piece, spans, i)
                ]
                sentence = DirectSentence(quote.document_id, quote.passage_id, quote.section,
                                          text)
                candidates.append((_score(text, query), order, sentence, follow))
    if not candidates:
        return []
    best = sorted(candidates, key=lambda c: (-c[0], c[1]))
    top = best[0][0]
    chosen: list[tuple[int, DirectSentence, list[DirectSentence]]] = []
    used = 0
    for score, order, sentence, follow in best:
        if len(chosen) >= MAX_SENTENCES or score < top * 0.75:
            break
        size = len(sentence.text) + sum(len(f.text) for f in follow)
        if chosen and used + size > MAX_DIRECT_CHARS:
            continue
        chosen.append((order, sentence, follow))
        used += size
    out: list[DirectSentence] = []
    for _, sentence, follow in sorted(chosen, key=lambda c: c[0]):
        for s in [sentence, *follow]:
            if s not in out:
                out.append(s)
    return out


def _year(number: str | None) -> int | None:
    parsed = parse_number(number) if number else None
    return (parsed.year or parsed.issued_year) if parsed else None


def held(number: DocNumber, docs: Sequence[Document]) -> bool:
    """Whether one of ``docs`` (those sharing its match key) is the document ``number`` names:
    same type and number, and the same year when both print one."""
    for doc in docs:
        if doc.match_key != number.match_key:
            continue
        want = number.year or number.issued_year
        have = _year(doc.number)
        if want is None or have is None or want == have:
            return True
    return False


_ABOUT_THE_DOCUMENT = re.compile(
    r"(?<!\w)(?:ngay nao|ban hanh|ky ngay|ai ky|cua ai|noi ve|ve van de gi|ve viec gi|hieu luc|"
    r"(?:duoc )?sua (?:doi )?boi|thay the|bang van ban nao|van ban nao|ke hoach nao|"
    r"cong van nao)(?!\w)"
)


def asks_about_the_document(query: Query) -> bool:
    """Whether the question asks what implements a document, or its date, issuer, subject or
    links (all of which a citing document prints), rather than its content."""
    return query.intent == "implementing" or bool(_ABOUT_THE_DOCUMENT.search(query.bare))


def answered_elsewhere(query: Query, number: DocNumber) -> bool:
    """Whether the documents that cite ``number`` can answer: the question asks what
    implements it, or its date, issuer, subject or links, all of which a citation prints."""
    return asks_about_the_document(query) or asks_through(query, number)


def absent_numbers(query: Query, docs: Sequence[Document]) -> list[DocNumber]:
    """The numbers ``query`` names that no document of ``docs`` is."""
    return [n for n in query.numbers if n.match_key and n.number and not held(n, docs)]


def asks_through(query: Query, number: DocNumber) -> bool:
    """Whether the question asks about documents that implement or cite ``number`` ("các đơn
    vị phải làm gì để thực hiện NQ 02", "công văn của Sở về NQ 02") rather than its content."""
    raw = bare_view(number.raw).lower()
    pos = query.bare.find(raw.split()[0]) if raw else -1
    if pos <= 0:
        return False
    head = query.bare[:pos]
    if query.intent == "obligation" and re.search(r"(?<!\w)theo\s+(?:\S+\s+){0,2}$", head):
        return True  # "các đơn vị phải làm gì theo NQ 02": what the documents under it ask
    return bool(_IMPLEMENTING_CONTEXT.search(head))
