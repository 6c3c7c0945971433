"""An admin sends a .docx, .pdf or .txt: it is ingested, and the parsed metadata is shown
with buttons to confirm it or to correct the type and number."""

from __future__ import annotations

import contextlib
import logging
import re
from pathlib import Path

from telegram import ForceReply, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import ContextTypes, filters

from bot import texts
from bot.corrections import InvalidNumber, correct_document
from bot.format import esc, upload_html
from bot.keyboards import UPLOAD, parse, type_keyboard, upload_keyboard
from bot.sending import typing
from bot.services import blocking, services_of
from corpus.docnumbers import DOC_TYPES
from corpus.ingest import IngestOutcome, ingest_bytes
from corpus.models import Document
from corpus.sizes import human_size

log = logging.getLogger(__name__)

ACCEPTED_SUFFIXES = (".docx", ".pdf", ".txt")
NUMBER_PROMPT_ID = re.compile(r"văn bản #(\d+)")


def actor_of(user_id: int) -> str:
    return f"telegram:{user_id}"


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


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None or message.document is None:
        return
    services = services_of(context)
    if not services.access.is_admin(user.id):
        await message.reply_text(texts.UPLOAD_ADMIN_ONLY)
        return
    document = message.document
    name = Path(document.file_name or "van-ban").name
    if Path(name).suffix.lower() not in ACCEPTED_SUFFIXES:
        await message.reply_text(texts.UPLOAD_BAD_TYPE.format(name=esc(name)))
        return
    limit = services.settings.max_upload_bytes
    if document.file_size and document.file_size > limit:
        await message.reply_text(
            texts.UPLOAD_TOO_BIG.format(
                size=human_size(document.file_size), limit=human_size(limit)
            )
        )
        return
    async with typing(context.bot, chat.id, ChatAction.TYPING):
        tg_file = await context.bot.get_file(document.file_id)
        data = bytes(await tg_file.download_as_bytearray())
        outcome: IngestOutcome = await blocking(
            ingest_bytes,
            services.store,
            data,
            name,
            uploaded_by=actor_of(user.id),
            max_bytes=limit,
            max_chars=services.settings.max_text_chars,
        )
    if not outcome.ok or outcome.document_id is None:
        await message.reply_text(
            texts.UPLOAD_FAILED.format(name=esc(name), reason=esc(outcome.message))
        )
        return
    log.info("Admin %s uploaded %s: %s #%s", user.id, name, outcome.status, outcome.document_id)
    services.refresh_soon()
    doc = await blocking(services.store.get_document, outcome.document_id)
    if doc is None:
        return
    await message.reply_text(
        upload_html(doc, status=outcome.status, message=outcome.message, passages=outcome.passages),
        reply_markup=upload_keyboard(outcome.document_id),
    )


async def on_upload_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    services = services_of(context)
    if not services.access.is_admin(user.id):
        await query.answer(texts.ADMIN_ONLY, show_alert=True)
        return
    kind, parts = parse(query.data)
    if kind != UPLOAD or len(parts) < 2 or not parts[1].isdigit():
        await query.answer(texts.EXPIRED_BUTTON)
        return
    action, doc_id = parts[0], int(parts[1])
    doc = await blocking(services.store.get_document, doc_id)
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
            correct_document, services.store, doc_id,
            doc_type=DOC_TYPES[parts[2]], actor=actor_of(user.id),
        )
        await query.answer(f"Đã đổi loại thành {DOC_TYPES[parts[2]]}.")
        if fixed is not None:
            services.refresh_soon()
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


async def on_number_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return
    services = services_of(context)
    if not services.access.is_admin(user.id):
        await message.reply_text(texts.ADMIN_ONLY)
        return
    match = NUMBER_PROMPT_ID.search(message.reply_to_message.text or "")
    if match is None or not message.text:
        return
    number = message.text.strip()
    try:
        fixed = await blocking(
            correct_document, services.store, int(match.group(1)),
            number=number, actor=actor_of(user.id),
        )
    except InvalidNumber:
        await message.reply_text(texts.NUMBER_INVALID.format(number=esc(number)))
        return
    if fixed is None:
        await message.reply_text(texts.DOC_GONE)
        return
    services.refresh_soon()
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
