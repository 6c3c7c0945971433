"""Names printed in capitals, written as people write them, and where a name ends.

"UBND TỈNH LONG AN" -> "UBND tỉnh Long An", "PHÓ GIÁM ĐỐC" -> "Phó Giám đốc",
"VỀ ĐỔI MỚI" -> "Về đổi mới".
"""

from __future__ import annotations

import re

from corpus.parsing.lines import ascii_key, collapse, is_upper_line
from corpus.parsing.vocabulary import (
    ABBREVIATIONS,
    ADMIN_UNITS,
    ALIASES,
    FIELD_HEADS,
    KNOWN_NAMES,
    PLACE_HEADS,
    PROPER_NAMES,
    SCHOOL_ABBREVIATIONS,
    SCHOOL_LEVELS,
    TITLE_PROPER_NAMES,
)

_CONNECTIVES = ("và", "-", "–", ",", "các", "của")


def readable_org(printed: str) -> str:
    """ "UBND TỈNH LONG AN" -> "UBND tỉnh Long An"; names not in capitals are kept.

    Names of agencies capitalise the head word, the first word of the field ("Sở Giáo dục
    và Đào tạo", "Bộ Lao động - Thương binh và Xã hội") and proper names (places, schools).
    """
    text = re.sub(r"\s[–—]\s", " - ", collapse(printed)).strip(" ,;:*")
    if not text:
        return text
    key = ascii_key(text)
    if key in KNOWN_NAMES:
        return KNOWN_NAMES[key]
    if not is_upper_line(text):
        return ALIASES.get(text, text)
    result = _OrgCasing(text.split(" ")).rewrite()
    for name in PROPER_NAMES:
        result = restore_name(result, name)
    return ALIASES.get(result, result)


class _OrgCasing:
    """The words of an organisation name printed in capitals, rewritten left to right.

    Each rule returns how many words it wrote, 0 when the word is not its kind.
    """

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.keys = [ascii_key(w).lower() for w in words]
        self.head = _head_key(self.keys)
        self.field_mode = self.head in FIELD_HEADS
        self.name_mode = False  # inside a proper name: every word capitalised
        self.cap_next = True
        self.out: list[str] = []

    def rewrite(self) -> str:
        i = 0
        while i < len(self.words):
            i += (
                self._kept(i)
                or self._place_head(i)
                or self._admin_unit(i)
                or self._school_level(i)
                or self._connective(i)
                or self._word(i)
            )
        return " ".join(self.out)

    def _enter_name(self, words: list[str]) -> int:
        self.out += words
        self.name_mode, self.cap_next = True, True
        return len(words)

    def _two(self, i: int) -> str:
        return " ".join(self.keys[i : i + 2])

    def _kept(self, i: int) -> int:
        """Abbreviations, numbers and "GD&ĐT" stay as printed."""
        word = self.words[i]
        if not (word.upper() in ABBREVIATIONS or any(ch.isdigit() for ch in word) or "&" in word):
            return 0
        self.out.append(word)
        self.name_mode = self.name_mode or word.upper() in SCHOOL_ABBREVIATIONS
        self.cap_next = self.name_mode
        return 1

    def _place_head(self, i: int) -> int:
        """ "Tỉnh ủy", "Thành ủy" + the place."""
        if self._two(i) not in PLACE_HEADS or i + 1 >= len(self.words):
            return 0
        self._enter_name([cap(self.words[i].lower()), self.words[i + 1].lower()])
        return 2

    def _admin_unit(self, i: int) -> int:
        """ "tỉnh", "thành phố" + the place."""
        unit = 2 if self._two(i) in ADMIN_UNITS else 1 if self.keys[i] in ADMIN_UNITS else 0
        if not unit or not self.out or (self.cap_next and not self.name_mode):
            return 0
        self._enter_name([w.lower() for w in self.words[i : i + unit]])
        return unit

    def _school_level(self, i: int) -> int:
        """ "Tiểu học", "Trung học cơ sở" + the school's name."""
        level = next(
            (n for n in (5, 4, 2) if " ".join(self.keys[i : i + n]) in SCHOOL_LEVELS), 0
        )
        if not level or not self.out:
            return 0
        words = self.words[i : i + level]
        self._enter_name([cap(words[0].lower()), *(w.lower() for w in words[1:])])
        return level

    def _connective(self, i: int) -> int:
        lower = self.words[i].lower()
        if lower not in _CONNECTIVES:
            return 0
        self.out.append(lower)
        self.cap_next = self.field_mode and not self.name_mode and lower != "các"
        return 1

    def _word(self, i: int) -> int:
        lower = self.words[i].lower()
        self.out.append(cap(lower) if self.cap_next or self.name_mode else lower)
        self.cap_next = False
        if len(self.out) == 1 and self.field_mode:
            self.cap_next = True  # the field name starts
            if self.head == self._two(i) and i + 1 < len(self.words):
                self.out.append(self.words[i + 1].lower())  # "Tổng cục", "Văn phòng"
                return 2
        elif lower == "ngành":
            self.cap_next = True
        return 1


def _head_key(keys: list[str]) -> str:
    two = " ".join(keys[:2])
    return two if two in FIELD_HEADS else (keys[0] if keys else "")


def cap(word: str) -> str:
    """The word with its first letter in upper case."""
    return word[:1].upper() + word[1:] if word else word


def restore_name(text: str, name: str) -> str:
    """``name`` spelled as given wherever it occurs in ``text`` in any case."""
    pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
    return pattern.sub(name, text)


def sentence_case(text: str) -> str:
    """A line printed in capitals in normal case: "VỀ ĐỔI MỚI" -> "Về đổi mới"."""
    text = collapse(text)
    if not is_upper_line(text):
        return text
    words = []
    for word in text.split(" "):
        bare = word.strip("“”\"'(),.;:")
        words.append(word if bare.upper() in ABBREVIATIONS and len(bare) > 1 else word.lower())
    result = " ".join(words)
    for name in PROPER_NAMES:
        result = restore_name(result, name)
    return cap(result)


def readable_title(printed: str) -> str:
    """Signer's rank in normal case: "PHÓ GIÁM ĐỐC" -> "Phó Giám đốc",
    "CHỦ TỊCH QUỐC HỘI" -> "Chủ tịch Quốc hội"."""
    text = collapse(printed)
    if not is_upper_line(text):
        return text
    words = text.lower().split(" ")
    words[0] = cap(words[0])
    if words[0] == "Phó" and len(words) > 1:
        words[1] = cap(words[1])
    result = " ".join(words)
    for name in TITLE_PROPER_NAMES:
        result = restore_name(result, name)
    return result


def cut_issuer(text: str) -> str | None:
    """ "Bộ Chính trị về đổi mới…" -> "Bộ Chính trị" (the "của …" phrase)."""
    cut = re.split(
        r"\s+(?:về|quy định|ban hành|hướng dẫn|sửa đổi|thông báo|thực hiện|phê duyệt|tại|"
        r"đã|được|có hiệu lực|trong|nhằm|—)\s|[:;,()\n—]|\s[-–]\s",
        text,
        maxsplit=1,
    )[0]
    cut = cut.strip(" .")
    if not cut or len(cut) > 90 or not cut[:1].isupper():
        return None
    return ALIASES.get(cut, cut)
