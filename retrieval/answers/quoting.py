"""Verbatim excerpts: sentence spans, matching forms with stable offsets, trimmed quotes.

A quote is always made of exact substrings of the passage. Where text is left out, the quote
shows "…"; nothing is ever reworded. :func:`quote_segments` gives back the verbatim pieces so
callers (and tests) can check that every piece occurs in the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

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
    return len(open_lines) >= 0.6 * len(long) and max(len(line) for line in lines) <= 110


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
    pieces = [text[s:e].strip() for s, e in merged]
    quote = GAP.join(pieces)
    head = text[: merged[0][0]].strip()
    tail = text[merged[-1][1] :].strip()
    if head:
        quote = f"{ELLIPSIS}{quote}"
    if tail:
        quote = f"{quote}{ELLIPSIS}"
    return quote, merged[0][0], merged[-1][1]


def quote_segments(quote: str) -> list[str]:
    """The verbatim pieces of a quote made by :func:`excerpt` (the "…" markers removed)."""
    return [p.strip() for p in quote.split(ELLIPSIS) if p.strip()]


def term_score(text: str, terms: Sequence[str]) -> int:
    """How many distinct ``terms`` (any spelling) occur as words of ``text``."""
    if not terms:
        return 0
    words = set(bare_words(text))
    return sum(1 for t in {bare_view(t) for t in terms} if t in words)


def trim_quote(text: str, terms: list[str], limit: int = MAX_QUOTE_CHARS) -> tuple[str, int, int]:
    """Verbatim excerpt of ``text``: the sentences richest in ``terms``, "…" where cut.

    Returns (excerpt, start, end offsets into ``text``).
    """
    if len(text.strip()) <= limit:
        stripped = text.strip()
        start = text.find(stripped) if stripped else 0
        return stripped, start, start + len(stripped)
    return quote_spans(text, [], terms, limit)


def quote_spans(
    text: str, must: Sequence[Span], terms: Sequence[str], limit: int
) -> tuple[str, int, int]:
    """Verbatim excerpt with the ``must`` spans first, then the sentences richest in ``terms``
    (with the sentence after the best one as context when there is room)."""
    sentences = sentence_spans(text)
    if not sentences:
        return excerpt(text, [(0, len(text))], limit)
    scored = sorted(
        range(len(sentences)), key=lambda i: (-term_score(text[slice(*sentences[i])], terms), i)
    )
    order: list[Span] = list(must)
    for i in scored:
        if term_score(text[slice(*sentences[i])], terms) == 0 and order:
            break
        order.append(sentences[i])
    if not must and scored:
        best = scored[0]
        order += [sentences[j] for j in (best + 1, best - 1) if 0 <= j < len(sentences)]
    return excerpt(text, order, limit)
