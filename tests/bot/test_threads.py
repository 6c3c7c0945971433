"""Follow-up questions: a reply to an answer is asked in that answer's context (bot.threads),
with real telegram.Message objects."""

from __future__ import annotations

import time
from typing import Any

from telegram import Message

from bench.fake_telegram import BOT_USER
from bot.threads import ANSWERED_KEY, MAX_REMEMBERED, answered_query, follow_up, remember_answer

BOT_ID = int(BOT_USER["id"])
FIRST = "thoi gian nghi he cua giao vien la bao lau?"


def message(reply_to: dict[str, Any] | None = None, text: str = "còn học sinh thì sao?") -> Message:
    data: dict[str, Any] = {
        "message_id": 50, "date": int(time.time()), "text": text,
        "chat": {"id": 7, "type": "private"}, "from": {"id": 7, "is_bot": False, "first_name": "Lan"},
    }
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    parsed = Message.de_json(data, None)
    assert parsed is not None
    return parsed


def bot_answer(message_id: int, buttons: list[str] | None = None,
               sender: dict[str, Any] = BOT_USER) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "text": "…",
        "chat": {"id": 7, "type": "private"}, "from": sender,
    }
    if buttons:
        data["reply_markup"] = {"inline_keyboard": [[
            {"text": b, "callback_data": b} for b in buttons
        ]]}
    return data


def test_the_answered_question_is_found_from_the_chat_record_or_the_buttons() -> None:
    chat: dict[str, Any] = {}
    remember_answer(chat, [10, 11], query_id=5)
    assert answered_query(message(bot_answer(10)), BOT_ID, chat) == 5  # first bubble, no buttons
    assert answered_query(message(bot_answer(11)), BOT_ID, chat) == 5
    # not remembered here (a restart, another replica): the answer's buttons carry its query id
    assert answered_query(message(bot_answer(12, ["d:3", "f:9:u", "f:9:d"])), BOT_ID, {}) == 9
    assert answered_query(message(bot_answer(12, ["m:8:3"])), BOT_ID, None) == 8


def test_replies_to_anything_else_are_not_follow_ups() -> None:
    chat: dict[str, Any] = {}
    remember_answer(chat, [10], query_id=5)
    assert answered_query(message(), BOT_ID, chat) is None  # not a reply
    assert answered_query(message(bot_answer(13)), BOT_ID, chat) is None  # /help, a card
    assert answered_query(message(bot_answer(14, ["d:3", "c:3"])), BOT_ID, chat) is None
    someone = {"id": 99, "is_bot": False, "first_name": "Hà"}
    assert answered_query(message(bot_answer(10, sender=someone)), BOT_ID, chat) is None


def test_the_chat_record_is_bounded() -> None:
    chat: dict[str, Any] = {}
    for i in range(MAX_REMEMBERED + 50):
        remember_answer(chat, [i], query_id=i)
    assert len(chat[ANSWERED_KEY]) == MAX_REMEMBERED
    assert 0 not in chat[ANSWERED_KEY] and MAX_REMEMBERED + 49 in chat[ANSWERED_KEY]
    remember_answer(chat, [1_000], query_id=None)  # an unlogged answer is not a thread
    assert 1_000 not in chat[ANSWERED_KEY]


def test_a_follow_up_is_asked_with_the_question_it_follows() -> None:
    asked = follow_up(FIRST, "còn học sinh tiểu học thì sao?", [3, 1], limit=1000)
    assert asked.question == (
        "thoi gian nghi he cua giao vien la bao lau. còn học sinh tiểu học thì sao?"
    )
    assert asked.prefer == {1, 3}


def test_a_reply_naming_its_own_document_starts_a_new_topic() -> None:
    asked = follow_up(FIRST, "CV 5208 yêu cầu gì?", [3], limit=1000)
    assert asked.question == "CV 5208 yêu cầu gì?" and not asked.prefer


def test_a_follow_up_too_long_together_is_asked_alone_in_the_same_documents() -> None:
    asked = follow_up(FIRST * 20, "còn học sinh?", [3], limit=200)
    assert asked.question == "còn học sinh?" and asked.prefer == {3}
