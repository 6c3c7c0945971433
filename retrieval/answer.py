"""Answers as plain data: verbatim quotes grouped by document, each with its citation.

No HTML, no Telegram: the bot and the admin API format an :class:`Answer` themselves.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from corpus.models import Document, DocumentStatus, Passage, QueryLog
from corpus.store import CorpusStore
from corpus.text import fold, strip_diacritics
from retrieval.searcher import Hit, Retriever

Status = Literal["answered", "not_found"]
Intent = Literal["obligation", "implementing", "general"]

MAX_DOCUMENTS = 3
MAX_QUOTES_PER_DOCUMENT = 3
MAX_QUOTE_CHARS = 700


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

    @property
    def status_label(self) -> str:
        return DocumentStatus.LABELS.get(self.status, self.status)

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

    def cited_passage_ids(self) -> list[int]:
        ids = [q.passage_id for g in self.groups for q in g.quotes]
        ids += [o.passage_id for o in self.obligations]
        return list(dict.fromkeys(ids))

    def shown_passage_ids(self) -> set[int]:
        return {q.passage_id for g in self.groups for q in g.quotes}


def citation_for(doc: Document, replacement: Document | None = None) -> Citation:
    assert doc.id is not None
    return Citation(
        document_id=doc.id,
        doc_type=doc.doc_type,
        number=doc.number,
        number_key=doc.number_key,
        issuer=doc.issuer,
        date_text=doc.date_text,
        subject=doc.subject,
        title=doc.title,
        status=doc.status,
        superseded_by=_short_label(replacement) if replacement else None,
    )


def _short_label(doc: Document) -> str:
    if doc.number:
        return f"{doc.doc_type} {doc.number}"
    return doc.title[:80]


_OBLIGATION_CUES = (
    "phai lam gi", "can lam gi", "lam gi", "nhiem vu", "trach nhiem", "yeu cau gi",
    "trien khai the nao", "trien khai nhu the nao", "thuc hien the nao", "phai lam nhung gi",
    "co trach nhiem", "phai thuc hien", "can thuc hien", "nhung viec gi", "viec gi",
)
_IMPLEMENTING_CUES = (
    "van ban nao trien khai", "trien khai nghi quyet", "van ban nao thuc hien",
    "nhung van ban nao", "van ban nao", "ke hoach nao",
)


def detect_intent(question: str) -> Intent:
    q = strip_diacritics(fold(question))
    if any(cue in q for cue in _IMPLEMENTING_CUES) and ("trien khai" in q or "thuc hien" in q):
        return "implementing"
    if any(cue in q for cue in _OBLIGATION_CUES):
        return "obligation"
    return "general"


_STOP = set(
    "cac co la va cua theo gi nao the nhu khong duoc nhung mot de trong cho voi ve tai khi "
    "thi ma hay hoac den tu se da dang bi phai can lam viec ai bao nhieu".split()
)


def highlight_terms(question: str) -> list[str]:
    """Content words of the question (folded), for highlighting in quotes."""
    words = re.findall(r"\w+", fold(question))
    return [w for w in dict.fromkeys(words) if strip_diacritics(w) not in _STOP and len(w) > 1]


_SENTENCE = re.compile(r"[^.;!?\n]+(?:[.;!?]+|$)", re.MULTILINE)


def trim_quote(text: str, terms: list[str], limit: int = MAX_QUOTE_CHARS) -> tuple[str, int, int]:
    """Verbatim excerpt of ``text`` around the sentences richest in ``terms``.

    Returns (excerpt with "…" where cut, start, end offsets into ``text``).
    """
    if len(text) <= limit:
        return text, 0, len(text)
    bare_terms = {strip_diacritics(t) for t in terms}
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group(0).strip()]
    if not spans:
        return text[:limit] + "…", 0, limit

    def score(span: tuple[int, int]) -> int:
        words = set(re.findall(r"\w+", strip_diacritics(fold(text[span[0] : span[1]]))))
        return len(words & bare_terms)

    best = max(range(len(spans)), key=lambda i: (score(spans[i]), -i))
    lo, hi = best, best
    while True:
        grown = False
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= limit:
            hi += 1
            grown = True
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= limit:
            lo -= 1
            grown = True
        if not grown:
            break
    start, end = spans[lo][0], spans[hi][1]
    if end - start > limit:
        end = start + limit
    while start < end and text[start].isspace():
        start += 1
    excerpt = text[start:end].strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text.rstrip()) else ""
    return f"{prefix}{excerpt}{suffix}", start, end


class Answerer:
    """Composes answers from retrieval hits and logs every question."""

    def __init__(
        self,
        store: CorpusStore,
        retriever: Retriever,
        *,
        max_documents: int = MAX_DOCUMENTS,
        max_quotes: int = MAX_QUOTES_PER_DOCUMENT,
    ) -> None:
        self.store = store
        self.retriever = retriever
        self.max_documents = max_documents
        self.max_quotes = max_quotes

    def answer(
        self,
        question: str,
        *,
        channel: str = "cli",
        user_ref: str | None = None,
        offset: int = 0,
        log_query: bool = True,
    ) -> Answer:
        started = time.perf_counter()
        question = " ".join(question.split())
        intent = detect_intent(question)
        terms = highlight_terms(question)
        hits = self.retriever.search(question, k=30 + offset) if question else []
        answer = Answer(question=question, status="not_found", intent=intent,
                        highlight_terms=terms, mode=self.retriever.mode, offset=offset)
        if hits and self._relevant_enough(hits):
            self._fill(answer, hits, terms, offset)
        if not answer.groups:
            answer.status = "not_found"
            answer.suggestions = self._suggestions(question)
        else:
            answer.status = "answered"
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 1)
        if log_query:
            answer.query_id = self.store.log_query(
                QueryLog(
                    question=question or "(trống)",
                    channel=channel,
                    user_ref=user_ref,
                    status=answer.status,
                    latency_ms=answer.latency_ms,
                    mode=answer.mode,
                    top_score=hits[0].score if hits else None,
                    cited=answer.cited_passage_ids(),
                )
            )
        return answer

    def _relevant_enough(self, hits: list[Hit]) -> bool:
        top = hits[0]
        return top.lexical_rank is not None or top.number_match

    def _fill(self, answer: Answer, hits: list[Hit], terms: list[str], offset: int) -> None:
        passages = self.store.passages_by_ids(h.passage_id for h in hits)
        docs = self.store.documents_by_ids(h.document_id for h in hits)
        replacements = self.store.documents_by_ids(
            d.superseded_by_id for d in docs.values() if d.superseded_by_id
        )
        order: dict[int, list[Hit]] = {}
        for h in hits:
            order.setdefault(h.document_id, []).append(h)
        doc_ids = list(order)
        chosen = doc_ids[offset : offset + self.max_documents]
        answer.more_available = len(doc_ids) > offset + self.max_documents
        for doc_id in chosen:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            quotes = []
            for h in order[doc_id][: self.max_quotes]:
                p: Passage | None = passages.get(h.passage_id)
                if p is None:
                    continue
                text, s, e = trim_quote(p.text, terms)
                quotes.append(Quote(h.passage_id, doc_id, p.section, text, p.start + s,
                                    p.start + e, h.score))
            replacement = replacements.get(doc.superseded_by_id or -1)
            answer.groups.append(DocumentGroup(citation_for(doc, replacement), quotes))

    def _suggestions(self, question: str) -> list[str]:
        docs, _ = self.store.list_documents(limit=5)
        return [_short_label(d) for d in docs]


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    data = asdict(answer)
    for group, raw in zip(answer.groups, data["groups"], strict=True):
        raw["citation"]["line"] = group.citation.line()
    return data


def answer_to_text(answer: Answer) -> str:
    """Plain-text rendering for the command line."""
    lines: list[str] = []
    if answer.status == "not_found":
        lines.append("Không tìm thấy văn bản nào trong kho trả lời được câu hỏi này.")
        if answer.suggestions:
            lines.append("Các văn bản hiện có gần nhất: " + "; ".join(answer.suggestions))
        return "\n".join(lines)
    if answer.obligations:
        lines.append("Ai phải làm gì:")
        by_actor: dict[str, list[Obligation]] = {}
        for ob in answer.obligations:
            by_actor.setdefault(ob.actor, []).append(ob)
        for actor, obs in by_actor.items():
            lines.append(f"• {actor}:")
            for ob in obs:
                deadline = f" (thời hạn: {ob.deadline})" if ob.deadline else ""
                lines.append(f"    – “{ob.action}”{deadline}")
        lines.append("")
    for n, group in enumerate(answer.groups, start=1):
        lines.append(f"[{n}] {group.citation.line()}")
        for q in group.quotes:
            where = f" (mục {q.section})" if q.section else ""
            lines.append(f"    “{q.text}”{where}")
        lines.append("")
    if answer.related:
        lines.append("Văn bản liên quan:")
        for rel in answer.related:
            arrow = "triển khai" if rel.relation == "implemented_by" else "thực hiện"
            lines.append(f"  - {rel.label} ({arrow})")
    lines.append(f"(chế độ tìm kiếm: {answer.mode})")
    return "\n".join(lines).rstrip()
