"""The admin page's logs and the question box: try a question as the bot answers it; the
questions asked with the answer given, its citations and its feedback; feedback; the audit
log in words."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from admin.deps import AdminContext, ContextDep
from admin.pages import PAGE_SIZE, SessionDep, base_context
from admin.templating import render
from admin.wording import audit_sentence
from corpus.labels import short_label
from corpus.models import Document, QueryLog
from retrieval.service import NotLoaded, printable_text

router = APIRouter(prefix="/admin", include_in_schema=False)

MAX_QUESTION_CHARS = 500


def page_offset(request: Request) -> tuple[int, int]:
    raw = request.query_params.get("page", "1")
    page = max(1, min(int(raw), 10_000)) if raw.isdigit() else 1
    return page, (page - 1) * PAGE_SIZE


def _cited_documents(ctx: AdminContext, rows: list[QueryLog]) -> dict[int, list[Document]]:
    """For each question, the documents its answer cited (in citation order)."""
    passages = ctx.store.passages_by_ids({pid for q in rows for pid in q.cited or []})
    docs = ctx.store.documents_by_ids(p.document_id for p in passages.values())
    out: dict[int, list[Document]] = {}
    for q in rows:
        ids = dict.fromkeys(passages[pid].document_id for pid in q.cited or [] if pid in passages)
        out[q.id or 0] = [docs[i] for i in ids if i in docs]
    return out


@router.get("/questions")
def questions_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    show_all = request.query_params.get("all") == "1"
    page, offset = page_offset(request)
    rows = ctx.store.questions(unanswered=None if show_all else True, offset=offset,
                               limit=PAGE_SIZE)
    context = base_context(request, session, "questions")
    context.update(
        rows=rows, show_all=show_all, page=page, more=len(rows) == PAGE_SIZE,
        cited=_cited_documents(ctx, rows),
        feedback=ctx.store.feedback_for(q.id for q in rows if q.id is not None),
        label=short_label,
    )
    return render(request, "questions.html", context)


@router.get("/ask")
async def ask_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    question = printable_text(request.query_params.get("q") or "").strip()[:MAX_QUESTION_CHARS]
    context = base_context(request, session, "ask")
    context.update(question=question, answer=None)
    if question:
        try:
            context["answer"] = await run_in_threadpool(
                ctx.runtime.answerer.answer, question, channel="admin",
                user_ref=f"admin:{session.principal.name}",
            )
        except NotLoaded:
            context["error"] = "Chỉ Nam đang nạp dữ liệu tìm kiếm; hãy thử lại sau ít giây."
    return render(request, "ask.html", context)


@router.get("/feedback")
def feedback_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    page, offset = page_offset(request)
    rows = ctx.store.feedback(offset=offset, limit=PAGE_SIZE)
    asked = {}
    for fb in rows:
        if fb.query_id is not None and fb.query_id not in asked:
            asked[fb.query_id] = ctx.store.get_query(fb.query_id)
    context = base_context(request, session, "feedback")
    context.update(rows=rows, asked=asked, page=page, more=len(rows) == PAGE_SIZE)
    return render(request, "feedback.html", context)


@router.get("/audit")
def audit_page(request: Request, ctx: ContextDep, session: SessionDep) -> Response:
    page, offset = page_offset(request)
    rows = ctx.store.audit_log(offset=offset, limit=PAGE_SIZE)
    docs = ctx.store.documents_by_ids(a.document_id for a in rows if a.document_id)
    context = base_context(request, session, "audit")
    context.update(rows=[(a, audit_sentence(a, docs)) for a in rows], page=page,
                   more=len(rows) == PAGE_SIZE)
    return render(request, "audit.html", context)
