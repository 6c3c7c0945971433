"""A subscriber is told what an update changed ("… trước ngày: 30/10 → 05/11"), once."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.push import OutboxPusher
from corpus.ingest import ingest_text
from corpus.store import CorpusStore
from tests.corpus.test_versions import NAME, V1, V2


class FakeBot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent.append((chat_id, text))


def test_an_update_push_says_what_changed(sqlite_store: CorpusStore) -> None:
    store = sqlite_store
    store.subscribe(7, "*")
    bot = FakeBot()
    pusher = OutboxPusher(store, bot, 0.1, worker_id="t")  # type: ignore[arg-type]
    ingest_text(store, V1, source_name=NAME)
    assert asyncio.run(pusher.tick()) == 1
    assert "Văn bản mới" in bot.sent[0][1] and "Thay đổi" not in bot.sent[0][1]
    ingest_text(store, V2, source_name=NAME)
    assert asyncio.run(pusher.tick()) == 1
    chat, text = bot.sent[1]
    assert chat == 7 and "Văn bản được cập nhật" in text
    assert "<b>Thay đổi:</b>\n• về Bộ trước ngày: 30/10 → 05/11" in text
    assert asyncio.run(pusher.tick()) == 0 and len(bot.sent) == 2
