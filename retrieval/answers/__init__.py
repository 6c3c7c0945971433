"""Answers to questions: verbatim quotes grouped by document, each with its citation.

What the front ends (bot, admin API, command line) use; the parts live in the modules of this
package (model, compose, confidence, obligations, graph, quoting, prose).
"""

from retrieval.answers.compose import (
    Answer,
    Answerer,
    Citation,
    DocumentGroup,
    Obligation,
    Quote,
    RelatedDocument,
    answer_to_dict,
    citation_for,
)

__all__ = [
    "Answer",
    "Answerer",
    "Citation",
    "DocumentGroup",
    "Obligation",
    "Quote",
    "RelatedDocument",
    "answer_to_dict",
    "citation_for",
]
