"""The sentences on top of an answer (retrieval.answers.direct), on small texts."""

from __future__ import annotations

from corpus.models import Passage
from retrieval.answers.direct import MAX_UNIT_CHARS, direct_answer
from retrieval.answers.model import Citation, DocumentGroup, Quote
from retrieval.query import parse_query


def _group(*quotes: Quote) -> DocumentGroup:
    cit = Citation(
        document_id=1,
        doc_type="Luật",
        number="1/2020/QH14",
        number_key=None,
        issuer="Quốc hội",
        date_text="2020",
        subject="Viên chức",
        title="",
        status="in_force",
    )
    return DocumentGroup(cit, list(quotes))


def _passage(pid: int, text: str, section: str = "") -> Passage:
    return Passage(
        id=pid, document_id=1, ordinal=pid, section=section, text=text, content_hash=str(pid)
    )


def _quote(pid: int, text: str, section: str = "") -> Quote:
    return Quote(pid, 1, section, text, 0, len(text), 1.0)


DISCIPLINE = (
    "Điều 52. Các hình thức kỷ luật đối với viên chức\n"
    "1. Viên chức vi phạm quy định thì phải chịu một trong các hình thức kỷ luật sau:\n"
    "a) Khiển trách;\nb) Cảnh cáo;\nc) Cách chức;\nd) Buộc thôi việc.\n"
    "2. Hình thức cách chức chỉ áp dụng đối với viên chức quản lý."
)


def test_a_list_lead_brings_its_items_from_the_whole_passage_under_the_article_title() -> None:
    # the quote kept the lead only; the passage holds the items
    quote = _quote(
        5,
        "1. Viên chức vi phạm quy định thì phải chịu một trong các hình thức kỷ luật sau:",
        "Điều 52 > 1",
    )
    direct = direct_answer(
        parse_query("Viên chức vi phạm bị kỷ luật theo hình thức nào?"),
        [_group(quote)],
        {5: _passage(5, DISCIPLINE, "Điều 52 > 1")},
    )
    texts = [d.text for d in direct]
    assert texts[0] == "Điều 52. Các hình thức kỷ luật đối với viên chức"
    assert texts[1].endswith(
        "kỷ luật sau:\na) Khiển trách;\nb) Cảnh cáo;\nc) Cách chức;\nd) Buộc thôi việc."
    )
    assert all(t in DISCIPLINE for t in texts)  # verbatim


def test_without_the_passage_the_quote_is_read() -> None:
    quote = _quote(5, DISCIPLINE)
    direct = direct_answer(
        parse_query("vien chuc bi ky luat co nhung hinh thuc nao"), [_group(quote)]
    )
    assert any("a) Khiển trách;\nb) Cảnh cáo;" in d.text for d in direct)


def test_a_long_sentence_answers_with_its_clause() -> None:
    text = (
        "Điều khoản chuyển tiếp quy định: (1) chứng chỉ bồi dưỡng theo hạng được cấp trước "
        "ngày 31/12/2026 được xác định tương đương với chứng chỉ mới ở cấp học tương ứng; "
        "(2) nhà giáo được tuyển dụng trước ngày Thông tư có hiệu lực thì không yêu cầu "
        "đáp ứng tiêu chuẩn có chứng chỉ bồi dưỡng trong mọi trường hợp được nêu tại đây; "
        "(3) nhà giáo được tuyển dụng sau ngày đó thì phải có chứng chỉ bồi dưỡng trong "
        "thời hạn 12 tháng kể từ ngày chương trình bồi dưỡng có hiệu lực thi hành."
    )
    direct = direct_answer(
        parse_query("tuyển dụng sau thì bao lâu phải có chứng chỉ bồi dưỡng"),
        [_group(_quote(7, text))],
        {7: _passage(7, text)},
    )
    texts = [d.text for d in direct]
    assert any(
        t.startswith("(3) nhà giáo được tuyển dụng sau ngày đó") and t.endswith("thi hành.")
        for t in texts
    )
    assert not any("31/12/2026" in t for t in texts)  # not the whole sentence


def test_a_long_list_is_cut_with_an_ellipsis() -> None:
    items = "\n".join(
        f"{chr(97 + i)}) Hồ sơ số {i} gồm bản sao giấy tờ chứng minh điều kiện "
        f"về cơ sở vật chất, đội ngũ và tài chính của đơn vị;"
        for i in range(12)
    )
    text = f"Hồ sơ đề nghị thành lập trường gồm các giấy tờ sau:\n{items}"
    direct = direct_answer(
        parse_query("hồ sơ đề nghị thành lập trường gồm những gì"),
        [_group(_quote(3, text))],
        {3: _passage(3, text)},
    )
    assert direct[0].text.startswith("Hồ sơ đề nghị thành lập trường gồm các giấy tờ sau:\na)")
    assert direct[0].text.endswith("…") and len(direct[0].text) <= MAX_UNIT_CHARS + 1


def test_a_title_alone_never_answers_and_shows_only_above_its_own_article() -> None:
    leave = "Điều 113. Nghỉ hằng năm\nNgười lao động làm việc đủ 12 tháng thì được nghỉ hằng năm 12 ngày làm việc."
    other = "Điều 115. Nghỉ việc riêng\nNgười lao động được nghỉ việc riêng 03 ngày khi kết hôn."
    direct = direct_answer(
        parse_query("người lao động được nghỉ hằng năm mấy ngày"),
        [_group(_quote(1, leave), _quote(2, other))],
        {1: _passage(1, leave), 2: _passage(2, other)},
    )
    assert [d.text for d in direct][:2] == [
        "Điều 113. Nghỉ hằng năm",
        "Người lao động làm việc đủ 12 tháng thì được nghỉ hằng năm 12 ngày làm việc.",
    ]


UNION = (
    "Điều 17. Quyền thành lập công đoàn\n"
    "Người lao động có quyền thành lập, gia nhập và hoạt động công đoàn.\n"
    "Điều 18. Quyền của đoàn viên công đoàn\n"
    "1. Yêu cầu Công đoàn đại diện, bảo vệ quyền, lợi ích hợp pháp khi bị xâm phạm.\n"
    "2. Được thông tin, thảo luận, đề xuất và biểu quyết công việc của Công đoàn; được thông tin "
    "về đường lối, chủ trương, chính sách của Đảng và pháp luật của Nhà nước liên quan đến "
    "Công đoàn, người lao động; quy định của Công đoàn.\n"
    "3. Được Công đoàn tư vấn pháp luật, trợ giúp pháp lý miễn phí.\n"
    "4. Được Công đoàn thăm hỏi, giúp đỡ lúc ốm đau.\n"
    "Điều 19. Trách nhiệm của đoàn viên công đoàn\n"
    "1. Chấp hành Điều lệ Công đoàn Việt Nam."
)


def test_a_list_question_is_answered_by_the_article_with_its_clauses() -> None:
    direct = direct_answer(
        parse_query("doan vien cong doan co nhung quyen gi"),
        [_group(_quote(4, UNION))],
        {4: _passage(4, UNION)},
    )
    [unit] = [d.text for d in direct]
    assert unit.startswith("Điều 18. Quyền của đoàn viên công đoàn\n1. Yêu cầu Công đoàn")
    assert "\n3. Được Công đoàn tư vấn pháp luật, trợ giúp pháp lý miễn phí.\n" in unit
    # a long clause shows its first part only, the rest stays in the sources
    assert (
        "\n2. Được thông tin, thảo luận, đề xuất và biểu quyết công việc của Công đoàn;…\n" in unit
    )
    assert "Điều 19" not in unit


def test_a_lone_question_is_answered_by_its_sentence_not_by_the_article() -> None:
    direct = direct_answer(
        parse_query("người lao động có quyền thành lập công đoàn không"),
        [_group(_quote(4, UNION))],
        {4: _passage(4, UNION)},
    )
    assert [d.text for d in direct][:2] == [
        "Điều 17. Quyền thành lập công đoàn",
        "Người lao động có quyền thành lập, gia nhập và hoạt động công đoàn.",
    ]


ARCHIVE = (
    "Điều 30. Nộp lưu hồ sơ vào Lưu trữ cơ quan\n"
    "1. Hồ sơ nộp lưu vào Lưu trữ cơ quan phải đủ thành phần, đúng thời hạn.\n"
    "2. Thời hạn nộp lưu hồ sơ vào Lưu trữ cơ quan\n"
    "a) Trong thời hạn 01 năm kể từ ngày công việc kết thúc;\n"
    "b) Trong thời hạn 03 tháng kể từ ngày công trình được quyết toán.\n"
    "3. Thủ tục nộp lưu hồ sơ vào Lưu trữ cơ quan do Văn thư hướng dẫn."
)


def test_a_numbered_title_brings_its_items_and_the_asked_value_may_stand_in_one() -> None:
    direct = direct_answer(
        parse_query("hồ sơ phải nộp lưu vào lưu trữ cơ quan trong bao lâu"),
        [_group(_quote(6, ARCHIVE))],
        {6: _passage(6, ARCHIVE)},
    )
    texts = [d.text for d in direct]
    assert (
        "2. Thời hạn nộp lưu hồ sơ vào Lưu trữ cơ quan\na) Trong thời hạn 01 năm kể từ ngày "
        "công việc kết thúc;\nb) Trong thời hạn 03 tháng" in "\n".join(texts)
    )


def test_a_sentence_printed_twice_is_shown_once() -> None:
    term = "3. Nhiệm kỳ của Ban Thanh tra nhân dân là 02 năm."
    first = f"Điều 77. Ban Thanh tra nhân dân\n1. Ban Thanh tra nhân dân có từ 03 đến 05 thành viên.\n{term}"
    note = f"Khoản này được hợp nhất như sau:\n{term}"
    direct = direct_answer(
        parse_query("nhiệm kỳ Ban Thanh tra nhân dân bao lâu"),
        [_group(_quote(1, first), _quote(2, note))],
        {1: _passage(1, first), 2: _passage(2, note)},
    )
    assert [d.text for d in direct].count(term) == 1


def test_the_best_sentence_brings_the_short_one_after_it_on_its_line() -> None:
    text = (
        "Giáo viên tuyển dụng mới phải có chứng chỉ bồi dưỡng trong thời hạn 12 tháng. "
        "Tuy nhiên, hiện nay chưa yêu cầu giáo viên phải có ngay chứng chỉ.\n"
        "Kinh phí bồi dưỡng do đơn vị bảo đảm."
    )
    direct = direct_answer(
        parse_query("giáo viên mới tuyển bao lâu phải có chứng chỉ bồi dưỡng"),
        [_group(_quote(8, text))],
        {8: _passage(8, text)},
    )
    assert direct[0].text == text.split("\n")[0]


DEFINITIONS = (
    "Điều 4. Giải thích từ ngữ\n"
    "2. Công đoàn cơ sở là tổ chức cơ sở của Công đoàn, tập hợp đoàn viên công đoàn trong một "
    "hoặc một số cơ quan, tổ chức, doanh nghiệp."
)
RIGHTS = (
    "Điều 10. Đại diện, bảo vệ quyền, lợi ích hợp pháp, chính đáng của người lao động\n"
    "1. Hướng dẫn, tư vấn cho người lao động về quyền, nghĩa vụ của người lao động."
)


def test_a_definition_answers_what_a_word_means_only() -> None:
    group = _group(_quote(1, DEFINITIONS, "Điều 4 > 2"), _quote(2, RIGHTS, "Điều 10"))
    passages = {1: _passage(1, DEFINITIONS, "Điều 4 > 2"), 2: _passage(2, RIGHTS, "Điều 10")}
    asked = direct_answer(parse_query("cong doan co so co quyen gi"), [group], passages)
    assert asked and all("tập hợp đoàn viên" not in d.text for d in asked)
    meaning = direct_answer(parse_query("công đoàn cơ sở là gì"), [group], passages)
    assert any("tập hợp đoàn viên" in d.text for d in meaning)
