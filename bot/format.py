"""Telegram HTML for answers, document cards and lists. Every text from data is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.splitting import CAPTION_LIMIT, Block, pack, utf16_len
from corpus.labels import document_title, reference_label
from corpus.models import Document, DocumentStatus
from corpus.text import fold, strip_diacritics
from retrieval.answers import Answer, Citation, Obligation, citation_for
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
    """Escape ``text`` and put the words matching ``terms`` (folded question words) in bold.

    A term typed without diacritics matches any spelling ("nghi" marks "nghị").
    """
    exact = {fold(t) for t in terms if t}
    bare = {t for t in exact if strip_diacritics(t) == t}
    if not exact:
        return esc(text)
    spans: list[list[int]] = []
    for m in _WORD.finditer(text):
        word = fold(m.group(0))
        if word in exact or strip_diacritics(word) in bare:
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

    ``doc_labels`` names documents that obligations cite but no quote group shows.
    """
    if answer.status != "answered" or not answer.groups:
        return [Block(not_found_html(answer))]
    labels = dict(doc_labels or {})
    number_of = {g.citation.document_id: n for n, g in enumerate(answer.groups, start=1)}
    blocks: list[Block] = []
    if answer.offset:
        blocks.append(Block("<b>Kết quả tiếp theo</b>"))
    if answer.obligations:
        blocks.extend(_obligation_blocks(answer.obligations, number_of, labels))
        blocks.append(Block("<b>📄 Trích dẫn nguyên văn</b>"))
    for n, group in enumerate(answer.groups, start=1):
        head = f"<b>[{n}] {esc(group.citation.line())}</b>"
        lead = f"<b>[{n}] {esc(short_citation(group.citation))}</b> <i>(tiếp)</i>"
        if not group.quotes:
            blocks.append(Block(head))
            continue
        for i, quote in enumerate(group.quotes):
            where = f"<i>Mục {esc(quote.section)}</i>\n" if quote.section else ""
            quoted = highlight(quote.text, answer.highlight_terms)
            body = f"{where}<blockquote>{quoted}</blockquote>"
            if i == 0:
                blocks.append(Block(f"{head}\n{body}"))
            else:
                blocks.append(Block(body, lead=lead))
    if answer.related:
        lines = ["<b>🔗 Văn bản liên quan</b>"]
        for rel in answer.related:
            how = (
                "văn bản triển khai"
                if rel.relation == "implemented_by"
                else "văn bản được thực hiện"
            )
            lines.append(f"• {esc(rel.label)} <i>({how})</i>")
        blocks.append(Block("\n".join(lines)))
    return blocks


def short_citation(citation: Citation) -> str:
    if citation.number:
        return f"{citation.doc_type} {citation.number}"
    return citation.title[:80] or citation.doc_type


def _obligation_blocks(
    obligations: Sequence[Obligation], number_of: Mapping[int, int], labels: Mapping[int, str]
) -> list[Block]:
    by_actor: dict[str, list[Obligation]] = {}
    for ob in obligations:
        by_actor.setdefault(ob.actor, []).append(ob)
    blocks = [Block("<b>✅ Ai phải làm gì</b>")]
    for actor, items in by_actor.items():
        lines = [f"<b>▪ {esc(actor)}</b>"]
        for ob in items:
            line = f"– <i>“{esc(ob.action)}”</i>"
            if ob.deadline:
                line += f" — thời hạn: <b>{esc(ob.deadline)}</b>"
            if ob.document_id in number_of:
                line += f" [{number_of[ob.document_id]}]"
            elif ob.document_id in labels:
                line += f" ({esc(labels[ob.document_id])})"
            if ob.section:
                line += f" <i>mục {esc(ob.section)}</i>"
            lines.append(line)
        blocks.append(Block("\n".join(lines), lead="<b>✅ Ai phải làm gì</b> <i>(tiếp)</i>"))
    return blocks


def not_found_html(answer: Answer) -> str:
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


def push_html(doc: Document, topics: Sequence[str], *, updated: bool) -> str:
    head = "🔔 <b>Văn bản được cập nhật</b>" if updated else "🔔 <b>Văn bản mới</b>"
    shown = ", ".join("tất cả văn bản" if t == "*" else f"“{esc(t)}”" for t in topics)
    return f"{head} <i>(bạn đang theo dõi: {shown})</i>\n{esc(citation_line(doc))}"


def caption_html(citation: Citation | Document) -> str:
    line = citation.line() if isinstance(citation, Citation) else citation_line(citation)
    text = esc(line)
    while utf16_len(text) > CAPTION_LIMIT:
        line = line[: max(len(line) - 50, 1)]
        text = esc(line) + "…"
    return text
