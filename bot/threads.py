"""Follow-up questions: a reply to one of the bot's answers is asked in that answer's context.

"còn học sinh tiểu học thì sao?" sent as a reply to the answer about "thời gian nghỉ hè của
giáo viên" is searched as both questions together, and the documents that answer was quoted
from are preferred, so the thread keeps its topic and its documents. The answer a reply points
at is found from the chat's record of the messages each answer was sent as, or, failing that
(another replica, a restart), from the query id the answer's own buttons carry.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Message

from bot.keyboards import FEEDBACK, MORE, parse
from corpus.docnumbers import numbers_in_question

ANSWERED_KEY = "answered_messages"
MAX_REMEMBERED = 200  # answer messages remembered per chat


@dataclass(frozen=True)
class FollowUp:
    """What to ask for a reply: the combined question and the documents to prefer."""

    question: str
    prefer: frozenset[int]


def remember_answer(chat_data: MutableMapping[Any, Any] | None, message_ids: Sequence[int],
                    query_id: int | None) -> None:
    """Record that ``message_ids`` are one answer to the logged question ``query_id``."""
    if chat_data is None or query_id is None:
        return
    answered: dict[int, int] = chat_data.setdefault(ANSWERED_KEY, {})
    for message_id in message_ids:
        answered[message_id] = query_id
    for old in list(answered)[: max(0, len(answered) - MAX_REMEMBERED)]:
        del answered[old]


def _from_buttons(message: Message) -> int | None:
    markup = message.reply_markup
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            kind, parts = parse(button.callback_data if isinstance(button.callback_data, str)
                                else None)
            if kind in (FEEDBACK, MORE) and parts and parts[0].isdigit():
                return int(parts[0])
    return None


def answered_query(message: Message, bot_id: int,
                   chat_data: Mapping[Any, Any] | None) -> int | None:
    """The logged question whose answer ``message`` replies to, if it replies to one."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return None
    answered = (chat_data or {}).get(ANSWERED_KEY, {})
    if replied.message_id in answered:
        return int(answered[replied.message_id])
    return _from_buttons(replied)


def follow_up(previous: str, reply: str, prefer: Sequence[int], *, limit: int) -> FollowUp:
    """The question to search for ``reply`` asked after ``previous``.

    A reply that names a document number of its own starts a new topic and is asked alone;
    otherwise both are asked together (the earlier question first) when that fits ``limit``.
    """
    if numbers_in_question(reply):
        return FollowUp(reply, frozenset())
    combined = f"{previous.strip().rstrip('?.!…').strip()}. {reply.strip()}"
    if len(combined) > limit:
        return FollowUp(reply, frozenset(prefer))
    return FollowUp(combined, frozenset(prefer))
