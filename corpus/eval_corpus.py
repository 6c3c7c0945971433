"""Evaluation corpora in JSONL: one retrievable unit (e.g. an article) per line.

Line: ``{"id", "title", "text", optional "doc_number", "doc_title", "doc_type", "issuer",
"year", "article"}``. Lines of the same document become one Document; each line becomes one
passage (or several, when it is longer than a passage may be), keeping the line id in
``Passage.ref`` so results can be scored per line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.chunking import MAX_CHARS, chunk_text
from corpus.docnumbers import parse_number, type_code_for_name
from corpus.hashing import content_hash, sha256_text
from corpus.models import Document, Passage
from corpus.store import CorpusStore


@dataclass(frozen=True)
class JsonlStats:
    documents: int
    added: int
    passages: int


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
            if not isinstance(row, dict) or "id" not in row or "text" not in row:
                raise ValueError(f"{path}:{n}: each line needs 'id' and 'text'")
            yield row


def _unit_passages(row: dict[str, Any], start: int, ordinal: int) -> list[Passage]:
    text = str(row["text"])
    context = str(row.get("title") or "")
    article = row.get("article")
    section = f"Điều {article}" if article else ""
    if len(text) <= MAX_CHARS:
        spans = [(text, start, start + len(text), section)]
    else:
        spans = [
            (c.text, start + c.start, start + c.end, " > ".join(filter(None, (section, c.section))))
            for c in chunk_text(text)
        ]
    return [
        Passage(
            document_id=0,
            ordinal=ordinal + i,
            section=sec,
            heading=context,
            context=context,
            text=chunk,
            start=s,
            end=e,
            content_hash=content_hash(context, chunk),
            ref=str(row["id"]),
        )
        for i, (chunk, s, e, sec) in enumerate(spans)
    ]


def ingest_jsonl(store: CorpusStore, path: Path) -> JsonlStats:
    """Store every document of a JSONL corpus; documents already stored are skipped."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in read_jsonl(path):
        key = str(row.get("doc_number") or row.get("doc_title") or row["id"])
        groups.setdefault(key, []).append(row)
    added = passages_total = 0
    for key, rows in groups.items():
        first = rows[0]
        body = "\n\n".join(str(r["text"]) for r in rows)
        sha = sha256_text(f"{path.name}\n{key}\n{body}")
        if store.find_by_sha(sha) is not None:
            continue
        passages: list[Passage] = []
        offset = 0
        for row in rows:
            passages += _unit_passages(row, offset, len(passages))
            offset += len(str(row["text"])) + 2
        number = parse_number(str(first.get("doc_number") or ""))
        doc_type = str(first.get("doc_type") or "Văn bản")
        if number is not None:
            number = number.with_type(type_code_for_name(doc_type)).with_year(first.get("year"))
        doc = Document(
            doc_type=doc_type,
            title=str(first.get("doc_title") or key),
            subject=str(first.get("doc_title") or "") or None,
            issuer=first.get("issuer"),
            year=first.get("year"),
            number=number.printed if number else first.get("doc_number"),
            number_key=number.key if number else None,
            match_key=number.match_key if number else None,
            identity=number.identity if number else None,
            source_name=path.name,
            sha256=sha,
            text=body,
        )
        store.save_document(doc, passages, [], actor="eval")
        added += 1
        passages_total += len(passages)
    return JsonlStats(documents=len(groups), added=added, passages=passages_total)
