from pathlib import Path

from corpus.chunking import MAX_CHARS, chunk_text, classify
from corpus.text import clean_text

LAW = """Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về hệ thống giáo dục quốc dân.
Điều 2. Giải thích từ ngữ
1. Khoản một có nội dung dài. {long}
2. Khoản hai cũng dài. {long}
a) Điểm a của khoản hai.
"""


def test_classify_headings() -> None:
    assert classify("Điều 5. Giải thích từ ngữ") == (3, "Điều 5")
    assert classify("II. Nhiệm vụ cụ thể") == (2, "II")
    assert classify("2. Đổi mới phương pháp") == (4, "2")
    assert classify("b) Hoạt động trải nghiệm") == (6, "b")
    assert classify("Sở Giáo dục và Đào tạo đề nghị") is None


def test_articles_are_cited_on_their_own_and_long_ones_split_at_clauses() -> None:
    long = "Câu văn mẫu về giáo dục. " * 45
    text = LAW.format(long=long)
    chunks = chunk_text(text)
    sections = [c.section for c in chunks]
    assert "Chương I > Điều 1" in sections
    # the article heading travels with its first clause; the second clause stands alone
    assert "Chương I > Điều 2" in sections and "Chương I > Điều 2 > 2" in sections
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert len(c.text) <= MAX_CHARS


def test_overlong_paragraph_splits_between_sentences() -> None:
    para = " ".join(f"Câu số {i} nói về việc tổ chức thực hiện nhiệm vụ." for i in range(120))
    chunks = chunk_text(para)
    assert len(chunks) > 1
    for c in chunks:
        assert c.text.endswith(".") and len(c.text) <= MAX_CHARS


def test_real_dispatch_keeps_offsets_and_sizes() -> None:
    path = Path(__file__).resolve().parents[2] / "samples"
    path = next(path.glob("cong-van-5208*"))
    text = clean_text(path.read_text(encoding="utf-8"))
    chunks = chunk_text(text)
    assert len(chunks) > 10
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert all(len(c.text) <= MAX_CHARS for c in chunks)
    assert any(c.section.startswith("I > ") for c in chunks)


def test_nothing_but_signature_after_noi_nhan() -> None:
    body = "Đề nghị các đơn vị thực hiện. " * 30
    text = f"{body}\nNơi nhận:\n- Như trên;\n- Lưu: VT."
    chunks = chunk_text(text)
    assert all("Lưu: VT" not in c.text for c in chunks)
