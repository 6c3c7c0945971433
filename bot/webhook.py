"""Webhook mode: a small Starlette app under uvicorn feeding the Application's update queue.

Telegram sends each update with the ``X-Telegram-Bot-Api-Secret-Token`` header set to the
secret given to ``setWebhook``; requests without it are refused. Several replicas can sit
behind the same public URL: they share the secret and the database, nothing else.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.app import ALLOWED_UPDATES, App
from retrieval.service import Settings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
LISTEN = "0.0.0.0"


def webhook_secret(settings: Settings) -> str:
    """The configured secret, or one derived from the token (the same on every replica)."""
    if settings.telegram_webhook_secret is not None:
        secret = settings.telegram_webhook_secret.get_secret_value()
        if secret:
            return secret
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    return hashlib.sha256(f"chinam-webhook:{token}".encode()).hexdigest()[:48]


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def starlette_app(app: App, secret: str, path: str) -> Starlette:
    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return Response(status_code=400)
        update = Update.de_json(data, app.bot)
        if update is not None:
            await app.update_queue.put(update)
        return Response(status_code=200)

    async def health(_request: Request) -> Response:
        runtime = app.bot_data.runtime
        mode = runtime.index_state().mode if runtime.loaded else None
        return JSONResponse({"ok": runtime.loaded, "mode": mode})

    return Starlette(
        routes=[
            Route(path, receive, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )


class WebhookServer:
    def __init__(self, app: App, settings: Settings, *, host: str = LISTEN) -> None:
        if not settings.telegram_webhook_url:
            raise ValueError("CHINAM_TELEGRAM_WEBHOOK_URL is not set")
        self.app = app
        self.url = settings.telegram_webhook_url
        self.secret = webhook_secret(settings)
        config = uvicorn.Config(
            starlette_app(app, self.secret, webhook_path(self.url)),
            host=host,
            port=settings.telegram_webhook_port,
            log_level="warning",
            lifespan="off",
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve(), name="webhook-server")
        while not self.server.started:
            if self.task.done():
                self.task.result()  # raises the bind error
                raise RuntimeError("the webhook server stopped at start")
            await asyncio.sleep(0.02)
        await self.app.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=list(ALLOWED_UPDATES)
        )
        log.info("Webhook set: %s (listening on port %s)", self.url, self.server.config.port)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task
            self.task = None
