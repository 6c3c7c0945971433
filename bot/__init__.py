"""The Telegram bot (python-telegram-bot v22): questions, document cards, uploads by admins,
subscriptions pushed from the outbox; long polling or a webhook."""

from bot.app import build_application
from bot.main import run, serve

__all__ = ["build_application", "run", "serve"]
