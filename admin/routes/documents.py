"""/api/v1/documents: upload, list, read, fix metadata, supersede, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    Path,
    Query,
    Response,
    UploadFile,
)

import retrieval.service as service
from admin.deps import ContextDep, PrincipalDep, StoreDep, WriterDep, single_query_values
from admin.errors import problem_responses
from admin.schemas import (
    DocumentDetail,
    DocumentList,
    DocumentPublic,
    DocumentQuery,
    DocumentUpdate,
    PassagePublic,
    ReferencePublic,
    SupersedeRequest,
    UploadForm,
    UploadResult,
)
from corpus.store import DocumentFilter

router = APIRouter(
    prefix="/documents", tags=["documents"], dependencies=[Depends(single_query_values)]
)

DocId = Annotated[int, Path(ge=1, le=2**31 - 1, description="id của văn bản")]


@router.post(
    "",
    status_code=201,
    summary="Tải lên một văn bản (kèm thông tin sửa tay nếu cần)",
    response_model=UploadResult,
    responses={
        200: {"model": UploadResult, "description": "Nội dung đã có, hoặc phiên bản mới"},
        **problem_responses(400, 401, 403, 409, 413, 415, 422, 503),
    },
)
def upload_document(
    ctx: ContextDep,
    principal: WriterDep,
    response: Response,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File(description=service.ACCEPTED_TYPES_TEXT)],
    overrides: Annotated[UploadForm, Form()],
) -> UploadResult:
    settings = ctx.settings
    name = service.check_upload(file.filename, None, settings)
    data = file.file.read(settings.max_upload_bytes + 1)
    result = service.upload_file(
        ctx.store, data, name, actor=principal.name, settings=settings,
        overrides=overrides.overrides(), replace_document_id=overrides.replace_document_id,
    )
    doc = result.document
    if result.status == "added":
        response.headers["Location"] = f"/api/v1/documents/{doc.id}"
    else:
        response.status_code = 200
    if result.changed:
        background.add_task(ctx.runtime.after_write)
    return UploadResult(
        status=result.status,  # type: ignore[arg-type]
        message=result.message,
        document=DocumentPublic.of(doc),
        passages=result.passages,
    )


@router.get(
    "",
    summary="Danh sách văn bản (lọc, phân trang)",
    response_model=DocumentList,
    responses=problem_responses(401, 422),
)
def list_documents(
    store: StoreDep, principal: PrincipalDep, query: Annotated[DocumentQuery, Query()]
) -> DocumentList:
    # An inverted date range is not an error: no document falls inside it.
    flt = DocumentFilter(
        doc_type=query.type or None, issuer=query.issuer or None, status=query.status,
        date_from=query.date_from, date_to=query.date_to,
        text=(query.q or "").strip() or None,
    )
    docs, total = store.list_documents(flt, offset=query.offset, limit=query.limit)
    return DocumentList(items=[DocumentPublic.of(d) for d in docs], total=total,
                        offset=query.offset, limit=query.limit)


@router.get(
    "/{doc_id}",
    summary="Một văn bản, kèm các đoạn và tham chiếu",
    response_model=DocumentDetail,
    responses=problem_responses(401, 404, 422),
)
def get_document(store: StoreDep, principal: PrincipalDep, doc_id: DocId) -> DocumentDetail:
    card = service.document_card(store, service.get_document(store, doc_id))
    return DocumentDetail(
        **DocumentPublic.of(card.document).model_dump(),
        passages=[PassagePublic.of(p) for p in store.passages_of(doc_id)],
        references=[ReferencePublic.of(link.reference) for link in card.cites],
        cited_by=card.cited_by_ids,
    )


@router.patch(
    "/{doc_id}",
    summary="Sửa thông tin văn bản (được lập chỉ mục lại)",
    response_model=DocumentPublic,
    responses=problem_responses(400, 401, 403, 404, 413, 422),
)
def update_document(
    ctx: ContextDep,
    principal: WriterDep,
    background: BackgroundTasks,
    doc_id: DocId,
    body: DocumentUpdate,
) -> DocumentPublic:
    doc = service.update_metadata(ctx.store, doc_id, body.changes(), actor=principal.name)
    background.add_task(ctx.runtime.after_write)
    return DocumentPublic.of(doc)


@router.delete(
    "/{doc_id}",
    status_code=204,
    summary="Xóa văn bản (khỏi câu trả lời ở mọi tiến trình)",
    responses=problem_responses(401, 403, 404, 422),
)
def delete_document(
    ctx: ContextDep, principal: WriterDep, background: BackgroundTasks, doc_id: DocId
) -> Response:
    service.delete_document(ctx.store, doc_id, actor=principal.name)
    background.add_task(ctx.runtime.after_write)
    return Response(status_code=204, background=background)


@router.post(
    "/{doc_id}/supersede",
    summary="Đánh dấu văn bản đã bị thay thế",
    response_model=DocumentPublic,
    responses=problem_responses(400, 401, 403, 404, 409, 413, 422),
)
def supersede_document(
    ctx: ContextDep,
    principal: WriterDep,
    background: BackgroundTasks,
    doc_id: DocId,
    body: SupersedeRequest,
) -> DocumentPublic:
    doc = service.supersede_document(ctx.store, doc_id, body.by_id, actor=principal.name)
    background.add_task(ctx.runtime.after_write)
    return DocumentPublic.of(doc)
