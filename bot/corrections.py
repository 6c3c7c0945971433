"""An admin's correction of a just-uploaded document's type or number.

Stopgap until corpus/ offers one metadata-edit function shared with the admin API (which has
the same rules in admin/service.py, out of the bot's reach): the number fields are derived
as ingestion derives them, and passage contexts are rebuilt so every index follows.
"""

from __future__ import annotations

from typing import Any

from corpus.docnumbers import parse_number, type_code_for_name
from corpus.ingest import passage_context
from corpus.models import Document, Passage
from corpus.store import CorpusStore


class InvalidNumber(ValueError):
    pass


def number_fields(
    number_text: str, doc_type: str, *, year: int | None, retyped: bool
) -> dict[str, Any]:
    parsed = parse_number(number_text)
    if parsed is None or not parsed.number:
        raise InvalidNumber(number_text)
    parsed = parsed.with_year(year)
    code = type_code_for_name(doc_type)
    if code and (retyped or parsed.type_code is None):
        parsed = parsed.with_type(code)
    return {
        "number": parsed.printed,
        "number_key": parsed.key,
        "match_key": parsed.match_key,
        "identity": parsed.identity,
    }


def correct_document(
    store: CorpusStore,
    doc_id: int,
    *,
    doc_type: str | None = None,
    number: str | None = None,
    actor: str = "",
) -> Document | None:
    doc = store.get_document(doc_id)
    if doc is None:
        return None
    changes: dict[str, Any] = {}
    if doc_type:
        changes["doc_type"] = doc_type
    number_text = number if number is not None else doc.number
    if number_text and (number is not None or doc_type):
        try:
            changes.update(
                number_fields(
                    number_text, doc_type or doc.doc_type, year=doc.year, retyped=bool(doc_type)
                )
            )
        except InvalidNumber:
            if number is not None:
                raise
    if not changes:
        return doc

    def context_for(d: Document, p: Passage) -> str:
        return passage_context(d, p.heading)

    return store.update_document(doc_id, changes, actor=actor, context_for=context_for)
