"""Wiring shared by the entry points: settings -> store, encoder, retriever."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from corpus.db import make_engine
from corpus.store import CorpusStore
from retrieval.encoder import Encoder, load_encoder
from retrieval.searcher import Retriever
from retrieval.service.settings import Settings

log = logging.getLogger(__name__)


def open_store(settings: Settings) -> CorpusStore:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return CorpusStore(make_engine(settings.db_url))


def encoder_from(settings: Settings) -> Encoder | None:
    return load_encoder(
        settings.embedding_model,
        backend=settings.embedding_backend,
        batch_size=settings.embedding_batch_size,
        query_prompt=settings.query_prefix,
        passage_prompt=settings.passage_prefix,
        cache_dir=settings.model_cache_dir,
        threads=settings.embedding_threads,
    )


def build_retriever(
    settings: Settings,
    store: CorpusStore,
    *,
    encoder: Encoder | None = None,
    load_model: bool = True,
) -> Retriever:
    if encoder is None and load_model:
        encoder = encoder_from(settings)
    return Retriever(
        store,
        encoder=encoder,
        index_dir=settings.index_dir,
        approximate_above=settings.dense_approximate_above,
        nprobe=settings.dense_nprobe,
    )


@dataclass
class RefreshLoop:
    """Background thread that refreshes a retriever when the corpus revision changes."""

    retriever: Retriever
    interval: float
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="index-refresh", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.retriever.refresh()
            except Exception:  # keep serving the last good index; try again next tick
                log.exception("Index refresh failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
