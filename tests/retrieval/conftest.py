import pytest

from corpus.ingest import ingest_text
from corpus.store import CorpusStore
from tests.retrieval.topics import DOCS


@pytest.fixture()
def topic_store(sqlite_store: CorpusStore) -> CorpusStore:
    """Six one-topic notices (tests.retrieval.topics.DOCS), ingested."""
    for name, text in DOCS.items():
        assert ingest_text(sqlite_store, text, source_name=name).ok
    return sqlite_store
