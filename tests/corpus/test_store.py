"""Store and ingestion on SQLite and PostgreSQL (the `store` fixture runs both)."""

from pathlib import Path

from corpus.ingest import ingest_bytes, ingest_paths, ingest_text
from corpus.models import DocumentStatus, QueryLog
from corpus.store import CorpusStore, DocumentFilter
from tests.conftest import SAMPLES

SEED_000 = next(SAMPLES.glob("seed-000*"))


def test_seed_ingests_with_metadata_and_references(store: CorpusStore) -> None:
    outcome = ingest_bytes(store, SEED_000.read_bytes(), SEED_000.name)
    assert outcome.status == "added", outcome.message
    assert outcome.document_id is not None
    doc = store.get_document(outcome.document_id)
    assert doc is not None
    assert doc.doc_type == "Công văn"
    assert doc.number == "/SGDDĐT-TCCTTT"
    assert doc.date_text == "11/2021" and doc.issue_date is None
    assert doc.place == "Long An"
    assert doc.signer == "Nguyễn Thanh Tiệp"
    keys = [r.key for r in store.references_of(outcome.document_id)]
    assert keys == ["NQ 02-NQ/TW 2021", "KH 37-KH/TU 2021", "CV 11276 2021"]
    passages = store.passages_of(outcome.document_id)
    assert passages and all(doc.text[p.start : p.end] == p.text for p in passages)
    assert store.revision() == 1


def test_same_content_twice_is_a_no_op(store: CorpusStore) -> None:
    first = ingest_bytes(store, SEED_000.read_bytes(), SEED_000.name)
    revision = store.revision()
    again = ingest_bytes(store, SEED_000.read_bytes(), "renamed.txt")
    assert again.status == "unchanged" and again.document_id == first.document_id
    assert store.revision() == revision and store.count_documents() == 1


def test_changed_file_with_same_number_is_a_new_version(store: CorpusStore) -> None:
    text = "BỘ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5208/BGDĐT-GDPT\nV/v hướng dẫn nhiệm vụ năm học\n\n1. Nội dung cũ cần thực hiện."
    first = ingest_text(store, text, source_name="cv5208.txt")
    second = ingest_text(store, text.replace("cũ", "mới"), source_name="cv5208-sua.txt")
    assert second.status == "updated" and second.document_id == first.document_id
    doc = store.get_document(first.document_id or 0)
    assert doc is not None and doc.version == 2 and "mới" in doc.text
    assert all("mới" in p.text for p in store.passages_of(doc.id or 0) if "Nội dung" in p.text)


def test_references_resolve_in_both_directions(store: CorpusStore) -> None:
    plan = "TỈNH ỦY LONG AN\nSố 37-KH/TU\nKẾ HOẠCH\nthực hiện Nghị quyết số 02-NQ/TW ngày 12/6/2021\n\nCăn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị; các cấp ủy triển khai."
    seed = ingest_bytes(store, SEED_000.read_bytes(), SEED_000.name)
    plan_out = ingest_text(store, plan, source_name="kh37.txt")
    refs = {r.key: r.target_id for r in store.references_of(seed.document_id or 0)}
    assert refs["KH 37-KH/TU 2021"] == plan_out.document_id
    citing = {r.document_id for r in store.cited_by([plan_out.document_id or 0])}
    assert seed.document_id in citing


def test_delete_update_supersede_bump_revision(store: CorpusStore) -> None:
    out = ingest_bytes(store, SEED_000.read_bytes(), SEED_000.name)
    doc_id = out.document_id or 0
    r0 = store.revision()
    store.update_document(doc_id, {"subject": "Sửa trích yếu"}, actor="test")
    assert store.revision() == r0 + 1
    store.supersede(doc_id, None, actor="test")
    doc = store.get_document(doc_id)
    assert doc is not None and doc.status == DocumentStatus.SUPERSEDED
    assert store.delete_document(doc_id, actor="test")
    assert store.get_document(doc_id) is None and store.count_passages() == 0
    assert not store.delete_document(doc_id)
    assert [a.action for a in store.audit_log()][:3] == ["delete", "update", "update"]


def test_bad_files_fail_clearly_and_the_rest_ingests(store: CorpusStore, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "good.txt").write_bytes(SEED_000.read_bytes())
    outcomes = {o.source: o for o in ingest_paths(store, [tmp_path])}
    assert outcomes["good.txt"].status == "added"
    assert outcomes["empty.txt"].status == "failed" and outcomes["empty.txt"].message
    assert outcomes["broken.docx"].status == "failed" and outcomes["broken.docx"].message
    assert store.count_documents() == 1


def test_list_documents_filters(store: CorpusStore) -> None:
    ingest_paths(store, [SAMPLES])
    docs, total = store.list_documents(DocumentFilter(doc_type="Công văn"))
    assert total == len(docs) >= 3 and all(d.doc_type == "Công văn" for d in docs)
    found, _ = store.list_documents(DocumentFilter(text="5208"))
    assert [d.number for d in found] == ["5208/BGDĐT-GDPT"]


def test_outbox_claims_are_exclusive_and_leased(store: CorpusStore) -> None:
    from datetime import timedelta

    ingest_bytes(store, SEED_000.read_bytes(), SEED_000.name)
    first = store.claim_outbox("a")
    assert [e.kind for e in first] == ["document_added"]
    assert store.claim_outbox("b") == []
    # a crashed worker's claim expires
    again = store.claim_outbox("b", lease=timedelta(seconds=-1))
    assert [e.id for e in again] == [e.id for e in first]
    store.finish_outbox([e.id or 0 for e in again])
    assert store.claim_outbox("c", lease=timedelta(seconds=-1)) == []


_LUAT_VIEN_CHUC = (
    "QUỐC HỘI\nLuật số: 58/2010/QH12\nHà Nội, ngày 15 tháng 11 năm 2010\nLUẬT\nVIÊN CHỨC\n"
    "Căn cứ Hiến pháp năm 1992, Quốc hội ban hành Luật viên chức.\n"
    "Điều 1. Phạm vi điều chỉnh\nLuật này quy định về viên chức."
)
_BLLD = (
    "QUỐC HỘI\nLuật số: 45/2019/QH14\nHà Nội, ngày 20 tháng 11 năm 2019\nBỘ LUẬT\nLAO ĐỘNG\n"
    "Điều 219. Sửa đổi, bổ sung một số điều của các luật có liên quan\n"
    "1. Sửa đổi, bổ sung một số điều của Luật Bảo hiểm xã hội số 58/2014/QH13 đã được sửa "
    "đổi, bổ sung theo Luật số 84/2015/QH13 và Luật số 35/2018/QH14:\n"
    "2. Sửa đổi, bổ sung khoản 1 Điều 45 của Luật Viên chức số 58/2010/QH12 như sau:"
)


def _targets(store: CorpusStore, doc_id: int) -> dict[str, int | None]:
    return {r.ref_number or r.key: r.target_id for r in store.references_of(doc_id)}


def test_a_reference_resolves_on_number_and_year_not_number_alone(store: CorpusStore) -> None:
    vien_chuc = ingest_text(store, _LUAT_VIEN_CHUC, source_name="luat-vien-chuc.txt")
    blld = ingest_text(store, _BLLD, source_name="blld.txt")
    targets = _targets(store, blld.document_id or 0)
    assert targets["58/2014/QH13"] is None  # Luật Bảo hiểm xã hội is not stored
    assert targets["58/2010/QH12"] == vien_chuc.document_id
    citing = {r.ref_number for r in store.cited_by([vien_chuc.document_id or 0])}
    assert citing == {"58/2010/QH12"}


def test_a_later_document_is_linked_only_by_the_references_that_name_it(
    store: CorpusStore,
) -> None:
    blld = ingest_text(store, _BLLD, source_name="blld.txt")
    vien_chuc = ingest_text(store, _LUAT_VIEN_CHUC, source_name="luat-vien-chuc.txt")
    targets = _targets(store, blld.document_id or 0)
    assert targets["58/2014/QH13"] is None
    assert targets["58/2010/QH12"] == vien_chuc.document_id


def test_logged_questions_read_back_whole(store: CorpusStore) -> None:
    first = QueryLog(question="Ai phải làm gì?", channel="api", user_ref="token:x",
                     status="not_found", latency_ms=12.5, mode="lexical", top_score=0.25,
                     cited=[3, 1])
    first_id = store.log_query(first)
    second_id = store.log_query(QueryLog(question="Hạn báo cáo?"))
    assert first.id == first_id and second_id > first_id
    back = store.get_query(first_id)
    assert back is not None
    for key in ("question", "channel", "user_ref", "status", "latency_ms", "mode",
                "top_score", "cited"):
        assert getattr(back, key) == getattr(first, key), key
    assert abs((back.asked_at - first.asked_at).total_seconds()) < 1
    assert [q.id for q in store.questions()] == [second_id, first_id]
    assert store.get_query(second_id).cited == []  # type: ignore[union-attr]
