"""Documents named in a question by title: "theo Luật Giáo dục", "bo luat lao dong".

Numbers ("NQ 02") are recognised in corpus.docnumbers; this finds the documents people name
by their title instead. Names are folded and stripped of diacritics, matched on whole words,
and only the longest match counts ("Luật Giáo dục đại học" does not also name "Luật Giáo dục").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from corpus.text import bare

NAMED_TYPES = ("Luật", "Bộ luật", "Điều lệ", "Pháp lệnh", "Hiến pháp")
MIN_WORDS = 2


def _key(text: str) -> str:
    words = re.findall(r"\w+", bare(text))
    return " ".join(words)


_NAME = re.compile(
    r"(?:^|[\s:(“\"])((?:" + "|".join(NAMED_TYPES) + r")\s+[^\d();:“”\"—–]{2,80}?)"
    r"(?=\s+(?:số|năm|ban hành|sửa đổi|Quốc hội)\b|\s*[\d();:“”\"—–]|\s*,?\s*$)"
)


class Named(Protocol):
    """What is read of a document (corpus.models.Document, corpus.store.DocumentSummary)."""

    @property
    def id(self) -> int | None: ...
    @property
    def doc_type(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def subject(self) -> str | None: ...


def document_titles(doc: Named) -> frozenset[str]:
    """Matching keys of the names a document goes by (empty for dispatches and plans)."""
    texts = [t for t in (doc.title, doc.subject) if t]
    names = {_key(m.group(1)) for text in texts for m in _NAME.finditer(text)}
    subject = doc.subject or ""
    if doc.doc_type in NAMED_TYPES and subject and len(subject) < 80:
        full = subject if subject.startswith(doc.doc_type) else f"{doc.doc_type} {subject}"
        names.add(_key(full))
    return frozenset(n for n in names if len(n.split()) >= MIN_WORDS)


class TitleIndex:
    """Name key -> document ids, and the search for the longest names in a question.

    ``previous`` lends the names it found for the same (type, title, subject): a refresh
    after an upload reads the titles of the new documents only."""

    def __init__(self, docs: Iterable[Named], previous: TitleIndex | None = None) -> None:
        self._docs: dict[str, set[int]] = {}
        known = previous._names if previous is not None else {}
        self._names: dict[tuple[str, str, str | None], frozenset[str]] = {}
        for doc in docs:
            if doc.id is None:
                continue
            key = (doc.doc_type, doc.title, doc.subject)
            names = self._names[key] = known[key] if key in known else document_titles(doc)
            for name in names:
                self._docs.setdefault(name, set()).add(doc.id)
        self._pattern = (
            re.compile(
                r"\b(?:"
                + "|".join(re.escape(n) for n in sorted(self._docs, key=len, reverse=True))
                + r")\b"
            )
            if self._docs
            else None
        )

    def __len__(self) -> int:
        return len(self._docs)

    def named(self, question: str) -> set[int]:
        if self._pattern is None:
            return set()
        found: set[int] = set()
        for m in self._pattern.finditer(_key(question)):
            found |= self._docs[m.group(0)]
        return found
