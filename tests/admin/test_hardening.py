"""Faults and hostile input around the admin app: a question log that cannot be written,
control characters in names and filters, logout, a full upload pool (issue: reliability)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

import retrieval.service.uploads as uploads
from admin.session import SESSION_COOKIE
from corpus.store import CorpusStore
from retrieval.service import Settings
from tests.admin.conftest import ADMIN, dispatch, make_app, upload
from tests.admin.test_pages import sign_in

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# -- 1. the question log cannot be written ----------------------------------------------------
def _disk_full(*args: Any, **kwargs: Any) -> int:
    raise OperationalError("INSERT INTO query_log", {}, Exception("database or disk is full"))


def test_questions_are_answered_when_the_log_cannot_be_written(
    client: TestClient, store: CorpusStore, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert upload(client, dispatch())[0] == 201
    client.app.state.admin.runtime.after_write()  # type: ignore[attr-defined]
    monkeypatch.setattr(store, "log_query", _disk_full)
    with caplog.at_level(logging.WARNING):
        r = client.post("/api/v1/ask", headers=ADMIN,
                        json={"question": "hội thi kỳ lân xanh tổ chức trước ngày nào?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "answered" and body["query_id"] is None
    assert any("1234/SGDĐT-VP" in g["citation"]["number"] for g in body["groups"])
    assert any(rec.levelno == logging.WARNING and "log" in rec.getMessage().lower()
               for rec in caplog.records)


# -- 2. control characters in names and filters -----------------------------------------------
HOSTILE = ["\x00", "a\x00b", "\x1b[31mđỏ\x1b[0m", "\x07\x08", "x\x9by"]


@pytest.mark.parametrize("param", ["issuer", "type", "q", "status", "date_from", "page"])
def test_page_filters_with_control_characters_are_not_a_500(
    client: TestClient, store: CorpusStore, param: str
) -> None:
    sign_in(client)
    for value in HOSTILE:
        r = client.get("/admin", params={param: value})
        assert r.status_code in (200, 422), (param, value, r.status_code)
        assert "\x00" not in r.text and "\x1b" not in r.text


@pytest.mark.parametrize("param", ["issuer", "type", "q", "status", "date_from", "offset"])
def test_api_filters_with_control_characters_are_refused_in_vietnamese(
    client: TestClient, store: CorpusStore, param: str
) -> None:
    for value in HOSTILE[:2]:
        r = client.get("/api/v1/documents", headers=ADMIN, params={param: value})
        assert r.status_code == 422, (param, value, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert not r.json()["detail"].isascii()


def test_a_question_over_its_length_is_refused_even_when_control_characters_would_trim_it(
    client: TestClient, store: CorpusStore
) -> None:
    r = client.post("/api/v1/ask", headers=ADMIN, json={"question": "a\x1c" + "*" * 999})
    assert r.status_code == 422, r.text
    assert "1000" in r.json()["detail"]
    r = client.post("/api/v1/ask", headers=ADMIN, json={"question": "công\x1c đoàn"})
    assert r.status_code == 200 and r.json()["question"] == "công đoàn"


@pytest.mark.parametrize("path", ["/api/v1/questions", "/api/v1/feedback", "/api/v1/audit"])
def test_other_api_filters_with_nul_are_refused(
    client: TestClient, store: CorpusStore, path: str
) -> None:
    for param in ("unanswered", "offset", "limit", "document_id", "action"):
        r = client.get(path, headers=ADMIN, params={param: "\x00"})
        assert r.status_code in (200, 422), (path, param, r.text)


def _multipart(filename: bytes, data: bytes, **fields: str) -> tuple[bytes, dict[str, str]]:
    """A multipart body written by hand: clients percent-encode control characters in names,
    a hostile one does not."""
    boundary = b"----chinam-boundary-7f3a"
    parts = [
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + data + b"\r\n"
    ]
    for name, value in fields.items():
        parts.append(
            b"--" + boundary + b"\r\n"
            b'Content-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
            + value.encode() + b"\r\n"
        )
    body = b"".join(parts) + b"--" + boundary + b"--\r\n"
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary.decode()}"}


@pytest.mark.parametrize(
    "filename",
    [b"cv\x00-1234.txt", b"\x1b[31mcv-1234\x1b[0m.txt", b"cv\x07\x08-1234\x7f.txt",
     "cv\u009b31m-1234.txt".encode()],
)
def test_uploaded_names_never_keep_control_characters(
    client: TestClient, store: CorpusStore, filename: bytes
) -> None:
    body, headers = _multipart(filename, dispatch(), title="Hội thi \x1b[2Jkỳ lân\x07 xanh")
    r = client.post("/api/v1/documents", headers={**ADMIN, **headers}, content=body)
    assert r.status_code in (201, 422), r.text
    if r.status_code == 422:
        assert not r.json()["detail"].isascii()
        return
    doc = store.get_document(r.json()["document"]["id"])
    assert doc is not None
    assert not CONTROL.search(doc.source_name) and "[31m" not in doc.source_name
    assert doc.source_name.endswith("1234.txt")
    assert not CONTROL.search(doc.title) and "[2J" not in doc.title


def test_patched_names_never_keep_control_characters(
    client: TestClient, store: CorpusStore
) -> None:
    status, body = upload(client, dispatch())
    assert status == 201
    doc_id = body["document"]["id"]
    r = client.patch(f"/api/v1/documents/{doc_id}", headers=ADMIN,
                     json={"issuer": "Sở \x1b[1mGD\x07ĐT", "title": "Tiêu đề\x1b]0;x\x07 mới"})
    assert r.status_code == 200, r.text
    doc = store.get_document(doc_id)
    assert doc is not None and doc.issuer == "Sở GDĐT" and doc.title == "Tiêu đề mới"


# -- 3. logout ends the session server-side -----------------------------------------------------
def test_a_saved_cookie_no_longer_works_after_logout(
    client: TestClient, store: CorpusStore
) -> None:
    csrf = sign_in(client)
    saved = client.cookies.get(SESSION_COOKIE)
    assert saved
    r = client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, saved, path="/admin")
    again = client.get("/admin", follow_redirects=False)
    assert again.status_code == 303 and "/admin/login" in again.headers["location"]

    # another session of the same token is not affected
    client.cookies.clear()
    sign_in(client)
    assert client.get("/admin", follow_redirects=False).status_code == 200


def test_logout_reaches_every_replica(
    admin_settings: Settings, store: CorpusStore
) -> None:
    """Two app instances on one database (the scale-out): logout on one ends it on both."""
    with TestClient(make_app(admin_settings, store, dense=False)) as one, \
            TestClient(make_app(admin_settings, store, dense=False)) as two:
        csrf = sign_in(one)
        saved = one.cookies.get(SESSION_COOKIE)
        assert saved
        two.cookies.set(SESSION_COOKIE, saved, path="/admin")
        assert two.get("/admin", follow_redirects=False).status_code == 200
        assert one.post("/admin/logout", data={"csrf": csrf},
                        follow_redirects=False).status_code == 303
        assert two.get("/admin", follow_redirects=False).status_code == 303


# -- 6. a bounded upload pool -------------------------------------------------------------------
class SlowParses:
    """Replaces text extraction by one that waits until released, counting who is inside."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.release = threading.Event()
        self.inside = 0
        self.peak = 0
        self._lock = threading.Lock()
        real = uploads.extract

        def slow(data: bytes, name: str, settings: Settings) -> str:
            with self._lock:
                self.inside += 1
                self.peak = max(self.peak, self.inside)
            try:
                assert self.release.wait(20)
                return real(data, name, settings)
            finally:
                with self._lock:
                    self.inside -= 1

        monkeypatch.setattr(uploads, "extract", slow)


@pytest.fixture()
def small_pool_client(
    admin_settings: Settings, sqlite_store: CorpusStore
) -> Iterator[TestClient]:
    settings = admin_settings.model_copy(update={"upload_workers": 2, "upload_queue": 1})
    with TestClient(make_app(settings, sqlite_store, dense=False)) as c:
        yield c


def test_a_full_upload_pool_answers_503_with_retry_after(
    small_pool_client: TestClient, sqlite_store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = small_pool_client
    slow = SlowParses(monkeypatch)
    with ThreadPoolExecutor(3) as pool:
        pending = [pool.submit(upload, client, dispatch(str(1000 + i), f"chủ đề {i}"),
                               f"cv-{i}.txt") for i in range(3)]
        deadline = threading.Event()
        for _ in range(100):  # two parse, one waits in the queue
            if slow.inside == 2:
                break
            deadline.wait(0.05)
        deadline.wait(0.2)
        r = client.post("/api/v1/documents", headers=ADMIN,
                        files={"file": ("cv-9.txt", dispatch("9999"), "text/plain")})
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) >= 1
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "bận" in r.json()["detail"]
        slow.release.set()
        results = [f.result(timeout=30) for f in pending]
    assert [status for status, _ in results] == [201, 201, 201]
    assert slow.peak == 2
    assert sqlite_store.find_documents("9999/SGDĐT-VP") == []
    # once the pool drains, uploads are taken again
    assert upload(client, dispatch("9999"), "cv-9.txt")[0] == 201


def test_the_page_says_busy_when_the_pool_is_full(
    small_pool_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = small_pool_client
    csrf = sign_in(client)
    slow = SlowParses(monkeypatch)
    with ThreadPoolExecutor(3) as pool:
        pending = [pool.submit(upload, client, dispatch(str(2000 + i)), f"kh-{i}.txt")
                   for i in range(3)]
        waiter = threading.Event()
        for _ in range(100):
            if slow.inside == 2:
                break
            waiter.wait(0.05)
        waiter.wait(0.2)
        r = client.post("/admin/upload", data={"csrf": csrf},
                        files={"file": ("kh-9.txt", dispatch("9998"), "text/plain")})
        slow.release.set()
        assert [f.result(timeout=30)[0] for f in pending] == [201, 201, 201]
    assert r.status_code == 503 and "bận" in r.text
    assert "Retry-After" in r.headers
