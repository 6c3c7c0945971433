"""Building the PTB Application from the settings."""

from __future__ import annotations

import logging
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeDefault,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, Defaults
from telegram.request import BaseRequest

from bot import texts
from bot.handlers import register_handlers
from bot.push import OutboxPusher
from bot.resilience import ResilientRateLimiter
from bot.services import SERVICES_KEY, BotServices, services_in
from corpus.store import CorpusStore
from retrieval.encoder import Encoder
from retrieval.runtime import open_store
from retrieval.service.settings import Settings

log = logging.getLogger(__name__)

PUSHER_KEY = "chinam.pusher"
ALLOWED_UPDATES = ("message", "callback_query")
CONCURRENT_UPDATES = 16
MAX_OUTBOX_INTERVAL = 30.0  # subscribers hear of a new document within a minute

App = Application[Any, Any, Any, Any, Any, Any]


class ConfigurationError(ValueError):
    pass


def api_root(settings: Settings) -> str:
    return settings.telegram_api_url.rstrip("/")


def build_application(
    settings: Settings,
    *,
    store: CorpusStore | None = None,
    encoder: Encoder | None = None,
    load_model: bool = True,
    network_backoff: float = 0.5,
    request: BaseRequest | None = None,
) -> App:
    """The bot, wired but not started; the retriever is loaded in ``post_init``.

    Requests go to ``{telegram_api_url}/bot{token}/{method}`` (files to ``…/file/bot…``).
    """
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise ConfigurationError("CHINAM_TELEGRAM_TOKEN is not set")
    owns_store = store is None
    services = BotServices(
        settings,
        store if store is not None else open_store(settings),
        encoder=encoder,
        load_model=load_model,
        owns_store=owns_store,
    )
    root = api_root(settings)
    builder = Application.builder()
    if request is not None:  # an in-process stand-in for HTTP, for handler tests
        builder = builder.request(request).get_updates_request(request)
    app = (
        builder
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(ResilientRateLimiter(backoff=network_backoff))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data[SERVICES_KEY] = services
    register_handlers(app)
    return app


def outbox_interval(settings: Settings) -> float:
    return min(max(settings.refresh_seconds, 0.05), MAX_OUTBOX_INTERVAL)


async def post_init(app: App) -> None:
    services = services_in(app)
    await services.start()
    await register_commands(app)
    pusher = OutboxPusher(services, app.bot, outbox_interval(services.settings))
    app.bot_data[PUSHER_KEY] = pusher
    pusher.start()


async def register_commands(app: App) -> None:
    try:
        await app.bot.set_my_commands(
            [BotCommand(c, d) for c, d in texts.PRIVATE_COMMANDS], scope=BotCommandScopeDefault()
        )
        await app.bot.set_my_commands(
            [BotCommand(c, d) for c, d in texts.GROUP_COMMANDS],
            scope=BotCommandScopeAllGroupChats(),
        )
    except TelegramError as exc:  # the bot works without its menu
        log.warning("Could not register the command menu: %s", exc)


async def post_stop(app: App) -> None:
    pusher = app.bot_data.pop(PUSHER_KEY, None)
    if isinstance(pusher, OutboxPusher):
        await pusher.stop()
    await services_in(app).stop()


async def post_shutdown(app: App) -> None:
    services_in(app).close()
