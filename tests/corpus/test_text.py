from corpus.text import clean_text, fold, has_diacritics, normalize_tones, strip_diacritics


def test_one_tone_placement_for_open_clusters() -> None:
    assert normalize_tones("hoà thoả khoẻ thuý") == "hòa thỏa khỏe thúy"
    assert normalize_tones("Uỷ ban") == "Ủy ban"
    # with a final consonant, or after "q", both styles already agree
    assert normalize_tones("hoàn quý") == "hoàn quý"


def test_fold_equates_both_spellings() -> None:
    assert fold("THOẢ THUẬN") == fold("thỏa thuận")


def test_strip_diacritics() -> None:
    assert strip_diacritics("Nghị quyết Đảng ủy") == "Nghi quyet Dang uy"
    assert has_diacritics("nghị quyết") and not has_diacritics("nghi quyet 02")


def test_clean_text_repairs_spaces_and_line_endings() -> None:
    raw = "Dòng\u00a0một  có\u200b khoảng trắng\r\n\r\n\r\n\r\nDòng hai   \n"
    assert clean_text(raw) == "Dòng một có khoảng trắng\n\nDòng hai\n"


def test_clean_text_rejoins_wrapped_pdf_lines() -> None:
    raw = "Sở Giáo dục và Đào tạo đề nghị thủ trưởng các đơn vị tổ chức\nnghiên cứu quán triệt.\n1. Mục mới"
    out = clean_text(raw, rejoin_wrapped=True)
    assert "tổ chức nghiên cứu quán triệt." in out
    assert "\n1. Mục mới" in out


def test_clean_text_of_whitespace_is_empty() -> None:
    assert clean_text(" \n\t\n") == ""


def test_sentence_over_a_page_break_is_joined_in_pdf_text() -> None:
    body = "Thủ trưởng đơn vị phối hợp với tổ chức công đoàn xây dựng kế hoạch của Công đoàn"
    joined = clean_text(f"{body}\f2\nViệt Nam trong tình hình mới.\n", rejoin_wrapped=True)
    assert joined == f"{body} Việt Nam trong tình hình mới.\n"
    # a page ending a sentence, or a heading, keeps its break
    assert clean_text("thực hiện./.\fNơi nhận:\n", rejoin_wrapped=True) == "thực hiện./.\n\nNơi nhận:\n"
    assert clean_text("KẾ HOẠCH\fPHỤ LỤC\n", rejoin_wrapped=True) == "KẾ HOẠCH\n\nPHỤ LỤC\n"
    assert "\n\n" in clean_text(f"{body}\fViệt Nam.\n")  # not PDF text: unchanged


# A paragraph as pypdf gives it (the 999-CV/BTGDVTU dispatch), line ends where the page cut.
_PDF_PARAGRAPH = (
    "- Tổ chức quán triệt, tuyên truyền, triển khai thực hiện Chương trình hành động\n"
    "số 09-CTrHĐ/TU bằng các hình thức phù hợp nhằm tạo sự thống\n"
    "nhất trong nhận thức, hành động và quyết tâm thực hiện hiệu quả Nghị quyết số 71-\n"
    "NQ/TW, Kế hoạch số 15/KH-\n"
    "CĐN về tổ chức năm học 2026-\n"
    "2027 và bảo đảm thực hi-\n"
    "ện đúng tiến độ; TRƯỜNG THPT NGUYỄN TRƯ-\n"
    "ỜNG TỘ báo cáo kết quả.\n"
    "- Xây dựng kế hoạch triển khai Chương trình hành động của Thành ủy -\n"
    "Độc lập - Tự do - Hạnh phúc\n"
)


def test_hyphen_at_a_line_end_keeps_a_document_number_whole() -> None:
    for wrapped in (False, True):
        out = clean_text(_PDF_PARAGRAPH, rejoin_wrapped=wrapped)
        assert "Nghị quyết số 71-NQ/TW," in out
        assert "Kế hoạch số 15/KH-CĐN về" in out
        assert "năm học 2026-2027 và" in out
        assert "71NQ" not in out and "KHCĐN" not in out and "20262027" not in out


def test_hyphen_inside_a_syllable_is_dropped() -> None:
    out = clean_text(_PDF_PARAGRAPH)
    assert "bảo đảm thực hiện đúng tiến độ" in out
    assert "TRƯỜNG TỘ" in out


def test_list_dashes_and_spaced_dashes_are_kept() -> None:
    out = clean_text(_PDF_PARAGRAPH)
    assert out.startswith("- Tổ chức quán triệt")
    assert "\n- Xây dựng kế hoạch" in out
    assert "Thành ủy -\nĐộc lập - Tự do - Hạnh phúc" in out
    assert "09-CTrHĐ/TU" in out


def test_wrapped_lines_without_hyphen_are_left_alone_outside_pdf() -> None:
    out = clean_text(_PDF_PARAGRAPH)
    assert "Chương trình hành động\nsố 09-CTrHĐ/TU" in out
