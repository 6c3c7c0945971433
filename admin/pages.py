"""The admin page (server-rendered, Vietnamese): sign in, upload, list, edit, supersede, delete,
unanswered questions, feedback, audit log. Forms are CSRF-protected; no JS framework."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from admin.deps import AdminContext, ContextDep
from admin.errors import Forbidden, admin_error, field_errors
from admin.jobs import JobBusy
from admin.schemas import DocumentUpdate
from admin.session import PageSession, csrf_ok
from admin.templating import flash_message, render
from admin.wording import index_sentence
from corpus.models import Document, DocumentStatus
from corpus.sizes import human_size
from corpus.store import DocumentFilter
from retrieval.service import (
    ACCEPTED_SUFFIXES,
    ServiceError,
    delete_document,
    document_card,
    document_versions,
    get_document,
    originals,
    printable_text,
    supersede_document,
    update_metadata,
)

router = APIRouter(prefix="/admin", include_in_schema=False)

PAGE_SIZE = 25
EDIT_FIELDS = (
    "doc_type", "number", "title", "subject", "issuer", "parent_issuer", "place",
    "issue_date", "date_text", "year", "signer", "signer_title", "recipients", "status",
    "visibility",
)
_REQUIRED = {"doc_type", "title", "status", "visibility"}


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def page_session(request: Request, ctx: ContextDep) -> PageSession:
    session = ctx.sessions.read(request)
    if session is None:
        raise LoginRequired(request.url.path if request.method == "GET" else "/admin")
    return session


SessionDep = Annotated[PageSession, Depends(page_session)]


def _safe_next(value: object) -> str:
    if (
        isinstance(value, str) and value.startswith("/admin") and "//" not in value
        and value == printable_text(value) and "\\" not in value
    ):
        return value
    return "/admin"


def _after_write(ctx: AdminContext) -> BackgroundTask:
    """This process's index catches up once the response is sent."""
    return BackgroundTask(ctx.runtime.after_write)


def redirect(
    path: str, *, written: AdminContext | None = None, **params: object
) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    background = _after_write(written) if written is not None else None
    return RedirectResponse(
        f"{path}?{query}" if query else path, status_code=303, background=background
    )


def base_context(request: Request, session: PageSession | None, nav: str) -> dict[str, Any]:
    return {
        "user": session.principal if session else None,
        "csrf": session.csrf if session else "",
        "nav": nav,
        "flash": flash_message(request.query_params.get("ok"), request.query_params.get("id")),
        "error": None,
        "errors": [],
    }


async def writable_form(request: Request, session: PageSession, **limits: int) -> FormData:
    """The posted form, after checking the write role and the CSRF token."""
    if not session.principal.can_write:
        raise Forbidden("Mã truy cập này chỉ có quyền đọc; không thể thay đổi kho văn bản.")
    form = await request.form(**limits)
    if not csrf_ok(session, form.get("csrf")):
        await form.close()
        raise Forbidden("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang.")
    return form


def form_text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# -- sign in / out ----------------------------------------------------------------------------
@router.get("/login")
def login_page(request: Request, ctx: ContextDep) -> Response:
    if ctx.sessions.read(request) is not None:
        return redirect("/admin")
    return _login_form(request, ctx, None, 200)


def _login_form(request: Request, ctx: AdminContext, error: str | None, status: int) -> Response:
    nonce = ctx.sessions.new_login_nonce()
    context = base_context(request, None, "login")
    context.update(
        error=error, login_nonce=nonce, next=_safe_next(request.query_params.get("next"))
    )
    response = render(request, "login.html", context, status_code=status)
    ctx.sessions.set_login_cookie(request, response, nonce)
    return response


@router.post("/login")
async def login(request: Request, ctx: ContextDep) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    if not ctx.sessions.check_login_token(request, form_text(form, "login_nonce")):
        return _login_form(request, ctx, "Biểu mẫu đăng nhập đã hết hạn; hãy thử lại.", 400)
    principal = ctx.registry.authenticate(form_text(form, "token"))
    if principal is None:
        return _login_form(request, ctx, "Mã truy cập không đúng.", 401)
    response = redirect(_safe_next(form.get("next")))
    ctx.sessions.set_session(request, response, principal)
    return response


@router.post("/logout")
async def logout(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    if not csrf_ok(session, form.get("csrf")):
        raise Forbidden("Biểu mẫu không hợp lệ; hãy tải lại trang.")
    await run_in_threadpool(ctx.sessions.revoke, session)
    response = redirect("/admin/login", ok="signedout")
    ctx.sessions.clear(response)
    return response


# -- documents --------------------------------------------------------------------------------
def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


_FILTERS = {"q": 200, "type": 100, "status": 20, "issuer": 200, "date_from": 10, "date_to": 10}


def _filters(request: Request) -> dict[str, str]:
    """The list's filters as typed, without control characters (PostgreSQL text holds no
    NUL) and cut to their longest useful length."""
    params = request.query_params
    cleaned = {k: printable_text(params.get(k) or "").strip()[:n] for k, n in _FILTERS.items()}
    return {k: v for k, v in cleaned.items() if v}


def list_context(request: Request, ctx: AdminContext, session: PageSession) -> dict[str, Any]:
    params = request.query_params
    page = int(params["page"]) if params.get("page", "").isdigit() else 1
    page = max(1, min(page, 10_000))
    keep = _filters(request)
    status = keep.get("status") if keep.get("status") in DocumentStatus.ALL else None
    flt = DocumentFilter(
        doc_type=keep.get("type"),
        issuer=keep.get("issuer"),
        status=status,
        date_from=_parse_date(keep.get("date_from")),
        date_to=_parse_date(keep.get("date_to")),
        text=keep.get("q"),
    )
    docs, total = ctx.store.list_documents(flt, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    wanted = params.get("for", "")
    asked = ctx.store.get_query(int(wanted)) if wanted.isdigit() and len(wanted) < 10 else None
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    stats = ctx.store.stats()
    context = base_context(request, session, "documents")
    context.update(
        docs=docs, total=total, page=page, pages=pages, filters=flt, query=keep,
        page_link=lambda n: "/admin?" + urlencode({**keep, "page": n}),
        stats=stats, index_text=index_sentence(ctx.runtime.index_state(), stats["revision"]),
        job=ctx.jobs.latest(), for_question=asked,
        statuses=DocumentStatus.ALL, max_size=human_size(ctx.settings.max_upload_bytes),
        accepted=ACCEPTED_SUFFIXES,
    )
    return context


@router.get("")
def documents_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    return render(request, "documents.html", list_context(request, ctx, session))


async def list_error(
    request: Request, ctx: AdminContext, session: PageSession, message: str, status: int
) -> Response:
    context = await run_in_threadpool(list_context, request, ctx, session)
    context["error"] = message
    return render(request, "documents.html", context, status_code=status)


@router.post("/reindex")
async def reindex_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    form = await writable_form(request, session, max_files=0, max_fields=5)
    await form.close()
    try:
        job = ctx.jobs.start(session.principal.name)
    except JobBusy:
        return await list_error(request, ctx, session, "Đang có một lượt lập chỉ mục chạy.", 409)
    await run_in_threadpool(
        ctx.store.audit, actor=session.principal.name, action="reindex", after={"job": job.id}
    )
    return redirect("/admin", ok="reindex")


def document_context(
    request: Request, ctx: AdminContext, session: PageSession, doc: Document
) -> dict[str, Any]:
    assert doc.id is not None
    card = document_card(ctx.store, doc)
    context = base_context(request, session, "documents")
    context.update(
        doc=doc,
        values=values_of(doc),
        passages=ctx.store.passages_of(doc.id),
        references=[link.reference for link in card.cites],
        cited_by=card.cited_by_ids,
        replacement=ctx.store.get_document(doc.superseded_by_id) if doc.superseded_by_id else None,
        statuses=DocumentStatus.ALL,
        versions=document_versions(ctx.store, doc.id),
        has_file=originals(ctx.settings).file(doc.file_sha256) is not None,
    )
    return context


def values_of(doc: Document) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in EDIT_FIELDS:
        value = getattr(doc, name)
        if name == "recipients":
            values[name] = "\n".join(value or [])
        elif isinstance(value, date):
            values[name] = value.isoformat()
        else:
            values[name] = "" if value is None else str(value)
    return values


def load_document(ctx: AdminContext, doc_id: int) -> Document:
    return get_document(ctx.store, doc_id)


@router.get("/documents/{doc_id}")
def document_page(request: Request, ctx: ContextDep, session: SessionDep, doc_id: int) -> Response:
    doc = load_document(ctx, doc_id)
    return render(request, "document.html", document_context(request, ctx, session, doc))


def _changes_from_form(form: FormData, doc: Document) -> dict[str, Any]:
    """Fields whose submitted value differs from the stored one ("" clears optional fields)."""
    current = values_of(doc)
    changes: dict[str, Any] = {}
    for name in EDIT_FIELDS:
        raw = form.get(name)
        if not isinstance(raw, str):
            continue
        value = raw.replace("\r\n", "\n").strip()
        if name == "recipients":
            value = "\n".join(line.strip() for line in value.split("\n") if line.strip())
        if value == current[name]:
            continue
        if name == "recipients":
            changes[name] = value.split("\n") if value else []
        elif value == "" and name not in _REQUIRED:
            changes[name] = None
        elif name == "year" and value.isdigit() and len(value) < 6:
            changes[name] = int(value)
        else:
            changes[name] = value
    return changes


@router.post("/documents/{doc_id}")
async def save_document_page(
    request: Request, ctx: ContextDep, session: SessionDep, doc_id: int
) -> Response:
    form = await writable_form(request, session, max_files=0, max_fields=40)
    doc = await run_in_threadpool(load_document, ctx, doc_id)
    changes = _changes_from_form(form, doc)
    if not changes:
        return redirect(f"/admin/documents/{doc_id}", ok="nochange", id=doc_id)
    try:
        update = DocumentUpdate(**changes)
        await run_in_threadpool(
            update_metadata, ctx.store, doc_id, update.changes(), actor=session.principal.name
        )
    except ValidationError as exc:
        errors = [f"{e.field}: {e.message}" for e in field_errors(exc.errors())]
        return await document_error(request, ctx, session, doc_id, "Dữ liệu chưa hợp lệ.",
                                     422, errors, form)
    except ServiceError as exc:
        problem = admin_error(exc)
        return await document_error(request, ctx, session, doc_id, problem.detail,
                                     problem.status, [], form)
    return redirect(f"/admin/documents/{doc_id}", ok="saved", id=doc_id, written=ctx)


async def document_error(
    request: Request,
    ctx: AdminContext,
    session: PageSession,
    doc_id: int,
    message: str,
    status: int,
    errors: list[str],
    form: FormData | None = None,
) -> Response:
    doc = await run_in_threadpool(load_document, ctx, doc_id)
    context = await run_in_threadpool(document_context, request, ctx, session, doc)
    if form is not None:
        for name in EDIT_FIELDS:
            value = form.get(name)
            if isinstance(value, str):
                context["values"][name] = value
    context.update(error=message, errors=errors)
    return render(request, "document.html", context, status_code=status)


@router.post("/documents/{doc_id}/supersede")
async def supersede_page(
    request: Request, ctx: ContextDep, session: SessionDep, doc_id: int
) -> Response:
    form = await writable_form(request, session, max_files=0, max_fields=5)
    raw = form_text(form, "by_id").lstrip("#")
    if raw and not (raw.isdigit() and len(raw) < 10):
        return await document_error(request, ctx, session, doc_id,
                                     "Mã văn bản thay thế phải là một số.", 422, [])
    try:
        await run_in_threadpool(
            supersede_document, ctx.store, doc_id, int(raw) if raw else None,
            actor=session.principal.name,
        )
    except ServiceError as exc:
        problem = admin_error(exc)
        if problem.status == 404:
            raise
        return await document_error(request, ctx, session, doc_id, problem.detail,
                                     problem.status, [])
    return redirect(f"/admin/documents/{doc_id}", ok="superseded", id=doc_id, written=ctx)


@router.get("/documents/{doc_id}/delete")
def confirm_delete_page(
    request: Request, ctx: ContextDep, session: SessionDep, doc_id: int
) -> Response:
    doc = load_document(ctx, doc_id)
    context = base_context(request, session, "documents")
    context.update(doc=doc, passages=len(ctx.store.passages_of(doc_id)))
    return render(request, "confirm_delete.html", context)


@router.post("/documents/{doc_id}/delete")
async def delete_page(
    request: Request, ctx: ContextDep, session: SessionDep, doc_id: int
) -> Response:
    form = await writable_form(request, session, max_files=0, max_fields=5)
    await form.close()
    await run_in_threadpool(delete_document, ctx.store, doc_id, actor=session.principal.name)
    return redirect("/admin", ok="deleted", id=doc_id, written=ctx)


def login_redirect(exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(f"/admin/login?next={quote(_safe_next(exc.next_path))}",
                            status_code=303)
