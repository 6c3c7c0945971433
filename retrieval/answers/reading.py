"""What one answer reads from the store, kept while that answer is composed.

The passages and documents of the hits are loaded up front; the composing functions add the
ones they load later (replacements, implementers, passages they quote), so that the ones after
them find them here. The directive graph caches its own reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.models import Document, Passage
from retrieval.answers.graph import DirectiveGraph
from retrieval.answers.reads import StoreReads
from retrieval.searcher import Hit


@dataclass
class Reading:
    store: StoreReads
    passages: dict[int, Passage]
    docs: dict[int, Document]
    graph: DirectiveGraph

    @classmethod
    def of_hits(
        cls, store: StoreReads, hits: Sequence[Hit], graph: DirectiveGraph | None = None
    ) -> Reading:
        """The passages and documents of ``hits``, loaded; ``graph`` over ``store`` when given
        (one shared between answers), else a new one."""
        return cls(
            store,
            store.passages_by_ids(h.passage_id for h in hits),
            store.documents_by_ids(h.document_id for h in hits),
            graph if graph is not None else DirectiveGraph(store),
        )

    def load_documents(self, ids: Iterable[int]) -> dict[int, Document]:
        """Documents ``ids`` from the store (kept here too)."""
        found = self.store.documents_by_ids(ids)
        self.docs.update(found)
        return found

    def document(self, doc_id: int) -> Document | None:
        """A kept document, else the stored one (not kept)."""
        return self.docs.get(doc_id) or self.store.get_document(doc_id)

    def load_passages(self, ids: Iterable[int]) -> None:
        """Keep the stored passages ``ids`` not kept yet."""
        missing = [pid for pid in ids if pid not in self.passages]
        if missing:
            self.passages.update(self.store.passages_by_ids(missing))

    def passages_of(self, doc_id: int) -> list[Passage]:
        """All passages of a document, in reading order (kept as they are read)."""
        passages = self.store.passages_of(doc_id)
        for p in passages:
            if p.id is not None:
                self.passages[p.id] = p
        return passages
