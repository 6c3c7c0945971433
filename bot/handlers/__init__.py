"""Handler registration: the order here is the order PTB tries them."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

import bot.keyboards as kb
import bot.texts as texts
from bot.context import BotContext
from bot.handlers import commands, documents, questions, subscriptions, uploads
from bot.handlers.allowlist import allowlist_gate
from bot.handlers.errors import on_error

__all__ = ["register_handlers"]

GATE_GROUP = -1


def register_handlers(app: Application[Any, BotContext, Any, Any, Any, Any]) -> None:
    app.add_handler(TypeHandler(Update, allowlist_gate), group=GATE_GROUP)

    new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE & new
    groups = filters.ChatType.GROUPS & new
    app.add_handlers(
        [
            CommandHandler("start", commands.on_start, filters=new),
            CommandHandler("help", commands.on_help, filters=new),
            CommandHandler("hoi", questions.on_ask_command, filters=new),
            CommandHandler("vanban", documents.on_list, filters=new),
            CommandHandler("xem", documents.on_show, filters=new),
            CommandHandler("theodoi", subscriptions.on_subscribe, filters=new),
            CommandHandler("huytheodoi", subscriptions.on_unsubscribe, filters=new),
            CommandHandler("phanhoi", commands.on_feedback_command, filters=new),
            MessageHandler(
                private & filters.TEXT & ~filters.COMMAND & uploads.NumberPromptReply(),
                uploads.on_number_reply,
            ),
            MessageHandler(private & filters.Document.ALL, uploads.on_document),
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, questions.on_private_text),
            MessageHandler(groups & filters.TEXT & ~filters.COMMAND, questions.on_group_text),
            MessageHandler(filters.COMMAND & new, commands.on_unknown_command),
            MessageHandler(private & ~filters.StatusUpdate.ALL, commands.on_other_message),
            CallbackQueryHandler(questions.on_feedback, pattern=rf"^{kb.FEEDBACK}:"),
            CallbackQueryHandler(questions.on_more, pattern=rf"^{kb.MORE}:"),
            CallbackQueryHandler(documents.on_full_text_button, pattern=rf"^{kb.FULL_TEXT}:"),
            CallbackQueryHandler(documents.on_card_button, pattern=rf"^{kb.CARD}:"),
            CallbackQueryHandler(documents.on_list_page, pattern=rf"^{kb.LIST}:"),
            CallbackQueryHandler(uploads.on_upload_button, pattern=rf"^{kb.UPLOAD}:"),
            CallbackQueryHandler(expired_button),
        ]
    )
    app.add_error_handler(on_error)


async def expired_button(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(texts.EXPIRED_BUTTON)
