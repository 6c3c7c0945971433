"""Sending helpers: several messages in a row, the typing indicator, documents."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Sequence

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.format import caption_html
from corpus.labels import document_title
from corpus.models import Document

log = logging.getLogger(__name__)

TYPING_EVERY = 4.5  # Telegram shows "typing…" for about five seconds


async def send_messages(
    bot: Bot,
    chat_id: int,
    messages: Sequence[str],
    *,
    keyboard: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> list[Message]:
    """Send ``messages`` in order; the keyboard goes under the last one, the reply on the first."""
    sent: list[Message] = []
    for i, text in enumerate(messages):
        last = i == len(messages) - 1
        reply = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None and i == 0
            else None
        )
        sent.append(
            await bot.send_message(
                chat_id,
                text,
                reply_markup=keyboard if last else None,
                reply_parameters=reply,
            )
        )
    return sent


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int, action: str = ChatAction.TYPING) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends."""

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, action)
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


_UNSAFE = re.compile(r"[^\w.\-]+")


def text_filename(doc: Document) -> str:
    base = _UNSAFE.sub("-", document_title(doc)).strip("-.")[:80]
    return f"{base or 'van-ban'}-{doc.id}.txt"


async def send_full_text(bot: Bot, chat_id: int, doc: Document) -> Message:
    data = doc.text.encode("utf-8")
    return await bot.send_document(
        chat_id,
        InputFile(data, filename=text_filename(doc)),
        caption=caption_html(doc),
    )
