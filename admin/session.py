"""Admin page sign-in: a signed, expiring session cookie bound to the token, plus CSRF tokens.

The cookie holds the token's name, a fingerprint of the token (changing the token signs its
sessions out) and a per-session CSRF token; it never holds the token itself.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from admin.auth import Principal, TokenRegistry

SESSION_COOKIE = "chinam_admin"
LOGIN_COOKIE = "chinam_login"
SESSION_MAX_AGE = 8 * 3600
LOGIN_MAX_AGE = 3600
COOKIE_PATH = "/admin"


@dataclass(frozen=True)
class PageSession:
    principal: Principal
    csrf: str


class SessionCodec:
    def __init__(self, secret: bytes, registry: TokenRegistry) -> None:
        self.registry = registry
        self._session = URLSafeTimedSerializer(secret, salt="chinam-admin-session")
        self._login = URLSafeTimedSerializer(secret, salt="chinam-admin-login")

    # -- session ------------------------------------------------------------------------
    def issue(self, principal: Principal) -> str:
        return self._session.dumps(
            {
                "n": principal.name,
                "f": self.registry.fingerprint_of(principal.name),
                "c": secrets.token_urlsafe(24),
            }
        )

    def read(self, request: Request) -> PageSession | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data: Any = self._session.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        name, fp, csrf = data.get("n"), data.get("f"), data.get("c")
        if not (isinstance(name, str) and isinstance(fp, str) and isinstance(csrf, str)):
            return None
        current = self.registry.fingerprint_of(name)
        principal = self.registry.principal_named(name)
        if current is None or principal is None or not hmac.compare_digest(current, fp):
            return None
        return PageSession(principal, csrf)

    def set_session(self, request: Request, response: Response, principal: Principal) -> None:
        response.set_cookie(
            SESSION_COOKIE, self.issue(principal), max_age=SESSION_MAX_AGE, path=COOKIE_PATH,
            httponly=True, samesite="lax", secure=request.url.scheme == "https",
        )
        response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)

    @staticmethod
    def clear(response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)

    # -- sign-in form (double-submit token against login CSRF) ----------------------------
    @staticmethod
    def new_login_nonce() -> str:
        return secrets.token_urlsafe(24)

    def set_login_cookie(self, request: Request, response: Response, nonce: str) -> None:
        response.set_cookie(
            LOGIN_COOKIE, self._login.dumps(nonce), max_age=LOGIN_MAX_AGE, path=COOKIE_PATH,
            httponly=True, samesite="strict", secure=request.url.scheme == "https",
        )

    def check_login_token(self, request: Request, submitted: str | None) -> bool:
        raw = request.cookies.get(LOGIN_COOKIE)
        if not raw or not submitted:
            return False
        try:
            nonce = self._login.loads(raw, max_age=LOGIN_MAX_AGE)
        except BadSignature:
            return False
        return isinstance(nonce, str) and hmac.compare_digest(nonce, submitted)


def csrf_ok(session: PageSession, submitted: object) -> bool:
    return isinstance(submitted, str) and hmac.compare_digest(session.csrf, submitted)
