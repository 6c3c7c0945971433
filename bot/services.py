"""What the handlers share: settings, the store, the retriever, access rules, limits."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from telegram.ext import Application, CallbackContext

from bot.access import AccessPolicy, UserRateLimiter
from corpus.store import CorpusStore
from retrieval.answer import Answerer
from retrieval.encoder import Encoder
from retrieval.runtime import RefreshLoop, build_retriever
from retrieval.searcher import Retriever
from retrieval.service.settings import Settings

log = logging.getLogger(__name__)

SERVICES_KEY = "chinam.services"
P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class BotServices:
    settings: Settings
    store: CorpusStore
    encoder: Encoder | None = None
    load_model: bool = True
    owns_store: bool = False
    access: AccessPolicy = field(init=False)
    limiter: UserRateLimiter = field(init=False)
    worker_id: str = field(default_factory=lambda: f"bot-{socket.gethostname()}-{os.getpid()}")
    retriever: Retriever | None = None
    refresher: RefreshLoop | None = None
    _answerer: Answerer | None = None

    def __post_init__(self) -> None:
        self.access = AccessPolicy(self.settings.allowed_ids, self.settings.bot_admin_ids)
        self.limiter = UserRateLimiter(self.settings.rate_limit_per_minute)

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            raise RuntimeError("the retriever is not loaded yet")
        return self._answerer

    async def start(self) -> None:
        """Load the retriever once (model and indexes, off the event loop) and keep it fresh."""
        if self._answerer is not None:
            return

        def load() -> Retriever:
            retriever = build_retriever(
                self.settings, self.store, encoder=self.encoder, load_model=self.load_model
            )
            retriever.refresh()
            return retriever

        self.retriever = await asyncio.to_thread(load)
        self._answerer = Answerer.from_settings(self.store, self.retriever, self.settings)
        log.info("Retriever ready: mode %s, %d passages", self.retriever.mode, len(self.retriever))
        if self.settings.refresh_seconds > 0:
            self.refresher = RefreshLoop(self.retriever, self.settings.refresh_seconds)
            self.refresher.start()

    def refresh_soon(self) -> None:
        """Bring the indexes up to date now, in the background (after an upload)."""
        if self.retriever is not None:
            asyncio.get_running_loop().run_in_executor(None, self._refresh_quietly)

    def _refresh_quietly(self) -> None:
        try:
            if self.retriever is not None:
                self.retriever.refresh()
        except Exception:
            log.exception("Index refresh after upload failed")

    async def stop(self) -> None:
        if self.refresher is not None:
            await asyncio.to_thread(self.refresher.stop)
            self.refresher = None

    def close(self) -> None:
        if self.owns_store:
            self.store.engine.dispose()


def services_of(context: CallbackContext[Any, Any, Any, Any]) -> BotServices:
    return services_in(context.application)


def services_in(app: Application[Any, Any, Any, Any, Any, Any]) -> BotServices:
    services = app.bot_data[SERVICES_KEY]
    assert isinstance(services, BotServices)
    return services


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking call (database, retrieval) off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)
