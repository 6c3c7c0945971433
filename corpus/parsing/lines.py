"""Lines of a document as the parser sees them: offsets, matching forms, header parts.

Header columns flattened by .docx/.pdf converters come as markdown table cells, runs of
separators ("_____") and the national motto glued to other text; :func:`expand_line` splits
them into parts that each say one thing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from corpus.text import strip_diacritics

SEPARATOR_LINE = re.compile(r"^[\s_\-–—=*.…~•]*$")
_SEPARATOR_RUN = re.compile(r"\s*(?:_{3,}|-{3,}|–{2,}|={3,})\s*")
_MOTTO = re.compile(
    r"CONG HOA XA HOI CHU NGHIA VIET NAM|DOC LAP\s*[-–]\s*TU DO\s*[-–]\s*HANH PHUC|"
    r"DANG CONG SAN VIET NAM"
)
# First lines of the body: the header block is over.
BODY_MARKER = re.compile(
    r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|Theo đề xuất|Triển khai|Thi hành|"
    r"Điều\s+\d|Chương\s+[IVXLC\d]|CHƯƠNG\s+[IVXLC\d]|Phần\s+(?:thứ|[IVX\d])|PHẦN\s+[IVX\d]|"
    r"Mục\s+\d|[IVX]+\s*[.\-–]\s|\d+(?:\.\d+)*\.\s|[A-Z]\.\s|QUYẾT ĐỊNH\s*:|"
    r"Nơi nhận|\[\d+\])"
)


def skel(text: str) -> str:
    """Length-preserving matching form: no diacritics, đ -> D, upper case."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("D")
            continue
        base = unicodedata.normalize("NFD", ch)[:1] or ch
        up = base.upper()
        out.append(up if len(up) == 1 else base)
    return "".join(out)


def ascii_key(text: str) -> str:
    """Comparison key: no diacritics, upper case, single spaces."""
    return " ".join(strip_diacritics(text).upper().split())


def is_upper_line(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Line:
    start: int
    end: int
    text: str  # stripped
    motto_end: int = 0  # end of the line the national motto / Party name was cut out of


def split_lines(text: str, start: int, stop: int) -> list[Line]:
    """The lines of ``text[start:stop]``, stripped, with their offsets in ``text``."""
    out: list[Line] = []
    pos = start
    while pos < stop:
        nl = text.find("\n", pos, stop)
        end = stop if nl < 0 else nl
        raw = text[pos:end]
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        out.append(Line(pos + lead, pos + lead + len(stripped), stripped))
        if nl < 0:
            break
        pos = nl + 1
    return out


def expand_line(line: Line) -> list[Line]:
    """Split a header line into parts: markdown table cells, separator runs and the motto."""
    out: list[Line] = []
    for offset, piece in _table_cells(line):
        for sub_off, sub in _split_on(piece, _SEPARATOR_RUN):
            for sub2_off, sub2 in _split_spans(sub, motto_spans(sub)):
                if not SEPARATOR_LINE.match(sub2):
                    start = offset + sub_off + sub2_off
                    out.append(Line(start, start + len(sub2), sub2))
    return out


def _table_cells(line: Line) -> list[tuple[int, str]]:
    """The cells of a markdown table row with their offsets, or the whole line."""
    if not (line.text.startswith("|") and line.text.count("|") >= 2):
        return [(line.start, line.text)]
    pieces: list[tuple[int, str]] = []
    pos = 0
    for cell in line.text.split("|"):
        if cell.strip() and not SEPARATOR_LINE.match(cell):
            lead = len(cell) - len(cell.lstrip())
            pieces.append((line.start + pos + lead, cell.strip()))
        pos += len(cell) + 1
    return pieces


def _split_on(text: str, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    return _split_spans(text, [m.span() for m in pattern.finditer(text)])


def _split_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for start, end in spans:
        out.append((pos, text[pos:start]))
        pos = end
    out.append((pos, text[pos:]))
    result = []
    for off, piece in out:
        lead = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        if stripped:
            result.append((off + lead, stripped))
    return result


def motto_spans(text: str) -> list[tuple[int, int]]:
    """The national motto / Party name printed in a header line (in capitals, except the
    "Độc lập - Tự do - Hạnh phúc" line, which is distinctive in any case)."""
    spans = []
    for m in _MOTTO.finditer(skel(text)):
        if m.group(0).startswith("DOC LAP") or is_upper_line(text[m.start() : m.end()]):
            spans.append(m.span())
    return spans


def has_motto(text: str) -> bool:
    return bool(motto_spans(text))


def join_wrapped_motto(lines: list[Line]) -> list[Line]:
    """The motto wrapped in a narrow header cell ("CỘNG HÒA XÃ HỘI CHỦ" / "NGHĨA VIỆT NAM",
    as a PDF's text layer gives it) joined back into one line, offsets kept."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and line.text and nxt.text and not has_motto(line.text):
            gap = max(1, nxt.start - line.end)
            joined = line.text + " " * gap + nxt.text
            if not has_motto(nxt.text) and has_motto(joined):
                out.append(Line(line.start, nxt.end, joined))
                i += 2
                continue
        out.append(line)
        i += 1
    return out
