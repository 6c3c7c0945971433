"""Who issued a document (cơ quan ban hành) and the body above it (cơ quan chủ quản).

In order: the issuer lines of the header, the "của …" of the trích yếu, the authority line
("THỦ TƯỚNG CHÍNH PHỦ"), the "(Kèm theo … của …)" line, the dataset's title, the ký hiệu
("…/NĐ-CP" -> Chính phủ), the type (a law -> Quốc hội), "… ban hành Quy định …" in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.docnumbers import TYPE_NAME_PATTERN, DocNumber
from corpus.parsing.casing import cut_issuer, readable_org
from corpus.parsing.header import Header
from corpus.parsing.hints import TitleHint
from corpus.parsing.lines import Line, ascii_key, collapse
from corpus.parsing.vocabulary import (
    ALIASES,
    KNOWN_NAMES,
    LAW_TYPES,
    ORG_HEADS,
    PARTY_CENTRAL_DEFAULT,
    PARTY_CENTRAL_ISSUERS,
    SYMBOL_ISSUERS,
)

_ISSUED_BY = re.compile(
    rf"^(?P<who>[^\n.;:]{{3,90}}?)\s+ban\s+hành\s+(?:{TYPE_NAME_PATTERN})\b", re.IGNORECASE
)
_ISSUED_BY_MAX_LINES = 60
_RANK_BEFORE_BODY = re.compile(
    r"^(?:Bộ trưởng|Chủ tịch|Giám đốc|Thủ trưởng|Tổng Giám đốc)\s+(?=[A-ZĐƯ])"
)
_AUTHORITY_RANKS = frozenset(
    {
        "TONG GIAM DOC",
        "BO TRUONG",
        "CHU TICH",
        "GIAM DOC",
        "CUC TRUONG",
        "HIEU TRUONG",
        "TRUONG BAN",
    }
)


@dataclass(frozen=True)
class Issuer:
    issuer: str | None
    parent: str | None
    raw: dict[str, str] = field(default_factory=dict)  # "issuer", "parent_issuer" as printed


def resolve_issuer(
    h: Header,
    hint: TitleHint,
    number: DocNumber | None,
    doc_type: str,
    issuer_in_subject: str | None,
    lines: list[Line],
) -> Issuer:
    """The issuer and its parent body, from the first source that names them."""
    issuer, parent, raw = _printed_issuer(h)
    if issuer_in_subject:
        if issuer and issuer != issuer_in_subject and parent is None:
            parent = issuer
        issuer = issuer_in_subject
    if issuer is None and h.authority:
        issuer = authority_org(h.authority)
        raw["issuer"] = h.authority
    if issuer is None and h.kem_theo:
        m = re.search(r"\bcủa\s+(.+)$", h.kem_theo)
        if m:
            issuer = cut_issuer(m.group(1))
    if issuer is None and hint.issuer:
        issuer = hint.issuer
    context = " ".join([*(h.issuer_lines or []), *(h.subject_lines or []), hint.text])
    if issuer is None:
        issuer = symbol_issuer(number, context)
    if issuer is None and doc_type in LAW_TYPES:
        issuer = "Quốc hội"
    if issuer is None:
        issuer = issued_by(lines)
    return Issuer(issuer, parent, raw)


def _printed_issuer(h: Header) -> tuple[str | None, str | None, dict[str, str]]:
    """(issuer, parent, raw) from the issuer lines of the header."""
    raw: dict[str, str] = {}
    if not h.issuer_lines:
        return None, None, raw
    printed = group_issuer_lines(h.issuer_lines)
    raw["issuer"] = printed[-1]
    issuer = readable_org(printed[-1])
    parent: str | None = None
    if len(printed) > 1:  # the body right above the issuer (a third line is its parent)
        raw["parent_issuer"] = printed[-2]
        parent = readable_org(printed[-2])
    return issuer, parent, raw


def group_issuer_lines(lines: list[str]) -> list[str]:
    """Join issuer lines broken inside one name ("SỞ GIÁO DỤC VÀ" / "ĐÀO TẠO",
    "ỦY BAN NHÂN DÂN" / "TỈNH LONG AN"); separate names stay apart (chủ quản / ban hành)."""
    out: list[str] = []
    for line in lines:
        line = collapse(line.strip(" *"))
        if not line:
            continue
        key = ascii_key(line).lower()
        continues = re.search(r"(?:\bVÀ|\bVỀ|,|-|–)$", out[-1]) if out else None
        starts_name = any(key == h or key.startswith(h + " ") for h in ORG_HEADS)
        if out and (continues or not starts_name):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out or [""]


def authority_org(printed: str) -> str:
    """The body an authority line names: "BỘ TRƯỞNG BỘ NỘI VỤ" -> "Bộ Nội vụ"."""
    key = ascii_key(printed)
    if key in KNOWN_NAMES:
        return KNOWN_NAMES[key]
    words = collapse(printed).split(" ")
    for n in (3, 2):
        if ascii_key(" ".join(words[:n])) in _AUTHORITY_RANKS:
            return readable_org(" ".join(words[n:]))
    return readable_org(printed)


def symbol_issuer(number: DocNumber | None, context: str) -> str | None:
    """The issuer a part of the ký hiệu implies ("NĐ-CP" -> Chính phủ; Party "…/TW" -> the
    central body ``context`` names)."""
    if number is None or not number.symbol:
        return None
    parts = [p for p in re.split(r"[-/]", number.symbol) if p]
    keys = [re.sub(r"\d+$", "", ascii_key(p)) for p in parts]
    for key in keys:
        if key == "TW":
            for name in PARTY_CENTRAL_ISSUERS:
                if name.lower() in context.lower():
                    return name
            return PARTY_CENTRAL_DEFAULT
        if key in SYMBOL_ISSUERS:
            return SYMBOL_ISSUERS[key]
    return None


def issued_by(lines: list[Line]) -> str | None:
    """ "Bộ trưởng Bộ Nội vụ ban hành Thông tư …" -> "Bộ Nội vụ"."""
    for line in lines[:_ISSUED_BY_MAX_LINES]:
        m = _ISSUED_BY.match(line.text)
        if m:
            who = _RANK_BEFORE_BODY.sub("", m.group("who").strip())
            if who[:1].isupper() and len(who) <= 80:
                return ALIASES.get(who, who)
    return None
