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
