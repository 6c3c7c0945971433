"""Admin page sign-in: a signed, expiring session cookie bound to the token, plus CSRF tokens.

The cookie holds the token's name, a fingerprint of the token (changing the token signs its
sessions out), a random session id and a per-session CSRF token; it never holds the token
itself. Signing out records (a digest of) the session id in the database, so a copy of the
cookie is refused afterwards by every replica.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from admin.auth import Principal, TokenRegistry
from corpus.models import utcnow
from corpus.store import CorpusStore

SESSION_COOKIE = "chinam_admin"
LOGIN_COOKIE = "chinam_login"
SESSION_MAX_AGE = 8 * 3600
LOGIN_MAX_AGE = 3600
COOKIE_PATH = "/admin"


@dataclass(frozen=True)
class PageSession:
    principal: Principal
    csrf: str
    session_id: str


def _revocation_key(session_id: str) -> str:
    return hashlib.sha256(b"chinam-session:" + session_id.encode()).hexdigest()


class SessionCodec:
    def __init__(self, secret: bytes, registry: TokenRegistry, store: CorpusStore) -> None:
        self.registry = registry
        self.store = store
        self._session = URLSafeTimedSerializer(secret, salt="chinam-admin-session")
        self._login = URLSafeTimedSerializer(secret, salt="chinam-admin-login")

    # -- session ------------------------------------------------------------------------
    def issue(self, principal: Principal) -> str:
        return self._session.dumps(
            {
                "n": principal.name,
                "f": self.registry.fingerprint_of(principal.name),
                "c": secrets.token_urlsafe(24),
                "s": secrets.token_urlsafe(18),
            }
        )

    def read(self, request: Request, *, check_revoked: bool = True) -> PageSession | None:
        """The session of ``request``'s cookie, if valid. ``check_revoked=False`` skips the
        database (for error pages, which show only the name and must render without it)."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data: Any = self._session.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        fields = [data.get(key) for key in ("n", "f", "c", "s")]
        if not all(isinstance(value, str) for value in fields):
            return None
        name, fp, csrf, sid = (str(value) for value in fields)
        current = self.registry.fingerprint_of(name)
        principal = self.registry.principal_named(name)
        if current is None or principal is None or not hmac.compare_digest(current, fp):
            return None
        if check_revoked and self.store.session_revoked(_revocation_key(sid)):
            return None
        return PageSession(principal, csrf, sid)

    def revoke(self, session: PageSession) -> None:
        """End ``session`` everywhere: its cookie is refused even if someone kept a copy."""
        expires = utcnow() + timedelta(seconds=SESSION_MAX_AGE)
        self.store.revoke_session(_revocation_key(session.session_id), expires)

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
