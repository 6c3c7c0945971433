"""Text normalisation shared by every layer.

Two levels:
- :func:`clean_text` repairs extracted text (NFC, line endings, stray spaces, hyphenated and
  hard-wrapped lines from PDF/DOCX) and is what gets stored and quoted.
- :func:`fold` is for matching only: lower case, one tone-mark placement, NFC. Its
  :func:`strip_diacritics` twin also drops tone and vowel marks and maps đ to d.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")

# Old-style ("hòa", "thỏa", "khỏe", "thúy") is used as the one placement for the open
# clusters oa, oe, uy; with a final consonant both styles agree ("hoàn").
_CLUSTERS = ("oa", "oe", "uy")

_WORD = re.compile(r"\w+", re.UNICODE)


def _retone_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tone = next((ch for ch in decomposed if ch in _TONES), None)
    if tone is None:
        return word
    bare = decomposed.replace(tone, "")
    base = unicodedata.normalize("NFC", bare)
    low = base.lower()
    for cluster in _CLUSTERS:
        if not low.endswith(cluster) or len(low) < 2:
            continue
        start = len(low) - 2
        if cluster == "uy" and start > 0 and low[start - 1] == "q":
            return word
        if start > 0 and low[start - 1] in _VOWELS:
            return word
        target = base[start]
        retoned = base[:start] + unicodedata.normalize("NFC", target + tone) + base[start + 1 :]
        return unicodedata.normalize("NFC", retoned)
    return word


@lru_cache(maxsize=200_000)
def _retone_cached(word: str) -> str:
    return _retone_word(word)


def normalize_tones(text: str) -> str:
    """One tone-mark placement: "hoà" -> "hòa", "thoả" -> "thỏa", "thuý" -> "thúy"."""
    text = unicodedata.normalize("NFC", text)
    return _WORD.sub(lambda m: _retone_cached(m.group(0)), text)


def fold(text: str) -> str:
    """Matching form: NFC, one tone placement, lower case."""
    return normalize_tones(text).lower()


_STRIP_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


@lru_cache(maxsize=200_000)
def _strip_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_STRIP_TABLE))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=4096)
def strip_diacritics(text: str) -> str:
    """Drop every Vietnamese diacritic ("Nghị quyết" -> "Nghi quyet", "Đ" -> "D")."""
    return _WORD.sub(lambda m: _strip_word(m.group(0)), unicodedata.normalize("NFC", text))


def bare(text: str) -> str:
    """Matching form without diacritics: "Nghị Quyết" -> "nghi quyet"."""
    return strip_diacritics(fold(text))


def _bare_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
    return (base[:1] or ch).lower()


class _BareTable(dict[int, str]):
    """``str.translate`` table of :func:`_bare_char`, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        value = self[code] = _bare_char(chr(code))
        return value


_BARE_TABLE = _BareTable()
# Quoting and the confidence check read the same passages for question after question: their
# matching views are kept for the most recent texts.
_VIEW_CACHE = 4096


@lru_cache(maxsize=_VIEW_CACHE)
def bare_view(text: str) -> str:
    """Lower case without diacritics, one character per character of ``text``.

    Offsets found in the result are offsets into ``text``.
    """
    return text.translate(_BARE_TABLE)


@lru_cache(maxsize=_VIEW_CACHE)
def folded_view(text: str) -> str:
    """Lower case with one tone placement, same length as ``text`` when that is possible."""
    folded = fold(text)
    return folded if len(folded) == len(text) else text.lower()


@lru_cache(maxsize=_VIEW_CACHE)
def _bare_words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(bare_view(text)))


def bare_words(text: str) -> list[str]:
    return list(_bare_words(text))


def has_diacritics(text: str) -> bool:
    return strip_diacritics(text) != unicodedata.normalize("NFC", text)


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")
# A hyphen that ends a line inside a word: "71-\nNQ/TW", "2026-\n2027", "hi-\nện".
_HYPHEN_BREAK = re.compile(r"(\w+)-\n(\w+)")
_MANY_BLANKS = re.compile(r"\n{3,}")
# A line that starts a new unit: numbering, bullets, headings, or letters in upper case.
_NEW_UNIT = re.compile(
    r"^(?:[-+•*–]\s|[IVXLC]+\.|\d+(?:\.\d+)*[.)]|[a-zđ][).]\s|"
    r"(?:Điều|Chương|Mục|Phần|Khoản|Điểm)\s|Căn cứ|Kính gửi|Nơi nhận|Số:|V/v|[A-ZĐ\"“(])"
)
_SENTENCE_END = re.compile(r"[.:;!?…\"”)]$")
_PAGE_BREAK = re.compile(r"[ \t]*\f\s*(?:\d{1,3}[ \t]*\n\s*)?(?=\S)")
_BODY_LINE = 60  # a page's last line this long, not ending a sentence, runs on


def _join_page_break(m: re.Match[str]) -> str:
    before = m.string[: m.start()]
    last = before[before.rfind("\n") + 1 :].strip()
    runs_on = len(last) >= _BODY_LINE and re.search(r"[\w,]$", last) is not None
    return " " if runs_on else m.group(0)


def clean_text(text: str, *, rejoin_wrapped: bool = False) -> str:
    """NFC, unified line endings and spaces, no zero-width characters, no trailing spaces,
    no word cut by a hyphen at a line end (:func:`rejoin_hyphen_breaks`).

    With ``rejoin_wrapped`` (text from PDF), lines hard-wrapped inside a sentence are joined:
    a line that does not end a sentence, followed by one that does not start a new unit.
    """
    text = unicodedata.normalize("NFC", text)
    if rejoin_wrapped:  # a sentence running over a page break (and the next page's number)
        text = _PAGE_BREAK.sub(_join_page_break, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    text = rejoin_hyphen_breaks("\n".join(line.strip() for line in text.split("\n")))
    text = _rejoin(text) if rejoin_wrapped else text
    text = _MANY_BLANKS.sub("\n\n", text)
    return text.strip() + "\n" if text.strip() else ""


def _hyphen_join(m: re.Match[str]) -> str:
    from corpus.extraction.syllables import is_vietnamese_syllable  # corpus.extraction needs us

    left, right = m.group(1), m.group(2)
    head = re.search(r"[^\W\d_]+$", left)
    same_case = right.islower() or (head is not None and head.group(0).isupper())
    if head and right.isalpha() and same_case and is_vietnamese_syllable(head.group(0) + right):
        return left + right  # one syllable cut by the line end: "hi-\nện" -> "hiện"
    return f"{left}-{right}"


def rejoin_hyphen_breaks(text: str) -> str:
    r"""Join words a line end cut after a hyphen (PDF text, and .txt copied from a PDF).

    The hyphen stays where it belongs to the word ("71-\nNQ/TW" -> "71-NQ/TW", "KH-\nCĐN",
    "2026-\n2027"); it goes only when the two pieces make one Vietnamese syllable
    ("hi-\nện" -> "hiện", "TRƯ-\nỜNG" -> "TRƯỜNG"). A dash that starts a line (a list item) or
    stands between spaces is not touched.
    """
    return _HYPHEN_BREAK.sub(_hyphen_join, text)


def _rejoin(text: str) -> str:
    out: list[str] = []
    for line in text.split("\n"):
        if (
            out
            and out[-1]
            and line
            and not _SENTENCE_END.search(out[-1])
            and not _NEW_UNIT.match(line)
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)
