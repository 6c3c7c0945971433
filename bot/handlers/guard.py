"""The allowlist gate, run before every other handler."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.addressing import is_addressed
from bot.services import services_of

log = logging.getLogger(__name__)


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, chat = update.effective_user, update.effective_chat
    if services_of(context).access.allows(
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
