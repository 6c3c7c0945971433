"""Questions (private text, group mentions and replies, /hoi) and the buttons under answers.

A reply to one of the bot's answers is a follow-up, asked in that answer's context
(:mod:`bot.threads`)."""

from __future__ import annotations

import contextlib
import logging

from telegram import Chat, Message, Update
from telegram.error import BadRequest

import bot.texts as texts
from bot.access import telegram_user, wait_seconds
from bot.addressing import is_addressed, strip_mention
from bot.context import BotContext, blocking
from bot.format import answer_messages
from bot.keyboards import FEEDBACK, MORE, answer_keyboard, parse, without
from bot.sending import send_messages, typing
from bot.threads import answered_query, follow_up, remember_answer
from corpus.labels import document_title
from corpus.models import Feedback
from corpus.store import CorpusStore
from retrieval.answers import Answer

log = logging.getLogger(__name__)


async def on_private_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    if await within_rate_limit(update, context):
        question, prefer = await in_thread(update, context, message.text)
        await answer_question(update, context, question, prefer=prefer)


async def on_group_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    if not is_addressed(message, context.bot.id, context.bot.username):
        return
    question = strip_mention(message.text, context.bot.username)
    if not question:
        await message.reply_text(texts.MENTION_EMPTY, do_quote=True)
        return
    if await within_rate_limit(update, context):
        question, prefer = await in_thread(update, context, question)
        await answer_question(update, context, question, prefer=prefer)


async def in_thread(
    update: Update, context: BotContext, question: str
) -> tuple[str, frozenset[int]]:
    """``question`` as asked in its thread: a reply to one of the bot's answers is combined
    with the question that answer was for, preferring the documents it was quoted from."""
    message = update.effective_message
    if message is None:
        return question, frozenset()
    query_id = answered_query(message, context.bot.id, context.chat_data)
    if query_id is None:
        return question, frozenset()
    store = context.runtime.store
    logged = await blocking(store.get_query, query_id)
    if logged is None:
        return question, frozenset()
    passages = await blocking(store.passages_by_ids, logged.cited or [])
    documents = list(dict.fromkeys(p.document_id for p in passages.values()))
    asked = follow_up(logged.question, question, documents,
                      limit=context.runtime.settings.max_question_chars)
    return asked.question, asked.prefer


async def on_ask_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question:
        await message.reply_text(texts.ASK_USAGE.format(example=texts.EXAMPLES[0]))
        return
    if await within_rate_limit(update, context):
        await answer_question(update, context, question)


async def answer_question(
    update: Update, context: BotContext, question: str, *, offset: int = 0,
    prefer: frozenset[int] = frozenset(),
) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    runtime = context.runtime
    limit = runtime.settings.max_question_chars
    if len(question) > limit:  # refused before any search: a long question costs seconds
        await context.bot.send_message(chat.id, texts.QUESTION_TOO_LONG.format(
            length=f"{len(question):,}".replace(",", "."), limit=f"{limit:,}".replace(",", ".")
        ))
        return
    async with typing(context.bot, chat.id):
        runtime = await context.retriever()
        answer = await blocking(
            runtime.answerer.answer,
            question,
            channel="bot",
            user_ref=telegram_user(user.id),
            offset=offset,
            prefer=prefer,
        )
        labels = await blocking(obligation_labels, runtime.store, answer)
    if offset and answer.status != "answered":
        await context.bot.send_message(chat.id, texts.NO_MORE)
        return
    group = chat.type != Chat.PRIVATE
    message = update.effective_message
    sent = await send_messages(
        context.bot,
        chat.id,
        answer_messages(answer, labels),
        keyboard=answer_keyboard(answer),
        reply_to=message.message_id if group and message and not update.callback_query else None,
    )
    remember_answer(context.chat_data, [m.message_id for m in sent], answer.query_id)
    if context.user_data is not None and answer.query_id is not None:
        context.user_data["last_query_id"] = answer.query_id


async def within_rate_limit(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    if user is None or context.access.is_admin(user.id):
        return True
    wait = context.limiter.check(user.id)
    if not wait:
        return True
    log.info("User %s is over the rate limit", user.id)
    if update.callback_query is not None:
        await update.callback_query.answer(
            texts.RATE_LIMITED.format(seconds=wait_seconds(wait)), show_alert=True
        )
    elif context.limiter.should_warn(user.id) and update.effective_message is not None:
        await update.effective_message.reply_text(
            texts.RATE_LIMITED.format(seconds=wait_seconds(wait))
        )
    return False


def obligation_labels(store: CorpusStore, answer: Answer) -> dict[int, str]:
    """Names of documents cited by obligations but not shown as quote groups."""
    shown = {g.citation.document_id for g in answer.groups}
    missing = {o.document_id for o in answer.obligations} - shown
    if not missing:
        return {}
    docs = store.documents_by_ids(missing)
    return {doc_id: document_title(doc) for doc_id, doc in docs.items()}


async def on_feedback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    kind, parts = parse(query.data)
    if kind != FEEDBACK or len(parts) != 2 or not parts[0].isdigit():
        await query.answer(texts.EXPIRED_BUTTON)
        return
    query_id, value = int(parts[0]), 1 if parts[1] == "u" else -1
    store = context.runtime.store
    known = await blocking(store.get_query, query_id)
    await blocking(
        store.add_feedback,
        Feedback(
            query_id=query_id if known else None, user_ref=telegram_user(user.id), value=value
        ),
    )
    await query.answer(texts.FEEDBACK_THANKS_UP if value > 0 else texts.FEEDBACK_THANKS_DOWN)
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(without(query.message.reply_markup, FEEDBACK))


async def on_more(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None:
        return
    kind, parts = parse(query.data)
    if kind != MORE or len(parts) != 2 or not all(p.isdigit() for p in parts):
        await query.answer(texts.EXPIRED_BUTTON)
        return
    logged = await blocking(context.runtime.store.get_query, int(parts[0]))
    if logged is None:
        await query.answer(texts.EXPIRED_BUTTON)
        return
    if not await within_rate_limit(update, context):
        return
    await query.answer()
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(without(query.message.reply_markup, MORE))
    await answer_question(update, context, logged.question, offset=int(parts[1]))
