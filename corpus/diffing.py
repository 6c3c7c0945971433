"""What changed between two versions of a document, in words people read.

Changed parsed fields ("số/ký hiệu: 12/SGD → 13/SGD"), then changed lines of the text:
those carrying a deadline or a duty first ("nộp báo cáo trước ngày: 30/10 → 05/11"), then
the others. Lines are compared with :mod:`difflib`; within a changed line, only the changed
words are shown, after the few words that lead to them.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from corpus.models import Document

FIELD_LABELS: dict[str, str] = {
    "doc_type": "loại",
    "number": "số/ký hiệu",
    "issuer": "cơ quan ban hành",
    "parent_issuer": "cơ quan chủ quản",
    "date_text": "ngày",
    "subject": "trích yếu",
    "signer": "người ký",
    "signer_title": "chức vụ người ký",
    "title": "tiêu đề",
}
"""The parsed fields every kept version records, with their Vietnamese names."""

Kind = Literal["deadline", "duty", "other"]
KIND_ORDER: dict[Kind, int] = {"deadline": 0, "duty": 1, "other": 2}
CONTEXT_WORDS = 4
MAX_SHOWN_CHARS = 120

_TOKEN = re.compile(r"\w+|[^\w\s]+")
_DATE = re.compile(r"(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?(?!\d)")
# On lower-case NFC text (stored texts are NFC, see corpus.text.clean_text): matching on the
# diacritic-free form instead costs more than the line diff itself on long documents.
_DEADLINE = re.compile(
    r"(?<!\w)(?:hạn|trước ngày|chậm nhất|thời hạn|đến hết ngày|ngày \d{1,2} tháng \d{1,2})(?!\w)"
)
_DUTY = re.compile(
    r"(?<!\w)(?:trách nhiệm|nhiệm vụ|đề nghị|yêu cầu|phải|giao|nộp|báo cáo|chủ trì|phối hợp|"
    r"tổ chức|triển khai|thực hiện|gửi)(?!\w)"
)


def fields_of(doc: Document) -> dict[str, Any]:
    """The recorded fields of a stored (current) document."""
    return {name: getattr(doc, name) for name in FIELD_LABELS}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str | None
    after: str | None

    def summary(self) -> str:
        return f"{self.label}: {self.before or '(trống)'} → {self.after or '(trống)'}"


@dataclass(frozen=True)
class LineChange:
    """One changed line: ``before`` None for an added line, ``after`` None for a removed one."""

    kind: Kind
    before: str | None
    after: str | None

    def summary(self) -> str:
        if self.before is None:
            return f"thêm: {_cut(self.after or '')}"
        if self.after is None:
            return f"bỏ: {_cut(self.before)}"
        return changed_words(self.before, self.after)


@dataclass(frozen=True)
class VersionDiff:
    fields: list[FieldChange]
    lines: list[LineChange]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.lines

    def summary(self, limit: int = 5) -> list[str]:
        """The changes worth a notification: deadlines and duties, then fields, then the rest."""
        ordered: Iterator[FieldChange | LineChange] = itertools.chain(
            (c for c in self.lines if c.kind != "other"), self.fields,
            (c for c in self.lines if c.kind == "other"),
        )
        items: dict[str, None] = {}
        for change in ordered:
            if len(items) >= limit:
                break
            items.setdefault(change.summary())
        return list(items)


def diff_versions(
    old_text: str, new_text: str,
    old_fields: dict[str, Any] | None = None, new_fields: dict[str, Any] | None = None,
) -> VersionDiff:
    fields = _field_changes(old_fields or {}, new_fields or {})
    lines = _line_changes(_lines(old_text), _lines(new_text))
    lines.sort(key=lambda c: KIND_ORDER[c.kind])  # stable: reading order within a kind
    return VersionDiff(fields, lines)


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    changes = []
    for name, label in FIELD_LABELS.items():
        before, after = _shown(old.get(name)), _shown(new.get(name))
        if before != after:
            changes.append(FieldChange(name, label, before, after))
    return changes


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _line_changes(a: list[str], b: list[str]) -> list[LineChange]:
    changes: list[LineChange] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = a[i1:i2], b[j1:j2]
        for k in range(max(len(old), len(new))):
            before = old[k] if k < len(old) else None
            after = new[k] if k < len(new) else None
            changes.append(LineChange(kind_of(before, after), before, after))
    return changes


def kind_of(*lines: str | None) -> Kind:
    """``deadline`` when a line names a date or a time limit, ``duty`` when it assigns work."""
    text = " ".join(line.lower() for line in lines if line)
    if _DEADLINE.search(text) or _DATE.search(text):
        return "deadline"
    if _DUTY.search(text):
        return "duty"
    return "other"


def changed_words(before: str, after: str) -> str:
    """"nộp báo cáo trước ngày: 30/10 → 05/11": the words leading to the change, then the
    changed words of each side ("thêm …" / "bỏ …" when one side has none)."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    sa, sb = list(_TOKEN.finditer(before)), list(_TOKEN.finditer(after))
    ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    if not ops:
        return _cut(after)
    i1, i2, j1, j2 = ops[0][1], ops[-1][2], ops[0][3], ops[-1][4]
    old = _cut(before[sa[i1].start():sa[i2 - 1].end()]) if i2 > i1 else ""
    new = _cut(after[sb[j1].start():sb[j2 - 1].end()]) if j2 > j1 else ""
    first = i1
    words = 0
    while first > 0 and words < CONTEXT_WORDS:
        first -= 1
        words += sa[first].group().isalnum() or sa[first].group()[0].isalnum()
    end = sa[i1].start() if i1 < len(sa) else len(before)
    lead = before[sa[first].start():end].strip().rstrip(":,;.").strip() if i1 else ""
    change = f"{old} → {new}" if old and new else (f"thêm “{new}”" if new else f"bỏ “{old}”")
    return f"{lead}: {change}" if lead else change


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"
