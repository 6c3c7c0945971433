"""Fixtures for the admin app: strong test tokens, settings, the real app on each store."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from admin.app import create_app
from corpus.store import CorpusStore
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.service import Settings

ADMIN_TOKEN = secrets.token_urlsafe(32)
READONLY_TOKEN = secrets.token_urlsafe(32)
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
READONLY = {"Authorization": f"Bearer {READONLY_TOKEN}"}
MAX_UPLOAD = 256 * 1024
SAMPLES = Path(__file__).resolve().parents[2] / "samples"

# A small dispatch with a number, a subject and a reference, and words found nowhere else.
DISPATCH = """UBND TỈNH LONG AN
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 1234/SGDĐT-VP
V/v tổ chức hội thi kỳ lân xanh năm học 2026-2027
Long An, ngày 05 tháng 9 năm 2026
Kính gửi: Các trường trung học phổ thông.
Thực hiện Kế hoạch số 37-KH/TU ngày 01/8/2026 của Tỉnh ủy.
1. Các trường tổ chức hội thi kỳ lân xanh cấp trường trước ngày 30/10/2026.
2. Hiệu trưởng chịu trách nhiệm báo cáo kết quả hội thi kỳ lân xanh về Sở.
Nơi nhận:
- Như trên;
GIÁM ĐỐC
Nguyễn Văn A
"""


def dispatch(number: str = "1234", topic: str = "kỳ lân xanh") -> bytes:
    return DISPATCH.replace("1234", number).replace("kỳ lân xanh", topic).encode()


@pytest.fixture()
def admin_settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        embedding_model=None,
        admin_token=ADMIN_TOKEN,
        admin_readonly_token=READONLY_TOKEN,
        max_upload_bytes=MAX_UPLOAD,
        refresh_seconds=0.5,
        _env_file=None,
    )


def make_app(settings: Settings, store: CorpusStore, *, dense: bool = True) -> FastAPI:
    retriever = IndexBuilder(store, encoder=HashEncoder() if dense else None)
    retriever.refresh()
    return create_app(settings, store=store, index=retriever)


@pytest.fixture()
def app(admin_settings: Settings, store: CorpusStore) -> FastAPI:
    """The real app on the parametrised store (SQLite, and PostgreSQL when reachable)."""
    return make_app(admin_settings, store)


class SettledClient(TestClient):
    """A test client that, after each request, waits for the index refresh a write asked for
    (the app refreshes in its own background thread, after the response)."""

    def request(self, *args: Any, **kwargs: Any) -> Response:
        response = super().request(*args, **kwargs)
        runtime = self.app.state.admin.runtime  # type: ignore[attr-defined]
        if runtime.loaded:
            runtime.refresher.wait_idle(timeout=30)
        return response


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with SettledClient(app) as c:
        yield c


@pytest.fixture()
def sqlite_client(admin_settings: Settings, sqlite_store: CorpusStore) -> Iterator[TestClient]:
    with SettledClient(make_app(admin_settings, sqlite_store)) as c:
        yield c


def upload(
    client: TestClient,
    data: bytes,
    name: str = "cv-1234.txt",
    headers: dict[str, str] | None = None,
    **fields: str,
) -> tuple[int, dict]:
    r = client.post(
        "/api/v1/documents",
        headers=ADMIN if headers is None else headers,
        files={"file": (name, data, "text/plain")},
        data=fields,
    )
    return r.status_code, r.json()
