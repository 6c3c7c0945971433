"""Building the PTB Application from the settings."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from pathlib import Path
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeDefault,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, Defaults, ExtBot
from telegram.request import BaseRequest

import bot.texts as texts
from bot.context import CONTEXT_TYPES, BotContext, BotData, blocking
from bot.handlers import register_handlers
from bot.push import OutboxPusher
from bot.resilience import ResilientRateLimiter
from corpus.store import CorpusStore
from retrieval.encoder import Encoder
from retrieval.service import Runtime, Settings

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
CONCURRENT_UPDATES = 16
MAX_OUTBOX_INTERVAL = 30.0  # subscribers hear of a new document within a minute

App = Application[ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]


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
    runtime = Runtime(settings, store, encoder=encoder, load_model=load_model)
    lifecycle = BotLifecycle(runtime)
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
        .context_types(CONTEXT_TYPES)
        .rate_limiter(ResilientRateLimiter(backoff=network_backoff))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(lifecycle.post_init)
        .post_stop(lifecycle.post_stop)
        .post_shutdown(lifecycle.post_shutdown)
        .build()
    )
    app.bot_data.attach(runtime)
    register_handlers(app)
    return app


def outbox_interval(settings: Settings) -> float:
    return min(max(settings.refresh_seconds, 0.05), MAX_OUTBOX_INTERVAL)


class BotLifecycle:
    """Start and stop what runs beside the handlers: the index and the outbox pusher."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.pusher: OutboxPusher | None = None
        self.loading: asyncio.Task[None] | None = None

    async def post_init(self, app: App) -> None:
        """Start loading the retriever (model and indexes, off the event loop) and return:
        commands that need no retriever (/start, /help, /vanban…) are answered meanwhile,
        questions wait for it (:meth:`bot.context.BotContext.retriever`)."""
        runtime = self.runtime
        self.loading = asyncio.create_task(self._load(app))
        await register_commands(app)
        self.pusher = OutboxPusher(
            runtime.store, app.bot, outbox_interval(runtime.settings), worker_id=worker_id()
        )
        self.pusher.start()

    async def _load(self, app: App) -> None:
        runtime = self.runtime
        settings = runtime.settings
        log.info("Chỉ Nam đang tải chỉ mục%s…",
                 f" và mô hình {settings.embedding_model}" if settings.embedding_model else "")
        try:
            await blocking(runtime.catch_up)
        except Exception:
            log.exception("Could not load the retriever: the bot stops")
            app.bot_data.load_failed = True
            app.stop_running()
            return
        runtime.start()
        state = runtime.index_state()
        app.bot_data.ready.set()
        log.info("Chỉ Nam sẵn sàng sau %.1f s (%s, %d đoạn)",
                 seconds_since_start(), state.mode, state.passages)

    async def post_stop(self, app: App) -> None:
        if self.loading is not None and not self.loading.done():
            self.loading.cancel()
        if self.pusher is not None:
            await self.pusher.stop()
            self.pusher = None
        await blocking(self.runtime.stop)

    async def post_shutdown(self, app: App) -> None:
        self.runtime.close()


def seconds_since_start() -> float:
    """Seconds since this process started, as the kernel counts it: on Linux both clocks run
    from boot (psutil's wall-clock start time is rounded to the boot's whole second)."""
    try:
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        import psutil

        return time.time() - psutil.Process().create_time()


def worker_id() -> str:
    """This process's name when claiming outbox events."""
    return f"bot-{socket.gethostname()}-{os.getpid()}"


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
