"""Who may use the bot, and how often."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable


class AccessPolicy:
    """An optional allowlist of user and chat ids (open when empty) and the admin user ids."""

    def __init__(self, allowed_ids: Iterable[int], admin_ids: Iterable[int]) -> None:
        self.allowed = frozenset(allowed_ids)
        self.admins = frozenset(admin_ids)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins

    def allows(self, user_id: int | None, chat_id: int | None) -> bool:
        if not self.allowed:
            return True
        return (
            self.is_admin(user_id)
            or (user_id is not None and user_id in self.allowed)
            or (chat_id is not None and chat_id in self.allowed)
        )


class UserRateLimiter:
    """A sliding window of ``per_minute`` requests per user; ``per_minute <= 0`` disables it.

    Per process: with several replicas each enforces its own window.
    """

    def __init__(
        self,
        per_minute: int,
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}
        self._lock = threading.Lock()

    def check(self, user_id: int) -> float:
        """0 when the request may go ahead (and counts it); else seconds until it may."""
        if self.per_minute <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(user_id, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) < self.per_minute:
                hits.append(now)
                self._warned.pop(user_id, None)
                if len(self._hits) > 10_000:
                    self._prune(now)
                return 0.0
            return max(self.window - (now - hits[0]), 0.1)

    def should_warn(self, user_id: int) -> bool:
        """True once per blocked stretch, so a flood gets one polite message, not many."""
        now = self.clock()
        with self._lock:
            last = self._warned.get(user_id)
            if last is not None and now - last < self.window:
                return False
            self._warned[user_id] = now
            return True

    def _prune(self, now: float) -> None:
        for uid in [u for u, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[uid]


def wait_seconds(seconds: float) -> int:
    return max(1, math.ceil(seconds))


def telegram_user(user_id: int) -> str:
    """How a Telegram user is named in the store: uploads, the audit log, the query log and
    feedback alike."""
    return f"telegram:{user_id}"
