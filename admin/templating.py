"""Jinja2 for the admin page: autoescaped templates, a few Vietnamese formatting filters."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from admin.wording import KIND_LABELS
from corpus.models import DocumentStatus

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

STATUS_LABELS = DocumentStatus.LABELS
VISIBILITY_LABELS = {"public": "công khai", "internal": "nội bộ"}
ACTION_LABELS = {
    "create": "thêm văn bản",
    "update_version": "phiên bản mới",
    "restore_version": "khôi phục phiên bản",
    "update": "sửa thông tin",
    "delete": "xóa",
    "reindex": "lập chỉ mục lại",
}

RESULT_LABELS = {"added": "Đã thêm", "updated": "Phiên bản mới", "unchanged": "Không đổi",
                 "skipped": "Bỏ qua", "failed": "Không đăng được"}
CHANNEL_LABELS = {"telegram": "qua Telegram", "api": "qua API", "admin": "trang quản trị",
                  "cli": "dòng lệnh", "bench": "đo đạc"}

# Messages shown after a redirect (?ok=code&id=n): fixed texts, nothing reflected from input.
FLASH = {
    "added": "Đã thêm văn bản #{id}.",
    "updated": "Đã cập nhật phiên bản mới của văn bản #{id}.",
    "unchanged": "Nội dung này đã có trong kho (văn bản #{id}); không có gì thay đổi.",
    "saved": "Đã lưu thông tin văn bản #{id}; chỉ mục được cập nhật.",
    "nochange": "Không có gì thay đổi.",
    "superseded": "Đã đánh dấu văn bản #{id} là đã bị thay thế.",
    "deleted": "Đã xóa văn bản #{id}.",
    "restored": "Đã khôi phục phiên bản cũ thành phiên bản mới của văn bản #{id}.",
    "replaced": "Đã thay tệp của văn bản #{id}; đây là phiên bản mới.",
    "reindex": "Đã bắt đầu lập chỉ mục lại.",
    "signedout": "Đã đăng xuất.",
}


def _date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["vndate"] = _date
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        VISIBILITY_LABELS=VISIBILITY_LABELS,
        ACTION_LABELS=ACTION_LABELS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        RESULT_LABELS=RESULT_LABELS,
        KIND_LABELS=KIND_LABELS,
    )
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    response = templates().TemplateResponse(request, name, context, status_code=status_code)
    assert isinstance(response, HTMLResponse)
    return response


def flash_message(code: str | None, doc_id: str | None) -> str | None:
    template = FLASH.get(code or "")
    if template is None:
        return None
    ident = doc_id if doc_id and doc_id.isdigit() and len(doc_id) < 12 else "?"
    return template.format(id=ident)
