"""An older copy uploaded again never rolls a document back; a restore is a new version."""

from __future__ import annotations

import pytest
from sqlmodel import select

from corpus.ingest import ingest_text
from corpus.models import AuditLog, OutboxEvent
from corpus.store import CorpusStore
from corpus.versions import VersionMissing, restore_version

NAME = "cv-5208.docx"
V1 = """BỘ GIÁO DỤC VÀ ĐÀO TẠO
Số: 5208/BGDĐT-GDTH
V/v nộp báo cáo sơ kết học kỳ I
Hà Nội, ngày 20 tháng 10 năm 2025
Kính gửi: Các Sở Giáo dục và Đào tạo
1. Các sở tổng hợp báo cáo sơ kết học kỳ I của các trường tiểu học trên địa bàn.
2. Hạn nộp báo cáo về Bộ trước ngày 30/10/2025 qua hệ thống quản lý văn bản.
3. Báo cáo nêu rõ số lớp, số học sinh và những khó khăn khi triển khai chương trình.
"""
V2 = V1.replace("30/10/2025", "05/11/2025")


def _events(store: CorpusStore) -> list[tuple[str, int | None]]:
    with store.session() as s:
        return [(e.kind, e.document_id) for e in s.exec(select(OutboxEvent)).all()]


def _two_versions(store: CorpusStore) -> int:
    first = ingest_text(store, V1, source_name=NAME, uploaded_by="a")
    second = ingest_text(store, V2, source_name=NAME, uploaded_by="b")
    assert (first.status, second.status) == ("added", "updated")
    assert first.document_id == second.document_id is not None
    return first.document_id


def test_an_older_copy_is_refused_and_changes_nothing(store: CorpusStore) -> None:
    doc_id = _two_versions(store)
    before = (store.revision(), _events(store), store.get_document(doc_id))
    again = ingest_text(store, V1, source_name=NAME, uploaded_by="c")
    assert again.status == "unchanged" and again.older_version == 1
    assert f"trùng phiên bản v1 của văn bản #{doc_id}" in again.message
    assert "đang ở v2" in again.message and "khôi phục" in again.message
    doc = store.get_document(doc_id)
    assert doc is not None and before[2] is not None
    assert (doc.version, doc.text, doc.sha256) == (2, before[2].text, before[2].sha256)
    assert "05/11/2025" in doc.text
    assert store.revision() == before[0]
    assert _events(store) == before[1]
    assert [v.version for v in store.versions_of(doc_id)] == [1]


def test_an_older_copy_is_refused_even_when_named_as_the_replacement(
    store: CorpusStore,
) -> None:
    doc_id = _two_versions(store)
    again = ingest_text(store, V1, source_name="khac.pdf", replaces=doc_id)
    assert again.older_version == 1
    doc = store.get_document(doc_id)
    assert doc is not None and doc.version == 2


def test_restore_makes_the_old_text_a_new_version(store: CorpusStore) -> None:
    doc_id = _two_versions(store)
    events = len(_events(store))
    restored = restore_version(store, doc_id, 1, actor="admin")
    assert restored.status == "updated" and "v3" in restored.message
    doc = store.get_document(doc_id)
    assert doc is not None and doc.version == 3
    assert doc is not None and "30/10/2025" in doc.text and "05/11/2025" not in doc.text
    assert _events(store)[events:] == [("document_updated", doc_id)]
    kept = store.versions_of(doc_id)
    assert [(v.version, v.uploaded_by) for v in kept] == [(1, "a"), (2, "b")]
    assert doc.sha256 == kept[0].sha256 and doc.uploaded_by == "admin"
    with store.session() as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "restore_version")).all()
    assert [(a.actor, a.document_id, a.after["restored_from"]) for a in audit] == [
        ("admin", doc_id, 1)
    ]
    # v2's content is now an older version too; v1's is current.
    assert ingest_text(store, V2, source_name=NAME).older_version == 2
    same = ingest_text(store, V1, source_name=NAME)
    assert same.status == "unchanged" and same.older_version is None


def test_restoring_what_is_current_or_missing(store: CorpusStore) -> None:
    doc_id = _two_versions(store)
    restore_version(store, doc_id, 1)
    events = _events(store)
    again = restore_version(store, doc_id, 1)
    assert again.status == "unchanged" and _events(store) == events
    with pytest.raises(VersionMissing):
        restore_version(store, doc_id, 7)
    with pytest.raises(VersionMissing):
        restore_version(store, doc_id + 100, 1)
