"""The typed context every handler receives: the runtime, access rules, limits.

PTB builds one :class:`BotContext` per update (``ContextTypes(context=BotContext, ...)``);
``context.bot_data`` is the application's one :class:`BotData`, filled in by
``bot.app.build_application`` before any update is handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.access import AccessPolicy, UserRateLimiter
from retrieval.service import Runtime

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class BotData:
    """What all handlers of one application share (PTB's ``bot_data``)."""

    runtime: Runtime
    access: AccessPolicy
    limiter: UserRateLimiter
    ready: asyncio.Event  # set once the retriever is loaded (see bot.app.BotLifecycle)
    load_failed: bool  # loading failed and the bot stopped: the process exits non-zero

    def attach(self, runtime: Runtime) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.ready = asyncio.Event()
        self.load_failed = False
        self.access = AccessPolicy(settings.allowed_ids, settings.bot_admin_ids)
        self.limiter = UserRateLimiter(settings.rate_limit_per_minute)


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def runtime(self) -> Runtime:
        return self.bot_data.runtime

    @property
    def access(self) -> AccessPolicy:
        return self.bot_data.access

    @property
    def limiter(self) -> UserRateLimiter:
        return self.bot_data.limiter

    async def retriever(self) -> Runtime:
        """The runtime once its index is loaded: a question sent while the bot starts waits."""
        await self.bot_data.ready.wait()
        return self.bot_data.runtime

    def after_write(self) -> None:
        """Have this process's index catch up with a write, in a worker thread."""
        asyncio.get_running_loop().run_in_executor(None, self.runtime.after_write)


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a blocking call (database, retrieval) off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)
