"""The admin API through the real app, on SQLite and PostgreSQL (the `store` fixture)."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from admin import page_logs, page_uploads, page_versions, pages
from admin.app import API_PREFIX
from admin.routes import documents, health, operations, versions
from corpus.models import Feedback
from corpus.store import CorpusStore
from tests.admin.conftest import ADMIN, MAX_UPLOAD, READONLY, dispatch, upload

PROBLEM = "application/problem+json"

# Every route that needs a token: (method, path). Checked against the app's own route table.
PROTECTED = [
    ("GET", "/readyz"),
    ("GET", f"{API_PREFIX}/openapi.json"),
    ("POST", f"{API_PREFIX}/documents"),
    ("GET", f"{API_PREFIX}/documents"),
    ("GET", f"{API_PREFIX}/documents/1"),
    ("PATCH", f"{API_PREFIX}/documents/1"),
    ("DELETE", f"{API_PREFIX}/documents/1"),
    ("POST", f"{API_PREFIX}/documents/1/supersede"),
    ("GET", f"{API_PREFIX}/documents/1/versions"),
    ("POST", f"{API_PREFIX}/documents/1/versions/1/restore"),
    ("GET", f"{API_PREFIX}/documents/1/versions/1/diff/1"),
    ("GET", f"{API_PREFIX}/documents/1/file"),
    ("POST", f"{API_PREFIX}/documents/1/file"),
    ("GET", f"{API_PREFIX}/documents/1/versions/1/file"),
    ("POST", f"{API_PREFIX}/uploads/preview"),
    ("POST", f"{API_PREFIX}/uploads/publish"),
    ("POST", f"{API_PREFIX}/reindex"),
    ("GET", f"{API_PREFIX}/reindex/{'0' * 32}"),
    ("POST", f"{API_PREFIX}/ask"),
    ("GET", f"{API_PREFIX}/questions"),
    ("GET", f"{API_PREFIX}/feedback"),
    ("GET", f"{API_PREFIX}/stats"),
    ("GET", f"{API_PREFIX}/audit"),
]
PAGES = [
    ("GET", "/admin"),
    ("POST", "/admin/upload"),
    ("POST", "/admin/reindex"),
    ("POST", "/admin/logout"),
    ("GET", "/admin/documents/1"),
    ("POST", "/admin/documents/1"),
    ("POST", "/admin/documents/1/supersede"),
    ("GET", "/admin/documents/1/delete"),
    ("POST", "/admin/documents/1/delete"),
    ("POST", "/admin/publish"),
    ("GET", "/admin/documents/1/diff"),
    ("POST", "/admin/documents/1/versions/1/restore"),
    ("GET", "/admin/documents/1/file"),
    ("GET", "/admin/documents/1/versions/1/file"),
    ("POST", "/admin/documents/1/replace"),
    ("GET", "/admin/ask"),
    ("GET", "/admin/questions"),
    ("GET", "/admin/feedback"),
    ("GET", "/admin/audit"),
]
OPEN = {("GET", "/healthz"), ("GET", "/"), ("GET", "/admin/login"), ("POST", "/admin/login")}


def _route_table(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route: the app's own and those of the routers it includes."""
    routers = [(app.router, ""), (health.router, ""), (documents.router, API_PREFIX),
               (versions.router, API_PREFIX), (versions.uploads, API_PREFIX),
               (page_uploads.router, ""), (page_versions.router, ""), (page_logs.router, ""),
               (operations.router, API_PREFIX), (pages.router, "")]
    out = set()
    for router, prefix in routers:
        for route in router.routes:
            path = prefix + getattr(route, "path", "")
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    path = path.replace("{doc_id}", "1").replace("{version}", "1")
                    path = path.replace("{old}", "1").replace("{new}", "1")
                    out.add((method, path.replace("{job_id}", "0" * 32)))
    return out


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def _state(store: CorpusStore) -> tuple[int, int, int, int]:
    return (store.count_documents(), store.count_passages(), len(store.audit_log()),
            store.revision())


# -- auth -------------------------------------------------------------------------------------
def test_route_lists_cover_the_app(app: FastAPI) -> None:
    assert _route_table(app) == set(PROTECTED) | set(PAGES) | OPEN


def test_every_route_without_a_token_is_refused(client: TestClient) -> None:
    for method, path in PROTECTED:
        for headers in ({}, {"Authorization": "Bearer nope-not-a-token"},
                        {"Authorization": f"Basic {ADMIN['Authorization'].split()[1]}"}):
            r = client.request(method, path, headers=headers)
            _problem(r, 401)
            assert r.headers["www-authenticate"] == "Bearer", (method, path)
    for method, path in PAGES:
        r = client.request(method, path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/login"), path
    assert client.get("/healthz").json() == {"status": "ok"}


def test_read_only_token_reads_but_cannot_change(client: TestClient, store: CorpusStore) -> None:
    _, body = upload(client, dispatch())
    doc_id = body["document"]["id"]
    assert client.get(f"{API_PREFIX}/documents/{doc_id}", headers=READONLY).status_code == 200
    assert client.post(f"{API_PREFIX}/ask", headers=READONLY,
                       json={"question": "kỳ lân xanh"}).status_code == 200
    before = _state(store)
    writes = [
        ("POST", f"{API_PREFIX}/documents", {"files": {"file": ("a.txt", dispatch("77"))}}),
        ("PATCH", f"{API_PREFIX}/documents/{doc_id}", {"json": {"title": "x"}}),
        ("DELETE", f"{API_PREFIX}/documents/{doc_id}", {}),
        ("POST", f"{API_PREFIX}/documents/{doc_id}/supersede", {"json": {}}),
        ("POST", f"{API_PREFIX}/reindex", {}),
    ]
    for method, path, kwargs in writes:
        _problem(client.request(method, path, headers=READONLY, **kwargs), 403)
    assert _state(store) == before


# -- documents ----------------------------------------------------------------------------------
def test_upload_returns_parsed_metadata_and_is_answered(client: TestClient) -> None:
    status, body = upload(client, dispatch(), issuer="Sở GD&ĐT Long An")
    assert status == 201, body
    doc = body["document"]
    assert body["status"] == "added" and body["passages"] >= 1
    assert doc["doc_type"] == "Công văn" and doc["number"].startswith("1234")
    assert doc["issuer"] == "Sở GD&ĐT Long An"  # the override wins over the parser
    assert doc["issue_date"] == "2026-09-05" and doc["uploaded_by"] == "admin"

    free_status, free = upload(client, dispatch("88", "số viết tay"), number="Số viết tay 7")
    assert free_status == 201 and free["document"]["number"] == "Số viết tay 7"

    again_status, again = upload(client, dispatch(), name="renamed.txt")
    assert again_status == 200 and again["status"] == "unchanged"
    assert again["document"]["id"] == doc["id"]

    answer = client.post(f"{API_PREFIX}/ask", headers=ADMIN,
                         json={"question": "Hội thi kỳ lân xanh tổ chức trước ngày nào?"}).json()
    assert answer["status"] == "answered"
    assert answer["groups"][0]["citation"]["document_id"] == doc["id"]
    assert "kỳ lân xanh" in answer["groups"][0]["quotes"][0]["text"]


def test_get_document_has_passages_and_references(client: TestClient) -> None:
    _, body = upload(client, dispatch())
    doc_id = body["document"]["id"]
    r = client.get(f"{API_PREFIX}/documents/{doc_id}", headers=ADMIN)
    assert r.status_code == 200
    detail = r.json()
    assert detail["id"] == doc_id and detail["passages"]
    assert any("kỳ lân xanh" in p["text"] for p in detail["passages"])
    assert [ref["ref_number"] for ref in detail["references"]] == ["37-KH/TU"]
    assert detail["cited_by"] == []


def test_list_filters_and_pages(client: TestClient) -> None:
    ids = [upload(client, dispatch(str(n), f"chủ đề số {n}"))[1]["document"]["id"]
           for n in (101, 102, 103)]
    get = lambda **q: client.get(f"{API_PREFIX}/documents", headers=ADMIN, params=q)  # noqa: E731
    page = get(limit=2).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["limit"] == 2
    assert len(get(limit=2, offset=2).json()["items"]) == 1
    assert get(type="Công văn").json()["total"] == 3
    assert get(type="Nghị quyết").json()["total"] == 0
    assert [d["id"] for d in get(q="chủ đề số 102").json()["items"]] == [ids[1]]
    assert get(issuer="Sở Giáo dục").json()["total"] == 3
    assert get(date_from="2026-09-01", date_to="2026-09-30").json()["total"] == 3
    assert get(date_from="2027-01-01").json()["total"] == 0
    assert get(date_from="2026-09-30", date_to="2026-09-01").json()["total"] == 0
    client.post(f"{API_PREFIX}/documents/{ids[0]}/supersede", headers=ADMIN, json={})
    assert [d["id"] for d in get(status="superseded").json()["items"]] == [ids[0]]
    assert get(status="in_force").json()["total"] == 2


def test_patch_fixes_metadata_reindexes_and_audits(client: TestClient) -> None:
    _, body = upload(client, dispatch())
    doc_id = body["document"]["id"]
    r = client.patch(f"{API_PREFIX}/documents/{doc_id}", headers=ADMIN,
                     json={"number": "45/SGDĐT-VP", "subject": "Hội thi ngựa vằn tím",
                           "recipients": ["Các trường THPT"], "issue_date": "2026-09-06"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["number"].startswith("45") and doc["subject"] == "Hội thi ngựa vằn tím"
    assert doc["recipients"] == ["Các trường THPT"] and doc["issue_date"] == "2026-09-06"
    # re-indexed: the new subject is part of every passage's context
    answer = client.post(f"{API_PREFIX}/ask", headers=ADMIN,
                         json={"question": "ngựa vằn tím"}).json()
    assert answer["status"] == "answered"
    assert answer["groups"][0]["citation"]["document_id"] == doc_id
    entry = client.get(f"{API_PREFIX}/audit", headers=ADMIN).json()["items"][0]
    assert entry["actor"] == "admin" and entry["action"] == "update"
    assert entry["document_id"] == doc_id
    assert entry["before"]["subject"].startswith("tổ chức hội thi kỳ lân xanh")
    assert entry["after"]["subject"] == "Hội thi ngựa vằn tím"
    # a number the parser cannot read is kept as typed, without keys
    r = client.patch(f"{API_PREFIX}/documents/{doc_id}", headers=ADMIN,
                     json={"number": "Số không chuẩn"})
    assert r.status_code == 200 and r.json()["number"] == "Số không chuẩn"
    assert r.json()["number_key"] is None
    # clearing an optional field
    r = client.patch(f"{API_PREFIX}/documents/{doc_id}", headers=ADMIN, json={"signer": None})
    assert r.status_code == 200 and r.json()["signer"] is None


def test_supersede_and_conflicts(client: TestClient) -> None:
    old = upload(client, dispatch("11", "kế hoạch cũ"))[1]["document"]["id"]
    new = upload(client, dispatch("12", "kế hoạch mới"))[1]["document"]["id"]
    r = client.post(f"{API_PREFIX}/documents/{old}/supersede", headers=ADMIN, json={"by_id": new})
    assert r.status_code == 200
    assert r.json()["status"] == "superseded" and r.json()["superseded_by_id"] == new
    _problem(client.post(f"{API_PREFIX}/documents/{new}/supersede", headers=ADMIN,
                         json={"by_id": new}), 409)
    body = _problem(client.post(f"{API_PREFIX}/documents/{new}/supersede", headers=ADMIN,
                                json={"by_id": old}), 409)
    assert body["document_id"] == old
    _problem(client.post(f"{API_PREFIX}/documents/{new}/supersede", headers=ADMIN,
                         json={"by_id": 999_999}), 404)
    answer = client.post(f"{API_PREFIX}/ask", headers=ADMIN,
                         json={"question": "kế hoạch cũ hội thi"}).json()
    superseded = [g for g in answer["groups"] if g["citation"]["document_id"] == old]
    assert superseded and superseded[0]["citation"]["status"] == "superseded"
    # back in force clears the replacement
    r = client.patch(f"{API_PREFIX}/documents/{old}", headers=ADMIN, json={"status": "in_force"})
    assert r.json()["superseded_by_id"] is None
    audit = client.get(f"{API_PREFIX}/audit", headers=ADMIN).json()["items"]
    assert [a["action"] for a in audit[:2]] == ["update", "update"]


def test_delete_removes_from_answers_and_audits(client: TestClient, store: CorpusStore) -> None:
    doc_id = upload(client, dispatch())[1]["document"]["id"]
    question = {"question": "hội thi kỳ lân xanh"}
    assert client.post(f"{API_PREFIX}/ask", headers=ADMIN, json=question).json()["groups"]
    r = client.delete(f"{API_PREFIX}/documents/{doc_id}", headers=ADMIN)
    assert r.status_code == 204 and r.content == b""
    _problem(client.get(f"{API_PREFIX}/documents/{doc_id}", headers=ADMIN), 404)
    answer = client.post(f"{API_PREFIX}/ask", headers=ADMIN, json=question).json()
    assert all(g["citation"]["document_id"] != doc_id for g in answer["groups"])
    assert store.count_passages() == 0
    entry = client.get(f"{API_PREFIX}/audit", headers=ADMIN).json()["items"][0]
    assert (entry["action"], entry["actor"], entry["document_id"]) == ("delete", "admin", doc_id)
    assert entry["before"]["number"].startswith("1234")


# -- errors -------------------------------------------------------------------------------------
def test_unknown_ids_are_404(client: TestClient) -> None:
    for method, path, kwargs in [
        ("GET", "/documents/4242", {}),
        ("PATCH", "/documents/4242", {"json": {"title": "x"}}),
        ("DELETE", "/documents/4242", {}),
        ("POST", "/documents/4242/supersede", {"json": {}}),
        ("GET", f"/reindex/{'a' * 32}", {}),
        ("GET", "/no-such-route", {}),
    ]:
        _problem(client.request(method, API_PREFIX + path, headers=ADMIN, **kwargs), 404)


def test_invalid_input_is_422_in_vietnamese(client: TestClient) -> None:
    doc_id = upload(client, dispatch())[1]["document"]["id"]
    cases = [
        ("PATCH", f"/documents/{doc_id}", {"json": {}}),
        ("PATCH", f"/documents/{doc_id}", {"json": {"issue_date": "hôm qua"}}),
        ("PATCH", f"/documents/{doc_id}", {"json": {"status": "archived"}}),
        ("PATCH", f"/documents/{doc_id}", {"json": {"title": None}}),
        ("PATCH", f"/documents/{doc_id}", {"json": {"sha256": "x"}}),
        ("PATCH", f"/documents/{doc_id}", {"json": {"status": None}}),
        ("PATCH", f"/documents/{doc_id}", {"json": {"issue_date": 0}}),
        ("PATCH", f"/documents/{doc_id}", {"json": {"year": "2026"}}),
        ("PATCH", f"/documents/{doc_id}",
         {"content": b"{not json", "headers": {**ADMIN, "content-type": "application/json"}}),
        ("GET", "/documents/0", {}),
        ("GET", "/documents/abc", {}),
        ("GET", "/documents?limit=0", {}),
        ("GET", "/documents?date_from=2026-13-01", {}),
        ("POST", "/ask", {"json": {"question": "   "}}),
        ("POST", "/ask", {"json": {}}),
        ("GET", "/reindex/not-a-job", {}),
        ("GET", "/documents?type=Công văn&type=Nghị quyết", {}),
        ("GET", "/stats?x=1&x=2", {}),
    ]
    for method, path, kwargs in cases:
        kwargs.setdefault("headers", ADMIN)
        body = _problem(client.request(method, API_PREFIX + path, **kwargs), 422)
        assert not body["detail"].isascii(), body  # Vietnamese
        assert body.get("errors"), body


def test_failed_uploads_are_refused_and_leave_nothing(
    client: TestClient, store: CorpusStore
) -> None:
    before = _state(store)
    too_big = b"a" * (MAX_UPLOAD + 200 * 1024)  # over the limit by Content-Length
    just_over = b"x" * (MAX_UPLOAD + 10)  # passes the header check, fails in the route
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                         files={"file": ("big.txt", too_big)}), 413)
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                         files={"file": ("big.txt", just_over)}), 413)
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                         files={"file": ("virus.exe", b"MZ\x90\x00")}), 415)
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                         files={"file": ("README", b"hello")}), 415)
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                         files={"file": ("empty.txt", b"")}), 422)
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                         files={"file": ("blank.txt", b"   \n\n  ")}), 422)
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                         files={"file": ("fake.docx", b"not a zip at all" * 10)}), 422)
    for bad in ({"issue_date": "31/02/2026"}, {"issue_date": "0"}, {"status": "archived"}):
        _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN,
                             files={"file": ("cv.txt", dispatch())}, data=bad), 422)
    _problem(client.post(f"{API_PREFIX}/documents", headers=ADMIN, data={"title": "x"}), 422)
    assert _state(store) == before


def test_chunked_oversized_body_is_413(client: TestClient, store: CorpusStore) -> None:
    boundary = "xyz"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n").encode()

    def body():  # no Content-Length: the limit is enforced while reading
        yield head
        for _ in range(40):
            yield b"y" * 16384
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(f"{API_PREFIX}/documents", content=body(),
                    headers={**ADMIN, "content-type": f"multipart/form-data; boundary={boundary}"})
    _problem(r, 413)
    assert store.count_documents() == 0


# -- operations ---------------------------------------------------------------------------------
def test_reindex_runs_in_background_with_progress(client: TestClient, app: FastAPI) -> None:
    upload(client, dispatch())
    retriever = app.state.admin.runtime.index
    gate = threading.Event()
    original = retriever.refresh

    def slow_refresh(**kwargs):
        gate.wait(10)
        return original(**kwargs)

    retriever.refresh = slow_refresh
    try:
        r = client.post(f"{API_PREFIX}/reindex", headers=ADMIN)
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["state"] in ("queued", "running") and job["requested_by"] == "admin"
        location = r.headers["location"]
        assert location == f"{API_PREFIX}/reindex/{job['id']}"
        busy = _problem(client.post(f"{API_PREFIX}/reindex", headers=ADMIN), 409)
        assert busy["job_id"] == job["id"]
        assert client.get(location, headers=READONLY).json()["state"] in ("queued", "running")
    finally:
        gate.set()
    deadline = time.monotonic() + 20
    while (state := client.get(location, headers=ADMIN).json())["state"] != "done":
        assert state["state"] != "failed" and time.monotonic() < deadline, state
        time.sleep(0.05)
    retriever.refresh = original
    assert state["done"] == state["total"] >= 1 and state["passages"] >= 1
    assert state["finished_at"] and state["revision"] >= 1
    audit = client.get(f"{API_PREFIX}/audit", headers=ADMIN).json()["items"][0]
    assert audit["action"] == "reindex" and audit["after"] == {"job": job["id"]}


def test_questions_feedback_stats(client: TestClient, store: CorpusStore) -> None:
    upload(client, dispatch())
    asked = client.post(f"{API_PREFIX}/ask", headers=ADMIN,
                        json={"question": "hội thi kỳ lân xanh"}).json()
    missed = client.post(f"{API_PREFIX}/ask", headers=ADMIN,
                         json={"question": "lương hưu quân nhân xuất ngũ"}).json()
    assert missed["status"] == "not_found"
    unanswered = client.get(f"{API_PREFIX}/questions", headers=ADMIN,
                            params={"unanswered": "true"}).json()["items"]
    assert [q["question"] for q in unanswered] == ["lương hưu quân nhân xuất ngũ"]
    assert unanswered[0]["channel"] == "api"
    everything = client.get(f"{API_PREFIX}/questions", headers=ADMIN).json()["items"]
    assert len(everything) == 2
    assert unanswered[0]["answer"].startswith("Không tìm thấy") and unanswered[0]["cited"] == []
    given = everything[1]
    assert "Công văn số 1234/SGDĐT-VP" in given["answer"] and given["cited"]
    store.add_feedback(Feedback(query_id=asked["query_id"], value=-1, comment="thiếu hạn nộp"))
    fb = client.get(f"{API_PREFIX}/feedback", headers=ADMIN).json()["items"]
    assert fb[0]["question"] == "hội thi kỳ lân xanh" and fb[0]["value"] == -1
    stats = client.get(f"{API_PREFIX}/stats", headers=ADMIN).json()
    assert stats["documents"] == 1 and stats["questions"] == 2 and stats["unanswered"] == 1
    assert stats["feedback_down"] == 1 and stats["by_type"] == {"Công văn": 1}
    assert stats["index"]["up_to_date"] and stats["index"]["mode"] == "hybrid"


def test_health_and_readiness(client: TestClient, admin_settings, store: CorpusStore) -> None:
    ready = client.get("/readyz", headers=READONLY)
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["database"]["ok"]
    assert body["mode"] == "hybrid" and body["model"] == "hash-64"
    assert body["index"]["revision"] == body["database"]["revision"]

    from admin.app import create_app
    from retrieval.indexing import IndexBuilder

    cold = create_app(admin_settings, store=store, index=IndexBuilder(store))
    r = TestClient(cold).get("/readyz", headers=ADMIN)  # no lifespan: index never built
    assert r.status_code == 503 and r.json()["status"] == "not_ready"
    assert r.json()["mode"] == "lexical" and r.json()["model"] is None


def test_openapi_document_needs_a_token_and_lists_the_routes(client: TestClient) -> None:
    schema = client.get(f"{API_PREFIX}/openapi.json", headers=READONLY).json()
    paths = set(schema["paths"])
    assert {f"{API_PREFIX}/documents", f"{API_PREFIX}/documents/{{doc_id}}",
            f"{API_PREFIX}/documents/{{doc_id}}/supersede", f"{API_PREFIX}/reindex",
            f"{API_PREFIX}/ask", f"{API_PREFIX}/questions", f"{API_PREFIX}/feedback",
            f"{API_PREFIX}/stats", f"{API_PREFIX}/audit", "/healthz", "/readyz"} <= paths
    assert client.get("/openapi.json").status_code == 404
    assert client.get("/docs").status_code == 404


@pytest.mark.parametrize("path", ["/healthz", f"{API_PREFIX}/stats"])
def test_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path, headers=ADMIN)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
