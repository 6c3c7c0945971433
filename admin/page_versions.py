"""A document's versions on the admin page: the list, what changed between two of them
(deadlines and duties first), restore, the original files, replacing the file on purpose."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from admin.deps import ContextDep
from admin.errors import admin_error
from admin.pages import SessionDep, base_context, document_error, redirect, writable_form
from admin.templating import render
from retrieval.service import (
    ServiceError,
    compare_versions,
    document_versions,
    get_document,
    restore_version,
    upload_file,
    version_file,
)

router = APIRouter(prefix="/admin", include_in_schema=False)


def _version_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else default


@router.get("/documents/{doc_id}/diff")
def diff_page(request: Request, ctx: ContextDep, session: SessionDep, doc_id: int) -> Response:
    doc = get_document(ctx.store, doc_id)
    versions = document_versions(ctx.store, doc_id)
    old = _version_param(request, "old", max(1, doc.version - 1))
    new = _version_param(request, "new", doc.version)
    diff = compare_versions(ctx.store, doc_id, old, new)
    context = base_context(request, session, "documents")
    context.update(doc=doc, diff=diff, old=old, new=new, versions=versions)
    return render(request, "diff.html", context)


@router.post("/documents/{doc_id}/versions/{version}/restore")
async def restore_page(
    request: Request, ctx: ContextDep, session: SessionDep, doc_id: int, version: int
) -> Response:
    form = await writable_form(request, session, max_files=0, max_fields=5)
    await form.close()
    try:
        await run_in_threadpool(restore_version, ctx.store, doc_id, version,
                                actor=session.principal.name)
    except ServiceError as exc:
        problem = admin_error(exc)
        if problem.status == 404:
            raise
        return await document_error(request, ctx, session, doc_id, problem.detail,
                                    problem.status, [])
    return redirect(f"/admin/documents/{doc_id}", ok="restored", id=doc_id, written=ctx)


@router.get("/documents/{doc_id}/file")
def file_page(ctx: ContextDep, session: SessionDep, doc_id: int) -> FileResponse:
    path, name = version_file(ctx.store, doc_id, None, ctx.settings)
    return FileResponse(path, filename=name, media_type="application/octet-stream")


@router.get("/documents/{doc_id}/versions/{version}/file")
def version_file_page(
    ctx: ContextDep, session: SessionDep, doc_id: int, version: int
) -> FileResponse:
    path, name = version_file(ctx.store, doc_id, version, ctx.settings)
    return FileResponse(path, filename=name, media_type="application/octet-stream")


@router.post("/documents/{doc_id}/replace")
async def replace_page(
    request: Request, ctx: ContextDep, session: SessionDep, doc_id: int
) -> Response:
    form = await writable_form(request, session, max_files=1, max_fields=5)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await document_error(request, ctx, session, doc_id,
                                        "Hãy chọn tệp mới của văn bản này.", 422, [])
        data = await upload.read(ctx.settings.max_upload_bytes + 1)
        result = await run_in_threadpool(
            upload_file, ctx.store, data, upload.filename, actor=session.principal.name,
            settings=ctx.settings, replace_document_id=doc_id,
        )
    except ServiceError as exc:
        problem = admin_error(exc)
        if problem.status == 404:
            raise
        return await document_error(request, ctx, session, doc_id, problem.detail,
                                    problem.status, [])
    finally:
        await form.close()
    code = "replaced" if result.changed else "unchanged"
    return redirect(f"/admin/documents/{doc_id}", ok=code, id=doc_id,
                    written=ctx if result.changed else None)
