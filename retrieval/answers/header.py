"""Questions a document's header or signature answers, and the lines that answer them.

"Ai ký công văn …", "công văn gửi những đơn vị nào", "cơ quan nào ban hành", "ban hành ngày
nào", "về việc gì / trích yếu", "… bằng văn bản nào": the body says none of this, the header
block and the signature do. The lines are the ones the parser read the fields from (the
document's ``raw`` fields, as printed), found again in the document's own text and quoted
whole; a wrapped line of a PDF header ("… Nghị quyết số\\n02-NQ/TW …") is joined back. A field
not found in the header (or, for the signer, the last lines) is not quoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from corpus.models import Document
from retrieval.query import Query

HeaderKind = Literal["signer", "recipients", "issuer", "date", "subject", "which"]

_CUES: tuple[tuple[HeaderKind, re.Pattern[str]], ...] = (
    (
        "signer",
        re.compile(
            r"(?<!\w)(?:ai (?:la nguoi |da )?ky|nguoi ky|do ai ky|ky boi ai|ky ten|chu ky cua ai)"
            r"(?!\w)"
        ),
    ),
    (
        "recipients",
        re.compile(
            r"(?<!\w)(?:gui (?:cho |den |toi )?(?:ai|nhung ai|dau|(?:nhung |cac )?(?:don vi|co quan"
            r"|noi|truong|phong) nao|nhung (?:don vi|co quan|noi))|kinh gui|noi nhan)(?!\w)"
        ),
    ),
    (
        "issuer",
        re.compile(
            r"(?<!\w)(?:(?:co quan|don vi|cap) nao (?:ban hanh|ra)|ai ban hanh|do ai ban hanh|"
            r"(?:co quan|don vi) ban hanh|ban hanh boi (?:ai|co quan nao))(?!\w)"
        ),
    ),
    (
        "date",
        re.compile(
            r"(?<!\w)(?:ban hanh (?:vao )?(?:ngay|hom|thang|nam|khi|luc) nao|ngay ban hanh|"
            r"ky (?:vao |tu )?(?:ngay|hom) nao|ngay ky|ban hanh bao gio|ky bao gio)(?!\w)"
        ),
    ),
    (
        "subject",
        re.compile(
            r"(?<!\w)(?:ve viec gi|trich yeu|v/v|noi ve (?:van de|viec) gi|ve van de gi)(?!\w)"
        ),
    ),
    ("which", re.compile(r"(?<!\w)(?:bang|la|qua) (?:van ban|cong van|ke hoach) nao(?!\w)")),
)
_FIELDS: dict[HeaderKind, tuple[str, ...]] = {
    "signer": ("parent_issuer", "issuer"),
    "recipients": ("recipients",),
    "issuer": ("parent_issuer", "issuer", "number"),
    "date": ("date", "number"),
    "subject": ("number", "subject"),
    "which": ("number", "subject"),
}
# What a phone says is missing when the stored text has no such header line.
HEADER_PARTS: dict[HeaderKind, str] = {
    "signer": "phần chữ ký (người ký)",
    "recipients": "phần nơi nhận / kính gửi",
    "issuer": "phần tên cơ quan ban hành",
    "date": "dòng ngày tháng ban hành",
    "subject": "dòng trích yếu",
}
_SIGNATURE_CHARS = 800  # where the signer is looked for: the end of the text
_JOINED = frozenset({"subject", "number", "date"})  # wrapped lines read as one


def header_kind(query: Query) -> HeaderKind | None:
    """What of the header the question asks for, if anything (with or without diacritics)."""
    for kind, cue in _CUES:
        if cue.search(query.bare):
            return kind
    return None


def header_lines(doc: Document, kind: HeaderKind, body_start: int) -> list[str]:
    """The verbatim header (and signature) lines of ``doc`` that answer a ``kind`` question;
    ``body_start``: where the body starts (the header is the text before it). Lines that
    stand together in the header ("UBND TỈNH LONG AN\nSỞ GIÁO DỤC VÀ ĐÀO TẠO") stay one
    block."""
    out: list[str] = []
    if kind == "signer":
        signer = _signature(doc)
        if not signer:
            return []
        out.append(signer)
    raw = doc.raw if isinstance(doc.raw, dict) else {}
    blocks: list[tuple[int, int, bool]] = []
    for name in _FIELDS[kind]:
        value = raw.get(name)
        span = _span(doc.text, value, body_start) if isinstance(value, str) else None
        if span is None:
            continue
        joined = name in _JOINED
        if (
            blocks
            and not joined
            and not blocks[-1][2]
            and not doc.text[blocks[-1][1] : span[0]].strip()
        ):
            blocks[-1] = (blocks[-1][0], span[1], False)
        else:
            blocks.append((*span, joined))
    out += [_lines(doc.text[a:b], joined=j) for a, b, j in blocks]
    return list(dict.fromkeys(line for line in out if line))


def _pattern(value: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(w) for w in value.split()))


def _span(text: str, value: str, hi: int) -> tuple[int, int] | None:
    """The whole lines of ``text[:hi]`` that hold ``value`` (white space aside), not on a "#"
    note line; None when absent."""
    if not value.strip():
        return None
    for m in _pattern(value).finditer(text, 0, hi):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        if not text.startswith("#", start):
            return start, len(text) if end < 0 else end
    return None


def _lines(block: str, *, joined: bool) -> str:
    """``block`` without blank lines; wrapped lines joined with a space when ``joined``."""
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    return " ".join(lines) if joined else "\n".join(lines)


def _signature(doc: Document) -> str:
    """The signer's lines at the end: rank and title ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") and
    name, as printed; "" when the name is not printed there."""
    raw = doc.raw if isinstance(doc.raw, dict) else {}
    name = raw.get("signer") or doc.signer
    if not isinstance(name, str) or not name.strip():
        return ""
    text = doc.text
    lo = max(0, len(text) - _SIGNATURE_CHARS)
    found = list(_pattern(name).finditer(text, lo))
    if not found:
        return ""
    name_end = found[-1].end()
    title = raw.get("signer_title") or doc.signer_title or ""
    start = found[-1].start()
    for part in _title_parts(title):
        at = [m for m in _pattern(part).finditer(text, max(lo, start - 300), start)]
        if at:
            start = min(start, at[-1].start())
    start = text.rfind("\n", 0, start) + 1
    end = text.find("\n", name_end)
    return _lines(text[start : len(text) if end < 0 else end], joined=False)


def _title_parts(title: str) -> Sequence[str]:
    """The printed title's lines ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" -> both)."""
    return [p.strip() for p in title.split(" / ") if p.strip()]
