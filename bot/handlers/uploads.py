"""An admin sends a file: it is ingested, and the parsed metadata is shown with buttons to
confirm it or to correct the type and number."""

from __future__ import annotations

import contextlib
import logging
import re

from telegram import ForceReply, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import filters

import bot.texts as texts
from bot.access import telegram_user
from bot.context import BotContext, blocking
from bot.corrections import InvalidNumber, correct_document
from bot.format import esc, upload_html
from bot.keyboards import UPLOAD, parse, type_keyboard, upload_keyboard
from bot.sending import typing
from corpus.docnumbers import DOC_TYPES
from corpus.models import Document
from corpus.sizes import human_size
from retrieval.service import (
    OlderVersion,
    ServiceError,
    TooLarge,
    UnsupportedType,
    Uploaded,
    check_upload,
    upload_file,
)

log = logging.getLogger(__name__)

NUMBER_PROMPT_ID = re.compile(r"văn bản #(\d+)")


class NumberPromptReply(filters.MessageFilter):
    """A reply to the bot's "type the right number for document #N" prompt."""

    def filter(self, message: Message) -> bool:
        reply = message.reply_to_message
        return bool(
            reply is not None
            and reply.from_user is not None
            and reply.from_user.is_bot
            and reply.text
            and NUMBER_PROMPT_ID.search(reply.text)
        )


async def on_document(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None or message.document is None:
        return
    if not context.access.is_admin(user.id):
        await message.reply_text(texts.UPLOAD_ADMIN_ONLY)
        return
    runtime = context.runtime
    document = message.document
    try:
        name = check_upload(document.file_name or "van-ban", document.file_size, runtime.settings)
    except (UnsupportedType, TooLarge) as refused:
        await message.reply_text(refusal_text(refused))
        return
    try:
        async with typing(context.bot, chat.id, ChatAction.TYPING):
            uploaded = await download_and_store(context, document.file_id, name, user.id)
    except OlderVersion as older:
        await message.reply_text(texts.UPLOAD_OLDER.format(reason=esc(older.message)))
        return
    except ServiceError as failed:
        await message.reply_text(
            texts.UPLOAD_FAILED.format(name=esc(name), reason=esc(failed.message))
        )
        return
    doc = uploaded.document
    log.info("Admin %s uploaded %s: %s #%s", user.id, name, uploaded.status, doc.id)
    if uploaded.changed:
        context.after_write()
    assert doc.id is not None
    await message.reply_text(
        upload_html(doc, status=uploaded.status, message=uploaded.message,
                    passages=uploaded.passages),
        reply_markup=upload_keyboard(doc.id),
    )


async def download_and_store(
    context: BotContext, file_id: str, name: str, user_id: int
) -> Uploaded:
    tg_file = await context.bot.get_file(file_id)
    data = bytes(await tg_file.download_as_bytearray())
    runtime = context.runtime
    return await blocking(
        upload_file, runtime.store, data, name,
        actor=telegram_user(user_id), settings=runtime.settings,
    )


def refusal_text(refused: UnsupportedType | TooLarge) -> str:
    """The reply to a file refused before it is downloaded."""
    if isinstance(refused, UnsupportedType):
        return texts.UPLOAD_BAD_TYPE.format(name=esc(refused.name))
    size = human_size(refused.size or 0)
    return texts.UPLOAD_TOO_BIG.format(size=size, limit=human_size(refused.limit))


async def on_upload_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    if not context.access.is_admin(user.id):
        await query.answer(texts.ADMIN_ONLY, show_alert=True)
        return
    kind, parts = parse(query.data)
    if kind != UPLOAD or len(parts) < 2 or not parts[1].isdigit():
        await query.answer(texts.EXPIRED_BUTTON)
        return
    action, doc_id = parts[0], int(parts[1])
    doc = await blocking(context.runtime.store.get_document, doc_id)
    if doc is None:
        await query.answer(texts.DOC_GONE)
        return
    if action == "ok":
        await query.answer(texts.UPLOAD_CONFIRMED)
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(None)
    elif action == "ty":
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(type_keyboard(doc_id, DOC_TYPES))
    elif action == "tc" and len(parts) == 3 and parts[2] in DOC_TYPES:
        fixed = await blocking(
            correct_document, context.runtime.store, doc_id,
            doc_type=DOC_TYPES[parts[2]], actor=telegram_user(user.id),
        )
        await query.answer(f"Đã đổi loại thành {DOC_TYPES[parts[2]]}.")
        if fixed is not None:
            context.after_write()
            await _show_corrected(query.message, fixed)
    elif action == "no":
        await query.answer()
        if query.message is not None:
            await context.bot.send_message(
                query.message.chat.id,
                texts.NUMBER_PROMPT.format(doc_id=doc_id),
                reply_markup=ForceReply(selective=True, input_field_placeholder="37-KH/TU"),
            )
    else:
        await query.answer(texts.EXPIRED_BUTTON)


async def on_number_reply(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return
    if not context.access.is_admin(user.id):
        await message.reply_text(texts.ADMIN_ONLY)
        return
    match = NUMBER_PROMPT_ID.search(message.reply_to_message.text or "")
    if match is None or not message.text:
        return
    number = message.text.strip()
    try:
        fixed = await blocking(
            correct_document, context.runtime.store, int(match.group(1)),
            number=number, actor=telegram_user(user.id),
        )
    except InvalidNumber:
        await message.reply_text(texts.NUMBER_INVALID.format(number=esc(number)))
        return
    if fixed is None:
        await message.reply_text(texts.DOC_GONE)
        return
    context.after_write()
    assert fixed.id is not None
    await message.reply_text(
        upload_html(fixed, status="corrected"), reply_markup=upload_keyboard(fixed.id)
    )


async def _show_corrected(message: object, doc: Document) -> None:
    if not isinstance(message, Message) or doc.id is None:
        return
    with contextlib.suppress(BadRequest):
        await message.edit_text(
            upload_html(doc, status="corrected"), reply_markup=upload_keyboard(doc.id)
        )
