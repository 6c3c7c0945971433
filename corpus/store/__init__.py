"""The repository: every query the project makes lives in this package.

Callers get plain model objects (detached, safe to read after the session closes) or small
records; no other module opens a session. :class:`CorpusStore` is one object whose queries
are grouped by subject: documents, passages (with embeddings and references), activity.
"""

from corpus.store.activity import ActivityQueries
from corpus.store.documents import DocumentQueries
from corpus.store.passages import PassageQueries
from corpus.store.records import (
    AlreadyStored,
    DocumentFilter,
    DocumentSummary,
    OlderContent,
    PassageRecord,
    ReferenceLink,
)


class CorpusStore(DocumentQueries, PassageQueries, ActivityQueries):
    """The one repository of the project (SQLite or PostgreSQL through SQLAlchemy)."""


__all__ = [
    "AlreadyStored",
    "CorpusStore",
    "DocumentFilter",
    "DocumentSummary",
    "OlderContent",
    "PassageRecord",
    "ReferenceLink",
]
