"""Bot API calls that survive flood control and flaky networks.

:class:`telegram.ext.AIORateLimiter` throttles sends and waits out ``429 retry_after``; this
subclass also retries network errors and 5xx answers with exponential backoff. A read
timeout is retried only for calls that are safe to repeat: a ``sendMessage`` whose answer
was lost may have been delivered, and a duplicate is worse than an error message.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
IDEMPOTENT = frozenset(
    {
        "getMe", "getFile", "getChat", "sendChatAction", "answerCallbackQuery",
        "editMessageReplyMarkup", "editMessageText", "setMyCommands", "deleteWebhook",
        "setWebhook", "getWebhookInfo",
    }
)


class ResilientRateLimiter(AIORateLimiter):
    def __init__(
        self,
        *,
        flood_retries: int = 3,
        network_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
    ) -> None:
        super().__init__(max_retries=flood_retries)
        self.network_retries = network_retries
        self.backoff = backoff
        self.max_backoff = max_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                if attempt >= self.network_retries or not retryable(exc, endpoint):
                    raise
                delay = min(self.backoff * 2**attempt, self.max_backoff)
                delay *= 1 + random.random() / 4
                attempt += 1
                log.warning(
                    "%s failed (%s); retry %d/%d in %.1fs",
                    endpoint, exc, attempt, self.network_retries, delay,
                )
                await asyncio.sleep(delay)


def retryable(exc: NetworkError, endpoint: str) -> bool:
    if isinstance(exc, BadRequest):
        return False
    if isinstance(exc, TimedOut):
        cause = exc.__cause__
        return endpoint in IDEMPOTENT or isinstance(
            cause, httpx.ConnectTimeout | httpx.PoolTimeout
        )
    return True
