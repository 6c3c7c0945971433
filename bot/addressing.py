"""Whether a group message is meant for the bot, and the question it carries."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity


def is_addressed(message: Message, bot_id: int, bot_username: str | None) -> bool:
    """Mentioned by @username or by name (text mention), or a reply to one of its messages."""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return True
    name = (bot_username or "").lower()
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and name and text.lower() == f"@{name}":
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


def strip_mention(text: str, bot_username: str | None) -> str:
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split()).strip(" ,:;-–")
