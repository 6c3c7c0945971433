"""Documents that implement others: the answer to "văn bản nào triển khai …", and the
related documents listed under any answer.

Both read the directive graph (:mod:`retrieval.answers.graph`): the chains from a document the
question names to each stored document implementing it, directly or through plans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corpus.docnumbers import find_numbers
from corpus.models import Document
from retrieval.answers.documents import demote, linked_citation
from retrieval.answers.graph import Chain, GraphNode, node_of_document
from retrieval.answers.model import DocumentGroup, Page, Quote, RelatedDocument
from retrieval.answers.quoting import MAX_OBLIGATION_QUOTE_CHARS, excerpt, sentence_spans
from retrieval.answers.reading import Reading
from retrieval.query import Query

MAX_RELATED = 8


def implementing_page(
    query: Query, reading: Reading, offset: int, *, max_documents: int, max_quotes: int
) -> Page | None:
    """The stored documents implementing the first document the question names that has
    any, each quoted where it cites the chain; None when no named document has one."""
    graph = reading.graph
    for target in graph.targets(query):
        chains = graph.implementers(target)
        if not chains:
            continue
        implementers = graph.implemented_by_stored(chains)
        ids = [n.document_id for n in implementers if n.document_id is not None]
        docs = reading.load_documents(ids)
        ordered = demote(ids, reading)
        keys = {n.match_key for c in chains for n in c.nodes if n.match_key}
        groups = []
        for doc_id in ordered[offset : offset + max_documents]:
            doc = docs.get(doc_id)
            if doc is None:
                continue
            quotes = _reference_quotes(doc, keys, reading, max_quotes=max_quotes)
            groups.append(DocumentGroup(linked_citation(doc, None, graph), quotes))
        return Page(
            groups=groups,
            more_available=len(ordered) > offset + max_documents,
            related=[related_of(n, chains, docs) for n in implementers if n.document_id in docs],
            target=target,
            chains=chains,
        )
    return None


def _reference_quotes(
    doc: Document, keys: set[str], reading: Reading, *, max_quotes: int
) -> list[Quote]:
    """The sentences of ``doc`` that cite the documents of the chain."""
    assert doc.id is not None
    quotes: list[Quote] = []
    for p in reading.store.passages_of(doc.id):
        if p.id is None:
            continue
        spans = [
            s for s in sentence_spans(p.text)
            if any(n.match_key in keys for _, n in find_numbers(p.text[s[0] : s[1]]))
        ]
        if not spans:
            continue
        reading.passages[p.id] = p
        text, s, e = excerpt(p.text, spans, MAX_OBLIGATION_QUOTE_CHARS)
        quotes.append(Quote(p.id, doc.id, p.section, text, p.start + s, p.start + e, 1.0))
        if len(quotes) >= max_quotes:
            break
    return quotes


def related_documents(doc_id: int, reading: Reading) -> list[RelatedDocument]:
    """What a document implements (up its chains) and the stored documents implementing it."""
    graph = reading.graph
    out: list[RelatedDocument] = []
    for chain in graph.implements(doc_id):
        for depth, node in enumerate(reversed(chain.nodes[:-1]), start=1):
            if node.document_id is not None and node.document_id != doc_id:
                out.append(RelatedDocument(node.document_id, node.label, "implements",
                                           depth, path=tuple(n.label for n in chain.nodes)))
    doc = reading.document(doc_id)
    if doc is not None:
        chains = graph.implementers(node_of_document(doc))
        stored = {n.document_id: n for n in graph.implemented_by_stored(chains)}
        docs = reading.store.documents_by_ids([i for i in stored if i is not None])
        for node in stored.values():
            if node.document_id in docs:
                out.append(related_of(node, chains, docs))
    unique: dict[tuple[int, str], RelatedDocument] = {}
    for rel in out:
        unique.setdefault((rel.document_id, rel.relation), rel)
    return list(unique.values())[:MAX_RELATED]


def related_of(
    node: GraphNode, chains: Sequence[Chain], docs: Mapping[int, Document]
) -> RelatedDocument:
    """A stored implementer of ``chains`` as a related document: its shortest chain's depth
    and first stored intermediate, its longest chain's path."""
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
