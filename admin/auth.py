"""Bearer tokens: named, with a role, refused at start when weak, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from retrieval.service import Settings

Role = Literal["admin", "readonly"]

MIN_TOKEN_CHARS = 32  # as .env.example asks
MIN_DISTINCT_CHARS = 10
MIN_ENTROPY_BITS = 96.0
# Words that mark a token someone copied from an example instead of generating.
_PLACEHOLDER_WORDS = (
    "changeme", "change-me", "change_me", "replace", "password", "passwd", "secret",
    "placeholder", "example", "default", "dummy", "sample", "qwerty", "123456", "abcdef",
    "your-token", "your_token", "yourtoken", "token-here", "admin-token", "xxxxx",
)
_TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class WeakTokenError(ValueError):
    """A configured token is missing, weak or a placeholder (message in Vietnamese)."""


@dataclass(frozen=True)
class Principal:
    """Who made a request: the token's name (the audit actor) and its role."""

    name: str
    role: Role

    @property
    def can_write(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class ApiToken:
    name: str
    role: Role
    secret: SecretStr


def token_weakness(secret: str) -> str | None:
    """Why ``secret`` is not acceptable as a token, in Vietnamese; None when it is fine."""
    if len(secret) < MIN_TOKEN_CHARS:
        return f"quá ngắn ({len(secret)} ký tự, cần ít nhất {MIN_TOKEN_CHARS})"
    if secret != secret.strip() or any(c.isspace() for c in secret):
        return "chứa khoảng trắng"
    lowered = secret.lower()
    for word in _PLACEHOLDER_WORDS:
        if word in lowered:
            return f"giống giá trị mẫu (chứa “{word}”)"
    if len(set(secret)) < MIN_DISTINCT_CHARS:
        return "quá ít ký tự khác nhau"
    counts = Counter(secret)
    bits_per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    if bits_per_char * len(secret) < MIN_ENTROPY_BITS:
        return "quá dễ đoán"
    return None


def fingerprint(secret: str) -> str:
    """A short non-reversible id of a secret (for session binding and logs)."""
    return hashlib.sha256(b"chinam-token:" + secret.encode()).hexdigest()[:16]


class TokenRegistry:
    """The configured tokens. :meth:`authenticate` compares against every one in constant time."""

    def __init__(self, tokens: Iterable[ApiToken]) -> None:
        self.tokens = tuple(tokens)
        if not any(t.role == "admin" for t in self.tokens):
            raise WeakTokenError(
                "Chưa đặt mã truy cập quản trị: hãy đặt CHINAM_ADMIN_TOKEN "
                "(ví dụ: python -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
        names: set[str] = set()
        secrets_seen: set[str] = set()
        for t in self.tokens:
            if not _TOKEN_NAME.match(t.name):
                raise WeakTokenError(f"Tên mã truy cập “{t.name}” không hợp lệ.")
            if t.name in names:
                raise WeakTokenError(f"Tên mã truy cập “{t.name}” bị trùng.")
            names.add(t.name)
            value = t.secret.get_secret_value()
            problem = token_weakness(value)
            if problem:
                raise WeakTokenError(
                    f"Mã truy cập “{t.name}” bị từ chối: {problem}. Hãy tạo mã ngẫu nhiên, "
                    "ví dụ: python -c 'import secrets; print(secrets.token_urlsafe(32))'."
                )
            if value in secrets_seen:
                raise WeakTokenError("Hai mã truy cập không được trùng nhau.")
            secrets_seen.add(value)
        self._encoded = [(t, t.secret.get_secret_value().encode()) for t in self.tokens]

    def authenticate(self, presented: str | None) -> Principal | None:
        """The principal whose token equals ``presented``; every token is compared."""
        if not presented:
            return None
        given = presented.encode()
        found: ApiToken | None = None
        for token, secret in self._encoded:
            if hmac.compare_digest(given, secret) and found is None:
                found = token
        return Principal(found.name, found.role) if found else None

    def fingerprint_of(self, name: str) -> str | None:
        for token in self.tokens:
            if token.name == name:
                return fingerprint(token.secret.get_secret_value())
        return None

    def principal_named(self, name: str) -> Principal | None:
        for token in self.tokens:
            if token.name == name:
                return Principal(token.name, token.role)
        return None


def tokens_from_settings(settings: Settings) -> list[ApiToken]:
    """``CHINAM_ADMIN_TOKEN`` (name "admin"), ``CHINAM_ADMIN_READONLY_TOKEN`` (name "readonly").

    Further named tokens come from optional settings ``admin_tokens`` and
    ``admin_readonly_tokens`` (mappings name -> secret) when the settings class has them.
    """
    tokens: list[ApiToken] = []
    if settings.admin_token is not None and settings.admin_token.get_secret_value():
        tokens.append(ApiToken("admin", "admin", settings.admin_token))
    readonly = settings.admin_readonly_token
    if readonly is not None and readonly.get_secret_value():
        tokens.append(ApiToken("readonly", "readonly", readonly))
    tokens += _named(settings.admin_tokens, "admin")
    tokens += _named(settings.admin_readonly_tokens, "readonly")
    return tokens


def _named(mapping: object, role: Role) -> list[ApiToken]:
    if not isinstance(mapping, Mapping):
        return []
    out = []
    for name, secret in mapping.items():
        value = secret if isinstance(secret, SecretStr) else SecretStr(str(secret))
        out.append(ApiToken(str(name), role, value))
    return out


def session_secret(settings: Settings, registry: TokenRegistry) -> bytes:
    """Key for signing session cookies: a setting when present, else derived from the tokens.

    Derived keys are stable across restarts and replicas and change when a token changes,
    which signs everybody out.
    """
    explicit = settings.admin_session_secret
    if isinstance(explicit, SecretStr) and explicit.get_secret_value():
        return explicit.get_secret_value().encode()
    material = "\n".join(sorted(t.secret.get_secret_value() for t in registry.tokens))
    return hmac.new(material.encode(), b"chinam-admin-session-v1", hashlib.sha256).digest()
