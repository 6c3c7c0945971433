"""Whether words are Vietnamese: the shape of a syllable, the share of Vietnamese words."""

from __future__ import annotations

import re
import unicodedata

WORDS = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’<>/\\|=+*&%$#@^~`_-]+")
_VN_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def is_vietnamese_syllable(word: str) -> bool:
    """A plausible Vietnamese syllable: onset, one to three vowels, coda, at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


def vietnamese_score(text: str) -> float:
    """Share of words that are valid Vietnamese syllables with Vietnamese-only letters."""
    words = WORDS.findall(text[:100_000])
    if not words:
        return 0.0
    good = sum(
        1
        for w in words
        if _VN_ONLY.search(unicodedata.normalize("NFC", w)) and is_vietnamese_syllable(w)
    )
    return good / len(words)
