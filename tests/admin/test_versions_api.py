"""Versions through the API: an older copy is refused (409), a restore is a new version."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from corpus.models import OutboxEvent
from corpus.store import CorpusStore
from tests.admin.conftest import ADMIN, READONLY, dispatch, upload

V1 = dispatch()
V2 = V1.replace(b"30/10/2026", b"05/11/2026")


def _outbox(store: CorpusStore) -> list[tuple[str, int | None]]:
    with store.session() as s:
        return [(e.kind, e.document_id) for e in s.exec(select(OutboxEvent)).all()]


def _at_v2(client: TestClient) -> int:
    code1, first = upload(client, V1)
    code2, second = upload(client, V2)
    assert (code1, code2) == (201, 200)
    assert (first["status"], second["status"]) == ("added", "updated")
    assert second["document"]["version"] == 2
    return int(first["document"]["id"])


def test_reuploading_v1_is_a_409_and_changes_nothing(
    client: TestClient, store: CorpusStore
) -> None:
    doc_id = _at_v2(client)
    before = (store.revision(), _outbox(store), client.get(f"/api/v1/documents/{doc_id}",
                                                           headers=ADMIN).json())
    r = client.post("/api/v1/documents", headers=ADMIN,
                    files={"file": ("ban-goc.txt", V1, "text/plain")})
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["document_id"] == doc_id
    assert problem["detail"] == (
        f"Nội dung này trùng phiên bản v1 của văn bản #{doc_id}; văn bản đang ở v2. "
        "Muốn khôi phục v1, hãy dùng chức năng khôi phục."
    )
    after = client.get(f"/api/v1/documents/{doc_id}", headers=ADMIN).json()
    assert after == before[2] and after["version"] == 2
    assert "05/11/2026" in "".join(p["text"] for p in after["passages"])
    assert (store.revision(), _outbox(store)) == before[:2]


def test_restore_v1_is_v3_with_one_notification(client: TestClient, store: CorpusStore) -> None:
    doc_id = _at_v2(client)
    events = len(_outbox(store))
    r = client.post(f"/api/v1/documents/{doc_id}/versions/1/restore", headers=ADMIN)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "updated" and body["document"]["version"] == 3
    detail = client.get(f"/api/v1/documents/{doc_id}", headers=ADMIN).json()
    text = "".join(p["text"] for p in detail["passages"])
    assert "30/10/2026" in text and "05/11/2026" not in text
    assert _outbox(store)[events:] == [("document_updated", doc_id)]
    listed = client.get(f"/api/v1/documents/{doc_id}/versions", headers=READONLY)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [(v["version"], v["current"]) for v in items] == [(1, False), (2, False), (3, True)]
    assert items[0]["sha256"] == items[2]["sha256"] != items[1]["sha256"]
    assert items[2]["stored_by"] and all(v["chars"] > 0 for v in items)
    assert items[0]["stored_at"] <= items[1]["stored_at"] <= items[2]["stored_at"]


def test_restore_refusals(client: TestClient) -> None:
    doc_id = _at_v2(client)
    url = f"/api/v1/documents/{doc_id}/versions"
    assert client.post(f"{url}/1/restore", headers=READONLY).status_code == 403
    assert client.post(f"{url}/2/restore", headers=ADMIN).status_code == 409
    assert client.post(f"{url}/9/restore", headers=ADMIN).status_code == 404
    assert client.get("/api/v1/documents/999999/versions", headers=ADMIN).status_code == 404
    assert client.get(f"{url}", headers=ADMIN).json()["items"][-1]["version"] == 2


def test_diff_between_versions_names_the_changed_deadline(client: TestClient) -> None:
    doc_id = _at_v2(client)
    r = client.get(f"/api/v1/documents/{doc_id}/versions/1/diff/2", headers=READONLY)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["old"], body["new"]) == (1, 2)
    assert body["summary"][0].endswith("trước ngày: 30/10 → 05/11")
    first = body["lines"][0]
    assert first["kind"] == "deadline" and "30/10/2026" in first["before"]
    assert "05/11/2026" in first["after"]
    assert body["fields"] == []
    back = client.get(f"/api/v1/documents/{doc_id}/versions/2/diff/1", headers=READONLY).json()
    assert back["summary"][0].endswith("05/11 → 30/10")
    missing = client.get(f"/api/v1/documents/{doc_id}/versions/1/diff/7", headers=READONLY)
    assert missing.status_code == 404


def test_original_files_of_every_version_download(client: TestClient) -> None:
    doc_id = _at_v2(client)
    current = client.get(f"/api/v1/documents/{doc_id}/file", headers=READONLY)
    assert current.status_code == 200 and current.content == V2
    assert "cv-1234.txt" in current.headers["content-disposition"]
    first = client.get(f"/api/v1/documents/{doc_id}/versions/1/file", headers=READONLY)
    assert first.status_code == 200 and first.content == V1
    items = client.get(f"/api/v1/documents/{doc_id}/versions", headers=ADMIN).json()["items"]
    assert [v["has_file"] for v in items] == [True, True]
    assert client.get("/api/v1/documents/999/file", headers=ADMIN).status_code == 404


def test_replace_this_documents_file(client: TestClient, store: CorpusStore) -> None:
    _, first = upload(client, V1)
    doc_id = first["document"]["id"]
    other = dispatch("9999").replace(b"30/10/2026", b"05/11/2026")  # not auto-matched
    url = f"/api/v1/documents/{doc_id}/file"
    assert client.post(url, headers=READONLY,
                       files={"file": ("moi.txt", other, "text/plain")}).status_code == 403
    r = client.post(url, headers=ADMIN, files={"file": ("moi.txt", other, "text/plain")})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "updated" and r.json()["document"]["version"] == 2
    assert r.json()["document"]["id"] == doc_id
    assert client.get(url, headers=ADMIN).content == other
    event = [e for e in _outbox(store) if e[0] == "document_updated"]
    assert event == [("document_updated", doc_id)]
    gone = client.post("/api/v1/documents/99999/file", headers=ADMIN,
                       files={"file": ("moi.txt", other, "text/plain")})
    assert gone.status_code == 404


def test_preview_then_publish_with_a_corrected_number(client: TestClient) -> None:
    r = client.post("/api/v1/uploads/preview", headers=ADMIN,
                    files={"file": ("cv.txt", V1, "text/plain")})
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["fields"]["number"] == "1234/SGDĐT-VP"
    assert preview["fields"]["issuer"] and preview["fields"]["date_text"]
    assert not preview["review"] and preview["effect"] == "Sẽ thêm thành văn bản mới."
    assert any("37-KH/TU" in c for c in preview["cites"])
    assert client.get("/api/v1/documents", headers=ADMIN).json()["total"] == 0
    r = client.post("/api/v1/uploads/publish", headers=ADMIN,
                    data={"key": preview["key"], "name": "cv.txt", "number": "1235/SGDĐT-VP"})
    assert r.status_code == 200, r.text
    doc = r.json()["document"]
    assert doc["number"] == "1235/SGDĐT-VP" and "1234" not in doc["title"]
    junk = client.post("/api/v1/uploads/preview", headers=ADMIN,
                       files={"file": ("note.txt", "Ghi chú họp tổ: mai họp lúc 7h.".encode(),
                                        "text/plain")}).json()
    assert junk["review"] and "không phải văn bản hành chính" in junk["warnings"][0]
    stale = client.post("/api/v1/uploads/publish", headers=ADMIN,
                        data={"key": "0" * 64, "name": "cv.txt"})
    assert stale.status_code == 422 and "tải lên lại" in stale.json()["detail"]


def test_document_search_ignores_missing_diacritics(client: TestClient) -> None:
    """On SQLite and PostgreSQL: typed without diacritics, a word matches however it is
    accented; typed with them, as written."""
    upload(client, dispatch(topic="công đoàn cơ sở"))
    upload(client, dispatch("77", topic="cổng đoán trước"))  # the same letters, other tones
    upload(client, dispatch("78", topic="bơi lội an toàn"))

    def numbers(q: str) -> set[str]:
        r = client.get("/api/v1/documents", headers=READONLY, params={"q": q})
        assert r.status_code == 200
        return {d["number"] for d in r.json()["items"]}

    assert numbers("cong doan") == {"1234/SGDĐT-VP", "77/SGDĐT-VP"}
    assert numbers("CONG  doan") == numbers("cong doan")
    assert numbers("công đoàn") == {"1234/SGDĐT-VP"}
    assert numbers("boi loi") == {"78/SGDĐT-VP"}
