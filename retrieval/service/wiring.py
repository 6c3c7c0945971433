"""Settings -> store, encoder, index: the one place these are constructed.

Nothing here runs at import time; the encoder's heavy libraries load inside ``load_encoder``.
"""

from __future__ import annotations

from corpus.db import make_engine
from corpus.store import CorpusStore
from retrieval.encoder import Encoder, load_encoder
from retrieval.indexing import IndexBuilder
from retrieval.service.settings import Settings


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
        batch_tokens=settings.embedding_batch_tokens,
    )


def build_index(
    settings: Settings,
    store: CorpusStore,
    *,
    encoder: Encoder | None = None,
    load_model: bool = True,
) -> IndexBuilder:
    """The index of ``settings``, not yet refreshed (loads the model unless given one)."""
    if encoder is None and load_model:
        encoder = encoder_from(settings)
    return IndexBuilder(
        store,
        encoder=encoder,
        index_dir=settings.index_dir,
        approximate_above=settings.dense_approximate_above,
        nprobe=settings.dense_nprobe,
    )
