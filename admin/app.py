"""The admin app factory: API under /api/v1, the page under /admin, health probes."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

import admin.page_logs as page_logs
import admin.page_uploads as page_uploads
import admin.page_versions as page_versions
import admin.pages as pages
from admin.auth import ApiToken, TokenRegistry, session_secret, tokens_from_settings
from admin.deps import AdminContext, PrincipalDep
from admin.errors import PROBLEM_MEDIA_TYPE, install_handlers
from admin.jobs import IndexJobs
from admin.middleware import GuardMiddleware
from admin.routes import documents, health, operations, versions
from admin.session import SessionCodec
from admin.templating import STATIC_DIR, render
from corpus.store import CorpusStore
from retrieval.indexing import IndexBuilder
from retrieval.service import Runtime, Settings

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
UPLOAD_PATHS = frozenset({f"{API_PREFIX}/documents", "/admin/upload"})


class AdminAPI(FastAPI):
    """FastAPI whose OpenAPI document gives error responses the problem+json media type."""

    def openapi(self) -> dict[str, Any]:
        schema = super().openapi()
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for code, response in operation.get("responses", {}).items():
                    if response.get("description") == "Successful Response":
                        response["description"] = "Thành công"
                    content = response.get("content", {})
                    body = content.get("application/json")
                    ref = (body or {}).get("schema", {}).get("$ref", "")
                    if code.startswith(("4", "5")) and ref.endswith("/Problem"):
                        response["content"] = {PROBLEM_MEDIA_TYPE: body}
        return schema


def create_app(
    settings: Settings,
    *,
    store: CorpusStore | None = None,
    index: IndexBuilder | None = None,
    tokens: list[ApiToken] | None = None,
    refresh_loop: bool = True,
    process_tokens: list[ApiToken] | None = None,
) -> FastAPI:
    """Build the app. Raises :class:`admin.auth.WeakTokenError` for missing or weak tokens.

    ``store`` and ``index`` default to the settings' database and model; tests pass
    their own (e.g. a lexical-only or HashEncoder index).
    """
    configured = tokens if tokens is not None else tokens_from_settings(settings)
    registry = TokenRegistry([*configured, *(process_tokens or [])])
    runtime = Runtime(settings, store, index=index)
    runtime.load()
    ctx = AdminContext(
        runtime=runtime,
        registry=registry,
        jobs=IndexJobs(runtime),
        # Tokens of this process alone (`chinam ask`'s) do not change the cookie key.
        sessions=SessionCodec(session_secret(settings, TokenRegistry(configured)), registry,
                              runtime.store),
    )

    app = AdminAPI(
        title="Chỉ Nam — API quản trị",
        version="1",
        description="Quản lý kho văn bản chỉ đạo: tải lên, sửa, thay thế, xóa; hỏi đáp; "
        "thống kê. Mọi đường dẫn trừ /healthz cần mã truy cập (Bearer).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan(ctx, periodic_refresh=refresh_loop),
    )
    app.state.admin = ctx
    app.add_middleware(
        GuardMiddleware,
        registry=registry,
        upload_paths=UPLOAD_PATHS.__contains__,
        max_upload_bytes=settings.max_upload_bytes,
    )
    install_handlers(
        app, page_prefix="/admin", page=_error_page, allowed_methods=_MethodIndex(app)
    )

    _add_routes(app)
    return app


def _lifespan(
    ctx: AdminContext, *, periodic_refresh: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Keep the index fresh while the app serves; stop and close everything afterwards."""
    runtime = ctx.runtime

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime.start(periodic=periodic_refresh)
        mode = runtime.index_state().mode
        log.info("Admin ready: %d token(s), mode %s", len(ctx.registry.tokens), mode)
        if mode != "hybrid":
            log.warning("Admin API running lexical-only: no embedding model available.")
        try:
            yield
        finally:
            runtime.stop()
            ctx.jobs.join()
            runtime.close()

    return lifespan


def _add_routes(app: FastAPI) -> None:
    app.include_router(health.router)
    app.include_router(versions.router, prefix=API_PREFIX)
    app.include_router(versions.uploads, prefix=API_PREFIX)
    app.include_router(documents.router, prefix=API_PREFIX)
    app.include_router(operations.router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.include_router(page_uploads.router)
    app.include_router(page_versions.router)
    app.include_router(page_logs.router)
    app.mount("/admin/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(f"{API_PREFIX}/openapi.json", include_in_schema=False)
    def openapi_document(principal: PrincipalDep) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/admin", status_code=303)

    @app.exception_handler(pages.LoginRequired)
    async def on_login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, pages.LoginRequired)
        return pages.login_redirect(exc)


class _MethodIndex:
    """Methods per documented path, from the app's OpenAPI document (built on first use)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._patterns: list[tuple[re.Pattern[str], str]] | None = None

    def __call__(self, path: str) -> str | None:
        if self._patterns is None:
            self._patterns = []
            for template, item in self.app.openapi().get("paths", {}).items():
                parts = re.split(r"(\{[^/]+?\})", template)
                regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
                methods = ", ".join(sorted(m.upper() for m in item))
                self._patterns.append((re.compile(f"^{regex}$"), methods))
        for pattern, methods in self._patterns:
            if pattern.match(path):
                return methods
        return None


def _error_page(request: Request, status: int, detail: str) -> Response:
    ctx = request.app.state.admin
    session = (
        ctx.sessions.read(request, check_revoked=False) if isinstance(ctx, AdminContext) else None
    )
    context: dict[str, Any] = {
        "user": session.principal if session else None,
        "csrf": session.csrf if session else "",
        "nav": "",
        "flash": None,
        "error": detail,
        "errors": [],
        "status": status,
    }
    return render(request, "error.html", context, status_code=status)
