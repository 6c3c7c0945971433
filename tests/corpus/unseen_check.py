"""Field-by-field comparison of parsed metadata with the hand-written expected fields of the
unseen documents (tests/corpus/unseen/expected.json), shared by the accuracy test and
``bench/metadata_accuracy.py``.

Comparison is exact after normalising what is spelling convention, not content: whitespace,
dashes, the old/new tone placement ("Uỷ"/"Ủy"), the case of the administrative-unit word
("Thành phố Hồ Chí Minh"/"thành phố …"). The trích yếu is compared case-insensitively (a
title printed in capitals cannot tell which words were capitalised) without "V/v" and the
final full stop.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.parsing import ParsedDocument

UNSEEN = Path(__file__).with_name("unseen")
FIELDS = ("doc_type", "number", "issuer", "parent_issuer", "date", "subject", "signer")
_UNITS = re.compile(r"\b(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường)\b")


def expected() -> dict[str, dict[str, str | None]]:
    data: dict[str, dict[str, str | None]] = json.loads(
        (UNSEEN / "expected.json").read_text(encoding="utf-8")
    )
    data.pop("_comment", None)
    return data


def _norm(value: str | None) -> str | None:
    if value is None:
        return None
    value = re.sub(r"\s*[–—-]\s*", " - ", value)
    value = re.sub(r"\s+", " ", value).strip(" .;")
    value = value.replace("Uỷ", "Ủy").replace("uỷ", "ủy")
    return _UNITS.sub(lambda m: m.group(1).lower(), value)


def _subject(value: str | None) -> str | None:
    value = _norm(value)
    if value is None:
        return None
    return re.sub(r"^v/v\s*:?\s*", "", value.casefold())


def got(doc: ParsedDocument, name: str) -> str | None:
    """The parsed value of field ``name`` in the form of expected.json."""
    if name == "number":
        return "".join(doc.number.raw.split()) if doc.number is not None else None
    if name == "date":
        return doc.issue_date.strftime("%d/%m/%Y") if doc.issue_date else None
    value: str | None = getattr(doc, name)
    return value


def matches(name: str, want: str | None, have: str | None) -> bool:
    if name == "subject":
        return _subject(want) == _subject(have)
    if name == "date" and want and have:
        parse = datetime.datetime.strptime
        return parse(want, "%d/%m/%Y").date() == parse(have, "%d/%m/%Y").date()
    return _norm(want) == _norm(have)


@dataclass
class Tally:
    right: dict[str, int]
    total: dict[str, int]
    misses: list[str]

    @classmethod
    def empty(cls) -> Tally:
        return cls({f: 0 for f in FIELDS}, {f: 0 for f in FIELDS}, [])

    def add(self, label: str, doc: ParsedDocument, fields: dict[str, str | None]) -> None:
        for name in FIELDS:
            want, have = fields.get(name), got(doc, name)
            self.total[name] += 1
            if matches(name, want, have):
                self.right[name] += 1
            else:
                self.misses.append(f"{label}: {name} = {have!r}, expected {want!r}")

    def accuracy(self, name: str | None = None) -> float:
        names = [name] if name else list(FIELDS)
        total = sum(self.total[n] for n in names)
        return sum(self.right[n] for n in names) / total if total else 0.0
