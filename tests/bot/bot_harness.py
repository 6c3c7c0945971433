"""Helpers shared by the bot tests and bench/bot_latency.py."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr

from corpus.store import CorpusStore
from retrieval.service import Settings

TOKEN = "123456:TEST-token"
ADMIN_ID = 900
T = TypeVar("T")


def make_settings(data_dir: Path, api_url: str, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "embedding_model": None,
        "telegram_token": SecretStr(TOKEN),
        "telegram_api_url": api_url,
        "bot_admin_ids": [ADMIN_ID],
        "refresh_seconds": 0.2,
        "rate_limit_per_minute": 30,
        "_env_file": None,
    }
    values.update(changes)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, store: CorpusStore, **kwargs: Any) -> AsyncIterator[Any]:
    """The real Application built by bot.app, served by bot.main.serve, until the block ends."""
    from bot.app import build_application
    from bot.main import serve

    options: dict[str, Any] = {"encoder": None, "load_model": False, "network_backoff": 0.05}
    options.update(kwargs)
    app = build_application(settings, store=store, **options)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop, poll_timeout=1))
    while not app.running:
        if task.done():
            task.result()
            raise RuntimeError("the bot stopped at start")
        await asyncio.sleep(0.01)
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


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
