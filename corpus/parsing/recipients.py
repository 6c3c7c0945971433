"""Recipient lists: "Kính gửi: …" under the header, "Nơi nhận: …" at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.parsing.lines import BODY_MARKER, Line, expand_line, is_upper_line

KINH_GUI = re.compile(r"^Kính\s+gửi\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
NOI_NHAN = re.compile(r"^Nơi\s+nhận\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
ITEM_THEN_TITLE = re.compile(r"^([-+•–]\s.*?[;.])\s+(\S.*)$")
_BULLET = re.compile(r"^[-+•–*]\s*")
_INLINE_BULLETS = re.compile(r"(?:^|\s)[-+•–]\s+")
_ITEM_MAX_CHARS = 200


@dataclass(frozen=True)
class RecipientList:
    items: list[str]
    raw: str
    end: int  # end offset of the list's last line
    next_index: int  # the first part after the list


def clean_item(item: str) -> str:
    item = _BULLET.sub("", item.strip())
    return item.rstrip(" ;.,").strip()


def split_items(text: str) -> list[str]:
    """Items of a list printed on one line ("- A; - B")."""
    parts = _INLINE_BULLETS.split(text)
    return [c for c in (clean_item(p) for p in parts) if c]


def read_kinh_gui(parts: list[Line], i: int) -> RecipientList:
    """The "Kính gửi" list starting at ``parts[i]``: the rest of its line, then bullets, or
    one unbulleted line, or lines ending in ";"."""
    first = parts[i]
    m = KINH_GUI.match(first.text)
    rest = m.group("rest").strip() if m else ""
    items: list[str] = []
    raw = [first.text]
    end = first.end
    if rest:
        items.extend(split_items(rest) if _INLINE_BULLETS.search(rest) else [clean_item(rest)])
    j = i + 1
    while j < len(parts):
        s = parts[j].text
        if not s:
            if not items:
                j += 1
                continue
            # a blank line ends the list unless another bullet follows
            k = _next_filled(parts, j + 1)
            if k < len(parts) and _BULLET.match(parts[k].text) and not rest:
                j = k
                continue
            break
        kind = _item_kind(s, items, raw, rest)
        if kind is None:
            break
        items.append(clean_item(s))
        raw.append(s)
        end = parts[j].end
        j += 1
        if kind == "single" and s.rstrip().endswith((".", ":")):
            break
    return RecipientList([x for x in items if x], "\n".join(raw), end, j)


def _next_filled(parts: list[Line], k: int) -> int:
    while k < len(parts) and not parts[k].text:
        k += 1
    return k


def _item_kind(s: str, items: list[str], raw: list[str], rest: str) -> str | None:
    """How line ``s`` continues a "Kính gửi" list: "bullet", "single" (the one unbulleted
    recipient under the label), "continued" (after a line ending in ";"), or None."""
    if _BULLET.match(s):
        return "bullet"
    if len(s) > _ITEM_MAX_CHARS or BODY_MARKER.match(s):
        return None
    if not items and not rest:
        return "single"
    if items and raw[-1].rstrip().endswith(";"):
        return "continued"
    return None


def read_noi_nhan(tail: list[Line]) -> tuple[list[str], str | None]:
    """The last "Nơi nhận" list in the tail lines: (items, the lines as printed)."""
    entries: list[str] = []
    for line in tail:
        if line.text.startswith("|"):
            entries.extend(p.text for p in expand_line(line))
        else:
            entries.append(line.text)
    start = next((i for i in range(len(entries) - 1, -1, -1) if NOI_NHAN.match(entries[i])), None)
    if start is None:
        return [], None
    m = NOI_NHAN.match(entries[start])
    rest = m.group("rest").strip() if m else ""
    items: list[str] = split_items(rest) if rest and not is_upper_line(rest) else []
    raw = [entries[start]]
    for s in entries[start + 1 :]:
        if not s:
            continue
        if not _BULLET.match(s):
            break
        # the signer's column on the same line ("- Như trên; KT. GIÁM ĐỐC") is not an item
        merged = ITEM_THEN_TITLE.match(s)
        item = merged.group(1) if merged and is_upper_line(merged.group(2)) else s
        items.append(clean_item(item))
        raw.append(s)
    return [x for x in items if x], "\n".join(raw)
