"""The question parsed once: its views, what it asks, and the one question vocabulary."""

from __future__ import annotations

import itertools

import pytest

from corpus.text import bare_view
from retrieval.query import (
    BARE_STOPWORDS,
    HIGHLIGHT_STOPWORDS,
    STOPWORDS,
    asks_for_list,
    parse_query,
    question_tokens,
)


def test_the_stop_word_lists_share_one_vocabulary() -> None:
    bare_stop = {bare_view(w) for w in STOPWORDS}
    assert bare_stop >= BARE_STOPWORDS
    # without diacritics "noi" is nơi and nội: kept as a content word
    assert "nơi" in STOPWORDS and "noi" not in BARE_STOPWORDS
    assert bare_stop >= HIGHLIGHT_STOPWORDS


def test_views_and_what_the_answer_reads() -> None:
    q = parse_query("  Sở GD&ĐT   Hà Nội có trách nhiệm gì về kinh phí, hạn nộp khi nào? ")
    assert q.text == "Sở GD&ĐT Hà Nội có trách nhiệm gì về kinh phí, hạn nộp khi nào?"
    assert q.accented and q.intent == "obligation"
    assert q.actor == "so giao duc va dao tao ha noi"
    assert q.wants_deadline
    assert {"kinh", "phi"} <= q.topic and not q.topic & {"so", "ha", "noi", "han"}
    assert "kinh" in q.highlight_terms and "có" not in q.highlight_terms
    assert ("kinh", "phí") in q.content_pairs


def test_tokens_keep_stop_words_as_gaps() -> None:
    tokens = question_tokens("cac don vi phai lam gi theo NQ 02")
    assert tokens[:3] == [None, "don", "vi"]
    assert "2" in tokens and "nghi" in tokens  # NQ expanded, 02 as a number
    q = parse_query("cac don vi phai lam gi theo NQ 02")
    assert q.tokens == tuple(tokens) and not q.accented
    assert ("don", "vi") in q.content_pairs and ("vi", "nghi") not in q.content_pairs


def test_intents_and_the_empty_question() -> None:
    assert parse_query("văn bản nào triển khai nghị quyết 71").intent == "implementing"
    assert parse_query("Kinh phí công đoàn là bao nhiêu?").intent == "general"
    empty = parse_query("   ")
    assert not empty and empty.intent == "general" and empty.actor is None
    assert not empty.tokens and not empty.topic and not empty.highlight_terms


@pytest.mark.parametrize(("question", "listing"), [
    ("Đoàn viên công đoàn có những quyền gì?", True),
    ("ho so gom nhung gi", True),
    ("Trường bị giải thể trong trường hợp nào?", True),
    ("Viên chức bị kỷ luật có các hình thức nào", True),
    ("Giáo viên có được dạy thêm không?", False),
    ("nhung giao vien nghi phep thi sao", False),  # "nhưng", not a list
])
def test_list_questions_are_recognised(question: str, listing: bool) -> None:
    assert asks_for_list(parse_query(question).bare) is listing


@pytest.mark.parametrize(("question", "intent"), [
    ("Giáo viên có bắt buộc làm giáo án giấy không?", "general"),  # "làm giáo", not "làm gì"
    ("can le tren duoi trai phai bao nhieu mm", "general"),  # "trái phải", not "ai phải"
    ("Ai được cản trở việc gia nhập công đoàn không?", "general"),  # "việc gia", not "việc gì"
    ("Giáo viên phải làm gì khi dạy thêm?", "obligation"),
    ("hieu truong phai lam gi", "obligation"),
])
def test_intent_cues_match_whole_words_only(question: str, intent: str) -> None:
    assert parse_query(question).intent == intent


@pytest.mark.parametrize(("question", "intent"), [
    ("Bảng điểm điện tử năm nay triển khai thế nào?", "general"),  # how a thing is done
    ("thu hoc phi truc tuyen thuc hien ra sao", "general"),
    ("Phòng GDĐT triển khai thế nào việc thu học phí?", "obligation"),  # a party is named
    ("Nhà trường thực hiện như thế nào?", "obligation"),
    ("Bảng điểm điện tử ai phải triển khai thế nào?", "obligation"),  # "ai phải" asks for duties
])
def test_how_is_it_done_asks_for_duties_only_of_a_party(question: str, intent: str) -> None:
    assert parse_query(question).intent == intent


@pytest.mark.parametrize(("question", "compound"), [
    ("Nhà trường có được vận động phụ huynh đóng góp để mua thiết bị không?", ("thiết", "bị")),
    ("tro cap thoi viec tinh the nao", ("thoi", "viec")),
    ("Ban Thường vụ Tỉnh ủy có trách nhiệm gì?", ("thường", "vụ")),
])
def test_a_compound_holding_a_stop_syllable_stays_whole(
    question: str, compound: tuple[str, str]
) -> None:
    query = parse_query(question)
    assert set(compound) <= set(query.evidence_words)
    assert compound in query.evidence_pairs


def test_a_stop_syllable_kept_in_its_compound_joins_no_pair_outside_it() -> None:
    tokens = question_tokens("mua thiết bị mới")
    assert ("bị", "mới") not in set(itertools.pairwise(tokens))
    assert question_tokens("có được không") == [None, None, None]


def test_colloquial_particles_are_no_topic_words() -> None:
    words = parse_query("Em hỏi hẳn là có được hay không ạ, thưa anh chị?").evidence_words
    assert not {"hay", "hẳn", "ạ", "thưa"} & set(words)
    # without diacritics "han" is also "hạn" (a deadline): it stays a word
    assert "han" in parse_query("han chot nop bao cao").evidence_words


def test_the_party_asked_about_reads_as_people_write_it() -> None:
    from retrieval.query import actor_words

    query = parse_query("GV dạy thêm ở trung tâm bên ngoài phải báo cáo HT những gì?")
    assert actor_words(query.text, query.actor) == "giáo viên dạy thêm ở trung tâm bên ngoài"
    query = parse_query("HT phải làm gì")
    assert actor_words(query.text, query.actor) == "hiệu trưởng"
