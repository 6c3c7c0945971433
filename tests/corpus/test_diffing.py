"""What changed between versions: fields, deadlines and duties first, in words; the outbox
event of an update carries it; kept versions record their fields and file; derived fields
follow an edited number."""

from __future__ import annotations

from sqlmodel import col, select

from corpus.diffing import changed_words, diff_versions, kind_of
from corpus.editing import update_metadata
from corpus.ingest import build_document, ingest_text
from corpus.models import OutboxEvent
from corpus.store import CorpusStore
from corpus.versions import restore_version
from tests.corpus.test_versions import NAME, V1, V2


def test_deadlines_and_duties_come_before_other_lines() -> None:
    old = "Mở đầu.\nGhi chú cũ.\nHiệu trưởng chịu trách nhiệm tổng hợp.\nHạn nộp: 30/10."
    new = "Mở đầu.\nGhi chú mới.\nHiệu trưởng chịu trách nhiệm tổng hợp và gửi Sở.\nHạn nộp: 05/11."
    diff = diff_versions(old, new)
    assert [c.kind for c in diff.lines] == ["deadline", "duty", "other"]
    assert diff.summary() == [
        "Hạn nộp: 30/10 → 05/11",
        "trách nhiệm tổng hợp: thêm “và gửi Sở”",
        "Ghi chú: cũ → mới",
    ]


def test_added_and_removed_lines_and_fields() -> None:
    diff = diff_versions("A.\nB.", "A.\nC.\nD.", {"number": "1/SGD"}, {"number": "2/SGD"})
    assert [f.summary() for f in diff.fields] == ["số/ký hiệu: 1/SGD → 2/SGD"]
    assert [c.summary() for c in diff.lines] == ["B → C", "thêm: D."]
    assert diff_versions("A.", "A.").empty
    assert kind_of("ngày 5 tháng 11 năm 2026") == "deadline"
    assert changed_words("nộp trước ngày 30/10", "nộp trước ngày 05/11") == (
        "nộp trước ngày: 30/10 → 05/11")
    assert changed_words("Các trường báo cáo.", "Các trường báo cáo. Hạn 05/11.") == (
        "Các trường báo cáo: thêm “Hạn 05/11.”")
    assert changed_words("Hạn 05/11.", "Hạn") == "Hạn: bỏ “05/11.”"
    assert changed_words("a", "b c") == "a → b c"


def test_an_update_says_what_changed_in_its_event(store: CorpusStore) -> None:
    first = ingest_text(store, V1, source_name=NAME, uploaded_by="a", file_sha256="f1")
    second = ingest_text(store, V2, source_name=NAME, uploaded_by="b", file_sha256="f2")
    assert first.document_id == second.document_id is not None
    with store.session() as s:
        events = s.exec(select(OutboxEvent).order_by(col(OutboxEvent.id))).all()
    assert [e.kind for e in events] == ["document_added", "document_updated"]
    assert events[1].payload["from_version"] == 1
    assert events[1].payload["changes"][0] == (
        "về Bộ trước ngày: 30/10 → 05/11")
    [kept] = store.versions_of(first.document_id)
    assert kept.file_sha256 == "f1" and kept.fields is not None
    assert kept.fields["number"] == "5208/BGDĐT-GDTH" and kept.fields["date_text"]
    assert store.get_document(first.document_id).file_sha256 == "f2"  # type: ignore[union-attr]


def test_a_restore_takes_back_the_kept_fields_and_file(store: CorpusStore) -> None:
    doc_id = ingest_text(store, V1, source_name=NAME, file_sha256="f1").document_id
    assert doc_id is not None
    update_metadata(store, doc_id, {"signer": "Nguyễn Văn B"}, actor="a")
    ingest_text(store, V2, source_name=NAME, file_sha256="f2")
    restored = restore_version(store, doc_id, 1, actor="a")
    doc = store.get_document(doc_id)
    assert restored.status == "updated" and doc is not None
    assert (doc.version, doc.file_sha256, doc.signer) == (3, "f1", "Nguyễn Văn B")
    assert "30/10/2025" in doc.text


def test_title_and_subject_follow_an_edited_number(store: CorpusStore) -> None:
    text = V1.replace("V/v nộp báo cáo sơ kết học kỳ I", "V/v thực hiện Công văn 5208/BGDĐT-GDTH")
    doc, _, _, _ = build_document(text, source_name=NAME, overrides={"number": "5300/BGDĐT-GDTH"})
    assert doc.number == "5300/BGDĐT-GDTH"
    assert "5208" not in (doc.title + (doc.subject or ""))
    doc_id = ingest_text(store, text, source_name=NAME).document_id
    assert doc_id is not None
    before = store.get_document(doc_id)
    assert before is not None and "5208/BGDĐT-GDTH" in before.title
    after = update_metadata(store, doc_id, {"number": "5301/BGDĐT-GDTH"}, actor="a")
    assert after is not None and after.number == "5301/BGDĐT-GDTH"
    assert "5301/BGDĐT-GDTH" in after.title and "5208" not in after.title
    assert "5208" not in (after.subject or "")
    context = store.passages_of(doc_id)[0].context
    assert "5301/BGDĐT-GDTH" in context
