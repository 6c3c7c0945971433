"""The admin page through the real app: sign-in, CSRF, upload, edit, supersede, delete, escaping."""

from __future__ import annotations

import re
import secrets

from fastapi.testclient import TestClient
from pydantic import SecretStr

from admin.session import SESSION_COOKIE
from corpus.models import Feedback
from corpus.store import CorpusStore
from tests.admin.conftest import (
    ADMIN,
    ADMIN_TOKEN,
    READONLY_TOKEN,
    dispatch,
    make_app,
    upload,
)
from tests.admin.pageforms import form_fields

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NONCE = re.compile(r'name="login_nonce" value="([^"]+)"')


def sign_in(client: TestClient, token: str = ADMIN_TOKEN, next_path: str = "/admin") -> str:
    """Sign in through the form; returns the CSRF token of the session."""
    page = client.get("/admin/login")
    assert page.status_code == 200
    nonce = NONCE.search(page.text)
    assert nonce
    r = client.post("/admin/login", data={"token": token, "login_nonce": nonce.group(1),
                                          "next": next_path}, follow_redirects=False)
    assert r.status_code == 303, r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
    home = client.get("/admin")
    assert home.status_code == 200
    match = CSRF.search(home.text)
    assert match
    return match.group(1)


def test_page_flow(client: TestClient, store: CorpusStore) -> None:
    csrf = sign_in(client)
    home = client.get("/admin").text
    assert "Tải lên văn bản" in home and "Kéo thả tệp vào đây" in home and 'lang="vi"' in home

    r = client.post("/admin/upload", data={"csrf": csrf},
                    files={"file": ("cv-1234.txt", dispatch(), "text/plain")})
    assert r.status_code == 200 and "Kiểm tra thông tin trước khi đăng" in r.text
    assert store.count_documents() == 0  # nothing stored before it is confirmed
    r = client.post("/admin/publish", data=form_fields(r.text, "confirm-form"))
    assert r.status_code == 200 and "Đã thêm" in r.text
    listed = client.get("/admin").text
    assert "1234/SGDĐT-VP" in listed
    doc_id = store.list_documents()[0][0].id
    assert store.get_document(doc_id).uploaded_by == "admin"  # type: ignore[union-attr]

    # search
    assert "1234/SGDĐT-VP" in client.get("/admin", params={"q": "kỳ lân"}).text
    assert "Không có văn bản nào." in client.get("/admin", params={"q": "không hề có"}).text

    # edit metadata
    page = client.get(f"/admin/documents/{doc_id}")
    assert page.status_code == 200 and "Lưu thay đổi" in page.text
    form = {"csrf": csrf, "doc_type": "Công văn", "title": "Công văn hội thi",
            "subject": "Hội thi ngựa vằn tím", "status": "in_force", "visibility": "public",
            "number": "1234/SGDĐT-VP", "recipients": "Các trường THPT\r\nPhòng GD&ĐT"}
    r = client.post(f"/admin/documents/{doc_id}", data=form, follow_redirects=False)
    assert r.status_code == 303 and "ok=saved" in r.headers["location"]
    doc = store.get_document(doc_id)
    assert doc is not None and doc.subject == "Hội thi ngựa vằn tím"
    assert doc.recipients == ["Các trường THPT", "Phòng GD&ĐT"]
    entry = store.audit_log()[0]
    assert entry.actor == "admin" and entry.action == "update"
    assert set(entry.after or {}) >= {"title", "subject", "recipients"}
    assert "number" not in (entry.after or {})  # unchanged fields are not touched

    bad = client.post(f"/admin/documents/{doc_id}", data={**form, "year": "3000"})
    assert bad.status_code == 422 and "Dữ liệu chưa hợp lệ" in bad.text

    # supersede, then delete with confirmation
    r = client.post(f"/admin/documents/{doc_id}/supersede", data={"csrf": csrf},
                    follow_redirects=False)
    assert r.status_code == 303
    assert store.get_document(doc_id).status == "superseded"  # type: ignore[union-attr]
    confirm = client.get(f"/admin/documents/{doc_id}/delete")
    assert confirm.status_code == 200 and "Xóa vĩnh viễn" in confirm.text
    r = client.post(f"/admin/documents/{doc_id}/delete", data={"csrf": csrf},
                    follow_redirects=False)
    assert r.status_code == 303 and "ok=deleted" in r.headers["location"]
    assert store.get_document(doc_id) is None
    assert client.get(f"/admin/documents/{doc_id}").status_code == 404

    for path in ("/admin/questions", "/admin/questions?all=1", "/admin/feedback", "/admin/audit"):
        assert client.get(path).status_code == 200, path


def test_forms_need_the_csrf_token(sqlite_client: TestClient, sqlite_store: CorpusStore) -> None:
    client = sqlite_client
    sign_in(client)
    doc_id = upload(client, dispatch())[1]["document"]["id"]
    attempts = [
        ("/admin/upload", {"files": {"file": ("a.txt", dispatch("9"))}}),
        (f"/admin/documents/{doc_id}", {"data": {"title": "x"}}),
        (f"/admin/documents/{doc_id}/supersede", {"data": {}}),
        (f"/admin/documents/{doc_id}/delete", {"data": {}}),
        ("/admin/reindex", {"data": {}}),
        ("/admin/logout", {"data": {}}),
        ("/admin/publish", {"data": {"count": "1", "key_0": "0" * 64, "name_0": "a.txt",
                                     "publish_0": "1"}}),
        (f"/admin/documents/{doc_id}/versions/1/restore", {"data": {}}),
        (f"/admin/documents/{doc_id}/replace", {"files": {"file": ("b.txt", dispatch("8"))}}),
    ]
    for path, kwargs in attempts:
        for token in (None, "forged"):
            data = dict(kwargs.get("data", {}))
            if token:
                data["csrf"] = token
            r = client.post(path, data=data, files=kwargs.get("files"))
            assert r.status_code == 403, (path, r.status_code)
            assert "biểu mẫu" in r.text.lower()
    assert sqlite_store.count_documents() == 1
    assert sqlite_store.get_document(doc_id).status == "in_force"  # type: ignore[union-attr]


def test_sign_in_refusals(sqlite_client: TestClient) -> None:
    client = sqlite_client
    page = client.get("/admin/login")
    nonce = NONCE.search(page.text).group(1)  # type: ignore[union-attr]
    wrong = client.post("/admin/login", data={"token": "x" * 40, "login_nonce": nonce})
    assert wrong.status_code == 401 and "Mã truy cập không đúng." in wrong.text
    client.cookies.clear()
    stale = client.post("/admin/login", data={"token": ADMIN_TOKEN, "login_nonce": nonce})
    assert stale.status_code == 400 and "hết hạn" in stale.text
    # an off-site "next" is ignored
    client.get("/admin/login")
    r = client.post("/admin/login", data={
        "token": ADMIN_TOKEN, "next": "https://evil.example/",
        "login_nonce": NONCE.search(client.get("/admin/login").text).group(1),  # type: ignore[union-attr]
    }, follow_redirects=False)
    assert r.headers["location"] == "/admin"


def test_sessions_are_signed_bound_to_the_token_and_end(
    sqlite_client: TestClient, admin_settings, sqlite_store: CorpusStore
) -> None:
    client = sqlite_client
    csrf = sign_in(client)
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie and ADMIN_TOKEN not in cookie

    r = client.post("/admin/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and SESSION_COOKIE in r.headers["set-cookie"]
    assert client.get("/admin", follow_redirects=False).status_code == 303

    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie[:-2] + "xx", path="/admin")
    assert client.get("/admin", follow_redirects=False).status_code == 303

    # the same cookie against an app whose admin token changed: signed out
    rotated = admin_settings.model_copy(
        update={"admin_token": SecretStr(secrets.token_urlsafe(32))}
    )
    with TestClient(make_app(rotated, sqlite_store, dense=False)) as other:
        other.cookies.set(SESSION_COOKIE, cookie, path="/admin")
        assert other.get("/admin", follow_redirects=False).status_code == 303


def test_read_only_session_sees_but_cannot_change(
    sqlite_client: TestClient, sqlite_store: CorpusStore
) -> None:
    client = sqlite_client
    doc_id = upload(client, dispatch())[1]["document"]["id"]
    csrf = sign_in(client, READONLY_TOKEN)
    home = client.get("/admin").text
    assert "(chỉ đọc)" in home and "Tải lên văn bản" not in home and "1234/SGDĐT-VP" in home
    assert "Lưu thay đổi" not in client.get(f"/admin/documents/{doc_id}").text
    r = client.post(f"/admin/documents/{doc_id}/delete", data={"csrf": csrf})
    assert r.status_code == 403 and "chỉ có quyền đọc" in r.text
    assert sqlite_store.get_document(doc_id) is not None


def test_page_upload_errors_are_shown(sqlite_client: TestClient, sqlite_store: CorpusStore) -> None:
    client = sqlite_client
    csrf = sign_in(client)
    r = client.post("/admin/upload", data={"csrf": csrf},
                    files={"file": ("virus.exe", b"MZ", "application/octet-stream")})
    assert r.status_code == 415 and "không được hỗ trợ" in r.text
    r = client.post("/admin/upload", data={"csrf": csrf}, files={"file": ("empty.txt", b"")})
    assert r.status_code == 422 and "Tệp rỗng" in r.text
    r = client.post("/admin/upload", data={"csrf": csrf},
                    files={"file": ("big.txt", b"x" * (1024 * 1024))})
    assert r.status_code == 413 and "quá lớn" in r.text
    assert sqlite_store.count_documents() == 0


def test_everything_shown_is_escaped(sqlite_client: TestClient, sqlite_store: CorpusStore) -> None:
    client = sqlite_client
    evil = "<script>alert(1)</script>"
    doc_id = upload(client, dispatch())[1]["document"]["id"]
    client.patch(f"/api/v1/documents/{doc_id}", headers=ADMIN,
                 json={"subject": f"{evil} chủ đề", "issuer": '"><img src=x onerror=alert(2)>'})
    ask = client.post("/api/v1/ask", headers=ADMIN, json={"question": f"{evil} lương hưu"}).json()
    sqlite_store.add_feedback(Feedback(query_id=ask["query_id"], value=-1, comment=evil))
    sign_in(client)
    paths = ("/admin", f"/admin/documents/{doc_id}", "/admin/questions?all=1",
             "/admin/feedback", "/admin/audit")
    pages = [client.get(p).text for p in paths]
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; lương hưu" in pages[2]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[3]
    csp = client.get("/admin").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp


def test_page_errors_are_pages(sqlite_client: TestClient) -> None:
    client = sqlite_client
    sign_in(client)
    for path in ("/admin/khong-co", "/admin/documents/99999999999", "/admin/documents/7"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("text/html") and "Về danh sách" in r.text
    r = client.get("/admin/documents/abc")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
