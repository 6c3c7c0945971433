"""Errors as RFC 9457 problem bodies (application/problem+json), every message in Vietnamese."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

import retrieval.service as service

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không đủ quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột",
    413: "Tệp quá lớn",
    415: "Định dạng không được hỗ trợ",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
    503: "Dịch vụ chưa sẵn sàng",
}

_DEFAULT_DETAILS = {
    400: "Yêu cầu không đọc được.",
    401: "Cần mã truy cập (Authorization: Bearer …).",
    403: "Mã truy cập này không có quyền thực hiện thao tác.",
    404: "Không tìm thấy đường dẫn này.",
    405: "Đường dẫn này không hỗ trợ phương thức đã dùng.",
    413: "Nội dung gửi lên quá lớn.",
    415: "Định dạng không được hỗ trợ.",
    500: "Đã xảy ra lỗi không mong muốn; xin thử lại sau.",
}


class FieldError(BaseModel):
    field: str = Field(description="đường dẫn tới trường lỗi, ví dụ body.issue_date")
    message: str


class Problem(BaseModel):
    """An error: ``title`` names the kind, ``detail`` says what happened and what to do."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    document_id: int | None = None
    job_id: str | None = None


class AdminError(Exception):
    status = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(AdminError):
    status = 404


class Conflict(AdminError):
    status = 409


class TooLarge(AdminError):
    status = 413


class UnsupportedType(AdminError):
    status = 415


class Invalid(AdminError):
    status = 422

    def __init__(self, detail: str, errors: Sequence[FieldError] = (), **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.errors = list(errors)


class Forbidden(AdminError):
    status = 403


class Unauthorized(AdminError):
    status = 401


class Busy(AdminError):
    """Try again later (HTTP 503 with Retry-After)."""

    status = 503

    def __init__(self, detail: str, *, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = retry_after


_PROBLEM_OF: tuple[tuple[type[service.ServiceError], type[AdminError]], ...] = (
    (service.DocumentNotFound, NotFound),
    (service.Conflict, Conflict),
    (service.TooLarge, TooLarge),
    (service.UnsupportedType, UnsupportedType),
)


def admin_error(exc: service.ServiceError) -> AdminError:
    """The problem a refusal of the seam is answered with (an unreadable file: 422 on "file")."""
    extra: dict[str, Any] = {} if exc.document_id is None else {"document_id": exc.document_id}
    if isinstance(exc, service.Unreadable):
        return Invalid(exc.message, [FieldError(field="file", message=exc.message)], **extra)
    if isinstance(exc, service.UploadBusy):
        return Busy(exc.message, retry_after=exc.retry_after, **extra)
    for refusal, problem in _PROBLEM_OF:
        if isinstance(exc, refusal):
            return problem(exc.message, **extra)
    return Invalid(exc.message, **extra)


def problem_response(
    status: int,
    detail: str,
    *,
    errors: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = Problem(
        title=TITLES.get(status, "Lỗi"),
        status=status,
        detail=detail,
        errors=list(errors) if errors else None,
        **{k: v for k, v in extra.items() if k in Problem.model_fields},
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def unauthorized(detail: str | None = None) -> JSONResponse:
    return problem_response(
        401, detail or _DEFAULT_DETAILS[401], headers={"WWW-Authenticate": "Bearer"}
    )


# -- validation messages in Vietnamese ------------------------------------------------------
_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường này không được phép",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_type": "phải là chuỗi ký tự",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_inexact": "phải là ngày dạng YYYY-MM-DD",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "list_type": "phải là danh sách",
    "model_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "json_invalid": "JSON không hợp lệ",
    "json_type": "JSON không hợp lệ",
    "uuid_parsing": "mã không hợp lệ",
    "uuid_type": "mã không hợp lệ",
    "value_error": "giá trị không hợp lệ",
    "assertion_error": "giá trị không hợp lệ",
    "enum": "giá trị không nằm trong danh sách cho phép",
    "literal_error": "giá trị không nằm trong danh sách cho phép",
    "too_short": "quá ít phần tử",
    "too_long": "quá nhiều phần tử",
}


def _message(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "string_too_short":
        return f"cần ít nhất {ctx.get('min_length', 1)} ký tự"
    if kind == "string_too_long":
        return f"tối đa {ctx.get('max_length')} ký tự"
    if kind in ("greater_than_equal", "greater_than"):
        key = "ge" if kind == "greater_than_equal" else "gt"
        sign = "≥" if key == "ge" else ">"
        return f"phải {sign} {ctx.get(key)}"
    if kind in ("less_than_equal", "less_than"):
        key = "le" if kind == "less_than_equal" else "lt"
        sign = "≤" if key == "le" else "<"
        return f"phải {sign} {ctx.get(key)}"
    if kind in ("literal_error", "enum") and ctx.get("expected"):
        return f"phải là một trong: {ctx['expected']}"
    if kind == "value_error" and isinstance(ctx.get("error"), Exception | str):
        text = str(ctx["error"])
        # Our own validators raise ValueError with Vietnamese text.
        if text and not text.isascii():
            return text
    return _MESSAGES.get(kind, "giá trị không hợp lệ")


def field_errors(raw: Sequence[Any]) -> list[FieldError]:
    out = []
    for err in raw:
        loc = [str(p) for p in err.get("loc", ())]
        out.append(FieldError(field=".".join(loc) or "body", message=_message(err)))
    return out


def describe(errors: Sequence[FieldError]) -> str:
    parts = [f"{e.field.removeprefix('body.').removeprefix('query.')}: {e.message}" for e in errors]
    return "Dữ liệu không hợp lệ — " + "; ".join(parts[:5]) + ("; …" if len(parts) > 5 else "")


# -- handlers -------------------------------------------------------------------------------
PageRenderer = Callable[[Request, int, str], Response]


def install_handlers(
    app: FastAPI,
    *,
    page_prefix: str,
    page: PageRenderer,
    allowed_methods: Callable[[str], str | None],
) -> None:
    """Problem bodies for the API; under ``page_prefix`` an HTML page from ``page``.

    ``allowed_methods(path)`` gives the ``Allow`` header of a 405: every method the path has
    (the router alone only knows the methods of the first route that matched the path).
    """
    handlers = _Handlers(page_prefix, page, allowed_methods)
    app.add_exception_handler(AdminError, handlers.on_admin_error)
    app.add_exception_handler(service.ServiceError, handlers.on_refusal)
    app.add_exception_handler(RequestValidationError, handlers.on_validation)
    app.add_exception_handler(StarletteHTTPException, handlers.on_http)
    app.add_exception_handler(OperationalError, handlers.on_database_down)
    app.add_exception_handler(InterfaceError, handlers.on_database_down)
    app.add_exception_handler(PoolTimeoutError, handlers.on_database_down)
    app.add_exception_handler(Exception, handlers.on_unexpected)


class _Handlers:
    def __init__(
        self, page_prefix: str, page: PageRenderer, allowed_methods: Callable[[str], str | None]
    ) -> None:
        self.page_prefix = page_prefix
        self.page = page
        self.allowed_methods = allowed_methods

    def for_page(self, request: Request) -> bool:
        return request.url.path.startswith(self.page_prefix)

    async def on_admin_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AdminError)
        if self.for_page(request):
            return self.page(request, exc.status, exc.detail)
        errors = exc.errors if isinstance(exc, Invalid) else None
        headers = retry_headers(exc)
        if exc.status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        return problem_response(
            exc.status, exc.detail, errors=errors, headers=headers, **exc.extra
        )

    async def on_refusal(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, service.ServiceError)
        return await self.on_admin_error(request, admin_error(exc))

    async def on_validation(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = field_errors(exc.errors())
        if self.for_page(request):
            return self.page(request, 422, describe(errors))
        return problem_response(422, describe(errors), errors=errors)

    async def on_http(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
        if status == 413:
            detail = "Nội dung gửi lên vượt quá giới hạn cho phép."
        if self.for_page(request) and status != 401:
            return self.page(request, status, detail or _DEFAULT_DETAILS.get(status, "Lỗi."))
        headers = dict(exc.headers or {})
        if status == 405 and (allow := self.allowed_methods(request.url.path)):
            headers["Allow"] = allow
        if status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return problem_response(
            status,
            detail or _DEFAULT_DETAILS.get(status, TITLES.get(status, "Lỗi.")),
            headers=headers or None,
        )

    async def on_database_down(self, request: Request, exc: Exception) -> Response:
        log.warning("Database unavailable on %s %s: %s", request.method, request.url.path, exc)
        detail = "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau ít phút."
        if self.for_page(request):
            return self.page(request, 503, detail)
        return problem_response(503, detail, headers={"Retry-After": "5"})

    async def on_unexpected(self, request: Request, exc: Exception) -> Response:
        log.exception("Unhandled error on %s %s", request.method, request.url.path)
        if self.for_page(request):
            return self.page(request, 500, _DEFAULT_DETAILS[500])
        return problem_response(500, _DEFAULT_DETAILS[500])


def retry_headers(exc: AdminError) -> dict[str, str] | None:
    """``Retry-After`` for a refusal that passes with time."""
    return {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else None


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for problem bodies (media type fixed up by the app)."""
    return {code: {"model": Problem, "description": TITLES[code]} for code in codes}
