"""Inline keyboards and their callback data (at most 64 bytes, so ids, never texts, mostly).

Callback data is stateless: everything a press needs is in it or in the database, so any
replica behind a webhook can handle it.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from retrieval.answers import Answer

FULL_TEXT = "d"  # d:<document id>
CARD = "c"  # c:<document id>
FEEDBACK = "f"  # f:<query id>:u|d
MORE = "m"  # m:<query id>:<offset>
LIST = "l"  # l:<page>:<keyword>
UPLOAD = "a"  # a:ok|ty|no:<document id>, a:tc:<document id>:<type code>

MAX_CALLBACK_BYTES = 64
UPLOAD_TYPE_CODES = ("NQ", "KH", "CV", "QĐ", "CT", "TT", "HD", "TB", "NĐ", "BC", "CTr", "KL")


def full_text_button(doc_id: int, label: str = "📄 Xem toàn văn") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"{FULL_TEXT}:{doc_id}")


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    docs = [g.citation.document_id for g in answer.groups]
    if len(docs) == 1:
        rows.append([full_text_button(docs[0])])
    else:
        buttons = [full_text_button(d, f"📄 Toàn văn [{n}]") for n, d in enumerate(docs, start=1)]
        rows += [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if answer.query_id is not None:
        qid = answer.query_id
        rows.append(
            [
                InlineKeyboardButton("👍 Hữu ích", callback_data=f"{FEEDBACK}:{qid}:u"),
                InlineKeyboardButton("👎 Chưa đúng", callback_data=f"{FEEDBACK}:{qid}:d"),
            ]
        )
        if answer.more_available and answer.status == "answered":
            offset = answer.offset + max(len(answer.groups), 1)
            rows.append(
                [InlineKeyboardButton("➕ Thêm kết quả", callback_data=f"{MORE}:{qid}:{offset}")]
            )
    return InlineKeyboardMarkup(rows) if rows else None


def without(markup: InlineKeyboardMarkup | None, prefix: str) -> InlineKeyboardMarkup | None:
    """The same keyboard minus the buttons whose callback data starts with ``prefix:``."""
    if markup is None:
        return None
    rows = []
    for row in markup.inline_keyboard:
        kept = [
            b for b in row if not (isinstance(b.callback_data, str)
                                   and b.callback_data.startswith(f"{prefix}:"))
        ]
        if kept:
            rows.append(kept)
    return InlineKeyboardMarkup(rows) if rows else None


def card_keyboard(doc_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[full_text_button(doc_id, "📄 Nhận toàn văn (.txt)")]])


def push_keyboard(doc_id: int) -> InlineKeyboardMarkup:
    card = InlineKeyboardButton("ℹ️ Thông tin", callback_data=f"{CARD}:{doc_id}")
    return InlineKeyboardMarkup([[full_text_button(doc_id), card]])


def list_callback(page: int, keyword: str) -> str:
    head = f"{LIST}:{page}:"
    room = MAX_CALLBACK_BYTES - len(head.encode())
    raw = keyword.encode()[:room]
    return head + raw.decode(errors="ignore")


def list_keyboard(
    doc_ids: Sequence[int], *, start: int, page: int, pages: int, keyword: str
) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(str(n), callback_data=f"{CARD}:{d}")
        for n, d in enumerate(doc_ids, start=start + 1)
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    nav = []
    if page > 0:
        back = list_callback(page - 1, keyword)
        nav.append(InlineKeyboardButton("◀️ Trang trước", callback_data=back))
    if page + 1 < pages:
        forward = list_callback(page + 1, keyword)
        nav.append(InlineKeyboardButton("Trang sau ▶️", callback_data=forward))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


def upload_keyboard(doc_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("✅ Đúng rồi", callback_data=f"{UPLOAD}:ok:{doc_id}")],
            [
                InlineKeyboardButton("✏️ Sửa loại", callback_data=f"{UPLOAD}:ty:{doc_id}"),
                InlineKeyboardButton("✏️ Sửa số hiệu", callback_data=f"{UPLOAD}:no:{doc_id}"),
            ],
        ]
    )


def type_keyboard(doc_id: int, names: dict[str, str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(names[code], callback_data=f"{UPLOAD}:tc:{doc_id}:{code}")
        for code in UPLOAD_TYPE_CODES
        if code in names
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup(rows)


def parse(data: str | None) -> tuple[str, list[str]]:
    """"f:12:u" -> ("f", ["12", "u"]); the keyword of a list page may contain ":"."""
    if not data:
        return "", []
    kind, _, rest = data.partition(":")
    if kind == LIST:
        page, _, keyword = rest.partition(":")
        return kind, [page, keyword]
    return kind, rest.split(":") if rest else []
