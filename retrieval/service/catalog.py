"""Finding a stored document, and its card: what it cites and what cites it.

The bot's /xem, the admin API and page, and ``chinam show`` all look documents up and draw
their cards from here, so they agree on which document a spelling means and on its links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.models import Document, Reference
from corpus.store import CorpusStore
from corpus.text import bare
from retrieval.service.errors import DocumentNotFound

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every database


def get_document(store: CorpusStore, doc_id: int) -> Document:
    """The document with this id, or :class:`DocumentNotFound`."""
    doc = store.get_document(doc_id) if 0 < doc_id <= MAX_ID else None
    if doc is None:
        raise DocumentNotFound(f"Không có văn bản #{doc_id}.", document_id=doc_id)
    return doc


def record_id(text: str) -> int | None:
    """The id ``text`` spells ("12", "#12"), or None: not digits, or beyond any stored id."""
    digits = text.strip().removeprefix("#").strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_ID)):
        return None
    value = int(digits)
    return value if 0 < value <= MAX_ID else None


def find_documents(
    store: CorpusStore, target: str, *, bare_ids: bool = True
) -> list[Document]:
    """The documents ``target`` names, number first.

    "#12" is the record id 12 and nothing else. Otherwise first every document whose
    số/ký hiệu matches the spelling: as typed, canonical, any spelling of the same number
    ("5208/BGDĐT-GDPT", "CV 5208", "cong van so 5208"), or the bare number of any type
    ("5208", "12" for Luật 12/2012/QH13, "5208/BGDĐT"). Only when no number matches and
    ``target`` is digits and ``bare_ids`` (scripts, the CLI), the document with that id:
    people type the number printed on the paper; ids are for links and scripts.
    """
    text = " ".join(target.split())
    if text.startswith("#"):
        doc_id = record_id(text)
        doc = store.get_document(doc_id) if doc_id is not None else None
        return [doc] if doc is not None else []
    docs = store.find_documents(text) if text else []
    if not docs:
        docs = _by_bare_number(store, text)
    if not docs and bare_ids and (doc_id := record_id(text)) is not None:
        doc = store.get_document(doc_id)
        docs = [doc] if doc is not None else []
    unique = {d.id: d for d in docs}
    return list(unique.values())


_LEADING_NUMBER = re.compile(r"(\d{1,6})(?![\d.,])(?:\s*[/-]\s*(.*))?")


def _by_bare_number(store: CorpusStore, text: str) -> list[Document]:
    """Documents numbered as ``text`` begins ("5208", "12/2012", "5208/BGDĐT"), of any type;
    what follows the number, when given, must occur in the printed number."""
    m = _LEADING_NUMBER.fullmatch(text)
    if m is None:
        return []
    docs = store.documents_numbered(int(m.group(1)))
    rest = bare(m.group(2) or "").replace(" ", "")
    if not rest:
        return docs
    return [d for d in docs if rest in _printed_keys(d)]


def _printed_keys(doc: Document) -> str:
    year = str(doc.year or "")
    forms = [doc.number or "", doc.number_key or "", year]
    return " ".join(bare(f).replace(" ", "") for f in forms)


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
