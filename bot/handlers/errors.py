"""The one error handler: log it, and tell the user something went wrong."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError

import bot.texts as texts
from bot.context import BotContext

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    if not isinstance(update, Update):
        log.error("Error outside an update", exc_info=context.error)
        return
    log.error("Error while handling update %s", update.update_id, exc_info=context.error)
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # may have been answered already
            await update.callback_query.answer(texts.SOMETHING_WRONG_SHORT)
    if update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, texts.SOMETHING_WRONG)
