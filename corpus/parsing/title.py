"""What a document is called: its type, the headline of a news article, its title."""

from __future__ import annotations

import re

from corpus.docnumbers import DOC_TYPES, DocNumber
from corpus.parsing.casing import cap
from corpus.parsing.header import Header
from corpus.parsing.hints import TitleHint, type_from_name
from corpus.parsing.lines import Line, collapse
from corpus.parsing.vocabulary import LAW_TYPES, UNKNOWN_TYPE

# "GD&TĐ - Chiều nay…", "(Dân trí) - …", "VOV.VN - …": a source tag, a dash, the lead.
_NEWS_LEAD = re.compile(r"^(?P<tag>\(?[^\s()]{2,20}(?:\s[^\s()]{2,12})?\)?)\s*[-–—]\s+\S")
_NEWS_MARKERS = (
    "Tin tiêu điểm",
    "Đừng bỏ lỡ",
    "Tin liên quan",
    "Bài liên quan",
    "Tin cùng chuyên mục",
)
_TITLE_MAX_CHARS = 200


def decide_doc_type(h: Header, hint: TitleHint, source: str | None, source_name: str) -> str:
    """The type printed in the header, else implied by the number, the dataset's title, the
    dataset's source or the file name."""
    if h.type_name:
        return h.type_name
    if h.number_label_type:
        return h.number_label_type
    if h.subject_is_vv:
        return DOC_TYPES["CV"]
    if (
        h.number is not None
        and h.number.type_code in DOC_TYPES
        and (
            h.number.party_style
            or h.number.number is None
            or h.number.type_code != "CV"
            or h.motto
        )
    ):
        return DOC_TYPES[h.number.type_code]
    if hint.doc_type:
        return hint.doc_type
    for name in (source, source_name):
        found = type_from_name(name)
        if found:
            return found
    return UNKNOWN_TYPE


def news_title(content: list[Line]) -> str | None:
    """The headline of a news article: a short first line followed by a lead with a source
    tag, or news-site furniture ("Tin liên quan") further down."""
    nonempty = [line for line in content if line.text][:6]
    if len(nonempty) < 2:
        return None
    head = nonempty[0].text
    if len(head) > _TITLE_MAX_CHARS or head.endswith((".", ":", ";")):
        return None
    lead = nonempty[1].text
    joined = "\n".join(line.text for line in content[:400])
    tag = _NEWS_LEAD.match(lead)
    is_lead = (
        tag is not None
        and len(lead) >= 60
        and (
            tag.group("tag").startswith("(")
            or sum(ch.isupper() for ch in tag.group("tag")) >= 2
        )
    )
    if is_lead or any(marker in joined for marker in _NEWS_MARKERS):
        return head
    return None


def compose_title(
    doc_type: str,
    number: DocNumber | None,
    subject: str | None,
    printed_header: bool,
    title_hint: str | None,
    news: str | None,
    content: list[Line],
) -> str:
    """ "Công văn 5208/BGDĐT-GDPT V/v …", "Luật Giáo dục số 43/2019/QH14", "Quyết định 12/…
    về …"; else the dataset's title, the type and number, or the first line."""
    if news:
        return news
    if title_hint and not printed_header:
        return title_hint  # written for this purpose by the dataset's maintainers
    printed = number.raw if number is not None else None
    printed = collapse(printed) if printed else None
    if subject and doc_type != UNKNOWN_TYPE:
        return _typed_title(doc_type, printed, subject)
    if title_hint:
        return title_hint
    if printed and doc_type != UNKNOWN_TYPE:
        return f"{doc_type} {printed}"
    first = next((line.text for line in content if line.text), "")
    if first:
        return first[:_TITLE_MAX_CHARS]
    return doc_type


def _typed_title(doc_type: str, printed: str | None, subject: str) -> str:
    if doc_type == DOC_TYPES["CV"]:
        return " ".join(x for x in ("Công văn", printed, "V/v", subject) if x)
    if doc_type in LAW_TYPES:  # "Luật Giáo dục số 43/2019/QH14"
        return f"{doc_type} {cap(subject)}" + (f" số {printed}" if printed else "")
    lowered = subject[:1].lower() + subject[1:] if subject[1:2].islower() else subject
    return " ".join(x for x in (doc_type, printed, lowered) if x)
