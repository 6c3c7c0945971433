"""Telegram HTML for answers, document cards and lists. Every text from data is escaped."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import bot.texts as texts
from bot.splitting import CAPTION_LIMIT, TELEGRAM_LIMIT, Block, pack, utf16_len
from corpus.labels import document_title, reference_label
from corpus.models import Document, DocumentStatus
from corpus.text import fold
from retrieval.answers import (
    Answer,
    Citation,
    DocumentGroup,
    Obligation,
    citation_for,
    compact_references,
    is_item_marker,
    readable_section,
    unmarked,
)
from retrieval.service import DocumentCard

_WORD = re.compile(r"\w+")
_JOINERS = (" ", "\u00a0", "-", "/")

RELATION_OUT = {"can_cu": "Căn cứ", "thuc_hien": "Thực hiện", "mention": "Có nhắc đến"}
RELATION_IN = {
    "can_cu": "Được làm căn cứ cho",
    "thuc_hien": "Được triển khai bởi",
    "mention": "Được nhắc đến trong",
}


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def highlight(text: str, terms: Iterable[str]) -> str:
    """Escape ``text`` and put the words matching ``terms`` in bold.

    A term is a run of the question's content words, folded with diacritics as typed or as
    restored ("nghỉ hè"): a word of ``text`` lights up when it stands next to a neighbour of
    its run ("nghỉ hè"), or alone when its run is one word ("02"). Words are compared with
    their diacritics, so "nghỉ" never lights up "nghị".
    """
    singles: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for term in terms:
        words = fold(term).split()
        if len(words) == 1:
            singles.add(words[0])
        pairs.update(itertools.pairwise(words))
    if not singles and not pairs:
        return esc(text)
    found = list(_WORD.finditer(text))
    folded = [fold(m.group(0)) for m in found]
    marked = [w in singles for w in folded]
    for i in range(len(found) - 1):
        if (folded[i], folded[i + 1]) in pairs and text[found[i].end() : found[i + 1].start()] in (
            _JOINERS
        ):
            marked[i] = marked[i + 1] = True
    spans: list[list[int]] = []
    for m, on in zip(found, marked, strict=True):
        if not on:
            continue
        if spans and text[spans[-1][1] : m.start()] in _JOINERS:
            spans[-1][1] = m.end()  # "Nghị quyết", "02-NQ/TW": one bold run each
        else:
            spans.append([m.start(), m.end()])
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(esc(text[pos:start]))
        out.append(f"<b>{esc(text[start:end])}</b>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


# -- answers ---------------------------------------------------------------------------------
def answer_blocks(answer: Answer, doc_labels: Mapping[int, str] | None = None) -> list[Block]:
    """The answer as blocks; a split between messages only ever falls between two blocks.

    The order a phone reads: what is not held, the direct answer (or who must do what), the
    sources collapsed in an expandable quote, the related documents not already cited.
    ``doc_labels`` names documents that obligations cite but no quote group shows.
    """
    if answer.small_talk:
        return [Block(texts.SMALL_TALK)]
    if answer.status != "answered" or not answer.groups:
        return [Block(not_found_html(answer))]
    labels = dict(doc_labels or {})
    number_of = {g.citation.document_id: n for n, g in enumerate(answer.groups, start=1)}
    blocks: list[Block] = []
    if answer.offset:
        blocks.append(Block("<b>Kết quả tiếp theo</b>"))
    if answer.missing:
        blocks.append(Block(_missing_html(answer, through=True)))
    shown: list[str] = []
    if answer.obligations:
        if answer.unassigned_actor:
            blocks.append(Block(f"ℹ️ Văn bản không giao việc riêng cho "
                                f"<b>{esc(answer.unassigned_actor)}</b>; dưới đây là việc "
                                "giao cho các bên khác."))
        blocks.extend(_obligation_blocks(answer.obligations, number_of, labels, answer.groups))
        shown = [ob.action for ob in answer.obligations]
    elif answer.direct:
        blocks.append(Block(_direct_html(answer, number_of)))
        shown = [d.text for d in answer.direct]
    elif answer.unheld_header:
        label = answer.groups[0].citation.readable()
        blocks.append(Block(f"ℹ️ Bản lưu của <b>{esc(label)}</b> trong kho không có "
                            f"{esc(answer.unheld_header)}. Thông tin đọc được từ văn bản:\n"
                            f"{esc(compact_references(answer.groups[0].citation.line()))}"))
    room = TELEGRAM_LIMIT - sum(utf16_len(b.html) + 2 for b in blocks) - _RELATED_ROOM
    blocks.extend(_source_blocks(answer, shown, room))
    cited = set(number_of)
    related = [r for r in answer.related if r.document_id not in cited]
    if related:
        lines = ["<b>🔗 Văn bản liên quan</b>"]
        for rel in related[:3]:
            how = "triển khai" if rel.relation == "implemented_by" else "được thực hiện"
            lines.append(f"• {esc(rel.label)} <i>({how})</i>")
        blocks.append(Block("\n".join(lines)))
    return blocks


def _where(citation: Citation, section: str) -> str:
    place = readable_section(section) if section else ""
    return f"{place} {citation.readable()}".strip()


def _direct_html(answer: Answer, number_of: Mapping[int, int]) -> str:
    by_doc = {g.citation.document_id: g.citation for g in answer.groups}
    lines: list[str] = []
    last: tuple[int, str] | None = None
    for d in answer.direct:
        lines.append(f"“{highlight(d.text, answer.highlight_terms)}”")
        last = (d.document_id, d.section)
    if last is not None and last[0] in by_doc:
        where = _where(by_doc[last[0]], last[1])
        lines.append(f"— <i>{esc(where)}</i> [{number_of[last[0]]}]")
    return "💡 " + "\n".join(lines)


_RELATED_ROOM = 400  # characters kept free for the related documents below the sources
_SOURCES_HEAD = "<b>📄 Nguồn</b> <i>(bấm để mở trích dẫn)</i>"
_QUOTE_OPEN, _QUOTE_CLOSE = "<blockquote expandable>", "</blockquote>"


def _source_blocks(answer: Answer, shown: Sequence[str], room: int) -> list[Block]:
    """Every document's citation and quotes in one expandable blockquote (one tap opens the
    sources), sentences already shown above left out, and in a who-does-what answer the
    preamble ("Căn cứ …", "Thực hiện Kế hoạch số …") and the closing formula too. Documents
    that do not fit in ``room`` (what the first message has left) follow in a second one."""
    said = {_norm(s) for s in shown}
    docs: list[tuple[str, list[str]]] = []  # (citation line, quotes)
    for n, group in enumerate(answer.groups, start=1):
        quotes: list[str] = []
        for quote in group.quotes:
            text = _unsaid(quote.text, said, boilerplate=bool(answer.obligations))
            if not text:
                continue
            where = readable_section(quote.section) if quote.section else ""
            head = f"<i>{esc(where)}:</i> " if where else ""
            pieces = [highlight(p.strip(), answer.highlight_terms)
                      for p in text.split(" … ") if p.strip()]
            quotes.append(head + "\n… ".join(pieces))  # one excerpt a line
        docs.append((f"<b>[{n}] {esc(compact_references(group.citation.line()))}</b>", quotes))
    if not any(quotes for _, quotes in docs):  # every quote is shown above: just the citations
        return [Block("📄 " + "\n".join(line for line, _ in docs))]
    first, rest = _fill(docs, room - utf16_len(_SOURCES_HEAD + _QUOTE_OPEN + _QUOTE_CLOSE) - 2)
    blocks = [Block(_SOURCES_HEAD), Block(_QUOTE_OPEN + "\n\n".join(first) + _QUOTE_CLOSE)]
    if rest:
        blocks.append(Block(_QUOTE_OPEN + "\n\n".join(rest) + _QUOTE_CLOSE,
                            lead="<b>📄 Nguồn</b> <i>(tiếp)</i>"))
    return blocks


def _fill(docs: Sequence[tuple[str, list[str]]], room: int) -> tuple[list[str], list[str]]:
    """The parts of the first message's sources: the first document whole, then the others
    quote by quote while they fit in ``room`` (a citation line only with a quote of it, or
    alone when it has none); the rest for a second message, where a document cut between two
    of its quotes is named again."""
    first: list[str] = []
    rest: list[str] = []
    used = 0
    for n, (line, quotes) in enumerate(docs):
        parts = [line, *quotes]
        if not rest:
            taken = len(parts) if n == 0 else _fitting(parts, room - used)
            if taken == 1 and quotes:
                taken = 0
            first += parts[:taken]
            used += sum(utf16_len(p) + 2 for p in parts[:taken])
            if taken == len(parts):
                continue
            parts = [f"{line} <i>(tiếp)</i>", *parts[taken:]] if taken else parts
        rest.append("\n\n".join(parts))
    return first, rest


def _fitting(parts: Sequence[str], room: int) -> int:
    """How many of ``parts``, from the first, fit in ``room``."""
    used = 0
    for n, part in enumerate(parts):
        used += utf16_len(part) + 2
        if used > room:
            return n
    return len(parts)


_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n+")


def _norm(text: str) -> str:
    return " ".join(fold(unmarked(text)).strip(" “”\"…").split())


# Sentences that frame a dispatch rather than say anything: its grounds and its closing.
_BOILERPLATE = re.compile(
    r"^(?:…\s*)?(?:căn cứ|thực hiện (?:nghị quyết|kế hoạch|công văn|quyết định|chỉ thị|"
    r"thông tư|nghị định|chương trình|hướng dẫn)(?: số)?)(?!\w)"
    r"|(?:nghiêm túc|khẩn trương) (?:triển khai )?thực hiện\s*\.?/?\.?$|^trân trọng",
    re.IGNORECASE,
)


def _unsaid(text: str, said: set[str], *, boilerplate: bool = False) -> str:
    """``text`` without the sentences already shown (verbatim pieces kept, "…" between),
    and without the dispatch's grounds and closing formula when ``boilerplate``. Pieces that
    stand next to each other keep the separator they had ("Khiển trách; b) Cảnh cáo"), so a
    phrase across them still reads as in the source; "…" marks only what was left out."""
    if not said and not boilerplate:
        return text
    out: list[str] = []
    pos, dropped, gap = 0, False, False
    marker = ""  # "1. ", "Điều 16. ": goes with the piece it numbers, or with it is dropped
    for end, nxt in [*((m.start(), m.end()) for m in _SENTENCE_END.finditer(text)),
                     (len(text), len(text))]:
        piece = text[pos:end]
        sep = text[end:nxt]
        pos = nxt
        if not piece.strip():
            continue
        if is_item_marker(piece):
            marker += piece + sep
            continue
        if _said(piece, said) or (boilerplate and _BOILERPLATE.search(piece.strip())):
            dropped = gap = True
            marker = ""
            continue
        piece, marker = marker + piece, ""
        if gap and out:
            out.append(" … ")
        out.append(piece.strip(" …") if gap or not out else piece)
        out.append(sep)
        gap = False
    if not dropped:
        return text
    return "".join(out).strip()


def _said(piece: str, said: set[str]) -> bool:
    norm = _norm(piece)
    return len(norm) > 15 and any(norm in s or s in norm for s in said)



def short_citation(citation: Citation) -> str:
    if citation.number:
        return f"{citation.doc_type} {citation.number}"
    return citation.title[:80] or citation.doc_type


def _obligation_blocks(
    obligations: Sequence[Obligation], number_of: Mapping[int, int],
    labels: Mapping[int, str], groups: Sequence[DocumentGroup] = (),
) -> list[Block]:
    """Who must do what: actors merged by their normal form, each duty once, its deadline
    beside it, its place cited as people cite it."""
    by_key: dict[str, tuple[str, list[Obligation]]] = {}
    seen: set[str] = set()
    for ob in obligations:
        if _norm(ob.action) in seen:
            continue
        seen.add(_norm(ob.action))
        by_key.setdefault(ob.actor, (ob.actor, []))[1].append(ob)
    citation_of = {g.citation.document_id: g.citation for g in groups}
    one_source = len(number_of) == 1 and all(ob.document_id in number_of for ob in obligations)
    blocks = [Block("<b>✅ Ai phải làm gì</b>")]
    for name, items in by_key.values():
        lines = [f"<b>▪ {esc(name[:1].upper() + name[1:])}</b>"]  # a party taken mid-sentence
        for ob in items:
            line = f"– “{esc(compact_references(unmarked(ob.action)))}”"  # no "[5]" beside [1]
            if ob.deadline:
                line += f" ⏰ <b>{esc(ob.deadline)}</b>"
            if ob.document_id in number_of and not one_source:
                line += f" [{number_of[ob.document_id]}]"
            elif ob.document_id in labels:
                line += f" ({esc(labels[ob.document_id])})"
            if ob.section and ob.document_id in citation_of:
                line += f" <i>{esc(readable_section(ob.section))}</i>"
            lines.append(line)
        blocks.append(Block("\n".join(lines), lead="<b>✅ Ai phải làm gì</b> <i>(tiếp)</i>"))
    return blocks


def _missing_html(answer: Answer, *, through: bool) -> str:
    names = ", ".join(f"<b>{esc(m)}</b>" for m in answer.missing)
    head = f"ℹ️ {names} chưa có trong kho văn bản."
    if through:
        return f"ℹ️ Kho chưa có {names}; dưới đây là văn bản triển khai nó."
    lines = [head, "Mình không trả lời thay bằng nội dung của văn bản khác."]
    if answer.citing:
        lines += ["", "<b>Văn bản trong kho có nhắc đến nó:</b>"]
        lines += [f"• {esc(c)}" for c in answer.citing]
    lines += ["", "Có thể đề nghị quản trị viên bổ sung văn bản này."]
    return "\n".join(lines)


def not_found_html(answer: Answer) -> str:
    if answer.missing:
        return _missing_html(answer, through=False)
    lines = [
        "🔎 Mình chưa tìm thấy văn bản nào trong kho trả lời được câu hỏi này.",
        "",
        "Bạn có thể thử:",
        "• nêu số hiệu văn bản, ví dụ <i>“NQ 02”</i> hoặc <i>“công văn 5208”</i>;",
        "• dùng từ khóa khác, ngắn gọn hơn;",
        "• xem danh sách văn bản bằng lệnh /vanban.",
    ]
    if answer.suggestions:
        lines += ["", "<b>Một số văn bản đang có trong kho:</b>"]
        lines += [f"• {esc(s)}" for s in answer.suggestions]
    return "\n".join(lines)


def answer_messages(
    answer: Answer, doc_labels: Mapping[int, str] | None = None, limit: int | None = None
) -> list[str]:
    blocks = answer_blocks(answer, doc_labels)
    return pack(blocks, limit) if limit else pack(blocks)


# -- documents -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LinkedDocument:
    """One edge of the directive graph as the card shows it."""

    label: str
    relation: str
    document_id: int | None = None


@dataclass(frozen=True)
class CardView:
    """A document card as the bot draws it: its links labelled, most binding first."""

    document: Document
    cites: list[LinkedDocument] = field(default_factory=list)
    cited_by: list[LinkedDocument] = field(default_factory=list)
    passages: int | None = None


_RELATION_ORDER = {"thuc_hien": 0, "can_cu": 1, "mention": 2}


def card_view(card: DocumentCard) -> CardView:
    cites = []
    for link in card.cites:
        ref = link.reference
        if link.document is not None:
            label = document_title(link.document)
        else:
            label = reference_label(ref.ref_type, ref.ref_number, ref.raw)
        cites.append(LinkedDocument(label, ref.relation, ref.target_id))
    cited_by = []
    for link in card.cited_by:
        source = link.document
        label = document_title(source) if source is not None else link.reference.raw[:120]
        if source is not None and source.issuer:
            label += f", {source.issuer}"
        if source is not None and source.date_text:
            label += f", {source.date_text}"
        cited_by.append(LinkedDocument(label, link.reference.relation, link.reference.document_id))
    cites.sort(key=lambda link: _RELATION_ORDER.get(link.relation, 3))
    cited_by.sort(key=lambda link: _RELATION_ORDER.get(link.relation, 3))
    return CardView(card.document, cites, cited_by, passages=card.passages)


def citation_line(doc: Document) -> str:
    return citation_for(doc).line()


def card_html(card: CardView, *, max_links: int = 15, links: bool = True) -> str:
    doc = card.document
    lines = [f"<b>📄 {esc(document_title(doc))}</b>"]
    rows: list[tuple[str, str | None]] = [
        ("Loại văn bản", doc.doc_type),
        ("Số hiệu", doc.number),
        ("Cơ quan ban hành", doc.issuer),
        ("Ngày ban hành", doc.date_text),
        ("Trích yếu", doc.subject or (doc.title if doc.title != document_title(doc) else None)),
        ("Người ký", " ".join(filter(None, [doc.signer_title, doc.signer])) or None),
        ("Tình trạng", DocumentStatus.LABELS.get(doc.status, doc.status)),
    ]
    for name, value in rows:
        if value:
            lines.append(f"<b>{name}:</b> {esc(value)}")
    if card.passages is not None:
        lines.append(f"<b>Số đoạn đã tách:</b> {card.passages}")
    if not links:
        return "\n".join(lines)
    for title, edges, names in (
        ("⬆️ Văn bản này căn cứ / thực hiện", card.cites, RELATION_OUT),
        ("⬇️ Văn bản triển khai / viện dẫn văn bản này", card.cited_by, RELATION_IN),
    ):
        if not edges:
            continue
        lines += ["", f"<b>{title}</b>"]
        for edge in edges[:max_links]:
            how = esc(names.get(edge.relation, edge.relation))
            lines.append(f"• <i>{how}:</i> {esc(edge.label)}")
        if len(edges) > max_links:
            lines.append(f"… và {len(edges) - max_links} văn bản khác")
    if not card.cites and not card.cited_by:
        lines += ["", "<i>Chưa ghi nhận văn bản liên quan trong kho.</i>"]
    return "\n".join(lines)


def document_list_html(
    docs: Sequence[Document], *, page: int, pages: int, total: int, keyword: str, start: int
) -> str:
    if not docs:
        if keyword:
            return (
                f"Không có văn bản nào khớp với “{esc(keyword)}”. "
                "Hãy thử từ khóa khác hoặc gõ /vanban để xem tất cả."
            )
        return "Kho văn bản đang trống."
    head = f"<b>📚 Văn bản trong kho</b> — trang {page + 1}/{pages}, {total} văn bản"
    if keyword:
        head = (
            f"<b>📚 Văn bản khớp “{esc(keyword)}”</b>"
            f" — trang {page + 1}/{pages}, {total} văn bản"
        )
    lines = [head, ""]
    for n, doc in enumerate(docs, start=start + 1):
        status = "" if doc.status == DocumentStatus.IN_FORCE else " ⚠️"
        lines.append(f"<b>{n}.</b> {esc(citation_line(doc))}{status}")
    lines += ["", "<i>Bấm số thứ tự để xem thông tin văn bản.</i>"]
    return "\n".join(lines)


def upload_html(doc: Document, *, status: str, message: str = "", passages: int = 0) -> str:
    heads = {
        "added": "✅ Đã nạp văn bản mới vào kho",
        "updated": "🔄 Đã cập nhật văn bản (phiên bản mới)",
        "unchanged": "ℹ️ Văn bản này đã có trong kho",
        "corrected": "✏️ Đã sửa thông tin văn bản",
    }
    lines = [f"<b>{heads.get(status, esc(status))}</b> <i>(#{doc.id})</i>"]
    if message and status in ("added", "updated"):
        lines.append(f"<i>{esc(message)}</i>")
    lines.append("")
    lines.append(card_html(CardView(doc, passages=passages or None), links=False))
    lines += ["", "Loại văn bản và số hiệu đã đúng chưa?"]
    return "\n".join(lines)


def push_html(
    doc: Document, topics: Sequence[str], *, updated: bool, changes: Sequence[str] = ()
) -> str:
    """The push of a new or updated document; an update says what changed
    ("hạn nộp: 30/10 → 05/11"), from the outbox event."""
    head = "🔔 <b>Văn bản được cập nhật</b>" if updated else "🔔 <b>Văn bản mới</b>"
    shown = ", ".join("tất cả văn bản" if t == "*" else f"“{esc(t)}”" for t in topics)
    text = f"{head} <i>(bạn đang theo dõi: {shown})</i>\n{esc(citation_line(doc))}"
    if updated and changes:
        text += "\n<b>Thay đổi:</b>\n" + "\n".join(f"• {esc(c)}" for c in changes)
    return text


def caption_html(citation: Citation | Document) -> str:
    line = citation.line() if isinstance(citation, Citation) else citation_line(citation)
    text = esc(line)
    while utf16_len(text) > CAPTION_LIMIT:
        line = line[: max(len(line) - 50, 1)]
        text = esc(line) + "…"
    return text
