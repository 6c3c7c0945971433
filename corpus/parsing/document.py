"""Reading one document: the layout (header block, dataset lines, last lines), then each
field from the first place that prints it. :func:`parse_document` never raises."""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field

from corpus.docnumbers import DOC_TYPES, NEWS_TYPE, DocNumber, type_code_for_name
from corpus.parsing.casing import readable_org, sentence_case
from corpus.parsing.dates import date_parts, find_date
from corpus.parsing.header import Header, merge_table_header, number_in, scan_header, table_header
from corpus.parsing.hints import DatasetLines, TitleHint, dataset_lines, parse_title_hint
from corpus.parsing.issuer import resolve_issuer
from corpus.parsing.lines import SEPARATOR_LINE, Line, collapse, split_lines
from corpus.parsing.recipients import read_noi_nhan
from corpus.parsing.signature import read_signer
from corpus.parsing.title import compose_title, decide_doc_type, news_title
from corpus.parsing.vocabulary import UNKNOWN_TYPE

logger = logging.getLogger(__name__)

HEADER_MAX_LINES = 80
HEADER_MAX_CHARS = 20_000
TAIL_MAX_LINES = 60
TAIL_MAX_CHARS = 20_000
_OF_ISSUER = re.compile(r"^(?:của|CỦA)\s+(.+?)(?:\s+(?=(?:về|VỀ)\s)|$)")


@dataclass
class ParsedDocument:
    doc_type: str
    number: DocNumber | None
    subject: str | None
    title: str
    issuer: str | None
    parent_issuer: str | None
    place: str | None
    date_text: str | None
    issue_date: datetime.date | None
    year: int | None
    signer: str | None
    signer_title: str | None
    recipients: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)
    body_start: int = 0


def parse_document(text: str, *, source_name: str = "") -> ParsedDocument:
    """Read type, number, subject, issuer, date, signer and recipients of one document."""
    try:
        return read_document(text if isinstance(text, str) else str(text), source_name)
    except Exception:  # the contract is "never raises": log the bug, return the minimum
        logger.exception("parse_document failed on %r", source_name)
        first = next((ln.strip() for ln in str(text).split("\n") if ln.strip()), "")
        return ParsedDocument(
            doc_type=UNKNOWN_TYPE,
            number=None,
            subject=None,
            title=first[:200] or source_name or UNKNOWN_TYPE,
            issuer=None,
            parent_issuer=None,
            place=None,
            date_text=None,
            issue_date=None,
            year=None,
            signer=None,
            signer_title=None,
        )


@dataclass(frozen=True)
class _Layout:
    lines: list[Line]  # the first HEADER_MAX_CHARS of the text
    dataset: DatasetLines
    content: list[Line]  # ``lines`` after the dataset lines
    content_start: int
    tail: list[Line]  # the last lines, where the signer and "Nơi nhận" are
    header: Header
    hint: TitleHint


@dataclass(frozen=True)
class _Dated:
    date_text: str | None = None
    issue_date: datetime.date | None = None
    year: int | None = None
    place: str | None = None
    raw: str | None = None


def read_document(text: str, source_name: str = "") -> ParsedDocument:
    """:func:`parse_document` without its safety net: a bug raises."""
    layout = _read_layout(text)
    h, title_hint = layout.header, layout.dataset.title
    raw: dict[str, str] = {}
    doc_type = decide_doc_type(h, layout.hint, layout.dataset.source, source_name)
    number, number_raw = _printed_number(h, layout.hint)
    _note(raw, "number", number_raw)
    if number is not None and number.type_code == "VBHN":
        doc_type = DOC_TYPES["VBHN"]
    dated = _issue_date(h, layout.hint, number)
    _note(raw, "date", dated.raw)
    number = _canonical_number(number, doc_type, dated.year)
    subject, issuer_in_subject, subject_raw = _subject(h, layout.hint)
    _note(raw, "subject", subject_raw)
    issuer = resolve_issuer(h, layout.hint, number, doc_type, issuer_in_subject, layout.lines)
    signer = read_signer(layout.tail)
    cc, cc_raw = read_noi_nhan(layout.tail)
    raw.update(issuer.raw)
    raw.update(signer.raw)
    _note(raw, "cc", cc_raw)
    _note(raw, "recipients", h.recipients_raw or None)
    news: str | None = None
    if doc_type == UNKNOWN_TYPE and not h.found and not title_hint:
        news = news_title(layout.content)
        if news is not None:
            doc_type = NEWS_TYPE
    printed_header = (
        bool(h.subject_lines)
        and number is not None
        and (h.subject_is_vv or h.type_name == doc_type)
    )
    title = compose_title(
        doc_type, number, subject, printed_header, title_hint, news, layout.content
    )
    _note(raw, "title_hint", title_hint or None)
    _note(raw, "source", layout.dataset.source or None)
    _note(raw, "type", h.type_raw or None)
    return ParsedDocument(
        doc_type=doc_type,
        number=number,
        subject=subject,
        title=title,
        issuer=issuer.issuer,
        parent_issuer=issuer.parent,
        place=dated.place,
        date_text=dated.date_text,
        issue_date=dated.issue_date,
        year=dated.year,
        signer=signer.name,
        signer_title=signer.title,
        recipients=h.recipients,
        cc=cc,
        raw=raw,
        body_start=_body_start(text, layout, h, news),
    )


def _note(raw: dict[str, str], key: str, value: str | None) -> None:
    """Keep what the document printed for ``key``, when it printed something."""
    if value is not None:
        raw[key] = value


def _read_layout(text: str) -> _Layout:
    lines = split_lines(text, 0, min(len(text), HEADER_MAX_CHARS))
    dataset = dataset_lines(lines)
    content = lines[dataset.first :]
    content_start = content[0].start if content else len(text)
    header = scan_header(content[:HEADER_MAX_LINES])
    tail_start = max(content_start, len(text) - TAIL_MAX_CHARS)
    tail = split_lines(text, tail_start, len(text))[-TAIL_MAX_LINES:]
    if header.number is None and header.date_match is None:
        # a header block printed elsewhere (docx->md converters put it in a table at the end)
        table = table_header(tail)
        if table is not None:
            merge_table_header(header, table)
    hint = parse_title_hint(dataset.title) if dataset.title else TitleHint(text="")
    return _Layout(lines, dataset, content, content_start, tail, header, hint)


def _printed_number(h: Header, hint: TitleHint) -> tuple[DocNumber | None, str | None]:
    """(number, as printed) of the header, else of the "(Kèm theo …)" line, else of the
    dataset's title."""
    if h.number is not None:
        return h.number, h.number_raw or None
    if h.kem_theo:
        _, number = number_in(h.kem_theo)
        if number is not None:
            return number, number.raw
    if hint.number is not None:
        return hint.number, hint.number.raw
    return None, None


def _issue_date(h: Header, hint: TitleHint, number: DocNumber | None) -> _Dated:
    """The date of the header, the "(Kèm theo …)" line or the dataset's title; else the
    year of the number."""
    dated = _printed_date(h, hint)
    year = dated.year
    if year is None and number is not None and number.year:
        year = number.year
    date_text = dated.date_text
    if date_text is None and year is not None:
        date_text = str(year)
    return _Dated(date_text, dated.issue_date, year, dated.place, dated.raw)


def _printed_date(h: Header, hint: TitleHint) -> _Dated:
    if h.date_match is not None:
        date_text, issue_date, year = date_parts(h.date_match)
        place_raw = h.date_match.group("place")
        place = collapse(place_raw) if place_raw else None
        return _Dated(date_text, issue_date, year, place, h.date_raw or h.date_match.group(0))
    if h.kem_theo and (m := find_date(h.kem_theo, anchored=False)):
        date_text, issue_date, year = date_parts(m)
        return _Dated(date_text, issue_date, year, None, collapse(m.group(0)))
    if hint.year is not None:
        return _Dated(
            hint.date_text, hint.issue_date, hint.year, None, hint.date_raw or str(hint.year)
        )
    return _Dated()


def _canonical_number(
    number: DocNumber | None, doc_type: str, year: int | None
) -> DocNumber | None:
    """The number typed by the document's type and keyed with its year."""
    if number is None:
        return None
    code = type_code_for_name(doc_type) if doc_type != UNKNOWN_TYPE else None
    if code is not None and doc_type != NEWS_TYPE:
        number = number.with_type(code)
    if number.number is not None:
        # the canonical key carries the year ("CV 11276 2021"); a blank number
        # ("Số: /SGDĐT-TC") would print the year into its symbol, so it gets none
        number = number.with_year(year)
    return number


def _subject(h: Header, hint: TitleHint) -> tuple[str | None, str | None, str | None]:
    """(the trích yếu in normal case, the issuer its "của …" names, the lines as printed)."""
    if not h.subject_lines:
        return hint.subject or None, None, None
    joined = collapse(" ".join(h.subject_lines))
    printed = "\n".join(h.subject_lines)
    issuer_in_subject: str | None = None
    if not h.subject_is_vv:
        m_of = _OF_ISSUER.match(joined)
        if m_of:
            issuer_in_subject = readable_org(m_of.group(1))
            joined = joined[m_of.end() :].strip()
    return (sentence_case(joined) if joined else None), issuer_in_subject, printed


def _body_start(text: str, layout: _Layout, h: Header, news: str | None) -> int:
    """Where the body starts: after the header block (or the news headline), its blank
    lines and separator rules ("__________")."""
    if news is not None and layout.content:
        pos = next((line.end for line in layout.content if line.text), layout.content_start)
    elif h.end and h.found:
        pos = h.end
    else:
        pos = layout.content_start
    while pos < len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl < 0 else nl
        if not SEPARATOR_LINE.match(text[pos:line_end]) or (
            not text[pos:line_end].strip() and nl < 0
        ):
            break
        pos = line_end + 1
    while pos < len(text) and text[pos] in " \t\r":
        pos += 1
    return min(pos, len(text))
