"""Which upload is a new version of a stored document, and which is a new document."""

from __future__ import annotations

from corpus.ingest import ingest_text
from corpus.store import CorpusStore

NAME = "thong-bao.docx"

# Two notices with no số/ký hiệu: nothing but the file name in common.
MEETING = """TRƯỜNG THPT LÊ QUÝ ĐÔN
THÔNG BÁO
Về việc họp phụ huynh học sinh đầu năm học
Nhà trường tổ chức họp phụ huynh học sinh toàn trường vào lúc 7 giờ 30 sáng chủ nhật.
Giáo viên chủ nhiệm chuẩn bị danh sách học sinh, sổ liên lạc và báo cáo tình hình lớp.
Phụ huynh dự họp đầy đủ, đúng giờ tại phòng học của lớp.
"""
FIRE_DRILL = """TRƯỜNG THPT LÊ QUÝ ĐÔN
THÔNG BÁO
Về việc diễn tập phòng cháy chữa cháy
Đội phòng cháy chữa cháy cơ sở diễn tập thoát nạn vào tiết bốn thứ sáu.
Tổ bảo vệ kiểm tra bình chữa cháy, vòi nước và lối thoát hiểm trước buổi diễn tập.
Học sinh di chuyển theo hướng dẫn của giáo viên bộ môn đang dạy.
"""


def test_a_different_document_under_the_same_name_is_a_new_document(
    store: CorpusStore,
) -> None:
    first = ingest_text(store, MEETING, source_name=NAME)
    second = ingest_text(store, FIRE_DRILL, source_name=NAME)
    assert (first.status, second.status) == ("added", "added")
    assert first.number_key is None and second.number_key is None
    assert first.document_id != second.document_id
    kept = {store.get_document(o.document_id).text for o in (first, second)}  # type: ignore[arg-type, union-attr]
    assert len(kept) == 2


def test_a_revised_text_under_the_same_name_is_a_new_version(store: CorpusStore) -> None:
    first = ingest_text(store, MEETING, source_name=NAME)
    revised = MEETING.replace("7 giờ 30", "8 giờ")
    second = ingest_text(store, revised, source_name=NAME)
    assert second.status == "updated"
    assert second.document_id == first.document_id


def test_replacing_is_asked_for_explicitly(store: CorpusStore) -> None:
    first = ingest_text(store, MEETING, source_name=NAME)
    assert first.document_id is not None
    second = ingest_text(store, FIRE_DRILL, source_name="khac.docx", replaces=first.document_id)
    assert second.status == "updated" and second.document_id == first.document_id
    gone = ingest_text(store, MEETING + "\nBổ sung.", source_name=NAME, replaces=10**6)
    assert gone.status == "failed" and "thay thế" in gone.message
