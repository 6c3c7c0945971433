"""A question, parsed once at the front door and passed down as a :class:`Query`.

Everything downstream (the searcher, intent, evidence, quoting, obligations, the graph) reads
the views it needs from the query instead of parsing the question string again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corpus.docnumbers import DocNumber, numbers_in_question
from corpus.text import fold, has_diacritics, strip_diacritics


@dataclass(frozen=True)
class Query:
    """One question and its views.

    ``text`` is the question as typed with runs of white space collapsed; ``folded`` its
    matching form (lower case, one tone placement); ``bare`` the folded form without
    diacritics; ``restored`` the text given to the dense encoder (diacritics restored from the
    corpus's words for a question typed without them, else ``text``); ``numbers`` the document
    numbers it names, in any spelling.
    """

    text: str
    folded: str
    bare: str
    accented: bool
    restored: str
    numbers: tuple[DocNumber, ...]

    @property
    def number_keys(self) -> frozenset[str]:
        """Loose keys ("NQ:2") of the numbers the question names."""
        return frozenset(n.match_key for n in self.numbers if n.match_key)

    def __bool__(self) -> bool:
        return bool(self.text)


def parse_query(text: str, *, restore: Callable[[str], str] | None = None) -> Query:
    """The :class:`Query` of ``text``; ``restore`` gives a diacritic-free question its
    diacritics back for the dense encoder (the searcher's restorer)."""
    text = " ".join(text.split())
    folded = fold(text)
    accented = has_diacritics(text)
    restored = restore(text) if restore is not None and text and not accented else text
    return Query(
        text=text,
        folded=folded,
        bare=strip_diacritics(folded),
        accented=accented,
        restored=restored,
        numbers=tuple(numbers_in_question(text)),
    )
