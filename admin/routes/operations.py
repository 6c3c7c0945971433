"""/api/v1: reindex, ask, questions, feedback, stats, audit."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from admin.deps import ContextDep, PrincipalDep, StoreDep, WriterDep, single_query_values
from admin.errors import Conflict, NotFound, problem_responses
from admin.jobs import JobBusy, JobState
from admin.schemas import (
    AnswerPublic,
    AskRequest,
    AuditEntry,
    AuditList,
    FeedbackList,
    FeedbackPublic,
    IndexStatus,
    QuestionList,
    QuestionPublic,
    ReindexJob,
    Stats,
)
from retrieval.answers import answer_to_dict
from retrieval.service import IndexState

router = APIRouter(tags=["operations"], dependencies=[Depends(single_query_values)])

Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=200)]


def job_public(job: JobState) -> ReindexJob:
    return ReindexJob(
        id=job.id, state=job.state,  # type: ignore[arg-type]
        phase=job.phase, done=job.done, total=job.total, requested_by=job.requested_by,
        started_at=job.started_at, finished_at=job.finished_at, revision=job.revision,
        passages=job.passages, mode=job.mode, error=job.error,
    )


def index_status(index: IndexState, db_revision: int | None) -> IndexStatus:
    mode: Literal["hybrid", "lexical"] = "hybrid" if index.mode == "hybrid" else "lexical"
    return IndexStatus(
        revision=index.revision,
        passages=index.passages,
        mode=mode,
        up_to_date=db_revision is not None and index.revision == db_revision,
    )


@router.post(
    "/reindex",
    status_code=202,
    summary="Lập chỉ mục lại từ cơ sở dữ liệu (chạy nền; theo dõi qua Location)",
    response_model=ReindexJob,
    responses=problem_responses(401, 403, 409, 422),
)
def start_reindex(ctx: ContextDep, principal: WriterDep, response: Response) -> ReindexJob:
    try:
        job = ctx.jobs.start(principal.name)
    except JobBusy as busy:
        raise Conflict(
            "Đang có một lượt lập chỉ mục chạy; hãy theo dõi tiến độ của lượt đó.",
            job_id=busy.job.id,
        ) from busy
    ctx.store.audit(actor=principal.name, action="reindex", after={"job": job.id})
    response.headers["Location"] = f"/api/v1/reindex/{job.id}"
    return job_public(job)


@router.get(
    "/reindex/{job_id}",
    summary="Tiến độ một lượt lập chỉ mục",
    response_model=ReindexJob,
    responses=problem_responses(401, 404, 422),
)
def reindex_status(
    ctx: ContextDep,
    principal: PrincipalDep,
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
) -> ReindexJob:
    job = ctx.jobs.get(job_id)
    if job is None:
        raise NotFound("Không có lượt lập chỉ mục này (có thể máy chủ đã khởi động lại).")
    return job_public(job)


@router.post(
    "/ask",
    summary="Hỏi như trên bot: câu trả lời trích dẫn, dạng JSON",
    response_model=AnswerPublic,
    responses=problem_responses(400, 401, 413, 422),
)
def ask(ctx: ContextDep, principal: PrincipalDep, body: AskRequest) -> dict[str, Any]:
    answer = ctx.runtime.answerer.answer(
        body.question, channel="api", user_ref=f"token:{principal.name}", offset=body.offset
    )
    return answer_to_dict(answer)


@router.get(
    "/questions",
    summary="Câu hỏi đã nhận (unanswered=true: chưa trả lời được)",
    response_model=QuestionList,
    responses=problem_responses(401, 422),
)
def questions(
    store: StoreDep,
    principal: PrincipalDep,
    unanswered: bool | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> QuestionList:
    rows = store.questions(unanswered=unanswered, offset=offset, limit=limit)
    return QuestionList(items=[QuestionPublic.of(q) for q in rows], offset=offset, limit=limit)


@router.get(
    "/feedback",
    summary="Phản hồi của người dùng về câu trả lời",
    response_model=FeedbackList,
    responses=problem_responses(401, 422),
)
def feedback(
    store: StoreDep, principal: PrincipalDep, offset: Offset = 0, limit: Limit = 50
) -> FeedbackList:
    rows = store.feedback(offset=offset, limit=limit)
    questions: dict[int, str | None] = {}
    for fb in rows:
        if fb.query_id is not None and fb.query_id not in questions:
            q = store.get_query(fb.query_id)
            questions[fb.query_id] = q.question if q else None
    items = [FeedbackPublic.of(fb, questions.get(fb.query_id or -1)) for fb in rows]
    return FeedbackList(items=items, offset=offset, limit=limit)


@router.get(
    "/stats",
    summary="Số liệu kho văn bản, câu hỏi và chỉ mục",
    response_model=Stats,
    responses=problem_responses(401, 422),
)
def stats(ctx: ContextDep, principal: PrincipalDep) -> Stats:
    data = ctx.store.stats()
    index = index_status(ctx.runtime.index_state(), data.get("revision"))
    return Stats(**data, index=index)


@router.get(
    "/audit",
    summary="Nhật ký thay đổi (ai, làm gì, khi nào, trước/sau)",
    response_model=AuditList,
    responses=problem_responses(401, 422),
)
def audit(
    store: StoreDep, principal: PrincipalDep, offset: Offset = 0, limit: Limit = 50
) -> AuditList:
    rows = store.audit_log(offset=offset, limit=limit)
    return AuditList(items=[AuditEntry.of(a) for a in rows], offset=offset, limit=limit)
