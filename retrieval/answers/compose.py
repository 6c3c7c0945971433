"""The :class:`Answerer`: from a question to an :class:`Answer`, logged.

An answer is built from the searcher's hits:

- a "không tìm thấy" decision from :mod:`retrieval.answers.confidence` (word coverage of the
  best passages, document numbers, dense margins), with suggestions and tips when nothing fits;
- quotes trimmed to the relevant sentences, "…" where text is left out, never reworded,
  grouped by document (best first, superseded/withdrawn documents marked and ranked below the
  document that replaces them: :mod:`retrieval.answers.documents`);
- for obligation questions, the clauses that assign work, by actor, with deadlines
  (:mod:`retrieval.answers.duties`), each one quoted in the shown passages;
- for "văn bản nào triển khai …" questions, the implementing documents and the chains through
  intermediate plans (:mod:`retrieval.answers.implementing`);
- optional prose from a language model that only restates the shown quotes
  (:mod:`retrieval.answers.prose`).

Every question is logged with its status, latency and cited passages. One answerer serves
concurrent requests: everything an answer reads or builds is local to that answer.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from corpus.labels import short_label, status_suffix
from corpus.models import QueryLog
from corpus.store import CorpusStore
from corpus.text import bare
from retrieval.answers.confidence import SEARCH_DEPTH, Evidence, Thresholds, decide, evidence
from retrieval.answers.direct import (
    absent_numbers,
    answered_elsewhere,
    asks_about_the_document,
    direct_answer,
    held,
    unheld_header_part,
)
from retrieval.answers.documents import (
    demote,
    document_group,
    natural_order,
    relevant_documents,
    repeated,
    sentence_bonus,
)
from retrieval.answers.duties import answer_duties, obligation_of
from retrieval.answers.graph import DirectiveGraph
from retrieval.answers.header import header_kind
from retrieval.answers.implementing import implementing_page, related_documents
from retrieval.answers.model import Answer, DirectSentence, DocumentGroup, Obligation, Page
from retrieval.answers.obligations import CLOSING_FORMULA, Duty, actors_match
from retrieval.answers.prose import ProseWriter, sources_of
from retrieval.answers.reading import Reading
from retrieval.answers.reads import RevisionReads
from retrieval.answers.sections import named_sections, shown_first
from retrieval.indexing import IndexBuilder
from retrieval.query import Query, actor_key, actor_words, is_small_talk
from retrieval.searcher import Hit, Searcher

log = logging.getLogger(__name__)

MAX_DOCUMENTS = 3
MAX_QUOTES_PER_DOCUMENT = 3
OBLIGATION_DOCUMENTS = 2  # documents whose duties an obligation answer lists
SUGGESTIONS = 3
GRAPH_ENTRIES = 5_000  # what the shared directive graph may keep before it starts again


class Answerer:
    """Composes answers from retrieval hits and logs every question."""

    def __init__(
        self,
        store: CorpusStore,
        index: IndexBuilder,
        *,
        max_documents: int = MAX_DOCUMENTS,
        max_quotes: int = MAX_QUOTES_PER_DOCUMENT,
        llm: ProseWriter | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.store = store
        self.index = index
        self.max_documents = max_documents
        self.max_quotes = max_quotes
        self.llm = llm
        self.thresholds = thresholds or Thresholds()
        self._reads = RevisionReads(store, -2)
        self._graph = DirectiveGraph(self._reads)
        self._reads_lock = threading.Lock()

    @classmethod
    def from_settings(cls, store: CorpusStore, index: IndexBuilder, settings: Any) -> Answerer:
        """An answerer with the optional language model of ``settings`` (off by default)."""
        return cls(store, index, llm=ProseWriter.from_settings(settings))

    def _searcher(self) -> Searcher:
        """The index's current snapshot (parse, search, mode, weights)."""
        return self.index.searcher

    def _reads_at(self, revision: int) -> tuple[RevisionReads, DirectiveGraph]:
        """The store's reads and the directive graph kept for ``revision`` (new, empty ones
        when it moved on; a new graph too when it grew past ``GRAPH_ENTRIES``)."""
        with self._reads_lock:
            if self._reads.revision != revision:
                self._reads = RevisionReads(self.store, revision)
                self._graph = DirectiveGraph(self._reads)
            elif len(self._graph) > GRAPH_ENTRIES:
                self._graph = DirectiveGraph(self._reads)
            return self._reads, self._graph

    def answer(
        self,
        question: str,
        *,
        channel: str = "cli",
        user_ref: str | None = None,
        offset: int = 0,
        log_query: bool = True,
        prefer: Collection[int] = (),
    ) -> Answer:
        """Answer ``question``; ``prefer``: documents a follow-up's thread answered from."""
        started = time.perf_counter()
        searcher = self._searcher()
        query = searcher.parse(question)
        if query.text and is_small_talk(query.text):
            return Answer(question=query.text, status="not_found", small_talk=True,
                          mode=searcher.mode, offset=offset)
        hits = searcher.search(query, k=SEARCH_DEPTH + offset, prefer=prefer) if query else []
        mode = searcher.mode
        # The store's revision, not the snapshot's: a document deleted since the snapshot was
        # built is not read, so never cited, and a database outage fails the question.
        reads, graph = self._reads_at(self.store.revision())
        reading = Reading.of_hits(reads, hits, graph)
        ev = evidence(query, hits, reading.passages) if query else None
        absent = absent_numbers(query, reads.documents_by_match_keys(query.number_keys))
        unheld = searcher.titles.unheld(query.text) if query else []
        about_absent = (any(not answered_elsewhere(query, n) for n in absent)
                        or (bool(unheld) and not asks_about_the_document(query)))
        page = Page() if about_absent else self._page(query, hits, ev, reading, offset)
        found = bool(page.groups)
        prose, prose_status = self._prose(query, page.groups) if found else (None, None)
        direct, unheld_header = (self._direct(query, page.groups, reading)
                                 if found and not page.obligations else ([], None))
        answer = Answer(
            question=query.text,
            status="answered" if found else "not_found",
            intent=query.intent,
            groups=page.groups,
            obligations=page.obligations if found else [],
            related=page.related,
            highlight_terms=list(query.highlight_phrases),
            suggestions=[] if found else self._suggestions(hits, reading),
            mode=mode,
            more_available=page.more_available,
            offset=offset,
            prose=prose,
            tips=[] if found else tips(query),
            target=page.target,
            chains=page.chains,
            evidence=ev,
            prose_status=prose_status,
            direct=direct,
            unheld_header=unheld_header,
            unassigned_actor=unassigned_actor(query, page.obligations) if found else None,
            missing=[f"{n.type_code} {n.printed}" if n.type_code else n.printed
                     for n in absent] + unheld,
            citing=(self._citing(hits, reading) if absent
                    else self._mentioning(unheld, hits, reading) if unheld else []),
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        if log_query:
            try:
                answer.query_id = self._log(answer, hits, channel=channel, user_ref=user_ref)
            except (SQLAlchemyError, OSError) as exc:  # disk full, read-only database
                log.warning("Answered without logging the question: %s", exc)
        return answer

    def _page(
        self, query: Query, hits: list[Hit], ev: Evidence | None, reading: Reading, offset: int
    ) -> Page:
        """The implementing documents for an implementing question; else (or when there are
        none on this page) the relevant documents, if the evidence says they answer."""
        page = Page()
        if query.intent == "implementing":
            page = implementing_page(query, reading, offset, max_documents=self.max_documents,
                                     max_quotes=self.max_quotes) or page
        if not page.groups and hits and ev is not None and decide(ev, self.thresholds):
            page = self._documents_page(query, hits, reading, offset, under=page)
        return page

    def _documents_page(
        self, query: Query, hits: list[Hit], reading: Reading, offset: int, *, under: Page
    ) -> Page:
        """The relevant documents on page ``offset``, with their duties for an obligation
        question and the documents related to the first; ``under`` (an implementing page
        without documents) keeps its target, chains and, failing new ones, related list."""
        penalty = self.index.weights.superseded_penalty
        order = natural_order(hits, reading.docs, penalty)
        primary, further = relevant_documents(order, query, reading)
        primary = demote(primary, reading)
        doc_ids = primary + [d for d in demote(further, reading) if d not in primary]
        end = offset + self.max_documents
        if offset < len(primary):
            end = min(end, len(primary))  # the first pages show the documents a number names
        chosen = doc_ids[offset:end]
        sections = named_sections(query, chosen, self._named(query, chosen, reading),
                                  reading.passages_of)
        duties: dict[int, list[Duty]] = {}
        if query.intent == "obligation":
            duties = answer_duties(chosen[:OBLIGATION_DOCUMENTS], order, query, reading,
                                   max_quotes=self.max_quotes, sections=sections)
        groups: list[DocumentGroup] = []
        bonus = sentence_bonus(query)
        said: set[str] = set()
        for doc_id in chosen:
            doc = reading.docs.get(doc_id)
            if doc is None:
                continue
            doc_hits = order.get(doc_id, [])
            part = sections.get(doc_id)
            first = shown_first(part, reading.passages_of(doc_id),
                                [h.passage_id for h in doc_hits],
                                self.max_quotes) if part is not None else []
            group = document_group(doc, doc_hits, duties.get(doc_id, []),
                                   query.highlight_terms, reading, max_quotes=self.max_quotes,
                                   section=first, bonus=bonus)
            fresh = repeated(group, said)
            if fresh is not None and (fresh.quotes or doc_id not in order):
                groups.append(fresh)
        shown = {q.passage_id for g in groups for q in g.quotes}
        obligations = merged([obligation_of(d, reading.docs, reading.passages)
                              for ds in duties.values() for d in ds if d.passage_id in shown])
        related = under.related
        if groups:
            try:
                related = related_documents(groups[0].citation.document_id, reading)
            except Exception:
                log.exception("Directive graph failed for the related documents")
        return dataclasses.replace(under, groups=groups, more_available=len(doc_ids) > end,
                                   obligations=obligations, related=related)

    @staticmethod
    def _named(query: Query, doc_ids: Sequence[int], reading: Reading) -> list[int]:
        """The documents of ``doc_ids`` that are a number the question names."""
        return [d for d in doc_ids if d in reading.docs
                and any(held(n, [reading.docs[d]]) for n in query.numbers)]

    def _direct(
        self, query: Query, groups: Sequence[DocumentGroup], reading: Reading
    ) -> tuple[list[DirectSentence], str | None]:
        """The sentences on top (for a question about the header, from the first document's
        header: its body starts at its first passage), and, when a header question finds no
        such line in the stored text, the part it lacks ("ai ký công văn 5208" over a text
        kept without its signature)."""
        doc = reading.docs.get(groups[0].citation.document_id) if header_kind(query) else None
        start = 0
        if doc is not None and doc.id is not None:
            start = min((p.start for p in reading.passages_of(doc.id)), default=0)
        direct = direct_answer(query, groups, reading.passages, doc, start)
        return direct, None if direct else unheld_header_part(query, doc)

    def _citing(self, hits: Sequence[Hit], reading: Reading) -> list[str]:
        """Stored documents that cite or implement the named numbers (the searcher's number
        matches)."""
        labels = [short_label(reading.docs[h.document_id]) for h in hits
                  if h.number_match and h.document_id in reading.docs]
        return list(dict.fromkeys(labels))[:SUGGESTIONS]

    def _mentioning(self, names: Sequence[str], hits: Sequence[Hit],
                    reading: Reading) -> list[str]:
        """Stored documents whose found passages name one of ``names`` ("Điều lệ Công
        đoàn" in the union law)."""
        keys = [bare(n) for n in names]
        labels = [short_label(reading.docs[h.document_id]) for h in hits
                  if h.document_id in reading.docs and h.passage_id in reading.passages
                  and any(k in bare(reading.passages[h.passage_id].text) for k in keys)]
        return list(dict.fromkeys(labels))[:SUGGESTIONS]

    def _suggestions(self, hits: Sequence[Hit], reading: Reading) -> list[str]:
        """Documents on the nearest topics (those of the weak hits), else the newest ones."""
        labels: list[str] = []
        for h in hits[:10]:
            doc = reading.docs.get(h.document_id)
            if doc is not None:
                labels.append(short_label(doc) + status_suffix(doc))
        if not labels:
            docs, _ = self.store.list_documents(limit=5)
            labels = [short_label(d) + status_suffix(d) for d in docs]
        return list(dict.fromkeys(labels))[:SUGGESTIONS]

    def _prose(
        self, query: Query, groups: Sequence[DocumentGroup]
    ) -> tuple[str | None, str | None]:
        """(checked prose or None, why not) from the language model, if there is one."""
        if self.llm is None:
            return None, None
        return self.llm.write(query.text, sources_of(groups))

    def _log(
        self, answer: Answer, hits: Sequence[Hit], *, channel: str, user_ref: str | None
    ) -> int | None:
        return self.store.log_query(
            QueryLog(
                question=answer.question or "(trống)",
                channel=channel,
                user_ref=user_ref,
                status=answer.status,
                latency_ms=answer.latency_ms,
                mode=answer.mode,
                top_score=hits[0].score if hits else None,
                cited=answer.cited_passage_ids(),
                answer=answer.plain_text(),
            )
        )


def merged(obligations: Sequence[Obligation]) -> list[Obligation]:
    """Each duty once; parties with the same normal form ("Thủ trưởng các đơn vị", "Thủ
    trưởng đơn vị") under one name, the shortest; a party's duties kept together."""
    names: dict[str, str] = {}
    for ob in obligations:
        key = actor_key(ob.actor) or ob.actor
        if key not in names or len(ob.actor) < len(names[key]):
            names[key] = ob.actor
    seen: set[str] = set()
    out: list[Obligation] = []
    for ob in obligations:
        action = " ".join(ob.action.split())
        if action in seen or CLOSING_FORMULA.search(action):
            continue
        seen.add(action)
        out.append(dataclasses.replace(ob, actor=names[actor_key(ob.actor) or ob.actor]))
    order = list(dict.fromkeys(ob.actor for ob in out))
    return sorted(out, key=lambda ob: order.index(ob.actor))


def unassigned_actor(query: Query, obligations: Sequence[Obligation]) -> str | None:
    """The party the question names ("hiệu trưởng phải làm gì") when the listed duties assign
    it nothing: the answer says so before the other parties' duties."""
    if not query.actor or not obligations:
        return None
    if any(actors_match(query.actor, actor_key(ob.actor)) for ob in obligations):
        return None
    # a question typed without diacritics names the party with them as restored for it
    return actor_words(query.restored or query.text, query.actor)


def tips(query: Query) -> list[str]:
    """How to ask again when nothing was found."""
    out = [
        "Nêu số hiệu văn bản, ví dụ “NQ 02” hoặc “công văn 5208”.",
        "Dùng từ khóa có trong văn bản (ví dụ “trách nhiệm của Sở GD&ĐT”, “hạn báo cáo”) "
        "thay cho câu hỏi dài.",
    ]
    if query.text and not query.accented:
        out.append("Gõ tiếng Việt có dấu nếu được, kết quả sẽ chính xác hơn.")
    named = [n.printed for n in query.numbers if n.number]
    if named:
        out.insert(0, f"Kho chưa có văn bản số {', '.join(named)}; có thể đề nghị quản trị "
                      "viên bổ sung.")
    return out
