"""Quotes keep the answer: list items after a lead, the rest of the best line, no notes or
footnote markers (retrieval.answers.quoting)."""

from __future__ import annotations

from corpus.text import clean_text
from retrieval.answers.quoting import (
    ELLIPSIS,
    is_item_marker,
    is_note,
    list_items,
    quote_segments,
    sentence_spans,
    trim_quote,
    unmarked,
)

# Bộ luật Lao động 2019, Điều 98 (as stored: one line per clause and point).
ARTICLE_98 = (
    "Điều 98. Tiền lương làm thêm giờ, làm việc vào ban đêm\n"
    "1. Người lao động làm thêm giờ được trả lương tính theo đơn giá tiền lương hoặc tiền "
    "lương thực trả theo công việc đang làm như sau:\n"
    "a) Vào ngày thường, ít nhất bằng 150%;\n"
    "b) Vào ngày nghỉ hằng tuần, ít nhất bằng 200%;\n"
    "c) Vào ngày nghỉ lễ, tết, ngày nghỉ có hưởng lương, ít nhất bằng 300% chưa kể tiền "
    "lương ngày lễ, tết, ngày nghỉ có hưởng lương đối với người lao động hưởng lương ngày.\n"
    "2. Người lao động làm việc vào ban đêm thì được trả thêm ít nhất bằng 30% tiền lương "
    "tính theo đơn giá tiền lương hoặc tiền lương thực trả theo công việc của ngày làm việc "
    "bình thường.\n"
    "3. Người lao động làm thêm giờ vào ban đêm thì ngoài việc trả lương theo quy định tại "
    "khoản 1 và khoản 2 Điều này, người lao động còn được trả thêm 20% tiền lương tính theo "
    "đơn giá tiền lương hoặc tiền lương theo công việc làm vào ban ngày của ngày làm việc bình "
    "thường hoặc của ngày nghỉ hằng tuần hoặc của ngày nghỉ lễ, tết.\n"
    "4. Chính phủ quy định chi tiết Điều này.\n"
)

# Thông tư 15/2026/TT-BGDĐT (Điều lệ trường phổ thông), the principal's term.
PRINCIPAL = (
    "1. Hiệu trưởng\n"
    "a) Hiệu trưởng trường phổ thông là nhà giáo giữ chức vụ cán bộ quản lý cơ sở giáo dục, "
    "chịu trách nhiệm tổ chức, quản lý, điều hành các hoạt động và bảo đảm chất lượng giáo dục "
    "của nhà trường; chịu trách nhiệm giải trình cá nhân trước cấp có thẩm quyền và pháp luật "
    "về chất lượng giáo dục, an toàn trường học và các hoạt động của nhà trường;\n"
    "b) Người được bổ nhiệm làm hiệu trưởng trường phổ thông phải đạt tiêu chuẩn quy định tại "
    "khoản 3 Điều này và theo quy định của pháp luật;\n"
    "c) Nhiệm kỳ của hiệu trưởng trường phổ thông là 05 năm. Hiệu trưởng giữ chức vụ tại một "
    "trường công lập không quá hai nhiệm kì liên tiếp; trường hợp đối với vùng sâu, vùng xa, "
    "vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn do cấp có thẩm quyền bổ nhiệm xem "
    "xét, quyết định;\n"
    "d) Nhiệm vụ và quyền hạn của hiệu trưởng: xây dựng, tổ chức bộ máy nhà trường; thực hiện "
    "các nhiệm vụ quản lý hoạt động giáo dục, tài chính, tài sản của nhà trường theo quy định "
    "của pháp luật; tổ chức thực hiện dân chủ ở cơ sở, tiếp nhận ý kiến của giáo viên.\n"
)

# Công văn 5243/BGDĐT-NGCBQLGD and Luật Giáo dục (VBHN): footnote markers and blocks.
FOOTNOTED = (
    "Thực hiện Nghị quyết số 248/2025/QH15[1], Bộ Giáo dục và Đào tạo hướng dẫn các địa "
    "phương quản lý đội ngũ nhà giáo như sau.\n"
    "Điều 61. Trường phổ thông dân tộc nội trú, trường phổ thông nội trú,[44] trường dự bị "
    "đại học\n"
    "[1] Nghị quyết số 248/2025/QH15 ngày 10/12/2025 của Quốc hội về một số cơ chế, chính "
    "sách đặc thù, vượt trội để thực hiện đột phá phát triển giáo dục và đào tạo.\n"
    "[44] Cụm từ “trường phổ thông nội trú,” được bổ sung theo quy định tại điểm a khoản 31 "
    "Điều 1 của Luật số 123/2025/QH15 sửa đổi, bổ sung một số điều của Luật Giáo dục.\n"
)


def test_a_list_lead_brings_its_items() -> None:
    quote, _, _ = trim_quote(ARTICLE_98, ["thêm", "ngày", "chủ", "nhật", "trả", "lương"], 700)
    assert "như sau:\na) Vào ngày thường, ít nhất bằng 150%;" in quote
    assert "b) Vào ngày nghỉ hằng tuần, ít nhất bằng 200%;" in quote
    assert all(piece in ARTICLE_98 for piece in quote_segments(quote))


def test_list_items_stop_at_the_next_clause() -> None:
    sentences = sentence_spans(ARTICLE_98)
    lead = next(i for i, s in enumerate(sentences) if ARTICLE_98[s[1] - 1] == ":")
    items = [ARTICLE_98[slice(*sentences[j])][:2] for j in list_items(ARTICLE_98, sentences, lead)]
    assert items == ["a)", "b)", "c)"]
    assert list_items(ARTICLE_98, sentences, lead + 1) == []  # "a) …;" leads nothing


def test_the_best_sentence_keeps_the_rest_of_its_line() -> None:
    quote, _, _ = trim_quote(PRINCIPAL, ["nhiệm", "kỳ", "hiệu", "trưởng", "tối", "đa"], 400)
    assert "Nhiệm kỳ của hiệu trưởng trường phổ thông là 05 năm." in quote
    assert "không quá hai nhiệm kì liên tiếp" in quote
    assert ELLIPSIS in quote  # still trimmed: the other points are left out


def test_notes_and_footnote_markers_are_not_quoted() -> None:
    quote, start, end = trim_quote(FOOTNOTED, ["nghị", "quyết", "248", "nội", "trú"], 700)
    assert "248/2025/QH15, Bộ Giáo dục" in quote and "[1]" not in quote
    assert "trường phổ thông nội trú, trường dự bị" in quote and "[44]" not in quote
    assert "Cụm từ" not in quote and "ngày 10/12/2025 của Quốc hội" not in quote
    assert all(piece in unmarked(FOOTNOTED) for piece in quote_segments(quote))
    assert FOOTNOTED[start:end].startswith("Thực hiện Nghị quyết")


def test_inline_footnote_texts_are_not_quoted() -> None:
    text = ("Tổ chức đầy đủ các môn học, hoạt động giáo dục; dạy học 2 buổi/ngày[ Công văn số "
            "4567/BGDDT-GDPT ngày 05/8/2025 về việc hướng dẫn tổ chức dạy học 2 buổi/ngày.] phù "
            "hợp với điều kiện thực tế. Bảo đảm an toàn trường học. [ Thông tư số 32/2018/TT-"
            "BGDĐT ban hành Chương trình giáo dục phổ thông.]")
    quote, _, _ = trim_quote(text, ["dạy", "học", "buổi", "ngày"], 700)
    assert "dạy học 2 buổi/ngày phù hợp với điều kiện thực tế" in quote
    assert "Công văn số 4567" not in quote and "Thông tư số 32/2018" not in quote
    assert all(piece in unmarked(text) for piece in quote_segments(quote))
    assert unmarked("xem [ghi chú] và khoản [2]") == "xem [ghi chú] và khoản [2]"


def test_long_passages_skip_notes_too() -> None:
    long = FOOTNOTED + "Một câu khác không liên quan gì đến câu hỏi này cả. " * 20
    quote, _, _ = trim_quote(long, ["cụm", "từ", "bổ", "sung", "nội", "trú"], 300)
    assert "Cụm từ" not in quote and "[44]" not in quote


def test_is_note() -> None:
    assert is_note("[3] Điểm này được sửa đổi, bổ sung theo quy định tại điểm a khoản 1 Điều 1")
    assert is_note("Cụm từ “thị trấn” được thay thế bằng cụm từ “đặc khu” theo quy định tại")
    assert not is_note("Điều 61. Trường phổ thông dân tộc nội trú, trường phổ thông nội trú,[44]")
    assert not is_note("Hình thức kỷ luật cách chức chỉ áp dụng đối với viên chức quản lý.")


# Nghị định 299/2026/NĐ-CP, Điều 5 khoản 1: the answer is the fourth of the conditions.
CONDITIONS = (
    "1. Điều kiện thành lập đơn vị sự nghiệp công lập\n"
    "Đơn vị sự nghiệp công lập được thành lập khi đáp ứng các điều kiện sau:\n"
    "a) Phù hợp với quy hoạch ngành (nếu có) hoặc phương án phát triển mạng lưới các đơn vị sự "
    "nghiệp công lập theo ngành, lĩnh vực được cấp có thẩm quyền phê duyệt;\n"
    "b) Đáp ứng tiêu chí, điều kiện thành lập đơn vị sự nghiệp công lập theo quy định của pháp "
    "luật chuyên ngành (trừ đơn vị sự nghiệp công lập cung cấp dịch vụ sự nghiệp công cơ bản, "
    "thiết yếu đa ngành, đa lĩnh vực, bảo đảm phù hợp với điều kiện phát triển kinh tế - xã hội "
    "tại địa bàn cấp xã);\n"
    "c) Xác định rõ mục tiêu, chức năng, nhiệm vụ, lĩnh vực hoạt động của đơn vị sự nghiệp công "
    "lập;\n"
    "d) Đảm bảo số lượng người làm việc tối thiểu được giao là 15 người.\n"
    "2. Điều kiện tổ chức lại đơn vị sự nghiệp công lập\n"
)


def test_when_not_every_item_fits_the_items_that_answer_stay() -> None:
    terms = ["thành", "lập", "đơn", "vị", "tối", "thiểu", "người", "số", "lượng"]
    quote, _, _ = trim_quote(CONDITIONS, terms, 300)
    assert "các điều kiện sau:" in quote
    assert "d) Đảm bảo số lượng người làm việc tối thiểu được giao là 15 người." in quote
    assert ELLIPSIS in quote  # some other conditions left out


def test_a_hard_wrapped_text_stays_one_when_a_rejoined_word_lengthens_a_line() -> None:
    # CV 999-CV/BTGDVTU as stored: lines cut at the page width, "71-NQ/TW" rejoined at ingest
    text = clean_text(
        "- Tổ chức quán triệt, tuyên truyền, triển khai thực hiện Chương trình hành động\n"
        "số 09-CTrHĐ/TU bằng các hình thức, phương pháp phù hợp đến cán bộ, đảng viên,\n"
        "công chức, viên chức, người lao động và các tầng lớp Nhân dân nhằm tạo sự thống\n"
        "nhất trong nhận thức, hành động và quyết tâm thực hiện hiệu quả Nghị quyết số 71-\n"
        "NQ/TW, Chương trình hành động số 09-CTrHĐ/TU trong hệ thống chính trị và toàn\n"
        "xã hội; trong đó tập trung phổ biến, quán triệt sâu sắc quan điểm chỉ đạo và\n"
        "mục tiêu cụ thể đến năm 2030, 2035 và tầm nhìn đến năm 2045 về phát triển giáo\n"
        "dục và đào tạo.\n"
        "- Xây dựng kế hoạch triển khai Chương trình hành động của Thành ủy, đưa vào\n"
        "Nghị quyết thực hiện của địa phương từng giai đoạn, bảo đảm phù hợp với điều kiện\n"
        "thực tế.\n"
    )
    assert "Nghị quyết số 71-NQ/TW, Chương trình" in text
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    assert sentences[0].startswith("- Tổ chức quán triệt") and sentences[0].endswith("đào tạo.")
    assert sentences[1].startswith("- Xây dựng kế hoạch") and len(sentences) == 2


def test_rules_that_merely_mention_amendments_are_not_notes() -> None:
    assert is_note("Khoản này được sửa đổi, bổ sung theo quy định tại khoản 1 Điều 1 của Luật số")
    assert is_note("[12] Thông tư số 23/2026/TT-BGDĐT, Thông tư số 24/2026/TT-BGDĐT.")
    assert not is_note("Từ năm học 2026 - 2027, các trường được bổ sung kinh phí theo quy định.")
    assert not is_note("Điều này được áp dụng đối với cả cơ sở giáo dục tư thục.")
    assert not is_note("Danh mục được sửa đổi theo đề nghị của Sở.")


def test_item_markers_are_numbers_alone() -> None:
    assert all(is_item_marker(p) for p in ("1.", "2.1.", "a)", "II.", "Điều 16.", "… 3."))
    assert not any(is_item_marker(p) for p in ("1. Công đoàn có quyền.", "Điều 16. Lớp học",
                                               "khoản 3", "Khiển trách;"))


def test_a_long_clause_is_cut_late_not_at_an_early_comma() -> None:
    from retrieval.answers.quoting import clipped_end

    text = "Người đứng đầu lập danh sách, " + "trình cấp có thẩm quyền xem xét giải quyết " * 8
    end = clipped_end(text, 0, len(text), 120)
    assert end > 100 and text[end] == " "


def test_a_window_keeps_the_part_that_holds_the_question_words() -> None:
    from retrieval.answers.quoting import window

    text = ("Lãnh đạo, chỉ đạo việc xây dựng phương án tổng thể trên địa bàn gắn với việc chuẩn bị "
            "toàn diện cho năm học mới; chỉ đạo kiện toàn tổ chức, cơ cấu lại đội ngũ; phân công "
            "các đồng chí Ủy viên Ban Thường vụ trực tiếp theo dõi, kiểm tra, đôn đốc.")
    start, end = window(text, (0, len(text)), ["phân", "công", "theo", "dõi"], 120)
    assert start > 0 and end - start <= 120
    assert "phân công các đồng chí Ủy viên Ban Thường vụ trực tiếp theo dõi" in text[start:end]
    assert window(text, (0, len(text)), ["phương", "án"], 120)[0] == 0

