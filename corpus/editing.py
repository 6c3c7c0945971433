"""Metadata edits after ingestion, shared by the admin API and the bot's upload corrections."""

from __future__ import annotations

from typing import Any

from corpus.docnumbers import parse_number, type_code_for_name
from corpus.labels import follow_number, passage_context
from corpus.models import Document, DocumentStatus, Passage
from corpus.store import CorpusStore


def number_fields(
    number_text: str | None, *, doc_type: str | None, year: int | None, retyped: bool = False
) -> dict[str, Any]:
    """number, number_key, match_key and identity, derived as ingestion derives them.

    A number the parser cannot read is kept as typed, without keys: it is shown and searched
    as text but links to no other document.
    """
    if not number_text:
        return {"number": None, "number_key": None, "match_key": None, "identity": None}
    parsed = parse_number(str(number_text))
    if parsed is None:
        return {"number": str(number_text), "number_key": None, "match_key": None,
                "identity": None}
    parsed = parsed.with_year(year)
    code = type_code_for_name(doc_type) if doc_type else None
    if code and (retyped or parsed.type_code is None):
        parsed = parsed.with_type(code)
    return parsed.fields()


def update_metadata(
    store: CorpusStore, doc_id: int, changes: dict[str, Any], *, actor: str
) -> Document | None:
    """Apply metadata ``changes``; passage contexts follow so every index re-embeds them.

    Returns None when the document does not exist.
    """
    doc = store.get_document(doc_id)
    if doc is None:
        return None
    changes = dict(changes)
    typed = set(changes)
    if "recipients" in changes and changes["recipients"] is None:
        changes["recipients"] = []
    if {"number", "doc_type", "year"} & changes.keys() and (doc.number or changes.get("number")):
        changes.update(
            number_fields(
                changes.get("number", doc.number),
                doc_type=changes.get("doc_type") or doc.doc_type,
                year=changes.get("year", doc.year),
                retyped="doc_type" in changes,
            )
        )
    if changes.get("number") and doc.number:
        for name in ("title", "subject"):
            followed = follow_number(getattr(doc, name), doc.number, str(changes["number"]))
            if name not in typed and followed != getattr(doc, name):
                changes[name] = followed
    if "status" in changes and changes["status"] != DocumentStatus.SUPERSEDED:
        changes["superseded_by_id"] = None

    def context_for(d: Document, p: Passage) -> str:
        return passage_context(d, p.heading)

    return store.update_document(doc_id, changes, actor=actor, context_for=context_for)
