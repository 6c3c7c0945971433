"""/theodoi and /huytheodoi: per chat (a group can follow a topic too)."""

from __future__ import annotations

from telegram import Update

import bot.texts as texts
from bot.context import BotContext, blocking
from bot.format import esc
from bot.topics import ALL
from corpus.store import CorpusStore


def topic_label(topic: str) -> str:
    return texts.ALL_TOPICS if topic == ALL else f"“{esc(topic)}”"


def subscriptions_line(store: CorpusStore, chat_id: int) -> str:
    subs = store.subscriptions(chat_id)
    if not subs:
        return texts.NO_SUBSCRIPTIONS
    return texts.SUBSCRIPTIONS.format(topics=", ".join(topic_label(s.topic) for s in subs))


async def on_subscribe(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    store = context.runtime.store
    topic = " ".join(" ".join(context.args or []).split())[:200] or ALL
    added = await blocking(store.subscribe, chat.id, topic)
    head = texts.SUBSCRIBED if added else texts.ALREADY_SUBSCRIBED
    listing = await blocking(subscriptions_line, store, chat.id)
    await message.reply_text(f"{head.format(topic=topic_label(topic))}\n\n{listing}")


async def on_unsubscribe(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    store = context.runtime.store
    topic = " ".join(" ".join(context.args or []).split())
    removed = await blocking(store.unsubscribe, chat.id, topic or None)
    if removed:
        head = texts.UNSUBSCRIBED.format(count=removed)
    else:
        head = texts.NOT_SUBSCRIBED.format(topic=esc(topic)) if topic else texts.NO_SUBSCRIPTIONS
    listing = await blocking(subscriptions_line, store, chat.id)
    text = head if head == listing else f"{head}\n\n{listing}"
    await message.reply_text(text)
