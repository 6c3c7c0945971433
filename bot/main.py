"""`chinam bot` / `python -m bot`: run the bot, long polling by default or behind a webhook."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import sys

from bot.app import ALLOWED_UPDATES, App, ConfigurationError, build_application
from corpus.db import SchemaNotCurrent, check_schema
from retrieval.service import Settings

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10.0
BOOTSTRAP_RETRIES = 5


async def serve(
    app: App,
    settings: Settings,
    stop: asyncio.Event,
    *,
    poll_timeout: float = POLL_TIMEOUT,
) -> None:
    """Run ``app`` until ``stop`` is set (or the webhook server ends).

    The same order as ``Application.run_polling``: initialize, post_init, start receiving
    updates, start; then stop receiving, stop, post_stop, shutdown, post_shutdown.
    """
    from bot.webhook import WebhookServer

    webhook: WebhookServer | None = None
    async with app:
        try:
            if app.post_init is not None:
                await app.post_init(app)
            if settings.telegram_webhook_url:
                webhook = WebhookServer(app, settings)
                await webhook.start()
            elif app.updater is not None:
                await app.updater.start_polling(
                    timeout=dt.timedelta(seconds=poll_timeout),
                    bootstrap_retries=BOOTSTRAP_RETRIES,
                    allowed_updates=list(ALLOWED_UPDATES),
                )
            await app.start()
            log.info(
                "Bot @%s running (%s)",
                app.bot.username,
                "webhook" if webhook else "long polling",
            )
            waiters = [asyncio.create_task(stop.wait())]
            if webhook is not None and webhook.task is not None:
                waiters.append(webhook.task)
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            waiters[0].cancel()
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if webhook is not None:
                await webhook.stop()
            if app.running:
                await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def _serve_until_signal(app: App, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await serve(app, settings, stop)


def configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
        )
    # What the bot loads, when it is ready and how it connects: shown even when `chinam`
    # keeps other libraries at WARNING.
    if logging.getLogger("bot").getEffectiveLevel() > logging.INFO:
        logging.getLogger("bot").setLevel(logging.INFO)
    # httpx logs every request URL at INFO, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def run(settings: Settings) -> int:
    """Run the bot until interrupted; exit code 2 without a token or on an unmigrated database."""
    configure_logging()
    try:
        check_schema(settings.db_url)
    except SchemaNotCurrent as refused:
        print(f"Không khởi động bot / Bot not started.\n{refused.message}", file=sys.stderr)
        return 2
    try:
        app = build_application(settings)
    except ConfigurationError:
        print(
            "Chưa đặt mã bot: hãy đặt biến môi trường CHINAM_TELEGRAM_TOKEN "
            "(lấy từ @BotFather) rồi chạy lại.",
            file=sys.stderr,
        )
        return 2
    try:
        asyncio.run(_serve_until_signal(app, settings))
    except KeyboardInterrupt:
        pass
    except Exception:
        log.exception("The bot stopped on an error")
        return 1
    return 1 if app.bot_data.load_failed else 0


def main() -> int:
    return run(Settings())
