"""Document numbers (số, ký hiệu) and document types, in any spelling.

Party documents print number and symbol together ("02-NQ/TW"); state documents print the
number, sometimes the year, then the symbol ("11276/UBND-VHXXH", "30/2020/NĐ-CP").
:class:`DocNumber` holds one mention; :attr:`DocNumber.key` is the canonical key shown to
people ("NQ 02-NQ/TW 2021", "CV 11276 2021") and :attr:`DocNumber.match_key` the loose key
("NQ:2") under which "NQ 02", "nghị quyết số 02" and "nghi quyet 02" all meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from corpus.text import strip_diacritics

# type code (display form) -> type name as printed
DOC_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "KH": "Kế hoạch",
    "CV": "Công văn",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NĐ": "Nghị định",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "L": "Luật",
    "BL": "Bộ luật",
    "VBHN": "Văn bản hợp nhất",
    "BC": "Báo cáo",
    "TTr": "Tờ trình",
    "CTr": "Chương trình",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "PL": "Pháp lệnh",
    "HP": "Hiến pháp",
    "ĐL": "Điều lệ",
    "CĐ": "Công điện",
    "GM": "Giấy mời",
}
NEWS_TYPE = "Tin bài"

_NAME_TO_CODE = {strip_diacritics(name).lower(): code for code, name in DOC_TYPES.items()}
_CODE_ASCII = {strip_diacritics(code).upper(): code for code in DOC_TYPES}
# Symbols that name a type without being in DOC_TYPES' codes.
_CODE_ASCII.update({"QD": "QĐ", "ND": "NĐ", "QDI": "QyĐ", "CTRHD": "CTr"})  # CTrHĐ: chương
# trình hành động, a party committee's action programme ("09-CTrHĐ/TU")

TYPE_NAME_PATTERN = "|".join(
    sorted((re.escape(name) for name in DOC_TYPES.values()), key=len, reverse=True)
)


def type_code_for_name(name: str) -> str | None:
    """"Nghị quyết" / "nghi quyet" / "NGHỊ QUYẾT" -> "NQ"."""
    return _NAME_TO_CODE.get(" ".join(strip_diacritics(name).lower().split()))


def type_name(code: str | None) -> str | None:
    return DOC_TYPES.get(code) if code else None


def code_from_symbol_part(part: str) -> str | None:
    """"NQ" -> "NQ", "NĐ" / "ND" -> "NĐ", "QH14" -> "L"; None if it is not a type code."""
    ascii_part = strip_diacritics(part).upper()
    if re.fullmatch(r"QH\d*", ascii_part):
        return "L"
    return _CODE_ASCII.get(ascii_part)


_SEG = r"[A-ZĐ][A-Za-zĐđ0-9&]*"
_PARTY = re.compile(rf"(?<![\w/])(\d{{1,5}})\s?-\s?({_SEG})\s?/\s?({_SEG}(?:-{_SEG})*)")
_STATE_YEAR = re.compile(rf"(?<![\w/])(\d{{1,5}})\s?/\s?((?:19|20)\d\d)\s?/\s?({_SEG}(?:-{_SEG})*)")
_STATE = re.compile(rf"(?<![\w/])(\d{{1,6}})\s?/\s?({_SEG}(?:-{_SEG})+|QH\d+|{_SEG})(?![\w/])")
_BLANK = re.compile(rf"(?<![\w\d])/\s?({_SEG}(?:-{_SEG})+)")


@dataclass(frozen=True)
class DocNumber:
    """One printed document number, parsed."""

    raw: str
    number: str | None
    symbol: str | None
    type_code: str | None
    year: int | None = None
    party_style: bool = False
    issued_year: int | None = None

    @property
    def printed(self) -> str:
        """Số/ký hiệu as it would be printed ("02-NQ/TW", "5208/BGDĐT-GDPT", "/SGDĐT-TC")."""
        if self.party_style:
            return f"{self.number}-{self.symbol}"
        if not self.number:
            return f"/{self.symbol or ''}"
        parts = [self.number]
        if self.year:
            parts.append(str(self.year))
        if self.symbol:
            parts.append(self.symbol)
        return "/".join(parts)

    @property
    def key(self) -> str:
        """Canonical key: "NQ 02-NQ/TW 2021", "CV 11276 2021", "NĐ 30 2020"."""
        code = self.type_code or "VB"
        num = self.printed if self.party_style or not self.number else self.number
        parts = [code, num]
        year = self.year or self.issued_year
        if year:
            parts.append(str(year))
        return " ".join(parts)

    @property
    def match_key(self) -> str | None:
        """Loose key shared by every spelling of the same type and number: "NQ:2"."""
        if not self.number or not self.type_code:
            return None
        return f"{strip_diacritics(self.type_code).upper()}:{int(self.number)}"

    @property
    def identity(self) -> str | None:
        """Versioning key: the printed số/ký hiệu, folded; None when the number is blank."""
        if not self.number:
            return None
        return strip_diacritics(self.printed).upper().replace(" ", "")

    def fields(self) -> dict[str, str | None]:
        """The Document columns derived from this number."""
        return {
            "number": self.printed,
            "number_key": self.key,
            "match_key": self.match_key,
            "identity": self.identity,
        }

    def with_type(self, code: str | None) -> DocNumber:
        if code is None or code == self.type_code:
            return self
        return replace(self, type_code=code)

    def with_year(self, year: int | None) -> DocNumber:
        """The same number, knowing the year it was issued (kept out of the printed form)."""
        if year is None or self.year is not None:
            return self
        return replace(self, issued_year=year)


def parse_number(text: str) -> DocNumber | None:
    """Parse one printed số/ký hiệu ("02-NQ/TW", "30/2020/NĐ-CP", "/SGDDĐT-TCCTTT")."""
    found = find_numbers(text)
    if found:
        return found[0][1]
    blank = _BLANK.search(text)
    if blank:
        symbol = blank.group(1)
        return DocNumber(blank.group(0), None, symbol, _state_code(symbol))
    return None


def _state_code(symbol: str) -> str | None:
    first = symbol.split("-")[0]
    code = code_from_symbol_part(first)
    if code is not None:
        return code
    if "-" in symbol:
        return "CV"
    return None


def find_numbers(text: str) -> list[tuple[re.Match[str], DocNumber]]:
    """Every document number printed in ``text``, in order, without overlaps."""
    return list(_find_numbers(text))


@lru_cache(maxsize=4096)  # answers read the same documents' numbers question after question
def _find_numbers(text: str) -> tuple[tuple[re.Match[str], DocNumber], ...]:
    found: list[tuple[re.Match[str], DocNumber]] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in _PARTY.finditer(text):
        code = code_from_symbol_part(m.group(2))
        if code is None:
            continue
        symbol = f"{m.group(2)}/{m.group(3)}"
        found.append((m, DocNumber(m.group(0), m.group(1), symbol, code, party_style=True)))
        taken.append(m.span())
    for m in _STATE_YEAR.finditer(text):
        if not free(m):
            continue
        symbol = m.group(3)
        code = _state_code(symbol)
        found.append((m, DocNumber(m.group(0), m.group(1), symbol, code, int(m.group(2)))))
        taken.append(m.span())
    for m in _STATE.finditer(text):
        if not free(m):
            continue
        symbol = m.group(2)
        if "-" not in symbol and code_from_symbol_part(symbol) is None:
            continue
        found.append((m, DocNumber(m.group(0), m.group(1), symbol, _state_code(symbol))))
        taken.append(m.span())
    found.sort(key=lambda pair: pair[0].start())
    return tuple(found)


_Q_TYPES = {
    "nq": "NQ", "nghi quyet": "NQ", "kh": "KH", "ke hoach": "KH", "cv": "CV",
    "cong van": "CV", "qd": "QĐ", "quyet dinh": "QĐ", "ct": "CT", "chi thi": "CT",
    "tt": "TT", "thong tu": "TT", "nd": "NĐ", "nghi dinh": "NĐ", "tb": "TB",
    "thong bao": "TB", "hd": "HD", "huong dan": "HD", "vbhn": "VBHN",
    "van ban hop nhat": "VBHN", "kl": "KL", "ket luan": "KL", "luat": "L",
    "quy dinh": "QyĐ", "chi thi so": "CT", "chuong trinh hanh dong": "CTr", "ctrhd": "CTr",
}
_Q_TYPE_RE = "|".join(sorted((re.escape(k) for k in _Q_TYPES), key=len, reverse=True))
_QUERY_NUMBER = re.compile(
    rf"\b({_Q_TYPE_RE})\s*(?:so\s*)?(\d{{1,6}})(?:\s*/\s*((?:19|20)\d\d))?(?![\d])"
)


def numbers_in_question(question: str) -> list[DocNumber]:
    """Document numbers a person typed: "NQ 02", "nghi quyet so 02", "02-NQ/TW", "cv5208"."""
    return list(_numbers_in_question(question))


@lru_cache(maxsize=4096)
def _numbers_in_question(question: str) -> tuple[DocNumber, ...]:
    out: list[DocNumber] = []
    seen: set[str] = set()
    for _, num in find_numbers(question.replace("Đ", "Đ")):
        if num.match_key and num.match_key not in seen:
            seen.add(num.match_key)
            out.append(num)
    ascii_q = strip_diacritics(question).lower()
    for m in _QUERY_NUMBER.finditer(ascii_q):
        code = _Q_TYPES[m.group(1)]
        year = int(m.group(3)) if m.group(3) else None
        num = DocNumber(m.group(0), m.group(2), None, code, year)
        if num.match_key and num.match_key not in seen:
            seen.add(num.match_key)
            out.append(num)
    return tuple(out)
