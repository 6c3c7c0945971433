"""Tokens: weak ones refused at start, every token compared in constant time, named actors."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

import admin.auth
from admin.app import create_app
from admin.auth import ApiToken, TokenRegistry, WeakTokenError, token_weakness
from admin.main import serve
from corpus.store import CorpusStore
from retrieval.indexing import IndexBuilder
from retrieval.service import Settings
from tests.admin.conftest import ADMIN_TOKEN, dispatch

WEAK = [
    "",
    "short-token",
    "changeme-changeme-changeme-123",
    "your-token-here-0123456789abcdefXYZ",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "abababababababababababababababab",
    "0123401234012340123401234012340123401234",
    "secret" + secrets.token_hex(16),
    "Password" + secrets.token_hex(16),
    " " + secrets.token_urlsafe(32),
]


@pytest.mark.parametrize("token", WEAK)
def test_weak_or_placeholder_tokens_are_refused(token: str, tmp_path: Path) -> None:
    assert token_weakness(token) is not None
    settings = Settings(data_dir=tmp_path, embedding_model=None, admin_token=token,  # type: ignore[call-arg]
                        _env_file=None)
    with pytest.raises(WeakTokenError) as err:
        create_app(settings, store=None, index=None)
    assert not str(err.value).isascii()  # the reason is given in Vietnamese


@pytest.mark.parametrize("good", [secrets.token_urlsafe(32), secrets.token_hex(32),
                                  secrets.token_urlsafe(24), secrets.token_hex(16)])
def test_generated_tokens_are_accepted(good: str) -> None:
    assert token_weakness(good) is None


def test_registry_refusals() -> None:
    strong = SecretStr(secrets.token_urlsafe(32))
    with pytest.raises(WeakTokenError, match="CHINAM_ADMIN_TOKEN"):
        TokenRegistry([])
    with pytest.raises(WeakTokenError, match="CHINAM_ADMIN_TOKEN"):
        TokenRegistry([ApiToken("readonly", "readonly", strong)])
    with pytest.raises(WeakTokenError, match="trùng"):
        TokenRegistry([ApiToken("admin", "admin", strong), ApiToken("ro", "readonly", strong)])
    with pytest.raises(WeakTokenError, match="trùng"):
        TokenRegistry([ApiToken("a", "admin", strong),
                       ApiToken("a", "admin", SecretStr(secrets.token_urlsafe(32)))])
    with pytest.raises(WeakTokenError, match="không hợp lệ"):
        TokenRegistry([ApiToken("tên có dấu", "admin", strong)])


def test_every_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = [ApiToken(f"t{i}", "admin", SecretStr(secrets.token_urlsafe(32))) for i in range(4)]
    registry = TokenRegistry(tokens)
    calls: list[int] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append(1)
        return real(a, b)

    monkeypatch.setattr(admin.auth.hmac, "compare_digest", counting)
    for presented, expected in [(tokens[0].secret.get_secret_value(), "t0"),
                                (tokens[3].secret.get_secret_value(), "t3"),
                                ("wrong" * 8, None)]:
        calls.clear()
        found = registry.authenticate(presented)
        assert (found.name if found else None) == expected
        assert len(calls) == len(tokens)  # no early exit on a match


def test_serve_refuses_to_start_with_a_weak_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path, embedding_model=None,  # type: ignore[call-arg]
                        admin_token="changeme", _env_file=None)
    assert serve(settings, host="127.0.0.1", port=1) == 2
    err = capsys.readouterr().err
    assert "Không khởi động trang quản trị" in err and "quá ngắn" in err


def test_named_tokens_are_the_audit_actor(tmp_path: Path, sqlite_store: CorpusStore) -> None:
    secret = secrets.token_urlsafe(32)
    settings = Settings(data_dir=tmp_path, embedding_model=None,  # type: ignore[call-arg]
                        _env_file=None)
    app = create_app(settings, store=sqlite_store, index=IndexBuilder(sqlite_store),
                     tokens=[ApiToken("van-thu-so", "admin", SecretStr(secret)),
                             ApiToken("admin", "admin", SecretStr(ADMIN_TOKEN))])
    client = TestClient(app)
    r = client.post("/api/v1/documents", headers={"Authorization": f"Bearer {secret}"},
                    files={"file": ("cv.txt", dispatch())})
    assert r.status_code == 201 and r.json()["document"]["uploaded_by"] == "van-thu-so"
    assert sqlite_store.audit_log()[0].actor == "van-thu-so"
