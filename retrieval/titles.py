"""Documents named in a question by title: "theo Luật Giáo dục", "bo luat lao dong".

Numbers ("NQ 02") are recognised in corpus.docnumbers; this finds the documents people name
by their title instead. Names are folded and stripped of diacritics, matched on whole words,
and only the longest match counts ("Luật Giáo dục đại học" does not also name "Luật Giáo dục").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.models import Document
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


def document_titles(doc: Document) -> set[str]:
    """Matching keys of the names a document goes by (empty for dispatches and plans)."""
    texts = [t for t in (doc.title, doc.subject) if t]
    names = {_key(m.group(1)) for text in texts for m in _NAME.finditer(text)}
    subject = doc.subject or ""
    if doc.doc_type in NAMED_TYPES and subject and len(subject) < 80:
        full = subject if subject.startswith(doc.doc_type) else f"{doc.doc_type} {subject}"
        names.add(_key(full))
    return {n for n in names if len(n.split()) >= MIN_WORDS}


class TitleIndex:
    """Name key -> document ids, and the search for the longest names in a question."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self._docs: dict[str, set[int]] = {}
        for doc in docs:
            if doc.id is None:
                continue
            for name in document_titles(doc):
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
