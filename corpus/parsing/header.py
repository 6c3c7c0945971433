"""The header block: issuer lines, "Số: …", place and date, type name and trích yếu ("V/v …"
under the number of a công văn), "Kính gửi: …".

Flattened header columns come in either order, so each part is recognised for what it is
rather than where it is. :func:`scan_header` walks over the parts with a few rules; each rule
says whether the part is its kind and, if so, where the walk goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.docnumbers import DOC_TYPES, DocNumber, find_numbers, parse_number
from corpus.parsing.dates import find_date
from corpus.parsing.lines import (
    BODY_MARKER,
    Line,
    ascii_key,
    collapse,
    expand_line,
    has_motto,
    is_upper_line,
    join_wrapped_motto,
    skel,
)
from corpus.parsing.recipients import KINH_GUI, read_kinh_gui

_NUMBER_LINE = re.compile(
    r"^(?P<label>(?:(?P<law>Bộ\s+luật|Luật|Pháp\s+lệnh)\s+)?[Ss]ố)\s*(?::\s*|(?=[\d/.…_]))"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBER_LABEL_ONLY = re.compile(r"^[Ss]ố\s*:\s*$")
_VV = re.compile(r"^(?:V/v|V/V|v/v)(?![\w/])\s*:?\s*(?P<rest>.*)$")
_KEM_THEO = re.compile(r"^\(?\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\b")
_PHU_LUC = re.compile(r"^Phụ\s+lục(?:\s+[IVXLC\d]+)?\s*$", re.IGNORECASE)
_TYPE_BY_SKEL = sorted(
    ((skel(name), name) for name in DOC_TYPES.values()), key=lambda p: len(p[0]), reverse=True
)
_TYPE_LINE = re.compile(
    r"^(?P<type>" + "|".join(re.escape(s) for s, _ in _TYPE_BY_SKEL) + r")(?![A-Z0-9])"
)
_AUTHORITY_LINE = re.compile(
    r"^(?:THU TUONG CHINH PHU|CHINH PHU|QUOC HOI|UY BAN THUONG VU QUOC HOI|"
    r"BAN CHAP HANH TRUNG UONG|BO CHINH TRI|BAN BI THU|"
    r"(?:UY BAN NHAN DAN|UBND|HOI DONG NHAN DAN|HDND|BAN THUONG VU|BAN CHAP HANH|"
    r"THUONG TRUC|BAN CHI DAO)\s+.+|"
    r"(?:BO TRUONG|CHU TICH|GIAM DOC|TONG GIAM DOC|CUC TRUONG|HIEU TRUONG|TRUONG BAN)\s+.+)$"
)
_LONG_LINE = 220  # a longer line is body text (except inside a trích yếu)
_SHORT_LINE = 120
_SUBJECT_MAX_LINES = 8
_KEM_THEO_MAX_LINES = 4

# Where the walk over header parts goes after a rule: an index, or the end of the header.
_END = -1


@dataclass
class Header:
    issuer_lines: list[str] = field(default_factory=list)
    number: DocNumber | None = None
    number_raw: str | None = None
    number_label_type: str | None = None
    date_match: re.Match[str] | None = None
    date_raw: str | None = None
    type_name: str | None = None
    type_raw: str | None = None
    subject_lines: list[str] = field(default_factory=list)
    subject_is_vv: bool = False
    authority: str | None = None
    recipients: list[str] = field(default_factory=list)
    recipients_raw: str | None = None
    kem_theo: str | None = None
    motto: bool = False
    end: int = 0
    found: bool = False


def scan_header(lines: list[Line], *, table: bool = False) -> Header:
    """What the header block at the start of ``lines`` prints.

    ``table``: the lines are a header printed as a table row elsewhere in the document
    (docx->md converters put it at the end), read for its number, date and issuer only.
    """
    return _HeaderScan(_header_parts(lines, table=table), table=table).run()


def _header_parts(lines: list[Line], *, table: bool) -> list[Line]:
    """The header lines split into parts, up to the first line of the body."""
    parts: list[Line] = []
    lines = join_wrapped_motto(lines)
    for line in lines:
        if not line.text:
            parts.append(line)
            continue
        if not table and BODY_MARKER.match(line.text):
            parts.append(line)
            break
        expanded = expand_line(line) or [Line(line.start, line.end, "")]
        if has_motto(line.text):
            expanded[0].motto_end = line.end
        parts.extend(expanded)
    return parts


def table_header(tail: list[Line]) -> Header | None:
    """A header printed as a table row among the last lines, when it has a number or date."""
    for line in tail:
        if line.text.startswith("|") and has_motto(line.text):
            table = scan_header([line], table=True)
            if table.number is not None or table.date_match is not None:
                return table
    return None


def merge_table_header(h: Header, t: Header) -> None:
    """Fill what the header ``h`` lacks from the table header ``t``."""
    h.number = h.number or t.number
    h.number_raw = h.number_raw or t.number_raw
    h.date_match = h.date_match or t.date_match
    h.date_raw = h.date_raw or t.date_raw
    if not h.issuer_lines:
        h.issuer_lines = t.issuer_lines


def number_in(text: str) -> tuple[re.Match[str] | None, DocNumber | None]:
    """The first document number printed in ``text`` (with its match when found in running
    text), else ``text`` read as a number."""
    found = find_numbers(text)
    if found:
        return found[0]
    num = parse_number(text)
    return None, num


class _HeaderScan:
    """One walk over the header parts, filling a :class:`Header`.

    ``state`` is "subject" inside a type name's trích yếu, "vv" inside a "V/v" subject.
    Each rule returns None when the part is not its kind, else the index of the next part
    to read (the same index when the part was rewritten or the state changed) or ``_END``.
    """

    def __init__(self, parts: list[Line], *, table: bool) -> None:
        self.parts = parts
        self.table = table
        self.h = Header()
        self.state = ""
        self.seen_structure = False

    def run(self) -> Header:
        i = 0
        while 0 <= i < len(self.parts):
            i = self._step(i)
        return self.h

    def _step(self, i: int) -> int:
        part = self.parts[i]
        if part.motto_end:
            self.h.motto = self.h.found = True
            self.h.end = max(self.h.end, part.motto_end)
        if not part.text:
            if self.state in ("subject", "vv") and self.h.subject_lines and not self._goes_on(i):
                self.state = ""
            return i + 1
        for rule in (
            self._kinh_gui,
            self._body_begins,
            self._number,
            self._number_label,
            self._date,
            self._kem_theo,
            self._vv,
            self._vv_continued,
            self._appendix,
            self._type_name,
            self._subject_continued,
            self._issuer_line,
            self._authority,
        ):
            nxt = rule(i, part.text)
            if nxt is not None:
                return nxt
        return i + 1 if self.table else _END  # ordinary text: the header block is over

    def _goes_on(self, i: int) -> bool:
        """Whether the trích yếu goes on after the blank part ``i``: OCR leaves blank lines
        inside a wrapped "V/v …" (a lower-case line; in a "V/v", any line not a header part)."""
        nxt = next((p.text for p in self.parts[i + 1 :] if p.text), "")
        if not nxt or len(nxt) >= _SHORT_LINE or (nxt[:1].isupper() and self.state != "vv"):
            return False
        return not (
            is_upper_line(nxt)
            or find_date(nxt, anchored=True)
            or KINH_GUI.match(nxt)
            or BODY_MARKER.match(nxt)
            or has_motto(nxt)
        )

    def _structure(self, i: int, state: str = "") -> int:
        """A part of the header's structure was read at ``i``: go on after it."""
        self.h.found = self.seen_structure = True
        self.h.end = max(self.h.end, self.parts[i].end)
        self.state = state
        return i + 1

    def _kinh_gui(self, i: int, s: str) -> int | None:
        if not KINH_GUI.match(s):
            return None
        found = read_kinh_gui(self.parts, i)
        self.h.recipients = found.items
        self.h.recipients_raw = found.raw
        self.h.end = max(self.h.end, found.end)
        self.h.found = True
        return _END

    def _body_begins(self, i: int, s: str) -> int | None:
        if self.table:
            return None
        if BODY_MARKER.match(s) and not (self.state == "vv" and s[:1].islower()):
            return _END
        long_text = len(s) > _LONG_LINE and self.state != "vv"
        if long_text and not (self.state == "subject" and is_upper_line(s)):
            return _END
        return None

    def _number(self, i: int, s: str) -> int | None:
        m_num = _NUMBER_LINE.match(s)
        if not m_num or not _looks_like_number(m_num.group("rest")):
            return None
        part = self.parts[i]
        raw, num, after = _read_number_line(s, m_num)
        self.h.number_raw = raw
        if self.h.number is None:
            self.h.number = num
        if m_num.group("law"):
            self.h.number_label_type = _law_type(m_num.group("law"))
        if after:  # the other column's text on the same line
            self.parts.insert(i + 1, Line(part.end - len(after), part.end, after))
        return self._structure(i)

    def _number_label(self, i: int, s: str) -> int | None:
        if not _NUMBER_LABEL_ONLY.match(s):
            return None
        self.h.number_raw = s
        return i + 1

    def _date(self, i: int, s: str) -> int | None:
        dm = find_date(s, anchored=True)
        if dm is None:
            return self._split_date_off(i, s)
        if self.h.date_match is None:
            self.h.date_match = dm
            self.h.date_raw = collapse(s)
        return self._structure(i)

    def _split_date_off(self, i: int, s: str) -> int | None:
        """A date at the end of the number's or the issuer's line (flattened columns): the
        line becomes two parts, read again."""
        if self.table or len(s) >= _SHORT_LINE:
            return None
        cand = find_date(s, anchored=False)
        if cand is None or s[cand.end() :].strip(" .)"):
            return None
        before = s[: cand.start()].strip()
        if not before or not is_upper_line(before) or BODY_MARKER.match(before):
            return None
        part = self.parts[i]
        self.parts.insert(i + 1, Line(part.start + cand.start(), part.end, s[cand.start() :]))
        self.parts[i] = Line(part.start, part.start + len(before), before)
        return i

    def _kem_theo(self, i: int, s: str) -> int | None:
        """ "(Kèm theo Quyết định số … ngày … của …)" under an appendix title."""
        if not _KEM_THEO.match(s):
            return None
        chunk = [s]
        j = i + 1
        while ")" not in " ".join(chunk) and j < len(self.parts) and j < i + _KEM_THEO_MAX_LINES:
            if self.parts[j].text:
                chunk.append(self.parts[j].text)
            j += 1
        self.h.kem_theo = collapse(" ".join(chunk))
        self.h.end = max(self.h.end, self.parts[j - 1].end)
        return j

    def _vv(self, i: int, s: str) -> int | None:
        vv = _VV.match(s)
        if not vv or self.table:
            return None
        rest = self._without_date(vv.group("rest"))
        self.h.subject_lines = [rest] if rest else []
        self.h.subject_is_vv = True
        return self._structure(i, "vv")

    def _without_date(self, s: str) -> str:
        """A "V/v" line with the date OCR ran into it ("… cách Hà Nội, ngày 15 tháng 11 năm
        2013 mạng …"): the date is kept as the header's, the line without it."""
        inner = find_date(s, anchored=False)
        # the header's date names its place and spells "tháng"; "ngày 12/6/2021" is cited
        if inner is None or len(s) >= _LONG_LINE or not inner.group("place"):
            return s
        if "tháng" not in inner.group(0).lower():
            return s
        start = inner.start()
        if inner.group("place"):  # the place is the capitalised words before ", ngày"
            words = inner.group("place").split()
            k = next((n for n in range(len(words)) if not words[-n - 1][:1].isupper()), len(words))
            start = inner.start("place") + inner.group("place").rfind(" ".join(words[-k:]))
        date = find_date(s[start : inner.end()], anchored=True) or inner
        if self.h.date_match is None:
            self.h.date_match, self.h.date_raw = date, collapse(date.group(0))
        return collapse(s[:start] + " " + s[inner.end() :])

    def _vv_continued(self, i: int, s: str) -> int | None:
        if self.state != "vv":
            return None
        if is_upper_line(s) or find_date(s, anchored=True):
            self.state = ""
            return i
        self.h.subject_lines.append(self._without_date(s))
        self.h.end = max(self.h.end, self.parts[i].end)
        return i + 1

    def _appendix(self, i: int, s: str) -> int | None:
        """ "PHỤ LỤC": its title follows in capitals, then "(Kèm theo …)"."""
        if not _PHU_LUC.match(s) or self.table or self.h.type_name is not None:
            return None
        return self._structure(i, "subject")

    def _type_name(self, i: int, s: str) -> int | None:
        """ "QUYẾT ĐỊNH", "KẾ HOẠCH Triển khai …": the type name, maybe with the trích yếu."""
        tm = _TYPE_LINE.match(skel(s))
        if not tm or not is_upper_line(s) or s.rstrip().endswith(":") or self.table:
            return None
        if self.h.type_name is not None:
            return None
        self.h.type_name = next(n for k, n in _TYPE_BY_SKEL if k == tm.group("type"))
        self.h.type_raw = s
        rest = s[tm.end() :].strip()
        self.h.subject_lines = [rest] if rest else []
        return self._structure(i, "subject")

    def _subject_continued(self, i: int, s: str) -> int | None:
        """Lines of the trích yếu under the type name, until the authority line ("THỦ TƯỚNG
        CHÍNH PHỦ"), a line of another case, or the end of the header."""
        if self.state != "subject":
            return None
        h = self.h
        if _AUTHORITY_LINE.match(ascii_key(s)) and is_upper_line(s):
            h.authority = s
            h.end = max(h.end, self.parts[i].end)
            self.state = ""
            return i + 1
        tail = _authority_tail(s) if is_upper_line(s) else None
        if tail is not None:  # "… CÁCH MẠNG ỦY BAN NHÂN DÂN TỈNH X": a PDF joined the lines
            part = self.parts[i]
            cut = len(s) - len(tail)
            self.parts[i] = Line(part.start, part.start + len(s[:cut].rstrip()), s[:cut].rstrip())
            self.parts.insert(i + 1, Line(part.end - len(tail), part.end, tail))
            return i
        first_upper = is_upper_line(h.subject_lines[0]) if h.subject_lines else None
        cont = (
            first_upper is None
            or (first_upper and (is_upper_line(s) or s[:1].islower()))
            or (not first_upper and s[:1].islower())
        )
        if cont and len(h.subject_lines) < _SUBJECT_MAX_LINES:
            h.subject_lines.append(s)
            h.end = max(h.end, self.parts[i].end)
            return i + 1
        self.state = ""
        return None if is_upper_line(s) else _END

    def _issuer_line(self, i: int, s: str) -> int | None:
        """A line in capitals before the number, date or type: the issuer (or its parent)."""
        # the right column (motto, date) may come first: issuer lines follow until the number
        after_date = self.h.date_match is not None and self.h.number is None and not self.state
        if not is_upper_line(s) or len(s) > _SHORT_LINE:
            return None
        if self.seen_structure and not (after_date and self.h.type_name is None):
            return None
        if s.strip() != "*":
            self.h.issuer_lines.append(s)
            self.h.found = True
            self.h.end = max(self.h.end, self.parts[i].end)
        return i + 1

    def _authority(self, i: int, s: str) -> int | None:
        """ "CHÍNH PHỦ", "BỘ TRƯỞNG BỘ …" under the type name of a decree or a decision."""
        if not is_upper_line(s) or self.h.type_name is None:
            return None
        if not _AUTHORITY_LINE.match(ascii_key(s)):
            return None
        self.h.authority = s
        self.h.end = max(self.h.end, self.parts[i].end)
        return i + 1


_AUTHORITY_TAIL = re.compile(
    r"(?:UY BAN NHAN DAN|UY BAN THUONG VU QUOC HOI|HOI DONG NHAN DAN|BAN CHAP HANH|"
    r"BAN THUONG VU|THU TUONG CHINH PHU|(?:CHU TICH|BO TRUONG|GIAM DOC|TONG GIAM DOC|"
    r"CUC TRUONG|HIEU TRUONG|TRUONG BAN)\s+\S+)(?:\s+\S+)*$"
)
# A title ending "… VÀ ỦY BAN NHÂN DÂN HUYỆN X" names a body; it is not an authority line.
_BEFORE_NAMED_BODY = frozenset(
    {"VA", "CUA", "VOI", "VE", "CHO", "GIUA", "THUOC", "TAI", "BOI", "DO", "CAC", "CUNG", "TRINH"}
)


def _authority_tail(s: str) -> str | None:
    """The authority line a PDF's text layer ran onto the last line of a trích yếu, if any."""
    key = ascii_key(s)
    words = key.split(" ")
    if len(words) != len(s.split()):
        return None
    for j in range(1, len(words) - 1):
        rest = " ".join(words[j:])
        if _AUTHORITY_TAIL.fullmatch(rest) and words[j - 1] not in _BEFORE_NAMED_BODY:
            return " ".join(s.split()[j:])
    return None


def _read_number_line(s: str, m_num: re.Match[str]) -> tuple[str, DocNumber | None, str]:
    """(the number as printed with its label, the number, the text after it on the line)."""
    rest = m_num.group("rest")
    nm, num = number_in(rest)
    if nm is not None:
        return collapse(s[: m_num.start("rest") + nm.end()]), num, rest[nm.end() :].strip()
    if num is not None:
        idx = rest.find(num.raw)
        raw = collapse(s[: m_num.start("rest") + idx + len(num.raw)])
        return raw, num, rest[idx + len(num.raw) :].strip() if idx >= 0 else ""
    return collapse(s), num, ""


def _looks_like_number(rest: str) -> bool:
    rest = rest.strip()
    if not rest:
        return True
    if rest[0] in "/.…_-" or rest[0].isdigit():
        return True
    return bool(find_numbers(rest[:60]))


def _law_type(label: str) -> str:
    key = ascii_key(label)
    if key == "BO LUAT":
        return "Bộ luật"
    if key == "PHAP LENH":
        return "Pháp lệnh"
    return "Luật"
