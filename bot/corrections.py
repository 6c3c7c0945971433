"""An admin's correction of a just-uploaded document's type or number."""

from __future__ import annotations

from typing import Any

from corpus.docnumbers import parse_number
from corpus.models import Document
from corpus.store import CorpusStore
from retrieval.service import DocumentNotFound, update_metadata


class InvalidNumber(ValueError):
    pass


def correct_document(
    store: CorpusStore,
    doc_id: int,
    *,
    doc_type: str | None = None,
    number: str | None = None,
    actor: str = "",
) -> Document | None:
    """Set the type and/or number; a number that cannot be parsed raises InvalidNumber.

    None when the document is gone."""
    if number is not None:
        parsed = parse_number(number)
        if parsed is None or not parsed.number:
            raise InvalidNumber(number)
    changes: dict[str, Any] = {}
    if doc_type:
        changes["doc_type"] = doc_type
    if number is not None:
        changes["number"] = number
    if not changes:
        return store.get_document(doc_id)
    try:
        return update_metadata(store, doc_id, changes, actor=actor)
    except DocumentNotFound:
        return None
