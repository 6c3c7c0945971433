"""Through the API: a different document uploaded under a stored one's file name is kept
beside it, not silently put in its place; a replacement is asked for by id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus.store import CorpusStore
from tests.admin.conftest import make_app, upload
from tests.corpus.test_ingest_versions import FIRE_DRILL, MEETING
from tests.reliability.served import AUTH, admin_settings

NAME = "thong-bao.txt"


@pytest.fixture()
def client(store: CorpusStore, tmp_path: Path) -> Iterator[TestClient]:
    settings = admin_settings(tmp_path / "data", refresh_seconds=0)
    with TestClient(make_app(settings, store, dense=False)) as c:
        yield c


def test_two_documents_with_one_file_name_are_both_kept(client: TestClient) -> None:
    status1, first = upload(client, MEETING.encode(), name=NAME, headers=AUTH)
    status2, second = upload(client, FIRE_DRILL.encode(), name=NAME, headers=AUTH)
    assert (status1, status2) == (201, 201), (first, second)
    assert second["status"] == "added"
    ids = {first["document"]["id"], second["document"]["id"]}
    listed = client.get("/api/v1/documents", headers=AUTH).json()["items"]
    assert ids <= {d["id"] for d in listed}


def test_a_replacement_names_the_document_it_replaces(client: TestClient) -> None:
    _, first = upload(client, MEETING.encode(), name=NAME, headers=AUTH)
    doc_id = first["document"]["id"]
    status, second = upload(
        client, FIRE_DRILL.encode(), name="moi.txt", headers=AUTH, replace_document_id=str(doc_id)
    )
    assert status == 200 and second["status"] == "updated", second
    assert second["document"]["id"] == doc_id and second["document"]["version"] == 2
    status, missing = upload(client, MEETING.encode() + b"\n", headers=AUTH, replace_document_id="999999")
    assert status == 404, missing
