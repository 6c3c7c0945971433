"""/start, /help, /phanhoi, unknown commands and non-text messages."""

from __future__ import annotations

from telegram import Chat, Update

import bot.texts as texts
from bot.access import telegram_user
from bot.context import BotContext, blocking
from bot.format import esc
from corpus.models import Feedback


async def on_start(update: Update, context: BotContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.START)


async def on_help(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    text = texts.HELP
    if user is not None and context.access.is_admin(user.id):
        text += texts.HELP_ADMIN
    await message.reply_text(text)


async def on_feedback_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    comment = " ".join(context.args or []).strip()
    if not comment:
        await message.reply_text(texts.FEEDBACK_USAGE)
        return
    last = (context.user_data or {}).get("last_query_id")
    store = context.runtime.store
    query_id = None
    if isinstance(last, int) and await blocking(store.get_query, last) is not None:
        query_id = last
    await blocking(
        store.add_feedback,
        Feedback(
            query_id=query_id, user_ref=telegram_user(user.id), value=0, comment=comment[:4000]
        ),
    )
    await message.reply_text(texts.FEEDBACK_STORED)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    word = message.text.split()[0][1:]
    command, _, target = word.partition("@")
    # In a group a bare /command may be meant for another bot; answer only our own.
    ours = bool(target) and target.lower() == (context.bot.username or "").lower()
    if chat.type != Chat.PRIVATE and not ours:
        return
    await message.reply_text(texts.UNKNOWN_COMMAND.format(command=esc(command)))


async def on_other_message(update: Update, context: BotContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.TEXT_ONLY)
