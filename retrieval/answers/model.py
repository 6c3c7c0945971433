"""Answers as plain data: verbatim quotes grouped by document, each with its citation.

No HTML, no Telegram: the bot and the admin API format an :class:`Answer` themselves
(:func:`answer_to_dict` gives its JSON form).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from corpus.labels import short_label
from corpus.models import Document, DocumentStatus
from retrieval.answers.confidence import Evidence
from retrieval.answers.graph import Chain, GraphNode
from retrieval.query import Intent

Status = Literal["answered", "not_found"]


@dataclass(frozen=True)
class Citation:
    document_id: int
    doc_type: str
    number: str | None
    number_key: str | None
    issuer: str | None
    date_text: str | None
    subject: str | None
    title: str
    status: str
    superseded_by: str | None = None
    implements: tuple[str, ...] = ()
    implemented_by: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return DocumentStatus.LABELS.get(self.status, self.status)

    def readable(self) -> str:
        """How people cite it: "Luật Công đoàn 2012 (12/2012/QH13)", "Công văn
        5208/BGDĐT-GDPT", "Công văn của Sở Giáo dục và Đào tạo (UBND tỉnh Long An), 11/2021"."""
        year = re.search(r"(?:19|20)\d\d", self.date_text or "")
        if self.doc_type in ("Luật", "Bộ luật") and self.subject and self.number:
            when = f" {year.group(0)}" if year else ""
            return f"{self.doc_type} {self.subject}{when} ({self.number})"
        if self.number and not self.number.startswith("/"):
            return f"{self.doc_type} {self.number}"
        parts = [self.doc_type + (f" của {self.issuer}" if self.issuer else "")]
        if self.date_text:
            parts.append(self.date_text)
        return ", ".join(parts)

    def line(self) -> str:
        """"Công văn số 5208/BGDĐT-GDPT, Bộ GD&ĐT, 12/09/2026 — V/v …" (plain text)."""
        head = self.doc_type
        if self.number:
            head += f" {self.number}" if self.number.startswith("/") else f" số {self.number}"
        parts = [head]
        if self.issuer:
            parts.append(self.issuer)
        if self.date_text:
            parts.append(self.date_text)
        line = ", ".join(parts)
        about = self.subject or (self.title if self.title != head else None)
        if about:
            line += f" — {about}"
        if self.status != DocumentStatus.IN_FORCE:
            line += f" [{self.status_label.upper()}"
            line += f", thay bằng {self.superseded_by}]" if self.superseded_by else "]"
        return line


_DIEU = re.compile(r"^Điều\s+(\d+[a-zđ]?)", re.IGNORECASE)
_ITEM = re.compile(r"^(\d+(?:\.\d+)*|[IVXLC]+|[A-Z]|[a-zđ])[.)]?(?:\s|$)")


def readable_section(section: str) -> str:
    """"Chương IV > Điều 26 > 3" → "khoản 3 Điều 26"; "II > 2" → "mục II.2"."""
    parts = [p.strip() for p in section.split(">") if p.strip()]
    for i, part in enumerate(parts):
        m = _DIEU.match(part)
        if m is None:
            continue
        out = f"Điều {m.group(1)}"
        rest = [_ITEM.match(p) for p in parts[i + 1 :]]
        items = [r.group(1) for r in rest if r is not None]
        if items and items[0].isdigit():
            out = f"khoản {items[0]} {out}"
            if len(items) > 1 and items[1].isalpha():
                out = f"điểm {items[1]} {out}"
        return out
    items = [m.group(1) for m in (_ITEM.match(p) for p in parts) if m is not None]
    if items and len(items) == len(parts):
        # "3 > 3.2 > c" is "mục 3.2.c": a numbered item already carries its parents' numbers
        kept = [item for n, item in enumerate(items)
                if n + 1 == len(items) or not items[n + 1].startswith(f"{item}.")]
        return "mục " + ".".join(kept)
    return section


@dataclass(frozen=True)
class Quote:
    passage_id: int
    document_id: int
    section: str
    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Obligation:
    actor: str
    action: str
    deadline: str | None
    passage_id: int
    document_id: int
    section: str
    start: int = 0
    end: int = 0
    explicit: bool = True
    document_status: str = DocumentStatus.IN_FORCE


@dataclass(frozen=True)
class DirectSentence:
    """One of the one to three verbatim sentences that answer, on top of an answer."""

    document_id: int
    passage_id: int
    section: str
    text: str


@dataclass(frozen=True)
class DocumentGroup:
    citation: Citation
    quotes: list[Quote]


@dataclass(frozen=True)
class RelatedDocument:
    document_id: int
    label: str
    relation: Literal["implements", "implemented_by"]
    depth: int = 1
    via: int | None = None
    path: tuple[str, ...] = ()


@dataclass
class Answer:
    question: str
    status: Status
    intent: Intent = "general"
    groups: list[DocumentGroup] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    related: list[RelatedDocument] = field(default_factory=list)
    highlight_terms: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    mode: str = "hybrid"
    query_id: int | None = None
    latency_ms: float = 0.0
    more_available: bool = False
    offset: int = 0
    prose: str | None = None
    tips: list[str] = field(default_factory=list)
    target: GraphNode | None = None
    chains: list[Chain] = field(default_factory=list)
    evidence: Evidence | None = None
    prose_status: str | None = None
    direct: list[DirectSentence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named numbers the corpus does not hold
    citing: list[str] = field(default_factory=list)  # stored documents that cite them
    small_talk: bool = False
    unassigned_actor: str | None = None  # the party asked about, to whom no duty is assigned
    unheld_header: str | None = None  # the header part asked about that the stored text lacks

    def cited_passage_ids(self) -> list[int]:
        ids = [q.passage_id for g in self.groups for q in g.quotes]
        ids += [o.passage_id for o in self.obligations]
        return list(dict.fromkeys(ids))

    def shown_passage_ids(self) -> set[int]:
        return {q.passage_id for g in self.groups for q in g.quotes}

    def chain_lines(self) -> list[str]:
        return [c.text() for c in self.chains]

    def plain_text(self, max_chars: int = 2000) -> str:
        """What was answered, as plain text for the questions log: the written answer or
        the first quote of each cited document under its citation; else the refusal."""
        if self.status != "answered":
            missing = f" (không có trong kho: {', '.join(self.missing)})" if self.missing else ""
            return f"Không tìm thấy câu trả lời{missing}."
        parts = [self.prose] if self.prose else []
        for group in self.groups:
            quote = group.quotes[0].text if group.quotes else ""
            parts.append(f"{group.citation.line()}\n“{quote}”" if quote else group.citation.line())
        text = "\n\n".join(parts)
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def citation_for(
    doc: Document,
    replacement: Document | None = None,
    *,
    implements: Sequence[str] = (),
    implemented_by: Sequence[str] = (),
) -> Citation:
    assert doc.id is not None
    issuer = doc.issuer
    if issuer and doc.parent_issuer:
        issuer = f"{issuer} ({doc.parent_issuer})"
    return Citation(
        document_id=doc.id,
        doc_type=doc.doc_type,
        number=doc.number,
        number_key=doc.number_key,
        issuer=issuer,
        date_text=doc.date_text,
        subject=doc.subject,
        title=doc.title,
        status=doc.status,
        superseded_by=short_label(replacement) if replacement else None,
        implements=tuple(implements),
        implemented_by=tuple(implemented_by),
    )


@dataclass(frozen=True)
class Page:
    """The body of one page of an answer, as the composing functions return it."""

    groups: list[DocumentGroup] = field(default_factory=list)
    more_available: bool = False
    obligations: list[Obligation] = field(default_factory=list)
    related: list[RelatedDocument] = field(default_factory=list)
    target: GraphNode | None = None
    chains: list[Chain] = field(default_factory=list)


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    data = asdict(answer)
    for group, raw in zip(answer.groups, data["groups"], strict=True):
        raw["citation"]["line"] = group.citation.line()
    data["chain_lines"] = answer.chain_lines()
    return data


_REFERENCE_TAIL = re.compile(
    r"((?:Nghị quyết|Kế hoạch|Công văn|Quyết định|Chỉ thị|Thông tư|Nghị định|Chương trình"
    r" hành động)\s+số\s+[\w/.\-đĐ]+)\s+ngày\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"(?:\s+của\s+[^,;.:]*)?"
)


def compact_references(text: str) -> str:
    """A duty as a phone shows it: a cited document keeps its number, its date, issuer and
    subject (printed in the citation) become "…" ("Nghị quyết số 02-NQ/TW …")."""
    return _REFERENCE_TAIL.sub(r"\1 …", text).replace("….", "…")
