"""What the admin page says in words instead of codes: audit entries, the search index's
state, answer kinds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corpus.diffing import FIELD_LABELS
from corpus.labels import short_label
from corpus.models import AuditLog, Document
from retrieval.service import IndexState

OTHER_LABELS = {
    "status": "tình trạng", "visibility": "phạm vi", "recipients": "nơi nhận",
    "issue_date": "ngày ban hành", "year": "năm", "place": "địa danh",
    "superseded_by_id": "văn bản thay thế",
}
KIND_LABELS = {"deadline": "Thời hạn", "duty": "Nhiệm vụ", "other": "Nội dung khác"}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name) or OTHER_LABELS.get(name, name)


def document_name(entry: AuditLog, docs: Mapping[int, Document]) -> str:
    """The document an entry is about, as people name it ("Công văn 5208/BGDĐT-GDPT"), by
    the number it had then when the entry recorded it."""
    doc = docs.get(entry.document_id or 0)
    number = (entry.after or {}).get("number") or (entry.before or {}).get("number")
    title = (entry.before or {}).get("title")
    if number and isinstance(number, str):
        return f"{doc.doc_type if doc else 'văn bản'} {number}"
    if doc is not None:
        return short_label(doc)
    if title:
        return f"“{title}”"
    return f"văn bản #{entry.document_id}" if entry.document_id else "kho văn bản"


def audit_sentence(entry: AuditLog, docs: Mapping[int, Document]) -> str:
    """"telegram:123 tải lên Công văn 5208/BGDĐT-GDPT, v2" (who, what, which document)."""
    who = entry.actor or "(không rõ)"
    name = document_name(entry, docs)
    after: dict[str, Any] = entry.after or {}
    before: dict[str, Any] = entry.before or {}
    version = after.get("version")
    if entry.action == "create":
        return f"{who} tải lên {name}"
    if entry.action == "update_version":
        return f"{who} tải lên {name}, v{version}"
    if entry.action == "restore_version":
        return f"{who} khôi phục v{after.get('restored_from')} của {name} (thành v{version})"
    if entry.action == "update":
        changes = [_change(k, before.get(k), v) for k, v in after.items()]
        return f"{who} sửa {name}: " + "; ".join(changes)
    if entry.action == "delete":
        return f"{who} xóa {name}"
    if entry.action == "reindex":
        return f"{who} cho lập chỉ mục lại toàn bộ kho"
    return f"{who}: {entry.action} {name}"


def _change(name: str, before: Any, after: Any) -> str:
    def shown(value: Any) -> str:
        if value in (None, "", []):
            return "(trống)"
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return text if len(text) <= 80 else text[:79] + "…"

    return f"{field_label(name)} {shown(before)} → {shown(after)}"


def index_sentence(index: IndexState, db_revision: int) -> str:
    """The search index's state for people: does a question see every change yet?"""
    behind = db_revision - index.revision
    if behind <= 0:
        state = "Tìm kiếm đã cập nhật mọi thay đổi"
    else:
        state = (f"Tìm kiếm đang cập nhật {behind} thay đổi mới nhất (câu hỏi lúc này "
                 "có thể chưa thấy chúng)")
    how = ("tìm theo ý nghĩa và theo từ khóa" if index.mode == "hybrid"
           else "chỉ tìm theo từ khóa (chưa nạp mô hình ngữ nghĩa)")
    return f"{state}; {how}."
