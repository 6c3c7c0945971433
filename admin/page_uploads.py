"""Upload on the admin page: several files at once -> parsed fields shown for confirmation and
editing -> publish. A file that does not look like an administrative document is shown
flagged and left unticked; a number edited here is the one its title and labels follow."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from admin.deps import AdminContext, ContextDep
from admin.errors import admin_error, retry_headers
from admin.pages import SessionDep, base_context, form_text, list_context, writable_form
from admin.templating import render
from corpus.models import Document
from retrieval.service import Preview, ServiceError, parse_upload, publish_upload

router = APIRouter(prefix="/admin", include_in_schema=False)

MAX_FILES = 10
CONFIRM_FIELDS = (
    ("doc_type", "Loại văn bản"), ("number", "Số/ký hiệu"), ("issuer", "Cơ quan ban hành"),
    ("parent_issuer", "Cơ quan chủ quản"), ("date_text", "Ngày ban hành (ngày/tháng/năm)"),
    ("subject", "Trích yếu"), ("signer", "Người ký"), ("signer_title", "Chức vụ người ký"),
    ("title", "Tiêu đề (tự theo số/ký hiệu nếu không sửa)"),
)
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class Refused:
    name: str
    message: str


@dataclass(frozen=True)
class Published:
    name: str
    status: str
    message: str
    document: Document | None


@router.post("/upload")
async def upload_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    form = await writable_form(request, session, max_files=MAX_FILES, max_fields=5)
    previews: list[Preview] = []
    refused: list[Refused] = []
    status = 200
    headers: dict[str, str] = {}
    try:
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
        if not files:
            return await _list_error(request, ctx, session, "Hãy chọn ít nhất một tệp.", 422)
        for upload in files:
            data = await upload.read(ctx.settings.max_upload_bytes + 1)
            try:
                previews.append(await run_in_threadpool(
                    parse_upload, ctx.store, data, upload.filename, settings=ctx.settings))
            except ServiceError as exc:
                problem = admin_error(exc)
                refused.append(Refused(upload.filename or "?", problem.detail))
                status = problem.status
                headers.update(retry_headers(problem) or {})
    finally:
        await form.close()
    context = base_context(request, session, "documents")
    context.update(previews=previews, refused=refused, fields=CONFIRM_FIELDS)
    response = render(request, "confirm.html", context, status_code=200 if previews else status)
    if not previews:
        response.headers.update(headers)
    return response


async def _list_error(
    request: Request, ctx: AdminContext, session: Any, message: str, status: int
) -> Response:
    context = await run_in_threadpool(list_context, request, ctx, session)
    context["error"] = message
    return render(request, "documents.html", context, status_code=status)


def confirmed_overrides(form: FormData, i: int) -> dict[str, Any]:
    """The fields of upload ``i`` the admin changed (unchanged ones stay as parsed, so the
    title follows an edited number); a changed dd/mm/yyyy date sets the issue date too."""
    changes: dict[str, Any] = {}
    for name, _ in CONFIRM_FIELDS:
        value = " ".join(form_text(form, f"{name}_{i}").split())
        if value != " ".join(form_text(form, f"was_{name}_{i}").split()) and value:
            changes[name] = value
    if m := _DMY.fullmatch(changes.get("date_text", "")):
        day, month, year = (int(g) for g in m.groups())
        with contextlib.suppress(ValueError):
            changes["issue_date"] = date(year, month, day)
            changes["year"] = year
    return changes


@router.post("/publish")
async def publish_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    form = await writable_form(request, session, max_files=0,
                               max_fields=MAX_FILES * (2 * len(CONFIRM_FIELDS) + 4) + 5)
    count = form_text(form, "count")
    results: list[Published] = []
    changed = False
    for i in range(min(int(count) if count.isdigit() else 0, MAX_FILES)):
        name = form_text(form, f"name_{i}")
        if form.get(f"publish_{i}") != "1":
            results.append(Published(name, "skipped", "Không đăng (bạn đã bỏ chọn).", None))
            continue
        try:
            uploaded = await run_in_threadpool(
                publish_upload, ctx.store, form_text(form, f"key_{i}"), name,
                actor=session.principal.name, settings=ctx.settings,
                overrides=_valid(confirmed_overrides(form, i)),
            )
        except ServiceError as exc:
            results.append(Published(name, "failed", admin_error(exc).detail, None))
            continue
        changed = changed or uploaded.changed
        results.append(Published(name, uploaded.status, uploaded.message, uploaded.document))
    context = base_context(request, session, "documents")
    context.update(results=results)
    response = render(request, "published.html", context)
    if changed:
        response.background = BackgroundTask(ctx.runtime.after_write)
    return response


def _valid(changes: dict[str, Any]) -> dict[str, Any]:
    """Overrides cut to the lengths the API accepts."""
    limits = {"subject": 2000, "title": 2000, "date_text": 50, "doc_type": 100, "number": 100}
    return {k: v[: limits.get(k, 200)] if isinstance(v, str) else v for k, v in changes.items()}

