"""The allowlist gate, run before every other handler: strangers are told, then stopped."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop

import bot.texts as texts
from bot.addressing import is_addressed
from bot.context import BotContext

log = logging.getLogger(__name__)


async def allowlist_gate(update: Update, context: BotContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    if context.access.allows(
        user.id if user else None, chat.id if chat else None
    ):
        return
    log.info("Refused user %s in chat %s", user.id if user else None, chat.id if chat else None)
    if update.callback_query is not None:
        await update.callback_query.answer(texts.NOT_ALLOWED_SHORT, show_alert=True)
    elif update.effective_message is not None and user is not None and chat is not None:
        message = update.effective_message
        speaks_to_bot = (
            chat.type == Chat.PRIVATE
            or (message.text or "").startswith("/")
            or is_addressed(message, context.bot.id, context.bot.username)
        )
        if speaks_to_bot:
            await message.reply_text(texts.NOT_ALLOWED.format(user_id=user.id))
    raise ApplicationHandlerStop
