"""The admin page as an admin lives in it: several files parsed and confirmed before they are
published, versions compared and restored, original files, questions with their answers,
the audit log in words, diacritic-free search."""

from __future__ import annotations

from fastapi.testclient import TestClient

from corpus.models import Feedback
from corpus.store import CorpusStore
from tests.admin.conftest import ADMIN, dispatch, upload
from tests.admin.pageforms import form_fields
from tests.admin.test_pages import sign_in

JUNK = "Ghi chú họp tổ: mai họp lúc 7h.".encode()


def test_several_files_parsed_confirmed_corrected_published(
    client: TestClient, store: CorpusStore
) -> None:
    """On SQLite and PostgreSQL."""
    sqlite_store = store
    csrf = sign_in(client)
    r = client.post("/admin/upload", data={"csrf": csrf}, files=[
        ("file", ("cv-1234.txt", dispatch(), "text/plain")),
        ("file", ("ghi-chu.txt", JUNK, "text/plain")),
        ("file", ("virus.exe", b"MZ", "application/octet-stream")),
    ])
    assert r.status_code == 200
    page = r.text
    assert "virus.exe" in page and "không được hỗ trợ" in page
    assert "không phải văn bản hành chính" in page and "Văn bản rất ngắn" in page
    form = form_fields(page, "confirm-form")
    assert form["count"] == "2" and form["number_0"] == "1234/SGDĐT-VP"
    assert form["issuer_0"] and form["date_text_0"] == "05/09/2026"
    assert "publish_0" in form and "publish_1" not in form  # the junk note is left unticked
    assert sqlite_store.count_documents() == 0
    form.update(number_0="1240/SGDĐT-VP", signer_0="Nguyễn Văn B", date_text_0="06/09/2026")
    r = client.post("/admin/publish", data=form)
    assert r.status_code == 200
    assert "Đã thêm" in r.text and "Bỏ qua" in r.text
    [doc] = sqlite_store.list_documents()[0]
    assert (doc.number, doc.signer, doc.date_text) == ("1240/SGDĐT-VP", "Nguyễn Văn B",
                                                        "06/09/2026")
    assert doc.issue_date is not None and doc.issue_date.isoformat() == "2026-09-06"
    assert "1234" not in doc.title and "1240/SGDĐT-VP" in sqlite_store.passages_of(
        doc.id or 0)[0].context
    assert doc.file_sha256 and doc.uploaded_by == "admin"


def test_versions_diff_restore_download_and_replace(
    client: TestClient, store: CorpusStore
) -> None:
    """On SQLite and PostgreSQL."""
    sqlite_store = store
    v1 = dispatch()
    doc_id = upload(client, v1)[1]["document"]["id"]
    upload(client, v1.replace(b"30/10/2026", b"05/11/2026"))
    csrf = sign_in(client)
    page = client.get(f"/admin/documents/{doc_id}").text
    assert "Các phiên bản (2)" in page and "Khôi phục v1" in page and "(tải về)" in page
    diff = client.get(f"/admin/documents/{doc_id}/diff", params={"old": 1, "new": 2}).text
    assert "trước ngày: 30/10 → 05/11" in diff and "Thời hạn" in diff
    assert client.get(f"/admin/documents/{doc_id}/versions/1/file").content == v1
    r = client.post(f"/admin/documents/{doc_id}/versions/1/restore", data={"csrf": csrf},
                    follow_redirects=False)
    assert r.status_code == 303 and "ok=restored" in r.headers["location"]
    doc = sqlite_store.get_document(doc_id)
    assert doc is not None and doc.version == 3 and "30/10/2026" in doc.text
    replacement = dispatch("5555").replace(b"30/10/2026", b"20/11/2026")
    r = client.post(f"/admin/documents/{doc_id}/replace", data={"csrf": csrf},
                    files={"file": ("moi.txt", replacement, "text/plain")},
                    follow_redirects=False)
    assert r.status_code == 303 and "ok=replaced" in r.headers["location"]
    assert client.get(f"/admin/documents/{doc_id}/file").content == replacement
    assert sqlite_store.get_document(doc_id).version == 4  # type: ignore[union-attr]
    audit = client.get("/admin/audit").text
    assert "admin khôi phục v1 của Công văn 1234/SGDĐT-VP (thành v3)" in audit
    assert "tải lên Công văn 5555/SGDĐT-VP, v4" in audit
    assert "sha256" not in audit and "{" not in audit.split("<main>")[1]


def test_questions_show_the_answer_its_citations_and_feedback(
    sqlite_client: TestClient, sqlite_store: CorpusStore
) -> None:
    client = sqlite_client
    upload(client, dispatch())
    answered = client.post("/api/v1/ask", headers=ADMIN,
                           json={"question": "hội thi kỳ lân xanh tổ chức trước ngày nào?"}).json()
    missed = client.post("/api/v1/ask", headers=ADMIN,
                         json={"question": "phụ cấp thâm niên nhà giáo tính thế nào?"}).json()
    assert answered["status"] == "answered" and missed["status"] == "not_found"
    sqlite_store.add_feedback(Feedback(query_id=answered["query_id"], value=1, comment="đúng"))
    sign_in(client)
    page = client.get("/admin/questions", params={"all": "1"}).text
    assert "Công văn 1234/SGDĐT-VP" in page and "👍 hữu ích: “đúng”" in page
    assert "30/10/2026" in page  # the quoted answer
    assert f'href="/admin?for={missed["query_id"]}#upload"' in page
    assert "phụ cấp thâm niên" in client.get("/admin", params={"for": missed["query_id"]}).text
    sqlite_store.add_feedback(Feedback(query_id=missed["query_id"], value=-1, comment="thiếu"))
    feedback = client.get("/admin/feedback").text
    assert "👎 chưa tốt" in feedback and "Chưa trả lời được." in feedback
    assert f'href="/admin?for={missed["query_id"]}#upload"' in feedback
    assert "30/10/2026" in feedback  # the answer the helpful feedback was about
    asked = client.get("/admin/ask", params={"q": "kỳ lân xanh báo cáo về đâu?"}).text
    assert "Bot sẽ trả lời" in asked and "Công văn số 1234/SGDĐT-VP" in asked


def test_search_without_diacritics_and_plain_words_for_the_index(
    sqlite_client: TestClient,
) -> None:
    client = sqlite_client
    upload(client, dispatch(topic="công đoàn cơ sở"))
    upload(client, dispatch("77", topic="bơi lội"))
    sign_in(client)
    for q in ("công đoàn", "cong doan", "Cong Doan"):
        page = client.get("/admin", params={"q": q}).text
        assert "1234/SGDĐT-VP" in page and "77/SGDĐT-VP" not in page, q
    home = client.get("/admin").text
    assert "chỉ mục ở phiên bản" not in home
    assert "Tìm kiếm đã cập nhật mọi thay đổi" in home
