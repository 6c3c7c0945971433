"""Pushing newly ingested documents to subscribers, from the database outbox.

Every ingest (CLI, admin API, another bot replica) writes an outbox event in the same
transaction as the document. Each bot process polls the outbox; ``claim_outbox`` hands an
event to exactly one of them, so a subscriber is told once, whichever process ingested it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.context import blocking
from bot.format import push_html
from bot.keyboards import push_keyboard
from bot.topics import topic_matches
from corpus.models import Document, OutboxEvent, Subscription
from corpus.store import CorpusStore

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    chat_id: int
    document_id: int
    topics: list[str]


def _changes(event: OutboxEvent) -> list[str]:
    """What an update changed, as the store summarised it (older events have no summary)."""
    changes = (event.payload or {}).get("changes")
    return [str(c) for c in changes] if isinstance(changes, list) else []


class OutboxPusher:
    def __init__(self, store: CorpusStore, bot: Bot, interval: float, *, worker_id: str) -> None:
        self.store = store
        self.bot = bot
        self.worker_id = worker_id
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-pusher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                while await self.tick():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Outbox poll failed")
            await asyncio.sleep(self.interval)

    async def tick(self) -> int:
        """Claim and deliver one batch of events; the number of events handled."""
        store = self.store
        events = await blocking(store.claim_outbox, self.worker_id)
        if not events:
            return 0
        try:
            subscriptions = await blocking(store.subscriptions)
            if subscriptions:
                for event in events:
                    for delivery in await blocking(self._deliveries, event, subscriptions):
                        await self._deliver(delivery, updated=event.kind == "document_updated",
                                            changes=_changes(event))
        finally:
            await blocking(store.finish_outbox, [e.id for e in events if e.id is not None])
        return len(events)

    def _deliveries(
        self, event: OutboxEvent, subscriptions: list[Subscription]
    ) -> list[Delivery]:
        if event.document_id is None:
            return []
        store = self.store
        doc = store.get_document(event.document_id)
        if doc is None or doc.visibility != "public":
            return []
        cited = {r.match_key for r in store.references_of(event.document_id) if r.match_key}
        by_chat: dict[int, Delivery] = {}
        for sub in subscriptions:
            if topic_matches(sub.topic, doc, cited):
                by_chat.setdefault(
                    sub.chat_id, Delivery(sub.chat_id, event.document_id, [])
                ).topics.append(sub.topic)
        return list(by_chat.values())

    async def _deliver(
        self, delivery: Delivery, *, updated: bool, changes: Sequence[str] = ()
    ) -> None:
        store = self.store
        doc: Document | None = await blocking(store.get_document, delivery.document_id)
        if doc is None:
            return
        try:
            await self.bot.send_message(
                delivery.chat_id,
                push_html(doc, delivery.topics, updated=updated, changes=changes),
                reply_markup=push_keyboard(delivery.document_id),
            )
        except Forbidden:
            log.info("Chat %s blocked the bot; dropping its subscriptions", delivery.chat_id)
            await blocking(self.store.unsubscribe, delivery.chat_id)
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                await blocking(self.store.unsubscribe, delivery.chat_id)
            else:
                log.warning("Push to %s failed: %s", delivery.chat_id, exc)
        except TelegramError as exc:
            log.warning("Push to %s failed: %s", delivery.chat_id, exc)
