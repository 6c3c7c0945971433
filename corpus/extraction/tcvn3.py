"""Legacy Vietnamese "font encoding" TCVN3 (ABC, ``.VnTime``) converted to Unicode.

Text typed with the TCVN3 fonts is stored as Latin-1 code points ("Céng hßa x· héi") in
.txt, .doc/.docx and PDF text layers alike. It is recognised line by line (characters that
Unicode Vietnamese never uses, and the converted words must be valid Vietnamese syllables)
and converted. VNI-Windows text ("Coäng hoøa") is *not* converted: it needs a
multi-character table and its marks collide with ordinary Latin-1 text, so it is left as is
(it still reads, badly).
"""

from __future__ import annotations

import re

from corpus.extraction.syllables import WORDS, is_vietnamese_syllable

# TCVN 5712:1993 VN3 ("ABC", .VnTime fonts): lower-case letters with diacritics live at
# Latin-1 code points; upper-case letters with tone marks use separate fonts (.VnTimeH)
# with the same codes, so they come out in lower case (fixed per line below).
_TCVN3_SOURCE = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\u00adõøö÷ùúýûüþ¡¢§£¤¥¦"
_TCVN3_TARGET = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_TCVN3_TABLE = str.maketrans(_TCVN3_SOURCE, _TCVN3_TARGET)
# Latin-1 letters that Unicode Vietnamese uses itself; every other TCVN3 code point is a
# signal of TCVN3 (or of another Latin language, which the syllable check rules out).
_VN_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_TCVN3_SIGNAL = frozenset(set(_TCVN3_SOURCE) - _VN_LATIN1)
_TCVN3_SIGNAL_RE = re.compile("[" + re.escape("".join(sorted(_TCVN3_SIGNAL))) + "]")
_NON_LATIN1_VN = re.compile(r"[\u0100-\u1ef9]")


def _tcvn3_line(line: str) -> str | None:
    """The line converted from TCVN3, or None when it does not look like TCVN3."""
    if not _TCVN3_SIGNAL_RE.search(line) or _NON_LATIN1_VN.search(line):
        return None
    converted = line.translate(_TCVN3_TABLE)
    words = [w for w in WORDS.findall(line) if _TCVN3_SIGNAL_RE.search(w)]
    if not words:
        return None
    good = sum(1 for w in words if is_vietnamese_syllable(w.translate(_TCVN3_TABLE)))
    if good / len(words) < 0.7:
        return None
    letters = [ch for ch in line if "A" <= ch <= "Z" or "a" <= ch <= "z"]
    if len(letters) >= 3 and all(ch.isupper() for ch in letters):
        converted = converted.upper()  # typed with an upper-case .VnTimeH font
    return converted


def is_tcvn3_document(text: str) -> bool:
    """Whether ``text`` (decoded as Latin-1) reads as Vietnamese once converted from TCVN3."""
    sample = text[:200_000]
    words = WORDS.findall(sample)
    signal_words = [w for w in words if _TCVN3_SIGNAL_RE.search(w)]
    if len(signal_words) < 3 or len(signal_words) < 0.1 * len(words):
        return False
    if len(_NON_LATIN1_VN.findall(sample)) > len(signal_words):
        return False
    good = sum(1 for w in signal_words if is_vietnamese_syllable(w.translate(_TCVN3_TABLE)))
    return good >= 0.8 * len(signal_words)


def fix_legacy_encoding(text: str) -> str:
    """Convert TCVN3 (ABC) lines to Unicode when the whole text looks like TCVN3."""
    if not _TCVN3_SIGNAL_RE.search(text[:200_000]) or not is_tcvn3_document(text):
        return text
    out = []
    for line in text.split("\n"):
        converted = _tcvn3_line(line)
        out.append(line if converted is None else converted)
    return "\n".join(out)
