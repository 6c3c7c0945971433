"""Keeping one process's index at the corpus revision.

Every process (bot, admin, CLI, each replica) holds its own index, derived from the
database. It catches up at start, after a write made in this process, on a timer (for
writes made by other processes), and rebuilds from scratch on request. All of that goes
through :class:`IndexRefresher`; nothing else refreshes a index.

One background thread per refresher does the refreshing. A write only *asks* for a pass
(:meth:`IndexRefresher.request`): a request made while a pass runs marks one more pass,
never one more waiting thread, so a burst of writes costs at most two passes and no request
thread or worker-pool slot ever waits on a refresh. A failed pass is retried after an
exponential back-off (capped), not at every tick: a failing embedding batch or a full disk
is not hammered every few seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from retrieval.indexing import IndexBuilder

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

BACKOFF_MAX_SECONDS = 300.0


class IndexRefresher:
    """Refreshes ``index``: on demand (blocking, :meth:`catch_up`), on request (in the
    background thread, :meth:`request`) and every ``interval`` seconds once started with
    ``periodic`` (never when ``interval <= 0``).

    After ``n`` failed passes in a row the next one waits ``min(backoff_max, base * 2**(n-1))``
    seconds, ``base`` defaulting to ``interval`` (at least one second); requests made meanwhile wait
    for it too.
    """

    def __init__(
        self,
        index: IndexBuilder,
        interval: float = 0.0,
        *,
        backoff_base: float | None = None,
        backoff_max: float = BACKOFF_MAX_SECONDS,
    ) -> None:
        self.index = index
        self.interval = interval
        self.backoff_base = backoff_base if backoff_base is not None else max(interval, 1.0)
        self.backoff_max = backoff_max
        self._cond = threading.Condition()
        self._pending = False
        self._running = False
        self._periodic = False
        self._stopped = False
        self._failures = 0
        self._retry_at = 0.0
        self._passes = 0
        self._thread: threading.Thread | None = None

    # -- blocking ----------------------------------------------------------------------------
    def catch_up(self, progress: Progress | None = None) -> bool:
        """Bring the index to the corpus revision now; True when anything changed."""
        return self.index.refresh(progress=progress)

    def catch_up_quietly(self) -> bool:
        """:meth:`catch_up`, logging a failure instead of raising; False when it failed."""
        try:
            self.catch_up()
        except Exception:
            log.exception("Index refresh failed; the next refresh retries")
            return False
        return True

    def rebuild(self, progress: Progress | None = None) -> None:
        """Rebuild the index from the database, even at the current revision."""
        self.index.refresh(force=True, progress=progress)

    # -- in the background -------------------------------------------------------------------
    @property
    def failures(self) -> int:
        """Failed passes in a row (0 after a successful one)."""
        return self._failures

    @property
    def passes(self) -> int:
        """Background passes run so far."""
        return self._passes

    def retry_in(self) -> float:
        """Seconds until a failed pass may be retried (0 when not backing off)."""
        return max(0.0, self._retry_at - time.monotonic()) if self._failures else 0.0

    def request(self) -> None:
        """Ask for a pass in the background thread; returns at once (ignored once stopped)."""
        with self._cond:
            if self._stopped:
                return
            self._pending = True
            self._cond.notify_all()
        self._ensure_thread()

    def start(self, *, periodic: bool = True) -> None:
        """Run the background thread: a pass at once if the index was never built, then one
        every ``interval`` seconds when ``periodic``, and one after each request."""
        with self._cond:
            self._stopped = False
            self._periodic = periodic and self.interval > 0
            if self.index.revision < 0:
                self._pending = True
            self._cond.notify_all()
        self._ensure_thread()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no pass runs or is asked for (not counting periodic ones); True if so."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._pending = False
            self._cond.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _ensure_thread(self) -> None:
        with self._cond:
            if self._stopped or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self._run, name="index-refresh", daemon=True)
            self._thread.start()

    def _next_wait(self, next_tick: float) -> float | None:
        """Seconds to sleep before the next pass, 0 to run one now; called under the lock."""
        now = time.monotonic()
        due = self._retry_at if self._failures else now
        if self._pending:
            return max(0.0, due - now)
        if self._periodic:
            return max(0.0, max(due, next_tick) - now)
        return None

    def _run(self) -> None:
        next_tick = time.monotonic() + self.interval
        while True:
            with self._cond:
                while not self._stopped:
                    wait = self._next_wait(next_tick)
                    if wait == 0.0:
                        break
                    self._cond.wait(wait)
                if self._stopped:
                    return
                self._pending, self._running = False, True
            ok = self.catch_up_quietly()
            next_tick = time.monotonic() + self.interval
            with self._cond:
                self._running = False
                self._passes += 1
                self._failures = 0 if ok else self._failures + 1
                if not ok:
                    delay = min(self.backoff_max, self.backoff_base * 2 ** (self._failures - 1))
                    self._retry_at = time.monotonic() + delay
                    self._pending = True  # retried after the back-off, timer or not
                    log.warning("Index refresh failed %d time(s) in a row: next try in %.0fs",
                                self._failures, delay)
                self._cond.notify_all()
