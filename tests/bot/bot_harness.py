"""Helpers shared by the bot tests and bench/bot_latency.py."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from html.parser import HTMLParser
from typing import TypeVar

T = TypeVar("T")


def run(coro: Awaitable[T], timeout: float = 45) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "tg-spoiler", "span", "tg-emoji",
}


class TelegramHTML(HTMLParser):
    """Checks what Telegram's HTML parser would: known tags only, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f"unsupported <{tag}>")
        if tag == "blockquote" and "blockquote" in self.stack:
            self.errors.append("nested blockquote")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> with open {self.stack}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_telegram_html(text: str) -> str:
    assert len(text) <= 4096 and len(text.encode("utf-16-le")) // 2 <= 4096
    assert re.search(r"&(?!(amp|lt|gt|quot|#\d+);)", text) is None, "bare ampersand"
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    assert not parser.errors, parser.errors
    assert not parser.stack, f"unclosed {parser.stack}"
    return "".join(parser.text)
