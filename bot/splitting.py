"""Packing HTML blocks into Telegram messages of at most 4096 characters, tags balanced.

Lengths are counted in UTF-16 code units over the raw HTML (tags and entities included),
which is never less than what Telegram counts, so every message fits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")
_VISIBLE_TAGS = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Block:
    """A self-contained HTML fragment (balanced tags) that should stay in one message.

    ``lead`` is repeated above the block when it has to open a new message, e.g. the
    citation of the document a quote belongs to.
    """

    html: str
    lead: str = ""


def pack(
    blocks: Sequence[Block | str], limit: int = TELEGRAM_LIMIT, sep: str = "\n\n"
) -> list[str]:
    """Greedy packing of whole blocks; a block too long on its own is split inside."""
    messages: list[str] = []
    current = ""
    for raw in blocks:
        block = raw if isinstance(raw, Block) else Block(raw)
        if not block.html.strip():
            continue
        candidate = f"{current}{sep}{block.html}" if current else block.html
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        opener = f"{block.lead}\n{block.html}" if block.lead else block.html
        if utf16_len(opener) > limit:
            opener = block.html
        parts = split_html(opener, limit)
        messages.extend(parts[:-1])
        current = parts[-1] if parts else ""
    if current:
        messages.append(current)
    return messages


def visible_text(html_text: str) -> str:
    """The text a reader sees (tags removed, entities left as they are)."""
    return _VISIBLE_TAGS.sub("", html_text)


def split_html(html_text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split one HTML fragment into pieces <= ``limit``, closing and reopening open tags.

    Cuts prefer a line break, then a space; never inside a tag or an ``&…;`` entity.
    """
    if utf16_len(html_text) <= limit:
        return [html_text]
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag as written)
    current = ""

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    def reopening() -> str:
        return "".join(tag for _, tag in stack)

    def flush() -> None:
        nonlocal current
        if visible_text(current).strip():
            pieces.append(current + closing())
        current = reopening()

    for token in _TOKEN.findall(html_text):
        if token.startswith("<"):
            match = _TAG.match(token)
            name = match.group(2).lower() if match else ""
            is_close = bool(match and match.group(1))
            if is_close:
                future = list(stack)
                if future and future[-1][0] == name:
                    future.pop()
                tail = "".join(f"</{n}>" for n, _ in reversed(future))
                if utf16_len(current + token + tail) > limit:
                    flush()
                current += token
                if stack and stack[-1][0] == name:
                    stack.pop()
            else:
                tail = closing() + f"</{name}>"
                if utf16_len(current + token + tail) > limit:
                    flush()
                current += token
                stack.append((name, token))
            continue
        text = token
        while text:
            room = limit - utf16_len(current) - utf16_len(closing())
            if utf16_len(text) <= room:
                current += text
                break
            cut = _cut_point(text, room)
            if cut <= 0:
                if visible_text(current).strip():
                    flush()
                    continue
                cut = _hard_cut(text, max(room, 1))
            current += text[:cut].rstrip()
            flush()
            text = text[cut:].lstrip()
    if visible_text(current).strip():
        pieces.append(current + closing())
    return pieces


def _fit(text: str, room: int) -> int:
    """Largest k with utf16_len(text[:k]) <= room."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            return i
    return len(text)


def _cut_point(text: str, room: int) -> int:
    k = _fit(text, room)
    window = text[:k]
    for sep in ("\n", " "):
        at = window.rfind(sep)
        if at > 0 and at >= k // 3:
            return _outside_entity(text, at + 1)
    at = window.rfind(" ")
    return _outside_entity(text, at + 1) if at > 0 else 0


def _hard_cut(text: str, room: int) -> int:
    k = max(_fit(text, room), 1)
    return _outside_entity(text, k) or k


def _outside_entity(text: str, k: int) -> int:
    amp = text.rfind("&", 0, k)
    if amp != -1 and ";" not in text[amp:k]:
        end = text.find(";", amp)
        if end != -1 and end >= k:
            return amp
    return k
