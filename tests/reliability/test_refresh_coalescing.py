"""One refresher thread per process: writes never wait on a refresh, bursts coalesce, and a
failing refresh backs off instead of retrying at every tick."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from corpus.store import CorpusStore
from retrieval.indexing import IndexBuilder
from retrieval.service import IndexRefresher, Runtime, Settings
from retrieval.service.refresher import Progress

BURST = 40


class GatedIndex(IndexBuilder):
    """An index whose refreshes wait for ``gate`` (a slow embedding pass, say)."""

    def __init__(self, store: CorpusStore) -> None:
        super().__init__(store)
        self.gate = threading.Event()
        self.calls = 0
        self.failing = False

    def refresh(self, *, force: bool = False, progress: Progress | None = None) -> bool:
        self.calls += 1
        if self.failing:
            raise OSError("No space left on device")
        self.gate.wait(30)
        return super().refresh(force=force, progress=progress)


def _settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data", embedding_model=None, refresh_seconds=0, _env_file=None
    )


def test_a_burst_of_writes_never_waits_on_a_refresh_and_coalesces(
    seeded_store: CorpusStore, tmp_path: Path
) -> None:
    index = GatedIndex(seeded_store)
    runtime = Runtime(_settings(tmp_path), seeded_store, index=index)
    try:
        runtime.after_write()  # the first pass starts and blocks on the gate
        slowest: list[float] = []

        def write() -> None:
            started = time.monotonic()
            runtime.after_write()
            slowest.append(time.monotonic() - started)

        threads = [threading.Thread(target=write, daemon=True) for _ in range(BURST)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=2)
        returned = len(slowest)
        index.gate.set()
        assert returned == BURST, f"{BURST - returned} writes still waiting on the refresh"
        assert max(slowest) < 0.5
        assert runtime.refresher.wait_idle(timeout=30)
        # The blocked pass, then a single pass for the whole burst.
        assert index.calls == 2
        assert index.revision == seeded_store.revision()
    finally:
        index.gate.set()
        runtime.close()


def test_a_failing_refresh_backs_off_exponentially(
    seeded_store: CorpusStore, tmp_path: Path
) -> None:
    index = GatedIndex(seeded_store)
    index.gate.set()
    index.failing = True
    refresher = IndexRefresher(index, 0.05, backoff_base=0.05, backoff_max=0.4)
    refresher.start(periodic=True)
    try:
        time.sleep(1.6)
        attempts = index.calls
        # Every 50 ms that would be ~32 attempts; backing off 50, 100, 200, 400, 400... ms: ~7.
        assert 3 <= attempts <= 9, attempts
        assert refresher.failures == attempts
        waits = []
        for _ in range(3):
            refresher.request()  # a write during the back-off does not bring the retry forward
            waits.append(refresher.retry_in())
        assert index.calls <= attempts + 1
        assert max(waits) <= 0.4
        index.failing = False
        deadline = time.monotonic() + 5
        while refresher.failures and time.monotonic() < deadline:
            time.sleep(0.05)
        assert refresher.failures == 0
        assert index.revision == seeded_store.revision()
    finally:
        refresher.stop()
