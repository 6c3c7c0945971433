"""/healthz (open: the process answers) and /readyz (token: database, index, model)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from admin.deps import ContextDep, PrincipalDep
from admin.errors import problem_responses
from admin.routes.operations import index_status
from admin.schemas import DatabaseStatus, Health, Readiness

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Tiến trình còn sống", response_model=Health)
async def healthz() -> Health:
    """On the event loop itself: it answers even when every worker thread is busy."""
    return Health(status="ok")


@router.get(
    "/readyz",
    summary="Sẵn sàng phục vụ: cơ sở dữ liệu, chỉ mục, mô hình hay chỉ từ khóa",
    response_model=Readiness,
    responses={
        503: {"model": Readiness, "description": "Chưa sẵn sàng"},
        **problem_responses(401),
    },
)
def readyz(ctx: ContextDep, principal: PrincipalDep) -> JSONResponse:
    try:
        revision: int | None = ctx.store.revision()
        database = DatabaseStatus(ok=True, revision=revision)
    except Exception as exc:
        log.warning("Readiness: database unreachable: %s", exc)
        revision = None
        error = f"Không kết nối được cơ sở dữ liệu ({type(exc).__name__})."
        database = DatabaseStatus(ok=False, revision=None, error=error)
    state = ctx.runtime.index_state()
    index = index_status(state, revision)
    ready = database.ok and state.revision >= 0
    body = Readiness(
        status="ready" if ready else "not_ready",
        database=database,
        index=index,
        mode=index.mode,
        model=state.model_id,
        index_files=state.files,  # type: ignore[arg-type]
        reason=state.files_reason,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ready else 503)
