"""Finding a stored document, and its card: what it cites and what cites it.

The bot's /xem, the admin API and page, and ``chinam show`` all look documents up and draw
their cards from here, so they agree on which document a spelling means and on its links.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus.models import Document, Reference
from corpus.store import CorpusStore
from retrieval.service.errors import DocumentNotFound

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database


def get_document(store: CorpusStore, doc_id: int) -> Document:
    """The document with this id, or :class:`DocumentNotFound`."""
    doc = store.get_document(doc_id) if 0 < doc_id <= MAX_ID else None
    if doc is None:
        raise DocumentNotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
    return doc


def find_documents(store: CorpusStore, target: str) -> list[Document]:
    """The documents ``target`` names, number first.

    First every document whose số/ký hiệu matches the spelling (as typed, canonical, or any
    spelling of the same number: "5208/BGDĐT-GDPT", "CV 5208"...). Only when none does and
    ``target`` is an id (digits, optionally after "#"), the document with that id. Numbers
    win because people type the number printed on the paper; ids are for links and scripts.
    """
    docs = store.find_documents(target)
    if docs:
        return docs
    digits = target.strip().lstrip("#")
    if not (digits.isascii() and digits.isdigit()) or not 0 < int(digits) <= MAX_ID:
        return []
    doc = store.get_document(int(digits))
    return [doc] if doc is not None else []


@dataclass(frozen=True)
class CardLink:
    """One edge of the directive graph: the reference and the stored document at its other
    end (None when that document is not stored)."""

    reference: Reference
    document: Document | None


@dataclass(frozen=True)
class DocumentCard:
    """A document with its links.

    ``cites``: its references in the order written, each with its target when stored.
    ``cited_by``: one link per other stored document that cites it, resolved by id or, not
    yet resolved, by the number's match key; the first such reference of each document.
    """

    document: Document
    cites: list[CardLink]
    cited_by: list[CardLink]
    passages: int

    @property
    def cited_by_ids(self) -> list[int]:
        return sorted(link.reference.document_id for link in self.cited_by)


def document_card(store: CorpusStore, doc: Document) -> DocumentCard:
    if doc.id is None:
        raise ValueError("a card is drawn for a stored document")
    references = store.references_of(doc.id)
    keys = [doc.match_key] if doc.match_key else []
    incoming = [r for r in store.cited_by([doc.id], keys) if r.document_id != doc.id]
    linked = store.documents_by_ids(
        [r.target_id for r in references if r.target_id] + [r.document_id for r in incoming]
    )
    cites = [
        CardLink(ref, linked.get(ref.target_id) if ref.target_id else None) for ref in references
    ]
    cited_by: list[CardLink] = []
    seen: set[int] = set()
    for ref in incoming:
        if ref.document_id in seen or ref.document_id not in linked:
            continue
        seen.add(ref.document_id)
        cited_by.append(CardLink(ref, linked[ref.document_id]))
    return DocumentCard(doc, cites, cited_by, passages=len(store.passages_of(doc.id)))
