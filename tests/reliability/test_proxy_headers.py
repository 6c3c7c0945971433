"""Behind a reverse proxy: `chinam serve`'s uvicorn settings believe X-Forwarded-Proto only
from the configured addresses, so the page's cookies are Secure exactly when they should be."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from admin.app import create_app
from admin.main import server_config
from admin.session import LOGIN_COOKIE, SESSION_COOKIE
from tests.reliability.served import ADMIN_TOKEN, admin_settings, free_port

NONCE = re.compile(r'name="login_nonce" value="([^"]+)"')
HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@contextmanager
def serving(tmp_path: Path, allow: str) -> Iterator[str]:
    settings = admin_settings(tmp_path / "data", refresh_seconds=5.0).model_copy(
        update={"forwarded_allow_ips": allow}
    )
    port = free_port()
    config = server_config(create_app(settings), settings, "127.0.0.1", port)
    config.log_level = "warning"
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


def cookie_header(response: httpx.Response, name: str) -> str:
    found = [v for v in response.headers.get_list("set-cookie") if v.startswith(name + "=")]
    assert found, response.headers
    return found[0]


def sign_in(base: str, source: str) -> tuple[str, str]:
    """The login cookie and the session cookie, both as set, signing in from the address
    ``source`` (the cookie is passed by hand: a Secure cookie goes back over plain HTTP, as
    from the proxy)."""
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=base, timeout=10, transport=transport) as client:
        form = client.get("/admin/login", headers=HTTPS)
        login = cookie_header(form, LOGIN_COOKIE)
        nonce = NONCE.search(form.text)
        assert nonce
        signed = client.post(
            "/admin/login",
            headers={**HTTPS, "Cookie": login.split(";")[0]},
            data={"token": ADMIN_TOKEN, "login_nonce": nonce.group(1)},
        )
        assert signed.status_code == 303, signed.text
        return login, cookie_header(signed, SESSION_COOKIE)


@pytest.mark.parametrize(
    ("allow", "source"),
    [("127.0.0.2", "127.0.0.2"), ("127.0.0.1, 127.0.0.2", "127.0.0.2"),
     ("127.0.0.0/8", "127.0.0.2"), ("*", "127.0.0.2"), ("127.0.0.1", "127.0.0.1")],
)
def test_https_from_the_trusted_proxy_gives_secure_cookies(
    tmp_path: Path, allow: str, source: str
) -> None:
    with serving(tmp_path, allow) as base:
        login, session = sign_in(base, source)
    assert "secure" in login.lower() and "secure" in session.lower()


@pytest.mark.parametrize(("allow", "source"), [("127.0.0.1", "127.0.0.2"),
                                               ("127.0.0.2", "127.0.0.1")])
def test_forwarded_headers_from_anyone_else_are_ignored(
    tmp_path: Path, allow: str, source: str
) -> None:
    with serving(tmp_path, allow) as base:
        login, session = sign_in(base, source)
    assert "secure" not in login.lower() and "secure" not in session.lower()


def test_the_default_trusts_only_this_machine() -> None:
    from retrieval.service import Settings

    assert Settings(_env_file=None).forwarded_allow_ips == "127.0.0.1"  # type: ignore[call-arg]
