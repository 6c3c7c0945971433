"""Keeping one process's index at the corpus revision.

Every process (bot, admin, CLI, each replica) holds its own index, derived from the
database. It catches up at start, after a write made in this process, on a timer (for
writes made by other processes), and rebuilds from scratch on request. All of that goes
through :class:`IndexRefresher`; nothing else refreshes a index.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from retrieval.indexing import IndexBuilder

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class IndexRefresher:
    """Refreshes ``index``: on demand, and in a background thread every ``interval``
    seconds once started (never when ``interval <= 0``).

    Concurrent refreshes queue on the index's own lock; the later ones find nothing to do.
    """

    def __init__(self, index: IndexBuilder, interval: float = 0.0) -> None:
        self.index = index
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def catch_up(self, progress: Progress | None = None) -> bool:
        """Bring the index to the corpus revision now; True when anything changed."""
        return self.index.refresh(progress=progress)

    def catch_up_quietly(self) -> None:
        """:meth:`catch_up`, logging a failure instead of raising (the loop retries)."""
        try:
            self.catch_up()
        except Exception:
            log.exception("Index refresh failed; the next refresh retries")

    def rebuild(self, progress: Progress | None = None) -> None:
        """Rebuild the index from the database, even at the current revision."""
        self.index.refresh(force=True, progress=progress)

    def start(self, *, periodic: bool = True) -> None:
        """Refresh in a background thread: at once if the index was never built, then every
        ``interval`` seconds when ``periodic``."""
        if self._thread is not None:
            return
        first = self.index.revision < 0
        loop = periodic and self.interval > 0
        if first or loop:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, args=(first, loop), name="index-refresh", daemon=True
            )
            self._thread.start()

    def _run(self, first: bool, loop: bool) -> None:
        if first:
            self.catch_up_quietly()
        while loop and not self._stop.wait(self.interval):
            self.catch_up_quietly()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
