"""Answers to questions: verbatim quotes grouped by document, each with its citation.

What the front ends (bot, admin API, command line) use. The parts: :mod:`.model` (the plain
data), :mod:`.compose` (the :class:`Answerer`), :mod:`.confidence` (when to say "không tìm
thấy"), :mod:`.documents`, :mod:`.duties` and :mod:`.implementing` (what an answer shows),
:mod:`.obligations` and :mod:`.graph` (duties and implementing chains read from documents),
:mod:`.quoting` (verbatim excerpts), :mod:`.prose` (optional checked prose).
"""

from retrieval.answers.compose import Answerer
from retrieval.answers.model import (
    Answer,
    Citation,
    DirectSentence,
    DocumentGroup,
    Obligation,
    Quote,
    RelatedDocument,
    answer_to_dict,
    citation_for,
    compact_references,
    readable_section,
)
from retrieval.answers.quoting import is_item_marker, unmarked

__all__ = [
    "Answer",
    "Answerer",
    "Citation",
    "DirectSentence",
    "DocumentGroup",
    "Obligation",
    "Quote",
    "RelatedDocument",
    "answer_to_dict",
    "citation_for",
    "compact_references",
    "is_item_marker",
    "readable_section",
    "unmarked",
]
