"""What is known of a document besides its printed layout: the dataset's "# title:" and
"# source:" lines at the top of the text, and the file name."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from corpus.docnumbers import (
    DOC_TYPES,
    TYPE_NAME_PATTERN,
    DocNumber,
    find_numbers,
    type_code_for_name,
)
from corpus.parsing.casing import cut_issuer
from corpus.parsing.lines import Line
from corpus.parsing.vocabulary import LAW_TYPES
from corpus.text import strip_diacritics

_TITLE_PREFIX = "# title:"
_SOURCE_PREFIX = "# source:"
_TYPE_NAME_RE = re.compile(rf"\b({TYPE_NAME_PATTERN})\b", re.IGNORECASE)
_HINT_TYPE = re.compile(rf"^\s*({TYPE_NAME_PATTERN})\b", re.IGNORECASE)
_HINT_DATE = re.compile(r"\((\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\)")
_HINT_YEAR = re.compile(r"\(((?:19|20)\d\d)\)")


@dataclass(frozen=True)
class DatasetLines:
    title: str | None
    source: str | None
    first: int  # index of the first line of the content


def dataset_lines(lines: list[Line]) -> DatasetLines:
    """The "# title:" / "# source:" lines the corpus samples start with."""
    title = source = None
    i = 0
    while i < len(lines):
        t = lines[i].text
        if t.lower().startswith(_TITLE_PREFIX):
            title = t[len(_TITLE_PREFIX) :].strip() or None
        elif t.lower().startswith(_SOURCE_PREFIX):
            source = t[len(_SOURCE_PREFIX) :].strip() or None
        elif t:
            break
        i += 1
    if title is None and source is None:
        # no dataset lines: keep the leading blank lines in the content
        i = 0
    while i < len(lines) and not lines[i].text:
        i += 1
    return DatasetLines(title, source, i)


@dataclass
class TitleHint:
    """What the dataset's "# title:" line says."""

    text: str
    doc_type: str | None = None
    number: DocNumber | None = None
    date_text: str | None = None
    issue_date: datetime.date | None = None
    year: int | None = None
    date_raw: str | None = None
    issuer: str | None = None
    subject: str | None = None


def parse_title_hint(title: str) -> TitleHint:
    """ "Công văn 5208/BGDĐT-GDPT (05/9/2025) của Bộ GDĐT: hướng dẫn …" read into its fields."""
    out = TitleHint(text=title)
    m = _HINT_TYPE.match(title)
    type_end = 0
    if m:
        code = type_code_for_name(m.group(1))
        if code:
            out.doc_type = DOC_TYPES[code]
            type_end = m.end()
    found = find_numbers(title)
    num_end = type_end
    if found:
        match, number = found[0]
        out.number = number
        num_end = match.end()
    _read_hint_date(title, out)
    _read_hint_subject(title, type_end, num_end, out)
    return out


def _read_hint_date(title: str, out: TitleHint) -> None:
    dm = _HINT_DATE.search(title)
    if dm:
        day, month, year = int(dm.group(1)), int(dm.group(2)), int(dm.group(3))
        try:
            out.issue_date = datetime.date(year, month, day)
            out.date_text = f"{day:02d}/{month:02d}/{year}"
            out.year = year
            out.date_raw = dm.group(0).strip("()")
        except ValueError:
            pass
    if out.year is None:
        ym = _HINT_YEAR.search(title)
        if ym:
            out.year = int(ym.group(1))
            out.date_text = out.date_raw = ym.group(1)


def _read_hint_subject(title: str, type_end: int, num_end: int, out: TitleHint) -> None:
    """The issuer ("của …" before a colon) and the subject (after the colon, or "về …")."""
    rest = title[num_end:]
    colon = rest.find(":")
    before_colon = rest[:colon] if colon >= 0 else rest
    of = re.search(r"\bcủa\s+(.+)$", before_colon)
    if of:
        out.issuer = cut_issuer(of.group(1))
    if colon >= 0 and rest[colon + 1 :].strip():
        out.subject = rest[colon + 1 :].strip()
        return
    about = re.search(r"\svề\s+(.+)$", rest)
    if about:
        out.subject = "về " + about.group(1).strip()
    elif out.doc_type in LAW_TYPES:
        name = re.match(r"^\s*(.+?)\s+số\b", title[type_end:])
        if name:
            out.subject = name.group(1).strip()


def type_from_name(name: str | None) -> str | None:
    """The document type a file name or source names ("quyet-dinh-12.pdf" -> Quyết định)."""
    if not name:
        return None
    last = re.split(r"[\\/:]", name)[-1].strip()
    m = _TYPE_NAME_RE.search(last)
    if m:
        canon = type_code_for_name(m.group(1))
        if canon:
            return DOC_TYPES[canon]
    ascii_name = strip_diacritics(last).lower()
    best: tuple[int, str] | None = None
    for code, type_name in DOC_TYPES.items():
        slug = strip_diacritics(type_name).lower().replace(" ", "-")
        if ascii_name.startswith(slug) and (best is None or len(slug) > best[0]):
            best = (len(slug), DOC_TYPES[code])
    return best[1] if best else None
