from retrieval.analyzer import Analyzer, abbreviations


def test_question_without_diacritics_meets_document_tokens() -> None:
    an = Analyzer()
    doc = set(an.document_tokens("Thực hiện Nghị quyết số 02-NQ/TW của Bộ Chính trị"))
    plain = an.query_tokens("nghi quyet 02")
    assert all(not t.startswith("~") or "_" in t or t in doc for t in plain)
    assert {"~nghi", "~quyet", "~2", "~nghi_quyet", "#NQ:2"} <= set(plain) & doc


def test_accented_question_uses_accented_and_bare_tokens() -> None:
    toks = Analyzer().query_tokens("nghị quyết")
    assert "nghị" in toks and "~nghi" in toks and "nghị_quyết" in toks


def test_abbreviations_expand_at_query_and_index_time() -> None:
    an = Analyzer()
    assert abbreviations()["gdđt".replace("đ", "d")] == "giáo dục và đào tạo"
    q = an.query_tokens("cv cua so gd&dt")
    assert "~cong_van" in q and "~giao_duc" in q
    doc = an.document_tokens("Phòng GD&ĐT các huyện")
    assert "giáo_dục" in doc


def test_leading_zeros_do_not_matter() -> None:
    an = Analyzer()
    assert "2" in an.query_tokens("số 02") and "2" in an.document_tokens("số 2")
