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
