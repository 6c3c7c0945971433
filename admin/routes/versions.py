"""/api/v1/documents: versions (list, diff, restore), original files (download, replace),
parse-then-publish uploads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Path, UploadFile
from fastapi.responses import FileResponse

import retrieval.service as service
from admin.deps import ContextDep, PrincipalDep, StoreDep, WriterDep, single_query_values
from admin.errors import problem_responses
from admin.routes.documents import DocId
from admin.schemas import DocumentPublic, UploadResult
from admin.version_schemas import (
    PreviewPublic,
    PublishForm,
    VersionDiffPublic,
    VersionList,
    VersionPublic,
)

router = APIRouter(
    prefix="/documents", tags=["versions"], dependencies=[Depends(single_query_values)]
)

VersionNo = Annotated[int, Path(ge=1, le=2**31 - 1, description="số phiên bản")]


def upload_result(result: service.Uploaded) -> UploadResult:
    return UploadResult(
        status=result.status,  # type: ignore[arg-type]
        message=result.message,
        document=DocumentPublic.of(result.document),
        passages=result.passages,
    )


@router.get(
    "/{doc_id}/versions",
    summary="Các phiên bản của văn bản (cũ nhất trước)",
    response_model=VersionList,
    responses=problem_responses(401, 404, 422),
)
def list_versions(ctx: ContextDep, principal: PrincipalDep, doc_id: DocId) -> VersionList:
    kept = service.originals(ctx.settings)
    items = [
        VersionPublic(**{k: getattr(v, k) for k in VersionPublic.model_fields if k != "has_file"},
                      has_file=kept.file(v.file_sha256) is not None)
        for v in service.document_versions(ctx.store, doc_id)
    ]
    return VersionList(document_id=doc_id, items=items)


@router.get(
    "/{doc_id}/versions/{old}/diff/{new}",
    summary="Khác nhau giữa hai phiên bản: trường, thời hạn và nhiệm vụ trước, rồi các dòng khác",
    response_model=VersionDiffPublic,
    responses=problem_responses(401, 404, 422),
)
def diff_versions(
    store: StoreDep, principal: PrincipalDep, doc_id: DocId, old: VersionNo, new: VersionNo
) -> VersionDiffPublic:
    diff = service.compare_versions(store, doc_id, old, new)
    return VersionDiffPublic.of(doc_id, old, new, diff)


@router.post(
    "/{doc_id}/versions/{version}/restore",
    summary="Khôi phục một phiên bản cũ thành phiên bản mới (báo cho người theo dõi)",
    response_model=UploadResult,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def restore_version(
    ctx: ContextDep,
    principal: WriterDep,
    background: BackgroundTasks,
    doc_id: DocId,
    version: VersionNo,
) -> UploadResult:
    result = service.restore_version(ctx.store, doc_id, version, actor=principal.name)
    background.add_task(ctx.runtime.after_write)
    return upload_result(result)


@router.get(
    "/{doc_id}/file",
    summary="Tải về tệp gốc của phiên bản hiện hành",
    response_class=FileResponse,
    responses=problem_responses(401, 404, 422),
)
def download_file(ctx: ContextDep, principal: PrincipalDep, doc_id: DocId) -> FileResponse:
    path, name = service.version_file(ctx.store, doc_id, None, ctx.settings)
    return FileResponse(path, filename=name, media_type="application/octet-stream")


@router.get(
    "/{doc_id}/versions/{version}/file",
    summary="Tải về tệp gốc của một phiên bản",
    response_class=FileResponse,
    responses=problem_responses(401, 404, 422),
)
def download_version_file(
    ctx: ContextDep, principal: PrincipalDep, doc_id: DocId, version: VersionNo
) -> FileResponse:
    path, name = service.version_file(ctx.store, doc_id, version, ctx.settings)
    return FileResponse(path, filename=name, media_type="application/octet-stream")


@router.post(
    "/{doc_id}/file",
    summary="Thay tệp của văn bản này (thành phiên bản mới; báo cho người theo dõi)",
    response_model=UploadResult,
    responses=problem_responses(400, 401, 403, 404, 409, 413, 415, 422, 503),
)
def replace_file(
    ctx: ContextDep,
    principal: WriterDep,
    background: BackgroundTasks,
    doc_id: DocId,
    file: Annotated[UploadFile, File(description=service.ACCEPTED_TYPES_TEXT)],
) -> UploadResult:
    settings = ctx.settings
    service.get_document(ctx.store, doc_id)
    name = service.check_upload(file.filename, None, settings)
    data = file.file.read(settings.max_upload_bytes + 1)
    result = service.upload_file(ctx.store, data, name, actor=principal.name, settings=settings,
                                 replace_document_id=doc_id)
    if result.changed:
        background.add_task(ctx.runtime.after_write)
    return upload_result(result)


uploads = APIRouter(
    prefix="/uploads", tags=["versions"], dependencies=[Depends(single_query_values)]
)


@uploads.post(
    "/preview",
    summary="Đọc một tệp và trả về các trường đọc được, chưa lưu (để xác nhận rồi đăng)",
    response_model=PreviewPublic,
    responses=problem_responses(400, 401, 403, 413, 415, 422, 503),
)
def preview_upload(
    ctx: ContextDep,
    principal: WriterDep,
    file: Annotated[UploadFile, File(description=service.ACCEPTED_TYPES_TEXT)],
) -> PreviewPublic:
    settings = ctx.settings
    name = service.check_upload(file.filename, None, settings)
    data = file.file.read(settings.max_upload_bytes + 1)
    preview = service.parse_upload(ctx.store, data, name, settings=settings)
    return PreviewPublic.model_validate(preview)


@uploads.post(
    "/publish",
    summary="Đăng một tệp đã đọc (/uploads/preview) với các trường đã xác nhận",
    response_model=UploadResult,
    responses=problem_responses(400, 401, 403, 404, 409, 415, 422),
)
def publish_upload(
    ctx: ContextDep,
    principal: WriterDep,
    background: BackgroundTasks,
    form: Annotated[PublishForm, Form()],
) -> UploadResult:
    result = service.publish_upload(
        ctx.store, form.key, form.name, actor=principal.name, settings=ctx.settings,
        overrides=form.overrides(), replace_document_id=form.replace_document_id,
    )
    if result.changed:
        background.add_task(ctx.runtime.after_write)
    return upload_result(result)
