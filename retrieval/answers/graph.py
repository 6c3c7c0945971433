"""The directive graph: which documents implement which, directly and through plans.

Edges come from the stored references (``Reference`` rows, "Căn cứ …" / "Thực hiện …") and
from what a stored document says about the documents it cites: "Thực hiện Kế hoạch số
37-KH/TU … *về việc thực hiện* Nghị quyết số 02-NQ/TW …" tells that KH 37-KH/TU implements
NQ 02-NQ/TW even when KH 37-KH/TU itself is not in the corpus. So the chain
NQ 02-NQ/TW ← KH 37-KH/TU ← Công văn của Sở GD&ĐT Long An is found from the dispatch alone.

A :class:`Chain` lists its nodes from the implemented document to the implementing one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.docnumbers import (
    DocNumber,
    find_numbers,
    numbers_in_question,
    parse_number,
    type_name,
)
from corpus.models import Document, DocumentStatus, Reference
from corpus.references import CAN_CU, THUC_HIEN
from corpus.text import folded_view, strip_diacritics
from retrieval.answers.reads import StoreReads
from retrieval.query import Query

SUBJECT = "subject"
STATED = "stated"  # "X về việc thực hiện Y", read in a third document
RELATION_LABELS = {
    CAN_CU: "căn cứ",
    THUC_HIEN: "thực hiện",
    SUBJECT: "triển khai (theo trích yếu)",
    STATED: "thực hiện (theo nội dung văn bản dẫn chiếu)",
}
MAX_DEPTH = 3
MAX_CHAINS = 20
_GAP = re.compile(
    r"^[^;\n]{0,160}?(?<!\w)(?:về việc|v/v|về|nhằm|để)\s+(?:tiếp tục\s+)?(?:triển khai\s*,?\s*)?"
    r"(?:thực hiện|triển khai|quán triệt|thi hành)(?!\w)[^;\n]{0,60}$"
)
_SUBJECT_VERBS = re.compile(r"(?<!\w)(?:trien khai|thuc hien|quan triet|thi hanh|huong dan)(?!\w)")


@dataclass(frozen=True)
class GraphNode:
    """A document of the graph: stored (``document_id``) or only referenced."""

    key: str
    label: str
    document_id: int | None = None
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    date_text: str | None = None
    status: str | None = None
    match_key: str | None = None

    @property
    def in_corpus(self) -> bool:
        return self.document_id is not None

    @property
    def short(self) -> str:
        """"Kế hoạch 37-KH/TU của Tỉnh ủy Long An"."""
        if self.doc_type and self.number:
            head = f"{self.doc_type} {self.number}"
            return f"{head} của {self.issuer}" if self.issuer else head
        return self.label


@dataclass(frozen=True)
class Edge:
    source: GraphNode  # the implementing document
    target: GraphNode  # the implemented one
    relation: str
    evidence_document_id: int | None = None
    evidence: str = ""


@dataclass(frozen=True)
class Chain:
    """Implemented document first, implementing document last."""

    nodes: tuple[GraphNode, ...]
    relations: tuple[str, ...] = ()

    @property
    def implementer(self) -> GraphNode:
        return self.nodes[-1]

    @property
    def depth(self) -> int:
        return len(self.nodes) - 1

    def text(self) -> str:
        """"Nghị quyết 02-NQ/TW ← Kế hoạch 37-KH/TU ← Công văn /SGDDĐT-TCCTTT"."""
        return " ← ".join(n.short for n in self.nodes)


# -- nodes ----------------------------------------------------------------------------------
def node_of_document(doc: Document) -> GraphNode:
    assert doc.id is not None
    head = doc.doc_type
    if doc.number:
        head += f" {doc.number}" if doc.number.startswith("/") else f" số {doc.number}"
    else:
        head = doc.title[:90] or head
    issuer = doc.issuer
    if issuer and doc.parent_issuer:
        issuer = f"{issuer} ({doc.parent_issuer})"
    parts = [head] + [p for p in (issuer, doc.date_text) if p]
    label = ", ".join(parts)
    if doc.status != DocumentStatus.IN_FORCE:
        label += f" [{DocumentStatus.LABELS.get(doc.status, doc.status).upper()}]"
    return GraphNode(
        key=f"doc:{doc.id}",
        label=label,
        document_id=doc.id,
        doc_type=doc.doc_type,
        number=doc.number or None,
        issuer=issuer,
        date_text=doc.date_text,
        status=doc.status,
        match_key=doc.match_key,
    )


def node_of_reference(ref: Reference) -> GraphNode:
    doc_type = ref.ref_type or "Văn bản"
    parsed = parse_number(ref.ref_number or ref.raw)
    number = parsed.printed if parsed is not None and parsed.number else None
    head = f"{doc_type} số {number}" if number else (ref.raw or ref.key)
    parts = [head] + [p for p in (ref.ref_issuer, ref.ref_date) if p]
    return GraphNode(
        key=f"ref:{ref.match_key or ref.key}",
        label=", ".join(parts) + " (chưa có trong kho)",
        doc_type=doc_type,
        number=number,
        issuer=ref.ref_issuer,
        date_text=ref.ref_date,
        match_key=ref.match_key,
    )


def node_of_number(num: DocNumber) -> GraphNode:
    doc_type = type_name(num.type_code) or "Văn bản"
    return GraphNode(
        key=f"ref:{num.match_key or num.key}",
        label=f"{doc_type} số {num.printed} (chưa có trong kho)",
        doc_type=doc_type,
        number=num.printed,
        match_key=num.match_key,
    )


def _symbol(text: str | None) -> str | None:
    if not text:
        return None
    parsed = parse_number(text)
    if parsed is None or not parsed.symbol:
        return None
    return re.sub(r"\s+", "", strip_diacritics(parsed.symbol).upper())


def compatible(wanted: DocNumber, number_text: str | None, year: int | None = None) -> bool:
    """Whether a printed number can be the document the question names (same symbol and year
    where both are known; the match key is assumed equal)."""
    mine = re.sub(r"\s+", "", strip_diacritics(wanted.symbol).upper()) if wanted.symbol else None
    theirs = _symbol(number_text)
    if mine and theirs and not (mine.startswith(theirs) or theirs.startswith(mine)):
        return False
    wanted_year = wanted.year or wanted.issued_year
    return not (wanted_year and year and wanted_year != year)


def _ref_year(ref: Reference) -> int | None:
    m = re.search(r"\b((?:19|20)\d\d)\b", ref.key)
    return int(m.group(1)) if m else None


def _doc_year(doc: Document) -> int | None:
    return doc.year


# -- reading the graph ------------------------------------------------------------------------
class DirectiveGraph:
    """Graph queries over a store; caches what it reads and the chains it finds, so it lives
    as long as the store's content does not change (one corpus revision). Safe to share
    between threads: its caches only grow, and a value computed twice is the same."""

    def __init__(self, store: StoreReads) -> None:
        self.store = store
        self._docs: dict[int, Document] = {}
        self._refs: dict[int, list[Reference]] = {}
        self._mentions: dict[int, tuple[list[tuple[re.Match[str], DocNumber]], str]] = {}
        self._chains_up: dict[tuple[int, int], list[Chain]] = {}
        self._chains_down: dict[tuple[GraphNode, int], list[Chain]] = {}

    def __len__(self) -> int:
        """How many things it keeps (documents, their texts' mentions, chains)."""
        return (len(self._docs) + len(self._refs) + len(self._mentions) + len(self._chains_up)
                + len(self._chains_down))

    def _documents(self, ids: Iterable[int]) -> dict[int, Document]:
        wanted = {i for i in ids if i not in self._docs}
        if wanted:
            self._docs.update(self.store.documents_by_ids(wanted))
        return {i: self._docs[i] for i in ids if i in self._docs}

    def _references(self, doc_id: int) -> list[Reference]:
        if doc_id not in self._refs:
            self._refs[doc_id] = self.store.references_of(doc_id)
        return self._refs[doc_id]

    # targets named in a question
    def targets(self, query: Query) -> list[GraphNode]:
        """The documents a question names by number, stored or only referenced elsewhere."""
        out: list[GraphNode] = []
        for num in query.numbers:
            if not num.match_key:
                continue
            stored = [
                d for d in self.store.documents_by_match_keys([num.match_key])
                if compatible(num, d.number, _doc_year(d))
            ]
            if stored:
                out.extend(node_of_document(d) for d in stored)
                continue
            refs = [
                r for r in self.store.cited_by([], [num.match_key])
                if compatible(num, r.ref_number, _ref_year(r))
            ]
            if refs:
                best = max(refs, key=lambda r: (bool(r.ref_issuer), bool(r.ref_date)))
                out.append(node_of_reference(best))
        return out

    def _citing(self, node: GraphNode) -> list[Reference]:
        ids = [node.document_id] if node.document_id is not None else []
        keys = [node.match_key] if node.match_key else []
        refs = self.store.cited_by(ids, keys)
        wanted = parse_number(node.number or "") if node.number else None
        out = []
        for r in refs:
            if node.document_id is not None and r.target_id not in (None, node.document_id):
                continue  # resolved to another document with the same loose key
            if wanted is not None and r.target_id is None and not compatible(
                wanted, r.ref_number, _ref_year(r)
            ):
                continue
            out.append(r)
        return out

    def _relation(self, ref: Reference, citing: Document, node: GraphNode) -> str | None:
        if ref.relation in (CAN_CU, THUC_HIEN):
            return ref.relation
        subject = strip_diacritics(folded_view(citing.subject or "")).lower()
        if node.match_key and _SUBJECT_VERBS.search(subject):
            keys = {n.match_key for n in numbers_in_question(citing.subject or "")}
            if node.match_key in keys:
                return SUBJECT
        return None

    def _stated(self, citing: Document, node: GraphNode) -> list[tuple[GraphNode, str]]:
        """Documents that ``citing`` says implement ``node`` ("X về việc thực hiện <node>")."""
        if not node.match_key:
            return []
        text = citing.text
        doc_id = citing.id or 0
        if doc_id not in self._mentions:
            self._mentions[doc_id] = (find_numbers(text), folded_view(text))
        mentions, folded = self._mentions[doc_id]
        refs = {r.match_key: r for r in self._references(citing.id or 0) if r.match_key}
        out: list[tuple[GraphNode, str]] = []
        for (m_x, x), (m_y, y) in itertools.pairwise(mentions):
            if y.match_key != node.match_key or not x.match_key or x.match_key == node.match_key:
                continue
            if not _GAP.match(folded[m_x.end() : m_y.start()]):
                continue
            ref = refs.get(x.match_key)
            if ref is not None and ref.target_id is not None:
                stored = self._documents([ref.target_id]).get(ref.target_id)
                x_node = node_of_document(stored) if stored else node_of_reference(ref)
            elif ref is not None:
                x_node = node_of_reference(ref)
            else:
                x_node = node_of_number(x)
            start = text.rfind("\n", 0, m_x.start()) + 1
            end = text.find("\n", m_y.end())
            out.append((x_node, text[start : end if end >= 0 else len(text)].strip()))
        return out

    def edges_into(self, target: GraphNode, *, max_depth: int = MAX_DEPTH) -> list[Edge]:
        """Every edge on a path of at most ``max_depth`` steps ending at ``target``."""
        edges: dict[tuple[str, str, str], Edge] = {}
        seen = {target.key}
        frontier = [target]
        for _ in range(max_depth):
            upcoming: list[GraphNode] = []
            for node in frontier:
                refs = self._citing(node)
                docs = self._documents({r.document_id for r in refs})
                for ref in refs:
                    citing = docs.get(ref.document_id)
                    if citing is None or citing.id == node.document_id:
                        continue
                    found: list[Edge] = []
                    relation = self._relation(ref, citing, node)
                    if relation:
                        found.append(Edge(node_of_document(citing), node, relation,
                                          citing.id, ref.raw))
                    for x_node, snippet in self._stated(citing, node):
                        found.append(Edge(x_node, node, STATED, citing.id, snippet))
                    for edge in found:
                        key = (edge.source.key, edge.target.key, edge.relation)
                        edges.setdefault(key, edge)
                        if edge.source.key not in seen:
                            seen.add(edge.source.key)
                            upcoming.append(edge.source)
            frontier = upcoming
        return list(edges.values())

    def implementers(self, target: GraphNode, *, max_depth: int = MAX_DEPTH) -> list[Chain]:
        """Chains from ``target`` to each stored document implementing it, shortest first."""
        key = (target, max_depth)
        if key not in self._chains_down:
            self._chains_down[key] = self._implementers(target, max_depth)
        return list(self._chains_down[key])

    def _implementers(self, target: GraphNode, max_depth: int) -> list[Chain]:
        edges = self.edges_into(target, max_depth=max_depth)
        into: dict[str, list[Edge]] = {}
        for e in edges:
            into.setdefault(e.source.key, []).append(e)
        chains: list[Chain] = []

        def walk(node: GraphNode, path: list[GraphNode], rels: list[str]) -> None:
            for e in into.get(node.key, []):
                if any(n.key == e.target.key for n in path):
                    continue
                if e.target.key == target.key:
                    chains.append(Chain(tuple([target, *reversed(path)]), tuple(reversed(
                        [*rels, e.relation]))))
                elif len(path) < max_depth:
                    walk(e.target, [*path, e.target], [*rels, e.relation])

        for e in edges:
            if e.source.in_corpus and e.source.key != target.key:
                src = e.source
                if any(c.implementer.key == src.key for c in chains):
                    continue
                walk(src, [src], [])
        unique = {tuple(n.key for n in c.nodes): c for c in chains}
        ordered = sorted(unique.values(), key=lambda c: (c.depth, c.implementer.label))
        return ordered[:MAX_CHAINS]

    def implemented_by_stored(self, chains: Sequence[Chain]) -> list[GraphNode]:
        """The distinct stored implementers of ``chains``, nearest first."""
        out: dict[str, GraphNode] = {}
        for c in sorted(chains, key=lambda c: c.depth):
            out.setdefault(c.implementer.key, c.implementer)
        return list(out.values())

    def implements(self, doc_id: int, *, max_depth: int = MAX_DEPTH) -> list[Chain]:
        """What a stored document implements, directly and through what those implement.

        Chains run from the highest document reached down to ``doc_id``.
        """
        key = (doc_id, max_depth)
        if key not in self._chains_up:
            self._chains_up[key] = self._implements(doc_id, max_depth)
        return list(self._chains_up[key])

    def _implements(self, doc_id: int, max_depth: int) -> list[Chain]:
        docs = self._documents([doc_id])
        doc = docs.get(doc_id)
        if doc is None:
            return []
        start = node_of_document(doc)
        chains: list[Chain] = []

        def up(node: GraphNode, path: list[GraphNode], rels: list[str], depth: int) -> None:
            parents = self._parents(node, doc)
            if not parents or depth >= max_depth:
                if len(path) > 1:
                    chains.append(Chain(tuple(reversed(path)), tuple(reversed(rels))))
                return
            for parent, relation in parents:
                if any(n.key == parent.key for n in path):
                    continue
                up(parent, [*path, parent], [*rels, relation], depth + 1)

        up(start, [start], [], 0)
        unique = {tuple(n.key for n in c.nodes): c for c in chains}
        kept = [c for keys, c in unique.items() if not _shortcut(keys, unique)]
        return sorted(kept, key=lambda c: (-c.depth, c.nodes[0].label))[:MAX_CHAINS]

    def _parents(self, node: GraphNode, origin: Document) -> list[tuple[GraphNode, str]]:
        """What ``node`` implements: stored references of a stored node, or what the origin
        document's text says about a referenced one."""
        out: list[tuple[GraphNode, str]] = []
        if node.document_id is not None:
            refs = self._references(node.document_id)
            targets = self._documents({r.target_id for r in refs if r.target_id})
            cur = self._documents([node.document_id]).get(node.document_id)
            for r in refs:
                stored = targets.get(r.target_id) if r.target_id else None
                parent = node_of_document(stored) if stored else node_of_reference(r)
                relation = self._relation(r, cur, parent) if cur is not None else None
                if relation:
                    out.append((parent, relation))
            return out
        # a referenced-only node: read the origin's text for "node về việc thực hiện Y"
        for r in self._references(origin.id or 0):
            if r.match_key == node.match_key or not r.match_key:
                continue
            y = node_of_reference(r) if r.target_id is None else node_of_document(
                self._documents([r.target_id])[r.target_id]
            )
            if any(x.key == node.key or x.match_key == node.match_key
                   for x, _ in self._stated(origin, y)):
                out.append((y, STATED))
        return out


def _shortcut(keys: tuple[str, ...], chains: Iterable[tuple[str, ...]]) -> bool:
    """Whether ``keys`` skips steps of a longer chain between the same two documents (a
    dispatch citing both a resolution and the plan implementing it): saying it again adds
    nothing."""
    return any(
        len(other) > len(keys) and other[0] == keys[0] and other[-1] == keys[-1]
        and _is_subsequence(keys, other)
        for other in chains
    )


def _is_subsequence(short: Sequence[str], long: Sequence[str]) -> bool:
    rest = iter(long)
    return all(key in rest for key in short)
