"""/vanban (paginated list), /xem (document card), full text as a .txt file."""

from __future__ import annotations

import contextlib
import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest

import bot.texts as texts
from bot.context import BotContext, blocking
from bot.format import card_html, card_view, citation_line, document_list_html, esc
from bot.keyboards import CARD, FULL_TEXT, LIST, card_keyboard, list_keyboard, parse
from bot.sending import send_full_text, send_messages, typing
from bot.splitting import pack
from corpus.models import Document
from corpus.store import CorpusStore, DocumentFilter
from retrieval.service import DocumentNotFound, document_card, find_documents, get_document

PAGE_SIZE = 8
MAX_PAGE_DIGITS = 6  # a page past any corpus, still a number SQL takes


def document_page(
    store: CorpusStore, keyword: str, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    flt = DocumentFilter(text=keyword or None)
    docs, total = store.list_documents(flt, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    start = page * PAGE_SIZE
    text = document_list_html(
        docs, page=page, pages=pages, total=total, keyword=keyword, start=start
    )
    keyboard = list_keyboard(
        [d.id for d in docs if d.id is not None],
        start=start, page=page, pages=pages, keyword=keyword,
    )
    return text, keyboard


async def on_list(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    keyword = " ".join(context.args or [])
    text, keyboard = await blocking(document_page, context.runtime.store, keyword, 0)
    await message.reply_text(text, reply_markup=keyboard)


async def on_list_page(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    kind, parts = parse(query.data)
    if kind != LIST or not parts or not parts[0].isdigit() or len(parts[0]) > MAX_PAGE_DIGITS:
        await query.answer(texts.EXPIRED_BUTTON)
        return
    await query.answer()
    page, keyword = int(parts[0]), parts[1]
    text, keyboard = await blocking(document_page, context.runtime.store, keyword, page)
    with contextlib.suppress(BadRequest):  # "message is not modified"
        await query.edit_message_text(text, reply_markup=keyboard)


async def on_show(update: Update, context: BotContext) -> None:
    """/xem: a number in any spelling ("5208", "CV 5208", "12/2012"), or "#12" for an id."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    spelling = " ".join(" ".join(context.args or []).split())
    if not spelling:
        await message.reply_text(texts.XEM_USAGE)
        return
    docs = await blocking(find_documents, context.runtime.store, spelling, bare_ids=False)
    if not docs:
        shown = esc(spelling[:60])
        reply = texts.XEM_NOT_FOUND.format(number=shown)
        if spelling.isascii() and spelling.isdigit() and len(spelling) <= 10:
            reply += "\n" + texts.XEM_BY_ID.format(number=shown)
        await message.reply_text(reply)
        return
    if len(docs) > 1:
        await message.reply_text(
            texts.XEM_MANY.format(count=len(docs), number=esc(spelling)),
            reply_markup=choice_keyboard(docs[:10]),
        )
        return
    await send_card(context, chat.id, docs[0])


def choice_keyboard(docs: list[Document]) -> InlineKeyboardMarkup:
    """One button per document, each label distinct (versions share a title)."""
    labels: dict[int, str] = {}
    for doc in docs:
        if doc.id is None or doc.id in labels:
            continue
        label = citation_line(doc)[:56]
        if label in labels.values():
            label = f"{label[:48]} (#{doc.id})"
        labels[doc.id] = label
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"{CARD}:{i}")] for i, label in labels.items()]
    )


async def send_card(context: BotContext, chat_id: int, doc: Document) -> None:
    card = await blocking(document_card, context.runtime.store, doc)
    assert doc.id is not None
    await send_messages(
        context.bot, chat_id, pack([card_html(card_view(card))]), keyboard=card_keyboard(doc.id)
    )


async def on_card_button(update: Update, context: BotContext) -> None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    kind, parts = parse(query.data)
    doc = await _document_from(context, kind, parts, CARD)
    if doc is None:
        await query.answer(texts.DOC_GONE)
        return
    await query.answer()
    await send_card(context, chat.id, doc)


async def on_full_text_button(update: Update, context: BotContext) -> None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    kind, parts = parse(query.data)
    doc = await _document_from(context, kind, parts, FULL_TEXT)
    if doc is None:
        await query.answer(texts.DOC_GONE)
        return
    await query.answer("Đang gửi toàn văn…")
    async with typing(context.bot, chat.id, ChatAction.UPLOAD_DOCUMENT):
        await send_full_text(context.bot, chat.id, doc)


async def _document_from(
    context: BotContext, kind: str, parts: list[str], expected: str
) -> Document | None:
    if kind != expected or len(parts) != 1:
        return None
    try:
        return await blocking(get_document, context.runtime.store, int(parts[0]))
    except (ValueError, DocumentNotFound):
        return None
