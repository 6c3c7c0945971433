"""The part of a document a question names by its heading.

Staff ask for a part of a document by its title: "CV 5208 có những nhiệm vụ chung nào?" (the
part "A. NHIỆM VỤ CHUNG"), "Sở GDĐT phải làm gì theo phần Tổ chức thực hiện của CV 5208?"
("C. TỔ CHỨC THỰC HIỆN"), "mục tiêu của CV 777 là gì?" ("1. Mục tiêu"). Every passage keeps the
trail of headings above it (``Passage.heading``, "A. NHIỆM VỤ CHUNG > 1. …", one heading per
label of ``Passage.section``); a heading is named when the question holds its words (all
but the joining ones: "của", "và" …), as adjacent words where the heading has them adjacent,
compared as the question is typed (with diacritics or without) and with abbreviations expanded
on both sides (the question's own tokeniser reads both). A heading of
fewer than three words, numbering, a request that opens a heading ("c) Đề nghị Ban Thường vụ
Tỉnh ủy") and request words alone ("nhiệm vụ", "thực hiện") name nothing.

The named part is read first: its passages are quoted from its heading down and the duties it
holds are listed before others (:mod:`retrieval.answers.duties`,
:mod:`retrieval.answers.documents`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from corpus.models import Passage
from corpus.text import bare_view
from retrieval.answers.quoting import ELLIPSIS
from retrieval.query import REQUEST_WORDS, Query, question_tokens, word_pairs

TRAIL_SEPARATOR = " > "
# a heading of fewer words ("Điều 26. Giáo viên", "Nhiệm vụ") says who or what a question is
# about more often than which part it asks for
MIN_WORDS = 3
# words that join a heading's words ("Trách nhiệm của Hiệu trưởng"): a question need not say
# them; every other word of a heading it must ("Nhiệm vụ của người học" is not "nhiệm vụ học")
HEADING_GLUE = frozenset([
    "của", "và", "về", "đối", "với", "các", "những", "cho", "theo", "tại", "trong", "để",
    "đến", "từ", "là", "được", "có", "một", "hoặc", "thuộc",
])
# "C. ", "3.2. ", "II. ", "c) ", "Điều 5. ", "Chương II " before a heading's words
_NUMBERING = re.compile(
    r"^\s*(?:(?:Phần|Chương|Mục|Điều)\s+[\w.]+[.:]?\s*|(?:[IVXLC]+|[A-ZĐ]|\d+(?:\.\d+)*)[.)]\s*"
    r"|[a-zđ]\)\s*)",
    re.IGNORECASE,
)
_REQUEST_LEAD = re.compile(r"^(?:trân trọng |kính )?(?:đề nghị|yêu cầu|giao)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class NamedSection:
    """The part of one document a question names: its section path ("C", "3 > 3.2 > c"),
    its heading as printed and how many of the heading's words the question holds."""

    document_id: int
    path: str
    heading: str
    matched: int

    def holds(self, section: str) -> bool:
        """Whether a passage or duty of section path ``section`` stands in this part."""
        return section == self.path or section.startswith(self.path + TRAIL_SEPARATOR)


def heading_tokens(heading: str) -> list[str | None]:
    """The words of a heading, folded, abbreviations expanded, its joining words as None,
    less its numbering, an opening request and a word cut by the trail's "…"; a title in
    capitals is read in lower case (its words are no abbreviations)."""
    body = _NUMBERING.sub("", heading.strip(), count=1).strip()
    body = _REQUEST_LEAD.sub("", body, count=1)
    if body.endswith(ELLIPSIS):
        body = body[: -len(ELLIPSIS)].rsplit(" ", 1)[0]
    if body.isupper():
        body = body.lower()
    return question_tokens(body, accented=True, stop=HEADING_GLUE)


def named_words(question: Sequence[str], heading: str, accented: bool = True) -> int:
    """How many words of ``heading`` a question (all its syllables, abbreviations expanded,
    typed with diacritics or not: ``accented``) names it by; 0 when it does not name it."""
    tokens = heading_tokens(heading)
    if not accented:
        tokens = [bare_view(t) if t else None for t in tokens]
    words = {t for t in tokens if t}
    if len(words) < MIN_WORDS or not {w for w in words if bare_view(w) not in REQUEST_WORDS}:
        return 0
    if words <= set(question) and word_pairs(tokens) <= set(itertools.pairwise(question)):
        return len(words)
    return 0


def _parts(passage: Passage) -> Iterable[tuple[str, str]]:
    """(section path, heading) of every heading above ``passage``."""
    labels = [x for x in passage.section.split(TRAIL_SEPARATOR) if x]
    heads = [x for x in passage.heading.split(TRAIL_SEPARATOR) if x]
    if not labels or len(labels) != len(heads):
        return []
    return ((TRAIL_SEPARATOR.join(labels[: i + 1]), heads[i]) for i in range(len(labels)))


def named_section(query: Query, document_id: int,
                  passages: Sequence[Passage]) -> NamedSection | None:
    """The part of a document (``passages``) whose heading the question names: the one it
    names by the most words, the first of them in reading order."""
    asked = [t for t in question_tokens(query.text, query.accented, stop=()) if t]
    best: NamedSection | None = None
    seen: set[str] = set()
    for p in sorted(passages, key=lambda p: p.ordinal):
        for path, heading in _parts(p):
            if path in seen:
                continue
            seen.add(path)
            matched = named_words(asked, heading, query.accented)
            if matched and (best is None or matched > best.matched):
                best = NamedSection(document_id, path, heading, matched)
    return best


def named_sections(
    query: Query, doc_ids: Sequence[int], named: Iterable[int],
    passages_of: Callable[[int], Sequence[Passage]],
) -> dict[int, NamedSection]:
    """The named part of each document a question names by number (``named``), else of the
    first one shown: a heading of a document the answer does not lead with names nothing."""
    wanted = set(named)
    targets = [d for d in doc_ids if d in wanted] or list(doc_ids[:1])
    out: dict[int, NamedSection] = {}
    for doc_id in targets:
        found = named_section(query, doc_id, passages_of(doc_id))
        if found is not None:
            out[doc_id] = found
    return out


def section_passages(section: NamedSection, passages: Sequence[Passage]) -> list[Passage]:
    """The passages of the part, in reading order."""
    return sorted((p for p in passages if section.holds(p.section)), key=lambda p: p.ordinal)


def shown_first(section: NamedSection, passages: Sequence[Passage], found: Sequence[int],
                room: int) -> list[int]:
    """The passages of the part an answer shows first: all of a part that fits in ``room``
    quotes, in reading order, else only those the search ``found``, best first (a chapter
    named by its title is read where the question's words are, not from its first article)."""
    ids = [p.id for p in section_passages(section, passages) if p.id is not None]
    inside = set(ids)
    return ids if len(ids) <= room else [pid for pid in found if pid in inside]

