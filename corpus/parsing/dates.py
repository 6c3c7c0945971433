"""The place and date line: "Hà Nội, ngày 05 tháng 9 năm 2025" (or "ngày 05/9/2025")."""

from __future__ import annotations

import datetime
import re

_DATE = re.compile(
    r"(?:(?P<place>[^\W\d_][^,\n]{0,60}?)\s*,\s*)?ngày\s*(?P<d>\d{1,2})?[\s.…_]*"
    r"tháng\s*(?P<m>\d{1,2})?[\s.…_]*năm\s*(?P<y>(?:19|20)\d\d)",
    re.IGNORECASE,
)
_DATE_SLASH = re.compile(
    r"(?:(?P<place>[^\W\d_][^,\n]{0,60}?)\s*,\s*)?ngày\s*(?P<d>\d{1,2})\s*[/.\-]\s*"
    r"(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>(?:19|20)\d\d)",
    re.IGNORECASE,
)


def date_parts(m: re.Match[str]) -> tuple[str, datetime.date | None, int]:
    """(printed date "05/09/2025", "09/2025" or "2025"; the date when complete; the year)."""
    day = int(m.group("d")) if m.group("d") else None
    month = int(m.group("m")) if m.group("m") else None
    year = int(m.group("y"))
    if month is not None and not 1 <= month <= 12:
        month, day = None, None
    if day is not None and not 1 <= day <= 31:
        day = None
    issue: datetime.date | None = None
    if day is not None and month is not None:
        try:
            issue = datetime.date(year, month, day)
        except ValueError:
            issue = None
    if issue is not None:
        return f"{day:02d}/{month:02d}/{year}", issue, year
    if month is not None:
        return f"{month:02d}/{year}", None, year
    return str(year), None, year


def find_date(line: str, *, anchored: bool) -> re.Match[str] | None:
    """A date in ``line``; ``anchored``: the line is the place-and-date line and nothing else."""
    for pattern in (_DATE, _DATE_SLASH):
        m = pattern.search(line)
        if m is None:
            continue
        if anchored:
            if line[: m.start()].strip(" ,(") or line[m.end() :].strip(" .)"):
                continue
            place = m.group("place")
            if place and not place.strip()[:1].isupper():
                continue
        return m
    return None
