"""Verbatim excerpts: sentence spans, matching forms with stable offsets, trimmed quotes.

A quote is always made of exact substrings of the passage, less the source's footnote markers
("…248/2025/QH15[1]", which would read as the answer's own [1]). Where text is left out, the
quote shows "…"; nothing is ever reworded. :func:`quote_segments` gives back the pieces so
callers (and tests) can check that every piece occurs in :func:`unmarked` source text.

What a quote keeps: a sentence that introduces a list ("… như sau:", "… sau đây:", "gồm:")
brings its items; the best sentence brings the rest of its paragraph line (where a yes/no
answer or an exception usually sits: "… không quá hai nhiệm kì liên tiếp"). Footnote blocks
and amendment notes ("[44] Cụm từ … được bổ sung theo …") are never quoted; /xem still shows
them with the full text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from corpus.text import bare_view, bare_words

ELLIPSIS = "…"
GAP = f" {ELLIPSIS} "

Span = tuple[int, int]

MAX_QUOTE_CHARS = 700
MAX_OBLIGATION_QUOTE_CHARS = 1200  # a quote around the duties an answer lists

# A sentence ends at a line break, or at . ! ? … followed by space and something that starts
# a new sentence (capital letter, digit, opening quote or bracket, list marker).
_BREAK = re.compile(r"\n+|(?<=[.!?…])\s+(?=[\"“(\[]?[A-ZĐÀ-Ỹ0-9\-+•])")
_CLAUSE_BREAK = re.compile(r";\s+")
_MARKER = re.compile(r"(?:[IVXLC]+|[A-Za-zĐđ]{1,3}|\d+(?:\.\d+)*)[.)]$")
_WORD = re.compile(r"\w+")
# "…QH15[1]", "giáo dục,[6]": a footnote number glued to the word or mark before it; "…
# 2 buổi/ngày[ Công văn số 4567/BGDĐT-GDPT …]": a footnote's text set inline by the converter
_FOOTNOTE_MARK = re.compile(r"(?<=[^\s\[])\[\d{1,3}\]|\s?\[\s[^\[\]\n]{8,1200}\]")
# a footnote line; an amendment note of a consolidated text ("Cụm từ “…” được thay thế … theo
# quy định tại …", "Điểm này được sửa đổi, bổ sung theo …")
_NOTE = re.compile(
    r"^\[\d{1,3}\]\s"
    r"|^(?:(?:Cụm từ|Từ)\s*[“\"].{0,300}?|(?:Điểm|Khoản|Điều|Mục|Chương|Đoạn|Phụ lục) này\s+)"
    r"(?:đã\s+)?được\s+(?:bổ sung|sửa đổi|bãi bỏ|bỏ|thay thế)\b.{0,200}?\btheo\b",
    re.IGNORECASE | re.S,
)
_ITEM_KIND = re.compile(
    r"(?P<roman>[IVXLC]+\.\s)|(?P<number>\d+(?:\.\d+)*[.)]\s)|(?P<letter>[a-zđ]\)\s)"
    r"|(?P<paren>\(\d+\)\s)|(?P<dash>[-–]\s?)|(?P<plus>\+\s?)|(?P<bullet>[•*]\s?)"
)
_ARTICLE = re.compile(r"(?:Điều|Chương|Mục|Phần)\s+[\dIVXLC]+", re.IGNORECASE)
MAX_LIST_ITEMS = 10
MAX_LINE_FOLLOWERS = 2


def unmarked(text: str) -> str:
    """``text`` without the source's footnote markers ("QH15[1]" -> "QH15") and inline
    footnote texts ("2 buổi/ngày[ Công văn số 4567/…]" -> "2 buổi/ngày")."""
    return _FOOTNOTE_MARK.sub("", text)


_ARTICLE_MARK = re.compile(r"Điều\s+\d+[a-zđ]?\.", re.IGNORECASE)


def is_item_marker(piece: str) -> bool:
    """Whether ``piece`` only numbers what follows it: "1.", "a)", "II.", "Điều 16."."""
    bare = piece.strip().removeprefix(ELLIPSIS).strip()
    return bool(_MARKER.fullmatch(bare) or _ARTICLE_MARK.fullmatch(bare))


def is_note(sentence: str) -> bool:
    """A footnote line ("[3] Điểm này được sửa đổi …") or an amendment note, not a rule."""
    return bool(_NOTE.search(sentence.strip()))


def _item_kind(sentence: str) -> str | None:
    m = _ITEM_KIND.match(sentence)
    return m.lastgroup if m else None


_TITLE_LEAD = re.compile(r"(?:\d+(?:\.\d+)*|[IVXLC]+)\.\s+\S[^\n]{0,110}(?<![.;:!?…,])$")


def list_items(
    text: str, sentences: Sequence[Span], lead: int, *, titled: bool = False
) -> list[int]:
    """Indices of the items a sentence ending in ":" introduces: the sentences after it that
    start with a list marker of another kind than the lead's own ("1. … sau:" -> "a) …",
    "b) …", up to the next "2."); none when ``lead`` does not end with ":". With ``titled``, a
    numbered title without a final mark ("2. Thời hạn nộp lưu hồ sơ") introduces its items
    too."""
    lead_text = text[slice(*sentences[lead])].rstrip()
    if not lead_text.endswith(":") and not (titled and _TITLE_LEAD.fullmatch(lead_text)):
        return []
    own = _item_kind(lead_text)
    first: str | None = None
    items: list[int] = []
    for j in range(lead + 1, min(len(sentences), lead + 1 + MAX_LIST_ITEMS)):
        sentence = text[slice(*sentences[j])]
        kind = _item_kind(sentence)
        if kind is None or kind == own or _ARTICLE.match(sentence) or is_note(sentence):
            break
        if first is not None and kind != first and kind in ("roman", "number"):
            break
        first = first or kind
        items.append(j)
    return items


def _line_followers(text: str, sentences: Sequence[Span], i: int) -> list[int]:
    """The sentences after ``i`` on the same line (the rest of its paragraph or list item)."""
    out: list[int] = []
    for j in range(i + 1, min(len(sentences), i + 1 + MAX_LINE_FOLLOWERS)):
        if "\n" in text[sentences[j - 1][1] : sentences[j][0]]:
            break
        out.append(j)
    return out


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of ``text[start:end]`` as (start, end) offsets into ``text``, blanks dropped."""
    end = len(text) if end is None else end
    wrapped = _hard_wrapped(text[start:end])
    spans: list[Span] = []
    pos = start
    for m in _BREAK.finditer(text, start, end):
        if wrapped and _soft_break(text, m.start(), m.end()):
            continue
        span = _trimmed(text, pos, m.start())
        if span:
            spans.append(span)
        pos = m.end()
    span = _trimmed(text, pos, end)
    if span:
        spans.append(span)
    merged: list[Span] = []
    for span in spans:
        # "1." / "a)" / "TP." alone is a list marker or abbreviation, not a sentence
        if merged and _MARKER.match(text, merged[-1][0], merged[-1][1]) and "\n" not in text[
            merged[-1][1] : span[0]
        ]:
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


_UNIT_START = re.compile(r"[-+•*–]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[IVXLC]+\.\s|\(\d+\)")
_LINE_END = (".", ";", ":", "!", "?", ELLIPSIS, "]")


def _hard_wrapped(text: str) -> bool:
    """Text whose lines were cut at a fixed width (PDF-like), not one paragraph per line."""
    lines = [line for line in text.split("\n") if line.strip()]
    long = [line for line in lines if len(line) >= 55]
    if len(lines) < 4 or len(long) < 3:
        return False
    open_lines = [line for line in long if not line.rstrip().endswith(_LINE_END)]
    # a line or two may run longer: a word rejoined across a line end ("71-NQ/TW") lengthens it
    overlong = sum(1 for line in lines if len(line) > 110)
    return len(open_lines) >= 0.6 * len(long) and overlong <= len(lines) // 8


def _soft_break(text: str, lo: int, hi: int) -> bool:
    """A single line break inside a sentence of a hard-wrapped text."""
    gap = text[lo:hi]
    if gap.count("\n") != 1 or "\n" not in gap:
        return False
    before = text[:lo].rstrip()
    return not before.endswith(_LINE_END) and _UNIT_START.match(text, hi) is None


def clause_spans(text: str, span: Span) -> list[Span]:
    """The ";"-separated clauses of one sentence."""
    out: list[Span] = []
    pos = span[0]
    for m in _CLAUSE_BREAK.finditer(text, span[0], span[1]):
        piece = _trimmed(text, pos, m.start() + 1)
        if piece:
            out.append(piece)
        pos = m.end()
    piece = _trimmed(text, pos, span[1])
    if piece:
        out.append(piece)
    return out


def excerpt(text: str, spans: Iterable[Span], limit: int | None = None) -> tuple[str, int, int]:
    """Join verbatim ``spans`` of ``text`` in reading order, "…" marking every omission.

    Spans separated only by white space are joined with the original white space. With
    ``limit``, spans are kept in the given order of preference until the limit is reached (the
    first one is always kept, cut at a word boundary when it alone is too long).
    Returns (quote, start, end) with start/end the offsets of the first and last kept character.
    """
    wanted = [s for s in spans if s[1] > s[0]]
    if not wanted:
        return "", 0, 0
    kept: list[Span] = []
    total = 0
    for span in wanted:
        size = span[1] - span[0] + len(GAP)
        if kept and limit is not None and total + size > limit:
            continue
        kept.append(span)
        total += size
    first = kept[0]
    if limit is not None and first[1] - first[0] > limit:
        cut = text.rfind(" ", first[0], first[0] + limit)
        kept = [(first[0], cut if cut > first[0] else first[0] + limit)]
    merged: list[list[int]] = []
    for s, e in sorted(set(kept)):
        if merged and (s <= merged[-1][1] or not text[merged[-1][1] : s].strip()):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    pieces = [p for s, e in merged if (p := unmarked_slice(text, s, e))]
    quote = GAP.join(pieces)
    head = text[: merged[0][0]].strip()
    tail = text[merged[-1][1] :].strip()
    if head:
        quote = f"{ELLIPSIS}{quote}"
    if tail:
        quote = f"{quote}{ELLIPSIS}"
    return quote, merged[0][0], merged[-1][1]


def unmarked_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` less the footnote marks found in the whole text (a sentence may
    begin or end inside an inline footnote), stripped: a piece of :func:`unmarked` text."""
    out: list[str] = []
    pos = start
    for s, e in (m.span() for m in _FOOTNOTE_MARK.finditer(text)):
        if e <= pos or s >= end:
            continue
        out.append(text[pos:s])
        pos = e
    out.append(text[pos:end] if pos < end else "")
    return "".join(out).strip()


def quote_segments(quote: str) -> list[str]:
    """The pieces of a quote made by :func:`excerpt` (the "…" markers removed): each is a
    verbatim piece of the :func:`unmarked` passage."""
    return [p.strip() for p in quote.split(ELLIPSIS) if p.strip()]


def term_score(text: str, terms: Sequence[str]) -> int:
    """How many distinct ``terms`` (any spelling) occur as words of ``text``."""
    if not terms:
        return 0
    words = set(bare_words(text))
    return sum(1 for t in {bare_view(t) for t in terms} if t in words)


# Articles that say whom a legal text covers and what its words mean ("Điều 4. Giải thích từ
# ngữ"): they name parties and terms, they assign no work and answer no question but "là gì".
SCOPE_ARTICLE = re.compile(
    r"Điều\s+\d+\w?\s*[.:]?\s*(?:Phạm vi điều chỉnh|Đối tượng áp dụng|Giải thích từ ngữ)",
    re.IGNORECASE,
)


# What a sentence scores beyond the question's words it holds (see trim_quote).
SentenceBonus = Callable[[str], float]

LATE_BREAK = 0.8  # a cut falls on a ";" or "," only this far into the room, else between words
_CLAUSE_START = re.compile(r"[;,]\s+")


def clipped_end(text: str, start: int, end: int, limit: int) -> int:
    """Where ``text[start:end]`` is cut to fit ``limit``: at the last ";" or "," late in the
    room (a cut at an early comma loses what the room still holds), else at the last space;
    ``end`` when it fits."""
    if end - start <= limit:
        return end
    stop = start + limit
    mark = max(text.rfind(";", start, stop), text.rfind(",", start, stop))
    if mark >= start + LATE_BREAK * limit:
        return mark
    space = text.rfind(" ", start, stop)
    return space if space > start else stop


def cut_text(text: str, span: Span, whole_end: int, whole_start: int | None = None) -> str:
    """``text[span]`` of a piece running from ``whole_start`` (its own start by default) to
    ``whole_end``, "…" on the side where it is cut."""
    start, end = span
    piece = text[start:end]
    if end < whole_end:
        piece = piece.rstrip(" ,;") + ELLIPSIS
    if whole_start is not None and start > whole_start:
        piece = ELLIPSIS + piece
    return piece


def window(text: str, span: Span, terms: Sequence[str], limit: int) -> Span:
    """The part of ``text[span]`` of at most ``limit`` characters to show when all of it does
    not fit: the one holding the most ``terms``, from a clause or comma boundary; from the
    start when it holds as many as any other."""
    start, end = span
    if end - start <= limit:
        return span
    starts = [start] + [m.end() for m in _CLAUSE_START.finditer(text, start, end)]
    best = (-1, start, clipped_end(text, start, end, limit))
    for a in starts:
        b = clipped_end(text, a, end, limit)
        score = term_score(text[a:b], terms)
        if score > best[0]:
            best = (score, a, b)
    return best[1], best[2]


def trim_quote(
    text: str, terms: list[str], limit: int = MAX_QUOTE_CHARS, bonus: SentenceBonus | None = None
) -> tuple[str, int, int]:
    """Verbatim excerpt of ``text``: the sentences richest in ``terms`` (plus ``bonus``), "…"
    where cut.

    Returns (excerpt, start, end offsets into ``text``).
    """
    if len(text.strip()) <= limit:
        sentences = sentence_spans(text)
        kept = [s for s in sentences if not is_note(text[slice(*s)])]
        if len(kept) < len(sentences):
            return excerpt(text, kept) if kept else ("", 0, 0)
        stripped = text.strip()
        start = text.find(stripped) if stripped else 0
        return unmarked(text).strip(), start, start + len(stripped)
    return quote_spans(text, [], terms, limit, bonus)


def read_from_start(
    text: str, limit: int = MAX_QUOTE_CHARS, keep: Sequence[Span] = ()
) -> tuple[str, int, int]:
    """Verbatim excerpt of ``text`` read from its start (a part the question names by its
    heading): the ``keep`` spans, then its sentences in order, notes left out, up to
    ``limit``; "…" where text is left out."""
    kept: list[Span] = list(keep)
    size = sum(e - s + 1 for s, e in kept)
    for span in sentence_spans(text):
        if is_note(text[slice(*span)]) or any(s <= span[0] < e for s, e in keep):
            continue
        size += span[1] - span[0] + 1
        if kept and size > limit:
            break
        kept.append(span)
    return excerpt(text, kept, limit) if kept else ("", 0, 0)


def quote_spans(
    text: str, must: Sequence[Span], terms: Sequence[str], limit: int,
    bonus: SentenceBonus | None = None,
) -> tuple[str, int, int]:
    """Verbatim excerpt with the ``must`` spans first, then the sentences richest in ``terms``
    (plus what ``bonus`` gives a sentence: the question's compounds, the value it asks for);
    a list lead brings its items (and is scored with them), the best sentence the rest of its
    line, and the sentences around the best one are context when there is room. Notes are never
    quoted."""
    sentences = sentence_spans(text)
    if not sentences:
        return excerpt(text, [(0, len(text))], limit)
    notes = {i for i, s in enumerate(sentences) if is_note(text[slice(*s)])}
    usable = [i for i in range(len(sentences)) if i not in notes]
    if not usable:
        return "", 0, 0
    def rate(piece: str) -> float:
        return term_score(piece, terms) + (bonus(piece) if bonus is not None else 0.0)

    own = {i: rate(text[slice(*sentences[i])]) for i in usable}
    items = {  # best items first: when not all fit, the ones that answer stay
        i: sorted(list_items(text, sentences, i), key=lambda j: (-own.get(j, 0), j))
        for i in usable
    }
    score = {i: rate(_unit_text(text, sentences, [i, *items[i]])) if items[i]
             else own[i] for i in usable}
    scored = sorted(usable, key=lambda i: (-score[i], i))
    order: list[Span] = []
    for span in must:
        order.append(span)
        lead = next((i for i, s in enumerate(sentences) if s[0] <= span[1] - 1 < s[1]), None)
        if lead is not None and sentences[lead][1] == span[1]:
            order += [sentences[j] for j in items.get(lead, [])]
    for rank, i in enumerate(scored):
        if score[i] == 0 and order:
            break
        order.append(sentences[i])
        order += [sentences[j] for j in items[i]]
        if rank == 0 and not must:
            order += [sentences[j] for j in _line_followers(text, sentences, i) if j in score]
    if not must and scored:
        best = scored[0]
        order += [sentences[j] for j in (best + 1, best - 1) if j in score]
    return excerpt(text, list(dict.fromkeys(order)), limit)


def _unit_text(text: str, sentences: Sequence[Span], indices: Sequence[int]) -> str:
    """A list lead and its items read as one unit (scored together)."""
    return "\n".join(text[slice(*sentences[i])] for i in indices)
