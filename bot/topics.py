"""Whether a new document matches a subscription topic."""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.docnumbers import numbers_in_question
from corpus.models import Document
from corpus.text import bare

ALL = "*"
HEADER_CHARS = 800  # the trích yếu is in the header even when the parser missed it
_WORD = re.compile(r"\w+")


def haystack(doc: Document) -> str:
    fields = [
        doc.doc_type, doc.number, doc.number_key, doc.title, doc.subject,
        doc.issuer, doc.parent_issuer, doc.place,
    ]
    fields.append(doc.text[:HEADER_CHARS])
    return bare(" ".join(f for f in fields if f))


def topic_matches(topic: str, doc: Document, cited_match_keys: Iterable[str] = ()) -> bool:
    """A topic matches a document when

    - it is ``*`` (everything new);
    - it names a document number ("NQ 02") the document has or cites ("Thực hiện NQ 02…");
    - its words all occur in the document's type, number, title, subject, issuer or header,
      diacritics and case ignored.
    """
    if topic.strip() == ALL:
        return True
    wanted = {n.match_key for n in numbers_in_question(topic) if n.match_key}
    if wanted and (doc.match_key in wanted or wanted & set(cited_match_keys)):
        return True
    key = bare(topic)
    words = _WORD.findall(key)
    if not words:
        return False
    hay = haystack(doc)
    if key in hay:
        return True
    hay_words = set(_WORD.findall(hay))
    return not wanted and all(w in hay_words for w in words)
