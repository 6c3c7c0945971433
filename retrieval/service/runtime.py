"""One process's application state, shared by the bot, the admin app and the command line.

A :class:`Runtime` holds the settings, the store, the index (built on :meth:`Runtime.load`,
which may load the embedding model), the answerer and the index refresher. After a write
(an upload, an edit, an ingest) the writer calls :meth:`Runtime.after_write`, the one way a
write asks for this process's index to catch up; other processes catch up on their timer.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from corpus.store import CorpusStore
from retrieval.answers import Answerer
from retrieval.encoder import Encoder
from retrieval.indexing import IndexBuilder
from retrieval.service.refresher import IndexRefresher, Progress
from retrieval.service.settings import Settings
from retrieval.service.wiring import build_index, open_store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexState:
    """What this process's index holds, for health checks and status pages."""

    revision: int  # corpus revision it was built at; -1 before the first build
    passages: int
    mode: str  # "hybrid" (lexical + dense) or "lexical"
    model_id: str | None
    files: str = "none"  # the index files: see IndexBuilder.files_state
    files_reason: str | None = None


class NotLoaded(RuntimeError):
    """The index is used before :meth:`Runtime.load`."""


class Runtime:
    """Settings, store, index, answerer and refresher of one process.

    ``store`` defaults to the settings' database (then closed by :meth:`close`); ``index``
    to the settings' model and index directory, built by :meth:`load` (``encoder`` replaces
    the settings' model; ``load_model=False`` means lexical-only unless ``encoder`` is given).
    """

    def __init__(
        self,
        settings: Settings,
        store: CorpusStore | None = None,
        *,
        index: IndexBuilder | None = None,
        encoder: Encoder | None = None,
        load_model: bool = True,
    ) -> None:
        self.settings = settings
        self._owns_store = store is None
        self.store = store if store is not None else open_store(settings)
        self._encoder = encoder
        self._load_model = load_model
        self._lock = threading.Lock()
        self._index = index
        self._refresher: IndexRefresher | None = None
        self._answerer: Answerer | None = None

    # -- the index ---------------------------------------------------------------------------
    def load(self) -> None:
        """Build the index unless built (blocking: may load the embedding model)."""
        with self._lock:
            if self._index is None:
                self._index = build_index(
                    self.settings, self.store, encoder=self._encoder, load_model=self._load_model
                )

    @property
    def loaded(self) -> bool:
        return self._index is not None

    @property
    def index(self) -> IndexBuilder:
        if self._index is None:
            raise NotLoaded("the index is not loaded yet")
        return self._index

    @property
    def refresher(self) -> IndexRefresher:
        index = self.index
        with self._lock:
            if self._refresher is None:
                self._refresher = IndexRefresher(index, self.settings.refresh_seconds)
            return self._refresher

    @property
    def answerer(self) -> Answerer:
        index = self.index
        with self._lock:
            if self._answerer is None:
                self._answerer = Answerer.from_settings(self.store, index, self.settings)
            return self._answerer

    def index_state(self) -> IndexState:
        index = self.index
        encoder = index.encoder
        files, reason = index.files_state
        return IndexState(
            files=files,
            files_reason=reason,
            revision=index.revision,
            passages=len(index),
            mode=index.mode,
            model_id=encoder.model_id if encoder is not None else None,
        )

    # -- keeping it current ------------------------------------------------------------------
    def catch_up(self, progress: Progress | None = None) -> bool:
        """Load if needed and bring the index to the corpus revision now (blocking; raises)."""
        self.load()
        return self.refresher.catch_up(progress)

    def after_write(self, *, wait: bool = False) -> None:
        """After a write made in this process: have its index catch up.

        Returns at once: the refresher's thread runs the pass, and requests made during a
        pass coalesce into one more. With ``wait`` (the command line) it loads the index if
        needed and refreshes before returning. Never raises: a failure is logged and retried.
        """
        if wait:
            try:
                self.load()
            except Exception:
                log.exception("Could not load the index to refresh it after a write")
                return
            self.refresher.catch_up_quietly()
            return
        if self.loaded:  # an index not loaded yet is built from the database when it is
            self.refresher.request()

    def rebuild(self, progress: Progress | None = None) -> None:
        """Rebuild the index from the database (blocking; raises)."""
        self.refresher.rebuild(progress)

    def start(self, *, periodic: bool = True) -> None:
        """Keep the loaded index current in the background: built at once if it never was,
        then refreshed every ``settings.refresh_seconds`` when ``periodic``."""
        self.refresher.start(periodic=periodic)

    def stop(self) -> None:
        if self._refresher is not None:
            self._refresher.stop()

    def close(self) -> None:
        """Stop refreshing; dispose of the store's engine if this runtime opened it."""
        self.stop()
        if self._owns_store:
            self.store.engine.dispose()
