"""Answers as plain data: verbatim quotes grouped by document, each with its citation.

No HTML, no Telegram: the bot and the admin API format an :class:`Answer` themselves.

An answer is built from the retriever's hits:

- a "không tìm thấy" decision from :mod:`retrieval.answers.confidence` (word coverage of the best
  passages, document numbers, dense margins), with suggestions when nothing fits;
- quotes trimmed to the relevant sentences, "…" where text is left out, never reworded,
  grouped by document (best first, superseded/withdrawn documents marked and ranked below the
  document that replaces them);
- for obligation questions, the clauses that assign work, by actor, with deadlines
  (:mod:`retrieval.answers.obligations`), each one quoted in the shown passages;
- for "văn bản nào triển khai …" questions, the implementing documents and the chains through
  intermediate plans (:mod:`retrieval.answers.graph`);
- optional prose from a language model that only restates the shown quotes
  (:mod:`retrieval.answers.prose`).

Every question is logged with its status, latency and cited passages.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from corpus.docnumbers import find_numbers
from corpus.models import Document, DocumentStatus, Passage, QueryLog
from corpus.store import CorpusStore
from retrieval.answers.confidence import (
    SEARCH_DEPTH,
    Evidence,
    Thresholds,
    decide,
    evidence,
    support,
)
from retrieval.answers.graph import Chain, DirectiveGraph, GraphNode
from retrieval.answers.obligations import Duty, actors_match, extract_duties, rank_duties
from retrieval.answers.quoting import (
    MAX_QUOTE_CHARS,
    excerpt,
    quote_spans,
    sentence_spans,
    term_score,
    trim_quote,
)
from retrieval.query import Intent, Query
from retrieval.searcher import Hit, Retriever

if TYPE_CHECKING:
    from retrieval.answers.prose import ProseWriter

log = logging.getLogger(__name__)

Status = Literal["answered", "not_found"]

MAX_DOCUMENTS = 3
MAX_QUOTES_PER_DOCUMENT = 3
MAX_OBLIGATION_QUOTE_CHARS = 1200
MAX_OBLIGATIONS = 12
MAX_OBLIGATIONS_PER_DOCUMENT = 8
OBLIGATION_DOCUMENTS = 2
# a further document is shown only when its best passage covers this share of the question
# words that the best document covers
RELATIVE_COVERAGE = 0.6
RELATIVE_PAIRS = 0.5


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
    start: int = 0
    end: int = 0
    explicit: bool = True
    document_status: str = DocumentStatus.IN_FORCE


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

    def cited_passage_ids(self) -> list[int]:
        ids = [q.passage_id for g in self.groups for q in g.quotes]
        ids += [o.passage_id for o in self.obligations]
        return list(dict.fromkeys(ids))

    def shown_passage_ids(self) -> set[int]:
        return {q.passage_id for g in self.groups for q in g.quotes}

    def chain_lines(self) -> list[str]:
        return [c.text() for c in self.chains]


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
        superseded_by=_short_label(replacement) if replacement else None,
        implements=tuple(implements),
        implemented_by=tuple(implemented_by),
    )


def _short_label(doc: Document) -> str:
    if doc.number:
        return f"{doc.doc_type} {doc.number}"
    return doc.title[:80]


def _status_suffix(doc: Document) -> str:
    if doc.status == DocumentStatus.IN_FORCE:
        return ""
    return f" [{DocumentStatus.LABELS.get(doc.status, doc.status).upper()}]"


# -- composing -------------------------------------------------------------------------------
@dataclass
class _Context:
    query: Query
    terms: list[str]
    hits: list[Hit]
    passages: dict[int, Passage]
    docs: dict[int, Document]
    graph: DirectiveGraph


class Answerer:
    """Composes answers from retrieval hits and logs every question."""

    def __init__(
        self,
        store: CorpusStore,
        retriever: Retriever,
        *,
        max_documents: int = MAX_DOCUMENTS,
        max_quotes: int = MAX_QUOTES_PER_DOCUMENT,
        llm: ProseWriter | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.store = store
        self.retriever = retriever
        self.max_documents = max_documents
        self.max_quotes = max_quotes
        self.llm = llm
        self.thresholds = thresholds or Thresholds()

    @classmethod
    def from_settings(cls, store: CorpusStore, retriever: Retriever, settings: Any) -> Answerer:
        """An answerer with the optional language model of ``settings`` (off by default)."""
        from retrieval.answers.prose import ProseWriter

        return cls(store, retriever, llm=ProseWriter.from_settings(settings))

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
        query = self.retriever.parse(question)
        question = query.text
        terms = list(query.highlight_terms)
        hits = self.retriever.search(query, k=SEARCH_DEPTH + offset) if query else []
        passages = self.store.passages_by_ids(h.passage_id for h in hits)
        answer = Answer(question=question, status="not_found", intent=query.intent,
                        highlight_terms=terms, mode=self.retriever.mode, offset=offset)
        answer.evidence = evidence(query, hits, passages) if query else None
        ctx = _Context(query, terms, hits, passages,
                       self.store.documents_by_ids(h.document_id for h in hits),
                       DirectiveGraph(self.store))
        if query.intent == "implementing":
            self._implementing(answer, ctx, offset)
        if not answer.groups and hits and self._relevant_enough(hits, answer.evidence):
            self._fill(answer, hits, offset, ctx)
        if not answer.groups:
            answer.status = "not_found"
            answer.obligations = []
            answer.suggestions = self._suggestions(question, ctx)
            answer.tips = _tips(query)
        else:
            answer.status = "answered"
            if self.llm is not None:
                self._prose(answer)
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

    def _relevant_enough(self, hits: list[Hit], ev: Evidence | None = None) -> bool:
        if not hits or ev is None:
            return False
        return decide(ev, self.thresholds)

    # -- ordinary answers ------------------------------------------------------------------
    def _fill(self, answer: Answer, hits: list[Hit], offset: int, ctx: _Context) -> None:
        order = self._natural_order(hits, ctx)
        primary, further = self._relevant_documents(order, ctx)
        primary = self._demote(primary, ctx)
        doc_ids = primary + [d for d in self._demote(further, ctx) if d not in primary]
        end = offset + self.max_documents
        if offset < len(primary):
            end = min(end, len(primary))  # the first pages show the documents a number names
        chosen = doc_ids[offset:end]
        answer.more_available = len(doc_ids) > end
        duties: dict[int, list[Duty]] = {}
        if answer.intent == "obligation":
            duties = self._duties(chosen[:OBLIGATION_DOCUMENTS], order, ctx)
        for doc_id in chosen:
            doc = ctx.docs.get(doc_id)
            if doc is None:
                continue
            group = self._group(doc, order.get(doc_id, []), duties.get(doc_id, []), ctx)
            if group.quotes or doc_id not in order:
                answer.groups.append(group)
        shown = answer.shown_passage_ids()
        kept = [d for ds in duties.values() for d in ds if d.passage_id in shown]
        answer.obligations = [_obligation(d, ctx.docs, ctx.passages) for d in kept]
        if answer.groups:
            try:
                answer.related = self._related(answer.groups[0].citation.document_id, ctx)
            except Exception:
                log.exception("Directive graph failed for the related documents")

    def _natural_order(self, hits: list[Hit], ctx: _Context) -> dict[int, list[Hit]]:
        """Hits by document, documents by relevance. The retriever lowers the scores of
        superseded documents; here a superseded document gets its relevance back and is then
        placed right after the document that replaces it (see :meth:`_demote`)."""
        grouped: dict[int, list[Hit]] = {}
        for h in hits:
            grouped.setdefault(h.document_id, []).append(h)
        penalty = getattr(getattr(self.retriever, "weights", None), "superseded_penalty", 1.0)

        def natural(doc_id: int) -> float:
            best = max(h.score for h in grouped[doc_id])
            doc = ctx.docs.get(doc_id)
            if doc is not None and doc.status == DocumentStatus.SUPERSEDED and penalty:
                return best / penalty
            return best

        return {d: grouped[d] for d in sorted(grouped, key=natural, reverse=True)}

    def _relevant_documents(
        self, order: Mapping[int, list[Hit]], ctx: _Context
    ) -> tuple[list[int], list[int]]:
        """(documents to show first, further documents), each in relevance order.

        When the question names a document, the documents its number reaches come first and
        the others only on later pages. Beyond the best document, a document is kept when its
        best passages cover the question nearly as well."""
        docs = list(order)
        scores = {
            d: support(ctx.query, [ctx.passages[h.passage_id] for h in order[d][:3]
                                      if h.passage_id in ctx.passages])
            for d in docs
        }
        top_cov, top_pairs = scores[docs[0]]
        kept = [
            d for d in docs
            if d == docs[0] or (scores[d][0] >= RELATIVE_COVERAGE * top_cov
                                and scores[d][1] >= RELATIVE_PAIRS * top_pairs)
        ]
        numbered = [d for d in docs if any(h.number_match for h in order[d])]
        if not numbered:
            return kept, []
        return numbered, [d for d in kept if d not in numbered]

    def _demote(self, doc_ids: list[int], ctx: _Context) -> list[int]:
        """Superseded documents after their replacement (pulled in when absent), withdrawn
        ones last."""
        docs = ctx.docs
        shown_early = (DocumentStatus.IN_FORCE, DocumentStatus.SUPERSEDED)
        out = [d for d in doc_ids if docs.get(d) is None or docs[d].status in shown_early]
        for doc_id in list(out):
            doc = docs.get(doc_id)
            if doc is None or doc.status != DocumentStatus.SUPERSEDED or not doc.superseded_by_id:
                continue
            repl = doc.superseded_by_id
            if repl not in docs:
                docs.update(self.store.documents_by_ids([repl]))
            if repl not in docs:
                continue
            out.remove(doc_id)
            if repl not in out:
                out.insert(min(len(out), _index_or_end(doc_ids, doc_id)), repl)
            out.insert(out.index(repl) + 1, doc_id)
        out += [d for d in doc_ids if d not in out]
        return list(dict.fromkeys(out))

    def _group(
        self, doc: Document, doc_hits: list[Hit], duties: list[Duty], ctx: _Context
    ) -> DocumentGroup:
        assert doc.id is not None
        by_passage: dict[int, list[Duty]] = {}
        for d in duties:
            by_passage.setdefault(d.passage_id, []).append(d)
        picks: list[tuple[int, float]] = [(pid, 0.0) for pid in by_passage]
        for h in doc_hits:
            if len(picks) >= max(self.max_quotes, len(by_passage)):
                break
            if h.passage_id not in by_passage:
                picks.append((h.passage_id, h.score))
        score_of = {h.passage_id: h.score for h in doc_hits}
        if not doc_hits and not by_passage:
            picks = self._best_passages_of(doc, ctx)
        missing = [pid for pid, _ in picks if pid not in ctx.passages]
        if missing:
            ctx.passages.update(self.store.passages_by_ids(missing))
        quotes: list[Quote] = []
        for pid, _ in picks:
            p = ctx.passages.get(pid)
            if p is None or p.id is None:
                continue
            own = by_passage.get(pid, [])
            limit = MAX_OBLIGATION_QUOTE_CHARS if own else MAX_QUOTE_CHARS
            spans = [(d.start, d.end) for d in own]
            if own:
                text, s, e = quote_spans(p.text, spans, ctx.terms, limit)
            else:
                text, s, e = trim_quote(p.text, ctx.terms, limit)
            if not text:
                continue
            quotes.append(Quote(p.id, doc.id, p.section, text, p.start + s, p.start + e,
                                score_of.get(pid, 0.0)))
        quotes.sort(key=lambda q: (0.0 if by_passage else -q.score, q.start))
        replacement = None
        if doc.superseded_by_id:
            replacement = ctx.docs.get(doc.superseded_by_id) or self.store.get_document(
                doc.superseded_by_id
            )
        return DocumentGroup(self._citation(doc, replacement, ctx), quotes)

    def _best_passages_of(self, doc: Document, ctx: _Context) -> list[tuple[int, float]]:
        """For a document pulled in without hits (a replacement): its passages sharing the
        most question words."""
        assert doc.id is not None
        scored = []
        for p in self.store.passages_of(doc.id):
            if p.id is None:
                continue
            ctx.passages[p.id] = p
            score = term_score(p.text, ctx.terms)
            if score:
                scored.append((p.id, float(score)))
        scored.sort(key=lambda x: -x[1])
        return scored[:1]

    def _citation(self, doc: Document, replacement: Document | None, ctx: _Context) -> Citation:
        assert doc.id is not None
        try:
            implements = [c.text() for c in ctx.graph.implements(doc.id)]
            implemented_by = [c.text() for c in ctx.graph.implementers(_node(doc))]
        except Exception:  # the card is a bonus: never lose the answer over it
            log.exception("Directive graph failed for document %s", doc.id)
            implements, implemented_by = [], []
        return citation_for(doc, replacement, implements=implements,
                            implemented_by=implemented_by)

    # -- obligations ---------------------------------------------------------------------------
    def _duties(
        self, doc_ids: Sequence[int], order: Mapping[int, list[Hit]], ctx: _Context
    ) -> dict[int, list[Duty]]:
        actor = ctx.query.actor
        wants_deadline = ctx.query.wants_deadline
        topic = ctx.query.topic
        out: dict[int, list[Duty]] = {}
        total = 0
        for rank, doc_id in enumerate(doc_ids):
            doc = ctx.docs.get(doc_id)
            if doc is None:
                continue
            all_passages = self.store.passages_of(doc_id)
            hit_ids = {h.passage_id for h in order.get(doc_id, [])}
            small = len(all_passages) <= 6
            duties = [
                d for d in extract_duties(doc, all_passages)
                if small or d.passage_id in hit_ids
            ]
            if rank > 0:
                # a further document adds only duties of the party the question asks about,
                # or, without one, duties of a document the question names
                named = any(h.number_match for h in order.get(doc_id, []))
                duties = [
                    d for d in duties
                    if (actor and d.explicit and actors_match(actor, d.actor_key))
                    or (not actor and named)
                ]
            if actor and any(actors_match(actor, d.actor_key) for d in duties):
                duties = [d for d in duties if actors_match(actor, d.actor_key)] + [
                    d for d in duties if not actors_match(actor, d.actor_key)
                ]
            ranked = rank_duties(duties, terms=sorted(topic), actor=actor,
                                 wants_deadline=wants_deadline, keep_unrelated=small)
            passages_used: list[int] = []
            picked: list[Duty] = []
            for d in ranked:
                if d.passage_id not in passages_used:
                    if len(passages_used) >= max(self.max_quotes, 2):
                        continue
                    passages_used.append(d.passage_id)
                picked.append(d)
                if len(picked) >= min(MAX_OBLIGATIONS_PER_DOCUMENT, MAX_OBLIGATIONS - total):
                    break
            if picked:
                out[doc_id] = _grouped_by_actor(picked)
                total += len(picked)
            by_id = {p.id: p for p in all_passages if p.id is not None}
            for d in picked:
                ctx.passages.setdefault(d.passage_id, by_id[d.passage_id])
        return out

    # -- the directive graph -------------------------------------------------------------------
    def _implementing(self, answer: Answer, ctx: _Context, offset: int) -> None:
        targets = ctx.graph.targets(ctx.query)
        for target in targets:
            chains = ctx.graph.implementers(target)
            if not chains:
                continue
            answer.target = target
            answer.chains = chains
            implementers = ctx.graph.implemented_by_stored(chains)
            ids = [n.document_id for n in implementers if n.document_id is not None]
            docs = self.store.documents_by_ids(ids)
            ctx.docs.update(docs)
            ordered = self._demote(ids, ctx)
            answer.related = [_related_of(n, chains, docs) for n in implementers
                              if n.document_id in docs]
            chosen = ordered[offset : offset + self.max_documents]
            answer.more_available = len(ordered) > offset + self.max_documents
            keys = {n.match_key for c in chains for n in c.nodes if n.match_key}
            for doc_id in chosen:
                doc = docs.get(doc_id)
                if doc is None:
                    continue
                quotes = self._reference_quotes(doc, keys, ctx)
                answer.groups.append(DocumentGroup(self._citation(doc, None, ctx), quotes))
            return

    def _reference_quotes(self, doc: Document, keys: set[str], ctx: _Context) -> list[Quote]:
        """The sentences of ``doc`` that cite the documents of the chain."""
        assert doc.id is not None
        quotes: list[Quote] = []
        for p in self.store.passages_of(doc.id):
            if p.id is None:
                continue
            spans = [
                s for s in sentence_spans(p.text)
                if any(n.match_key in keys for _, n in find_numbers(p.text[s[0] : s[1]]))
            ]
            if not spans:
                continue
            ctx.passages[p.id] = p
            text, s, e = excerpt(p.text, spans, MAX_OBLIGATION_QUOTE_CHARS)
            quotes.append(Quote(p.id, doc.id, p.section, text, p.start + s, p.start + e, 1.0))
            if len(quotes) >= self.max_quotes:
                break
        return quotes

    def _related(self, doc_id: int, ctx: _Context) -> list[RelatedDocument]:
        out: list[RelatedDocument] = []
        for chain in ctx.graph.implements(doc_id):
            for depth, node in enumerate(reversed(chain.nodes[:-1]), start=1):
                if node.document_id is not None and node.document_id != doc_id:
                    out.append(RelatedDocument(node.document_id, node.label, "implements",
                                               depth, path=tuple(n.label for n in chain.nodes)))
        doc = ctx.docs.get(doc_id) or self.store.get_document(doc_id)
        if doc is not None:
            chains = ctx.graph.implementers(_node(doc))
            stored = {n.document_id: n for n in ctx.graph.implemented_by_stored(chains)}
            docs = {i: d for i, d in self.store.documents_by_ids(
                [i for i in stored if i is not None]).items()}
            for node in stored.values():
                if node.document_id in docs:
                    out.append(_related_of(node, chains, docs))
        unique: dict[tuple[int, str], RelatedDocument] = {}
        for rel in out:
            unique.setdefault((rel.document_id, rel.relation), rel)
        return list(unique.values())[:8]

    # -- not found ---------------------------------------------------------------------------
    def _suggestions(self, question: str, ctx: _Context | None = None) -> list[str]:
        """Documents on the nearest topics (those of the weak hits), else the newest ones."""
        labels: list[str] = []
        if ctx is not None:
            for h in ctx.hits[:10]:
                doc = ctx.docs.get(h.document_id)
                if doc is not None:
                    labels.append(_short_label(doc) + _status_suffix(doc))
        if not labels:
            docs, _ = self.store.list_documents(limit=5)
            labels = [_short_label(d) + _status_suffix(d) for d in docs]
        return list(dict.fromkeys(labels))[:3]

    # -- prose ---------------------------------------------------------------------------------
    def _prose(self, answer: Answer) -> None:
        from retrieval.answers.prose import sources_of

        assert self.llm is not None
        prose = self.llm.write(answer.question, sources_of(answer))
        answer.prose = prose
        answer.prose_status = "ok" if prose else self.llm.last_status


def _index_or_end(items: Sequence[int], value: int) -> int:
    return items.index(value) if value in items else len(items)


def _node(doc: Document) -> GraphNode:
    from retrieval.answers.graph import node_of_document

    return node_of_document(doc)


def _related_of(node: GraphNode, chains: Sequence[Chain], docs: Mapping[int, Document]
                ) -> RelatedDocument:
    mine = sorted((c for c in chains if c.implementer.key == node.key), key=lambda c: c.depth)
    best = mine[0] if mine else None
    via = None
    if best is not None:
        via = next((n.document_id for n in best.nodes[1:-1] if n.document_id is not None), None)
    longest = mine[-1] if mine else None
    label = node.label
    if longest is not None and longest.depth > 1:
        label += " — qua " + " ← ".join(n.short for n in longest.nodes[1:-1])
    assert node.document_id is not None
    return RelatedDocument(
        document_id=node.document_id,
        label=label,
        relation="implemented_by",
        depth=best.depth if best else 1,
        via=via,
        path=tuple(n.label for n in longest.nodes) if longest else (),
    )


def _grouped_by_actor(duties: Sequence[Duty]) -> list[Duty]:
    """Keep the ranking between actors, but list each actor's duties together."""
    first: dict[str, int] = {}
    for i, d in enumerate(duties):
        first.setdefault(d.actor_key, i)
    return sorted(duties, key=lambda d: (first[d.actor_key], d.order))


def _obligation(
    d: Duty, docs: Mapping[int, Document], passages: Mapping[int, Passage]
) -> Obligation:
    doc = docs.get(d.document_id)
    p = passages.get(d.passage_id)
    passage_start = p.start if p is not None else 0
    return Obligation(
        actor=d.actor,
        action=d.action,
        deadline=d.deadline,
        passage_id=d.passage_id,
        document_id=d.document_id,
        section=d.section,
        start=passage_start + d.start,
        end=passage_start + d.end,
        explicit=d.explicit,
        document_status=doc.status if doc is not None else DocumentStatus.IN_FORCE,
    )


def _tips(query: Query) -> list[str]:
    tips = [
        "Nêu số hiệu văn bản, ví dụ “NQ 02” hoặc “công văn 5208”.",
        "Dùng từ khóa có trong văn bản (ví dụ “trách nhiệm của Sở GD&ĐT”, “hạn báo cáo”) "
        "thay cho câu hỏi dài.",
    ]
    if query.text and not query.accented:
        tips.append("Gõ tiếng Việt có dấu nếu được, kết quả sẽ chính xác hơn.")
    named = [n.printed for n in query.numbers if n.number]
    if named:
        tips.insert(0, f"Kho chưa có văn bản số {', '.join(named)}; có thể đề nghị quản trị "
                       "viên bổ sung.")
    return tips


# -- plain renderings ---------------------------------------------------------------------------
def answer_to_dict(answer: Answer) -> dict[str, Any]:
    data = asdict(answer)
    for group, raw in zip(answer.groups, data["groups"], strict=True):
        raw["citation"]["line"] = group.citation.line()
    data["chain_lines"] = answer.chain_lines()
    return data
