"""The top of an answer: the one to three verbatim sentences that answer, and the numbers
the question names that the corpus does not hold.

Sentences are chosen from the quotes the answer already shows (so every one is verbatim and
cited), scored by the question's content words and adjacent pairs; a sentence that introduces
a list ("như sau:", "sau đây:", "gồm:", any lead ending in ":") brings its items
(:func:`~retrieval.answers.quoting.list_items`); notes are never chosen; a deadline question prefers
sentences with a date or a "trước / chậm nhất / đến hết" limit, a "bao lâu / bao nhiêu %"
question those that state such a value.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.docnumbers import DocNumber, parse_number
from corpus.models import Document, Passage
from corpus.text import bare_view, folded_view
from retrieval.answers.confidence import states_slot
from retrieval.answers.header import HEADER_PARTS, header_kind, header_lines
from retrieval.answers.model import DirectSentence, DocumentGroup
from retrieval.answers.quoting import (
    ELLIPSIS,
    SCOPE_ARTICLE,
    Span,
    clause_spans,
    is_note,
    list_items,
    sentence_spans,
    unmarked,
)
from retrieval.query import Query, asks_for_list

MAX_SENTENCES = 3
MAX_UNIT_CHARS = 600  # one sentence or list shown on top; the rest stays in the sources
MAX_DIRECT_CHARS = 300  # further sentences join the best one while all fit in this
LONG_SENTENCE = 360  # a longer sentence answers with its best ";" clauses
MAX_FOLLOWER_CHARS = 250  # the next sentence on the best one's line joins it up to this
MAX_ITEM_CHARS = 160  # a longer list item shows its first ";" clause
LIST_BONUS = 0.5  # what a list adds to its score when the question asks for a list
_WORD = re.compile(r"\w+")
# a question about what a word means or whom a text covers, the one a scope article answers
# (a definition of "công đoàn cơ sở" shares every word of "công đoàn cơ sở có quyền gì")
_ASKS_MEANING = re.compile(
    r"(?<!\w)(?:la gi|la nhu the nao|la sao|hieu (?:la|nhu the nao)|nghia la|khai niem|"
    r"dinh nghia|giai thich|pham vi|ap dung (?:doi voi|cho)|doi tuong)(?!\w)"
)
_DEADLINE = re.compile(
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?|(?<!\w)(?:trước ngày|chậm nhất|đến hết|trước|hằng năm|"
    r"hằng quý|hằng tháng|thời hạn|trong thời hạn|ngày \d+ tháng)(?!\w)",
    re.IGNORECASE,
)
# an article or part title on its own line ("Điều 75. Ngày Nhà giáo Việt Nam"): it names
# what the passage is about, it answers nothing itself
_HEADING_LINE = re.compile(r"^[ \t]*(?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+[a-zđ]?\b[^\n]*",
                           re.IGNORECASE | re.M)
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
    return hits + pair_hits + _value_bonus(sentence, query)


def _value_bonus(text: str, query: Query) -> float:
    """What stating the asked value adds: a date or limit for a deadline question, "12
    tháng" for "bao lâu", "30%" for "bao nhiêu %"."""
    score = 0.0
    if query.wants_deadline and _DEADLINE.search(text):
        score += 0.5
    if query.slot is not None and states_slot(query.slot, text, query.slot_unit):
        score += 0.5
    return score


@dataclass(frozen=True)
class _Source:
    """One shown passage (whole, footnote markers removed) or, without it, one quote piece."""

    document_id: int
    passage_id: int
    section: str
    text: str
    rank: int
    context: str = ""


@dataclass(frozen=True)
class _Unit:
    """A sentence, a clause of a long one, or a list lead with its items: text[start:end]."""

    score: float
    source: _Source
    start: int
    end: int
    items: tuple[Span, ...] = ()

    @property
    def order(self) -> tuple[int, int]:
        return (self.source.rank, self.start)


def _sources(group: DocumentGroup, passages: Mapping[int, Passage]) -> list[_Source]:
    out: list[_Source] = []
    seen: set[int] = set()
    for quote in group.quotes:
        if quote.passage_id in seen:
            continue
        seen.add(quote.passage_id)
        p = passages.get(quote.passage_id)
        texts = [unmarked(p.text)] if p is not None else [
            piece.strip() for piece in quote.text.split(ELLIPSIS) if piece.strip()]
        context = p.context if p is not None else ""
        out += [_Source(quote.document_id, quote.passage_id, quote.section, t, len(out) + n,
                        context) for n, t in enumerate(texts)]
    return out


def _headings(text: str) -> list[Span]:
    return [m.span() for m in _HEADING_LINE.finditer(text)]


def _units(source: _Source, query: Query) -> list[_Unit]:
    """The sentences of ``source`` that may answer (no title, note or fragment), a long
    sentence as its clauses, a list lead with its items; for a question asking for a list
    ("những quyền gì", "gồm những gì") also each article under its title with its clauses,
    and a list outscores a lone sentence."""
    text = source.text
    spans = sentence_spans(text)
    heads = _headings(text)
    listing = LIST_BONUS if asks_for_list(query.bare) else 0.0
    out: list[_Unit] = []
    if SCOPE_ARTICLE.search(f"{source.context}\n{text[:120]}") and not _ASKS_MEANING.search(
            query.bare):
        return out  # what a law covers and what its words mean answer "là gì" questions only
    for i, (a, b) in enumerate(spans):
        if b - a < 20 or is_note(text[a:b]) or any(s <= a < e for s, e in heads):
            continue
        items = tuple(spans[j] for j in list_items(text, spans, i, titled=True))
        if b - a > LONG_SENTENCE and not items:
            out += [_Unit(_score(text[c:d], query), source, c, d)
                    for c, d in clause_spans(text, (a, b)) if d - c >= 20]
            continue
        bonus = listing if len(items) >= 2 else 0.0
        if items:  # the value asked for may stand in an item ("a) Trong thời hạn 01 năm …")
            bonus += _value_bonus(text[a : items[-1][1]], query) - _value_bonus(text[a:b], query)
        out.append(_Unit(_score(text[a:b], query) + bonus, source, a, b, items))
    if listing:
        out += [_Unit(_score(text[a:b], query) + listing, source, a, b, clauses)
                for a, b, clauses in _articles(text, heads) if len(clauses) >= 2]
    return out


def _articles(text: str, heads: Sequence[Span]) -> list[tuple[int, int, tuple[Span, ...]]]:
    """Each heading line with the lines under it up to the next heading."""
    out = []
    for n, (a, b) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else len(text)
        lines = []
        pos = b
        for line in text[b:stop].split("\n"):
            if line.strip() and not is_note(line):
                lead = pos + len(line) - len(line.lstrip())
                lines.append((lead, pos + len(line.rstrip())))
            pos += len(line) + 1
        out.append((a, b, tuple(lines)))
    return out


def _clipped(text: str, start: int, end: int, limit: int) -> str:
    """``text[start:end]``, or when longer than ``limit`` its first ";" clause (or the words
    that fit) and "…"."""
    if end - start <= limit:
        return text[start:end]
    semi = text.find("; ", start + 40, start + limit)
    if semi > 0:
        return text[start : semi + 1] + ELLIPSIS
    cut = text.rfind(" ", start, start + limit)
    return text[start : cut if cut > start else start + limit] + ELLIPSIS


def _shown(unit: _Unit, limit: int) -> str:
    """The unit's verbatim text, its items (a long one clipped) while they fit ``limit``,
    each on its own line as in the source; "…" where it is cut."""
    text = unit.source.text
    head = _clipped(text, unit.start, unit.end, limit)
    parts = [head]
    size, prev = len(head), unit.end
    for a, b in unit.items:
        piece = _clipped(text, a, b, MAX_ITEM_CHARS)
        if size + len(piece) + 1 > limit:
            parts.append("\n" + ELLIPSIS)
            break
        parts.append(("\n" if "\n" in text[prev:a] else " ") + piece)
        size, prev = size + len(piece) + 1, b
    return "".join(parts)


def _choose(units: Sequence[_Unit]) -> list[_Unit]:
    """The best units, up to three scoring within 75 % of the best, while they fit."""
    best = sorted(units, key=lambda u: (-u.score, u.order))
    chosen: list[_Unit] = []
    used = 0
    for unit in best:
        if len(chosen) >= MAX_SENTENCES or unit.score < best[0].score * 0.75:
            break
        if not chosen:
            unit = _with_follower(unit)
        size = len(_shown(unit, MAX_UNIT_CHARS))
        inside = any((c.source == unit.source and c.start <= unit.start < _end(c))
                     or _same(c, unit) for c in chosen)
        if inside or (chosen and used + size > MAX_DIRECT_CHARS):
            continue
        chosen.append(unit)
        used += size
    return sorted(chosen, key=lambda u: u.order)


def _with_follower(unit: _Unit) -> _Unit:
    """The best sentence with the next one on its line when short (where the exception or
    the "so, for now …" of an answer usually stands); a list keeps its items instead."""
    if unit.items:
        return unit
    text = unit.source.text
    after = [s for s in sentence_spans(text) if s[0] >= unit.end]
    if not after or "\n" in text[unit.end : after[0][0]] or is_note(text[slice(*after[0])]):
        return unit
    if after[0][1] - after[0][0] > MAX_FOLLOWER_CHARS or after[0][1] - unit.start > MAX_UNIT_CHARS:
        return unit
    return dataclasses.replace(unit, end=after[0][1])


def _same(a: _Unit, b: _Unit) -> bool:
    """The same words in two places (a consolidated text repeats a clause in its notes)."""
    return _words(_shown(a, MAX_UNIT_CHARS), True) == _words(_shown(b, MAX_UNIT_CHARS), True)


def _end(unit: _Unit) -> int:
    return unit.items[-1][1] if unit.items else unit.end


def _title(unit: _Unit) -> DirectSentence | None:
    """The title of the article the unit stands in, when the passage prints it above."""
    source = unit.source
    heads = _headings(source.text)
    above = [(s, e) for s, e in heads if e <= unit.start]
    if not above or source.text[: above[0][0]].strip() or any(s == unit.start for s, _ in heads):
        return None  # none printed above, or the unit is an article under its own title
    s, e = above[-1]
    return DirectSentence(source.document_id, source.passage_id, source.section,
                          source.text[s:e].strip())


def direct_answer(
    query: Query,
    groups: Sequence[DocumentGroup],
    passages: Mapping[int, Passage] | None = None,
    document: Document | None = None,
    body_start: int = 0,
) -> list[DirectSentence]:
    """Up to three sentences of the first document that best answer ``query``: read from the
    whole shown passages (``passages``; else from the quotes), a list lead with its items, a
    long sentence by its clauses, under the article's title when all come from one article;
    the best one cut at ``MAX_UNIT_CHARS``, the others while all fit in ``MAX_DIRECT_CHARS``.
    A question about the header ("ai ký", "gửi những đơn vị nào", "ban hành ngày nào") is
    answered by the header lines of ``document`` (the first one; its body starts at
    ``body_start``); "… bằng văn bản nào" by its number and subject above the sentences."""
    if not groups:
        return []
    header = _header(query, document, body_start)
    if header is not None and header_kind(query) != "which":
        return header  # none when the stored text has no such line: no body sentence instead
    units = [u for source in _sources(groups[0], passages or {}) for u in _units(source, query)]
    chosen = _choose(units)
    out: list[DirectSentence] = list(header or [])
    title = _title(chosen[0]) if len({u.source for u in chosen}) == 1 else None
    if title is not None:
        out.append(title)
    for unit in chosen:
        source = unit.source
        out.append(DirectSentence(source.document_id, source.passage_id, source.section,
                                  _shown(unit, MAX_UNIT_CHARS)))
    return out


HEADER_PASSAGE = 0  # the passage id of a header line: the header is in no passage


def asks_header_of(query: Query, doc: Document | None) -> bool:
    """Whether ``query`` asks about ``doc``'s header (a number it names is this one, or one
    the document implements: "ai ký công văn triển khai NQ 02"), or which document answers."""
    kind = header_kind(query)
    if kind is None or doc is None or doc.id is None:
        return False
    return kind == "which" or all(held(n, [doc]) or asks_through(query, n)
                                  for n in query.numbers)


def unheld_header_part(query: Query, doc: Document | None) -> str | None:
    """What a phone says is missing when ``query`` asks of ``doc``'s header and the answer
    found no such line ("phần chữ ký (người ký)"); None for any other question."""
    kind = header_kind(query)
    if kind not in HEADER_PARTS or not asks_header_of(query, doc):
        return None
    return HEADER_PARTS[kind]


def _header(query: Query, doc: Document | None, body_start: int) -> list[DirectSentence] | None:
    """The header lines answering ``query`` (None when it asks nothing of ``doc``'s header;
    empty when the stored text has no such line)."""
    if doc is None or doc.id is None or not asks_header_of(query, doc):
        return None
    kind = header_kind(query)
    assert kind is not None
    return [DirectSentence(doc.id, HEADER_PASSAGE, "", line)
            for line in header_lines(doc, kind, body_start)]


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
