"""The churn of test_answers_during_churn.py through the HTTP API of a real uvicorn server.

Readers POST /api/v1/ask from their own threads and connections while the writer uploads
(POST /api/v1/documents) and deletes (DELETE /api/v1/documents/{id}); the app refreshes its
index every half second. Every response is a success, and no answer that started after a
deletion returned cites the deleted document.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from admin.app import create_app
from corpus.ingest import ingest_paths
from corpus.store import CorpusStore
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from tests.conftest import SAMPLES
from tests.reliability.churn import Ask, run_churn
from tests.reliability.served import AUTH, ServerThread, admin_settings
from tests.reliability.texts import dispatch

pytestmark = pytest.mark.slow

ROUNDS = 6
READERS = 3
REFRESH = 0.5


def test_api_never_cites_a_deleted_document(store: CorpusStore, tmp_path: Path) -> None:
    assert all(o.ok for o in ingest_paths(store, [SAMPLES]))
    retriever = IndexBuilder(store, encoder=HashEncoder(32))
    retriever.refresh()
    settings = admin_settings(tmp_path / "data", refresh_seconds=REFRESH)
    app = create_app(settings, store=store, index=retriever)
    clients: list[httpx.Client] = []
    with ServerThread(app) as base:
        writer = httpx.Client(base_url=base, headers=AUTH, timeout=30)

        def make_reader() -> Ask:
            client = httpx.Client(base_url=base, headers=AUTH, timeout=30)
            clients.append(client)

            def ask(q: str) -> list[int]:
                r = client.post("/api/v1/ask", json={"question": q})
                assert r.status_code == 200, r.text
                return [g["citation"]["document_id"] for g in r.json()["groups"]]

            return ask

        def upload(r: int, topic: str) -> int:
            files = {"file": (f"cv-{650 + r}.txt", dispatch(650 + r, topic), "text/plain")}
            resp = writer.post("/api/v1/documents", files=files)
            assert resp.status_code == 201, resp.text
            return int(resp.json()["document"]["id"])

        def delete(doc_id: int) -> None:
            resp = writer.delete(f"/api/v1/documents/{doc_id}")
            assert resp.status_code == 204, resp.text

        report = run_churn(make_reader, upload, delete, rounds=ROUNDS, readers=READERS)
        for c in [writer, *clients]:
            c.close()
    print(f"{report.answers} /ask requests by {READERS} clients, {report.uploads} uploads, "
          f"{report.deletions} deletions, {report.asked_after_deletion} asked after deletion, "
          f"slowest {report.slowest:.2f}s")
    assert report.errors == []
    assert report.violations == []
    assert report.rounds_cited >= ROUNDS - 1
    assert report.asked_after_deletion >= ROUNDS
