"""ASGI middleware that runs before any body is read.

* requests to the API without a valid bearer token get 401 at once, so nobody without a
  token can make the server receive (and spool) an upload;
* bodies larger than the limit get 413 as soon as that is known (Content-Length, or while
  counting a chunked body);
* security headers on every response.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.auth import TokenRegistry
from admin.errors import problem_response, unauthorized
from corpus.sizes import human_size

PROTECTED_PREFIXES = ("/api/", "/readyz")
MULTIPART_OVERHEAD = 64 * 1024
JSON_BODY_LIMIT = 1024 * 1024

_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": _CSP,
    "Cache-Control": "no-store",
}


def bearer_value(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


class GuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        registry: TokenRegistry,
        upload_paths: Callable[[str], bool],
        max_upload_bytes: int,
    ) -> None:
        self.app = app
        self.registry = registry
        self.upload_paths = upload_paths
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = Headers(scope=scope)
        send = _with_security_headers(send)
        is_api = path.startswith(PROTECTED_PREFIXES)
        token = bearer_value(headers.get("authorization"))
        if is_api and self.registry.authenticate(token) is None:
            detail = (
                "Mã truy cập không đúng."
                if headers.get("authorization")
                else "Cần mã truy cập: gửi tiêu đề “Authorization: Bearer <mã>”."
            )
            await unauthorized(detail)(scope, receive, send)
            return
        is_upload = scope["method"] == "POST" and self.upload_paths(path)
        limit = self.max_upload_bytes + MULTIPART_OVERHEAD if is_upload else JSON_BODY_LIMIT
        length = _content_length(headers)
        if length is not None and length > limit:
            await self._too_large(is_api or not is_upload, limit)(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit), send)

    def _too_large(self, as_json: bool, limit: int) -> Response:
        detail = f"Nội dung gửi lên quá lớn; giới hạn tệp là {human_size(self.max_upload_bytes)}."
        if as_json:
            return problem_response(413, detail)
        page = (
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Tệp quá lớn</title>"
            f"<p>{detail}</p><p><a href=\"/admin\">Quay lại</a></p></html>"
        )
        return HTMLResponse(page, status_code=413)


def _content_length(headers: Headers) -> int | None:
    raw = headers.get("content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, "Nội dung gửi lên vượt quá giới hạn cho phép.")
        return message

    return wrapped


def _with_security_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for key, value in SECURITY_HEADERS.items():
                if key not in headers:
                    headers[key] = value
        await send(message)

    return wrapped
