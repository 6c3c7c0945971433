"""Staff wording meets the documents' wording through data/thesaurus.tsv, lexically."""

from __future__ import annotations

from importlib import resources

from retrieval.analyzer import Analyzer, thesaurus_terms
from retrieval.lexical import LexicalIndex


def _entries() -> list[list[str]]:
    text = resources.files("retrieval").joinpath("data/thesaurus.tsv").read_text("utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def test_every_entry_has_official_terms_and_a_reason() -> None:
    entries = _entries()
    assert len(entries) >= 40
    phrases = [e[0] for e in entries]
    assert len(set(phrases)) == len(phrases)
    for entry in entries:
        assert len(entry) == 3 and all(part.strip() for part in entry), entry
        assert len(entry[0].split()) >= 2, entry  # one bare syllable means too many things


def test_phrases_match_with_or_without_diacritics_longest_first() -> None:
    assert "thai sản" in thesaurus_terms("cô giáo sinh con được nghỉ bao lâu")
    assert "thai san" in thesaurus_terms("co giao sinh con duoc nghi bao lau")
    assert thesaurus_terms("Nghỉ việc riêng mấy ngày?") == []  # its own term, not "nghỉ việc"
    assert thesaurus_terms("dạy thêm học thêm có bị cấm") == []  # says the official terms
    assert thesaurus_terms("sinh viên con nhà nghèo") == []  # whole words, in order


def test_official_terms_reach_the_query_only() -> None:
    an = Analyzer()
    assert "~thai_san" in an.query_tokens("sinh con duoc nghi bao lau")
    assert "thai_sản" in an.query_tokens("sinh con được nghỉ bao lâu")
    assert not any("thai" in t for t in an.document_tokens("Cô ấy sinh con năm ngoái."))
    assert not any("thai" in t for t in Analyzer(expand_abbreviations=False).query_tokens(
        "sinh con được nghỉ bao lâu"
    ))


def test_a_colloquial_question_finds_the_official_passage_first() -> None:
    an = Analyzer()
    passages = [
        "Lao động nữ được nghỉ thai sản trước và sau khi sinh là 06 tháng.",
        "Người lao động được nghỉ việc riêng mà vẫn hưởng nguyên lương khi kết hôn: nghỉ 03 ngày.",
        "Giáo viên chủ nhiệm được cho phép học sinh nghỉ học không quá 03 ngày liên tục.",
        "Con của người lao động được đi học tại trường gần nhà.",
    ]
    index = LexicalIndex.build([an.document_tokens(p) for p in passages])
    for question, expected in (
        ("chị ấy sinh con thì được bao lâu", 0),
        ("GVCN cho hs nghi may ngay", 2),
    ):
        assert int(index.scores(an.query_tokens(question)).argmax()) == expected, question
    plain = Analyzer(expand_abbreviations=False)
    question = "nhan vien cuoi vo co duoc nghi khong"
    with_terms, without = (index.scores(a.query_tokens(question)) for a in (an, plain))
    assert with_terms[1] > without[1] and with_terms[0] == without[0]
