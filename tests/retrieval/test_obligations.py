"""Who must do what, by when: extraction over the bundled samples (no model needed)."""

from __future__ import annotations

import pytest

from corpus.models import Document, Passage
from corpus.store import CorpusStore
from retrieval.answers.obligations import (
    Duty,
    actor_key,
    actors_match,
    deadlines,
    default_actor,
    extract_duties,
    rank_duties,
)
from retrieval.query import parse_query


def _doc(store: CorpusStore, source_prefix: str) -> tuple[Document, list[Passage]]:
    docs, _ = store.list_documents(limit=50)
    doc = next(d for d in docs if d.source_name.startswith(source_prefix))
    assert doc.id is not None
    return doc, store.passages_of(doc.id)


def _by_actor(duties: list[Duty]) -> dict[str, list[Duty]]:
    out: dict[str, list[Duty]] = {}
    for d in duties:
        out.setdefault(d.actor, []).append(d)
    return out


def _verbatim(duties: list[Duty], passages: list[Passage]) -> None:
    text_of = {p.id: p.text for p in passages}
    for d in duties:
        action = d.action.removesuffix("…")
        assert action in text_of[d.passage_id]
        assert text_of[d.passage_id][d.start : d.start + len(action)] == action


def test_long_an_dispatch_assigns_work_to_heads_of_units_and_the_union(
    seeded_store: CorpusStore,
) -> None:
    doc, passages = _doc(seeded_store, "seed-000")
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    by_actor = _by_actor(duties)
    heads = by_actor["Thủ trưởng các đơn vị"][0].action
    assert "tổ chức nghiên cứu quán triệt Nghị quyết số 02-NQ/TW" in heads
    assert "đến đội ngũ công chức, viên chức" in heads
    assert "phối hợp với tổ chức công đoàn tham mưu cấp ủy" in by_actor["Thủ trưởng đơn vị"][0].action
    union = [d.action for d in by_actor["Thường trực Công đoàn ngành Giáo dục và Đào tạo"]]
    assert any("tham mưu các cấp lãnh đạo" in a for a in union)
    # the sentence without a subject continues the previous one
    assert any(a.startswith("Xây dựng các chương trình phối hợp") and "lâu dài" in a for a in union)
    # "… đề nghị các đơn vị nghiêm túc triển khai thực hiện./." closes the letter, no duty
    assert "Các đơn vị" not in by_actor
    assert len(duties) == 4
    # "Căn cứ …" and "Thực hiện Kế hoạch số …" cite documents, they assign nothing
    assert not any(d.action.startswith(("Căn cứ", "Thực hiện Kế hoạch")) for d in duties)
    # the two spellings of the heads of units group together
    assert actor_key("Thủ trưởng các đơn vị") == actor_key("Thủ trưởng đơn vị")


def test_hanoi_news_item_attributes_duties_across_paragraphs(seeded_store: CorpusStore) -> None:
    doc, passages = _doc(seeded_store, "seed-002")
    by_actor = _by_actor(extract_duties(doc, passages))
    so = [d.action for d in by_actor["Sở GD&ĐT Hà Nội"]]
    assert so[0].startswith("Còn Sở GD&ĐT Hà Nội sẽ chủ động phối hợp chỉ đạo")
    assert any(a.startswith("Hỗ trợ kinh phí để Công đoàn Giáo dục Hà Nội") for a in so)
    assert any("chỉ đạo các phòng GD&ĐT quận, huyện, thị xã" in a for a in so)
    union = [d.action for d in by_actor["Công đoàn ngành Giáo dục Hà Nội"]]
    assert any("Kế hoạch liên tịch" in a for a in union)
    # a news report of what happened assigns nothing
    assert not any("đã diễn ra" in d.action for d in extract_duties(doc, passages))


def test_cv_5243_actors_and_deadlines(seeded_store: CorpusStore) -> None:
    doc, passages = _doc(seeded_store, "cong-van-5243")
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    # the closing "trân trọng đề nghị Ủy ban nhân dân các tỉnh … chỉ đạo và thực hiện" names the
    # addressee of every sentence without a subject
    assert default_actor(doc) == "Uỷ ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
    training = [d for d in duties if d.actor == "Các địa phương"]
    assert training and any(d.deadline == "trước ngày 30/9/2026" for d in training)
    promotion = next(d for d in duties if "xét thăng hạng" in d.action)
    assert promotion.deadline == "đến hết ngày 31/12/2026"  # not "trước ngày 30/6/2026": a condition
    assert promotion.actor == "Uỷ ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
    # the ministry's report of its own work is no duty
    assert not any(d.action.startswith("Bộ Giáo dục và Đào tạo đang") for d in duties)


def test_cv_5208_actors_and_deadlines(seeded_store: CorpusStore) -> None:
    doc, passages = _doc(seeded_store, "cong-van-5208")
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    by_actor = _by_actor(duties)
    assert any(a.startswith("hiệu trưởng chịu trách nhiệm tổ chức thực hiện kế hoạch giáo dục")
               for a in (d.action for d in by_actor["Hiệu trưởng"]))
    textbooks = next(d for d in duties if d.action.startswith("Bảo đảm cung ứng đầy đủ, kịp thời"))
    assert textbooks.actor == "Sở GDĐT" and textbooks.deadline == "trước khi bắt đầu năm học"
    plan = next(d for d in duties if "kế hoạch nhiệm vụ giáo dục phổ thông năm học 2026-2027"
                in d.action)
    assert plan.actor == "Sở GDĐT" and plan.explicit
    assert any("báo cáo vướng mắc" in d.action and d.actor == "Sở GDĐT" for d in duties)
    assert actor_key("Sở GDĐT") == actor_key("Sở GD&ĐT") == actor_key("Sở GDDT")
    # headings are not duties
    assert not any(d.action == "Xây dựng và thực hiện kế hoạch giáo dục nhà trường" for d in duties)


def test_hard_wrapped_dispatch_keeps_the_actor_list(seeded_store: CorpusStore) -> None:
    doc, passages = _doc(seeded_store, "cong-van-999")
    duties = extract_duties(doc, passages)
    first = duties[0]
    assert first.actor.startswith("Ban Tuyên giáo và Dân vận các đảng ủy trực thuộc Thành ủy")
    assert "Ban Xây dựng Đảng các phường, xã" in first.actor  # "Xây dựng" here is a name
    assert any(d.action.startswith("- Tổ chức quán triệt") and d.actor == first.actor
               for d in duties)


def test_deadline_phrases() -> None:
    assert deadlines("Các trường gửi báo cáo trước ngày 15/12/2026.") == ["trước ngày 15/12/2026"]
    assert deadlines("Định kỳ hằng năm báo cáo kết quả.") == ["hằng năm"]
    assert deadlines("trong thời hạn 12 tháng kể từ ngày có hiệu lực") == [
        "trong thời hạn 12 tháng kể từ ngày có hiệu lực"
    ]
    assert deadlines("các quyết định đã ban hành trước ngày 01/7/2026") == []
    assert deadlines("chậm nhất ngày 30 tháng 6 năm 2027") == ["chậm nhất ngày 30 tháng 6 năm 2027"]


@pytest.mark.parametrize(
    ("question", "actor"),
    [
        ("Các đơn vị phải làm gì để thực hiện Nghị quyết 02?", "don vi"),
        ("cac don vi phai lam gi theo nq 02", "don vi"),
        ("Sở GD&ĐT Hà Nội có trách nhiệm gì trong phối hợp với Công đoàn ngành?",
         "so giao duc va dao tao ha noi"),
        ("Theo công văn 5243, các địa phương phải hoàn thành bồi dưỡng khi nào?", "dia phuong"),
        ("Phải làm gì để thực hiện NQ 02?", None),
        # staff abbreviations and the asker's own place are normalised away
        ("HT trường mình cần làm gì theo CV của Sở GD&ĐT Long An về NQ 02?", "hieu truong"),
        ("GVCN có những nhiệm vụ gì cuối năm học?", "giao vien chu nhiem"),
        # words before "phải" that name no party are no actor
        ("CV 4054 lộ trình sắp xếp trường: trước 30/8/2026 phải xong việc gì?", None),
    ],
)
def test_question_actor(question: str, actor: str | None) -> None:
    assert parse_query(question).actor == actor


def test_actors_match_and_ranking(seeded_store: CorpusStore) -> None:
    assert actors_match("don vi", "thu truong don vi")
    assert not actors_match("so giao duc va dao tao ha noi", "thu truong don vi")
    doc, passages = _doc(seeded_store, "seed-002")
    ranked = rank_duties(extract_duties(doc, passages), terms=["kinh", "phí"],
                         actor="so giao duc va dao tao ha noi", wants_deadline=False)
    assert ranked[0].actor == "Sở GD&ĐT Hà Nội" and "kinh phí" in ranked[0].action


def _actors(text: str) -> list[str]:
    """The parties of the duties read from ``text`` (one passage a paragraph), each duty
    checked verbatim against its passage."""
    doc, passages = _synthetic(text)
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    return [d.actor for d in duties]


def _synthetic(text: str) -> tuple[Document, list[Passage]]:
    doc = Document(id=1, title="Công văn thử", text=text, recipients=[])
    passages = [Passage(id=10 + i, document_id=1, ordinal=i, section="", text=part,
                        start=text.index(part), end=text.index(part) + len(part))
                for i, part in enumerate(text.split("\n\n"))]
    return doc, passages


def test_the_party_asked_comes_before_a_wider_one() -> None:
    doc, passages = _synthetic(
        "Giáo viên có nhiệm vụ tổng hợp đánh giá học sinh cuối năm học.\n\n"
        "Giáo viên làm công tác chủ nhiệm phải nắm bắt thông tin từng học sinh của lớp."
    )
    ranked = rank_duties(extract_duties(doc, passages), terms=["đánh", "giá", "cuối", "năm"],
                        actor="giao vien chu nhiem", wants_deadline=False)
    assert [d.actor for d in ranked][:2] == ["Giáo viên làm công tác chủ nhiệm", "Giáo viên"]


def test_definitions_goals_lead_ins_and_closings_are_no_duties() -> None:
    doc, passages = _synthetic(
        "Công đoàn là tổ chức chính trị - xã hội rộng lớn, tham gia quản lý nhà nước.\n\n"
        "Mục tiêu: phấn đấu giảm ít nhất 30% đầu mối cơ sở giáo dục công lập.\n\n"
        "Sở GD&ĐT hướng dẫn tổ chức Hội thi giáo viên dạy giỏi như sau:\n\n"
        "Cơ quan, đơn vị có từ 07 người trở xuống có thể bố trí kiêm nhiệm.\n\n"
        "Hiệu trưởng các trường gửi danh sách giáo viên dự thi trước ngày 15/10/2026.\n\n"
        "Sở Giáo dục và Đào tạo đề nghị các đơn vị nghiêm túc triển khai thực hiện./."
    )
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    assert [(d.actor, d.deadline) for d in duties] == [
        ("Hiệu trưởng các trường", "trước ngày 15/10/2026")
    ]


def test_scope_and_definition_articles_and_the_enacting_formula_are_no_duties() -> None:
    doc, passages = _synthetic(
        "Căn cứ Luật Giáo dục số 43/2019/QH14;\nChính phủ ban hành Nghị quyết về cơ cấu, số lượng "
        "và một số chính sách đối với hiệu trưởng khi thực hiện sắp xếp cơ sở giáo dục.\n\n"
        "Điều 2. Đối tượng áp dụng\nNghị quyết này áp dụng đối với:\n1. Các cơ sở giáo dục mầm "
        "non công lập thực hiện sắp xếp.\n2. Ủy ban nhân dân các cấp tổ chức thực hiện sắp xếp.\n\n"
        "Điều 3. Giải thích từ ngữ\n1. Sắp xếp cơ sở giáo dục là việc sáp nhập, hợp nhất.\n\n"
        "Điều 7. Trách nhiệm thi hành\nỦy ban nhân dân cấp tỉnh tổ chức thực hiện sắp xếp "
        "trước ngày 30/4/2027."
    )
    for p in passages:
        p.section = p.text.split(".")[0] if p.text.startswith("Điều") else ""
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    assert [(d.actor, d.deadline) for d in duties] == [
        ("Ủy ban nhân dân cấp tỉnh", "trước ngày 30/4/2027")
    ]


def test_a_heading_naming_a_party_addresses_the_items_under_it() -> None:
    doc, passages = _synthetic(
        "Điều 6. Trách nhiệm tổ chức thực hiện\n1. Bộ Giáo dục và Đào tạo\na) Chủ trì theo dõi, "
        "kiểm tra việc sắp xếp cơ sở giáo dục;\nb) Hướng dẫn địa phương khắc phục tình trạng "
        "thừa, thiếu giáo viên.\n2. Về hồ sơ\na) Rà soát hồ sơ nhà giáo trước ngày 30/6/2027."
    )
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    assert [d.actor for d in duties] == [
        "Bộ Giáo dục và Đào tạo", "Bộ Giáo dục và Đào tạo", default_actor(doc)
    ]


def test_a_deadline_stays_with_the_duty_it_qualifies() -> None:
    doc, passages = _synthetic(
        "Phòng GD&ĐT tổng hợp kết quả, báo cáo Sở GD&ĐT; đối với các trường chưa hoàn thành "
        "thì báo cáo bổ sung chậm nhất ngày 20/12/2026.\n\n"
        "Các trường rà soát hồ sơ học sinh.\n"
        "- Thời hạn: Khẩn trương."
    )
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    assert len(duties) == 2
    first, second = duties
    assert first.actor == "Phòng GD&ĐT" and first.deadline == "chậm nhất ngày 20/12/2026"
    assert first.action.endswith("chậm nhất ngày 20/12/2026.")
    # "Thời hạn: Khẩn trương" is neither a deadline nor an item of its own
    assert second.actor == "Các trường" and second.deadline is None
    assert deadlines("Khẩn trương triển khai thực hiện.") == []


def test_a_principal_is_the_head_of_a_unit() -> None:
    assert actors_match("hieu truong", "thu truong don vi")
    assert actors_match("hieu truong", "hieu truong cac truong")
    assert actors_match("cong doan nganh giao duc long an",
                        "thuong truc cong doan nganh giao duc va dao tao")
    assert not actors_match("hieu truong", "thuong truc cong doan nganh giao duc va dao tao")
    assert not actors_match("giao vien chu nhiem", "so giao duc va dao tao")


def test_an_article_title_naming_a_party_addresses_its_clauses() -> None:
    assert _actors(
        "Điều 12. Trách nhiệm của Ủy ban nhân dân cấp xã[9]\n1. Chịu trách nhiệm quản lí hoạt "
        "động dạy thêm, học thêm trên địa bàn.\n2. Hướng dẫn, kiểm tra việc thực hiện quy định "
        "về dạy thêm, học thêm.\n\nĐiều 13. Trách nhiệm của Hiệu trưởng\n1. Tổ chức việc dạy "
        "thêm, học thêm trong nhà trường theo quy định."
    ) == [
        "Ủy ban nhân dân cấp xã", "Ủy ban nhân dân cấp xã", "Hiệu trưởng"
    ]


def test_a_heading_asking_a_party_addresses_the_items_under_it() -> None:
    doc, passages = _synthetic(
        "3. Trách nhiệm tổ chức thực hiện\nc) Đề nghị Ban Thường vụ Huyện ủy, Thị ủy\n- Chỉ "
        "đạo việc sắp xếp trường, lớp trên địa bàn.\nd) Giao Phòng Giáo dục\n- Tổng "
        "hợp kết quả sắp xếp trước ngày 15/8/2027.\n3.1. Yêu cầu tiến độ hoàn thành\n- Hoàn "
        "thành việc sắp xếp trong năm học."
    )
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    assert [d.actor for d in duties] == [
        "Ban Thường vụ Huyện ủy, Thị ủy", "Phòng Giáo dục", default_actor(doc)
    ]


def test_an_item_opening_with_an_adverb_is_a_duty_of_the_heading_party() -> None:
    assert _actors(
        "3. Trách nhiệm tổ chức thực hiện\na) Ủy ban nhân dân cấp xã\n- Trực tiếp lãnh đạo, "
        "chỉ đạo việc sắp xếp điểm trường lẻ trên địa bàn.\n- Thường xuyên kiểm tra, đôn đốc "
        "các trường."
    ) == ["Ủy ban nhân dân cấp xã"] * 2


def test_the_party_after_a_basis_clause_is_the_subject() -> None:
    assert _actors(
        "Trên cơ sở danh sách lớp đã được phê duyệt, hiệu trưởng có trách nhiệm phân công giáo "
        "viên chủ nhiệm trước ngày 15/8/2027."
    ) == ["Hiệu trưởng"]


def test_a_principal_of_the_new_school_is_not_the_head_of_the_old_one() -> None:
    asked = parse_query("HT trường mới phải làm gì với hồ sơ học sinh?").actor
    assert asked is not None and asked.endswith("moi")  # "mới" is no "mọi" quantifier
    assert actor_key("mọi giáo viên") == "giao vien"
    assert actors_match(asked, actor_key("Người đứng đầu cơ sở giáo dục mới"))
    assert not actors_match(asked, actor_key("Người đứng đầu cơ sở giáo dục (trước sắp xếp)"))
    assert actors_match("hieu truong truong minh", "thu truong don vi")


def test_a_long_basis_clause_is_left_out_of_the_quoted_duty() -> None:
    basis = ("Trên cơ sở phương án bố trí viên chức quản lý, giáo viên và nhân viên tại các "
             "trường mới đã được Ủy ban nhân dân cấp xã phê duyệt sau khi lấy ý kiến của các "
             "phòng chuyên môn, ")
    duty = ("hiệu trưởng trường mới có trách nhiệm lập danh sách viên chức nghỉ việc để trình "
            "cấp có thẩm quyền xem xét, giải quyết chính sách tinh giản biên chế.")
    doc, passages = _synthetic(basis + duty)
    duties = extract_duties(doc, passages)
    _verbatim(duties, passages)
    assert [d.action for d in duties] == [duty]


def test_a_party_described_by_what_it_is_doing_still_has_its_duty() -> None:
    assert _actors(
        "Giáo viên đang công tác tại trường khi tham gia bồi dưỡng ngoài giờ phải báo cáo với "
        "Hiệu trưởng về thời gian tham gia.\n\nCác trường đã triển khai sổ điểm điện tử."
    ) == [
        "Giáo viên đang công tác tại trường khi tham gia bồi dưỡng ngoài giờ"
    ]


def test_principles_and_criteria_without_a_party_are_no_duties() -> None:
    doc, passages = _synthetic(
        "a) Bảo đảm quyền học tập và cơ hội tiếp cận giáo dục;\n\n"
        "Ủy ban nhân dân cấp tỉnh rà soát, sắp xếp các trường trước ngày 30/9/2026.\n\n"
        "Hoàn thành việc rà soát, đánh giá dữ liệu hiện trạng trước ngày 30/7/2026."
    )
    passages[0].heading = "2. Nguyên tắc, tiêu chí sắp xếp > 2.1. Nguyên tắc"
    passages[1].heading = "2. Nguyên tắc, tiêu chí sắp xếp > 2.2. Tiêu chí"
    passages[2].heading = "3. Tổ chức thực hiện"
    duties = extract_duties(doc, passages)
    assert [d.action[:20] for d in duties] == ["Ủy ban nhân dân cấp ", "Hoàn thành việc rà s"]


def test_an_item_number_with_a_footnote_mark_keeps_its_duty() -> None:
    doc, passages = _synthetic(
        "Điều 13. Trách nhiệm của Hiệu trưởng\n"
        "1. Tổ chức việc dạy thêm, học thêm trong nhà trường theo quy định.\n"
        "4.[11] Thiết lập và công khai số điện thoại đường dây nóng trên trang thông tin điện tử "
        "của nhà trường; kịp thời nhắc nhở, chấn chỉnh, xử lí theo thẩm quyền."
    )
    duties = extract_duties(doc, passages)
    assert any(d.action.startswith("4.[11] Thiết lập và công khai") and d.actor == "Hiệu trưởng"
               for d in duties)


def test_a_lead_in_to_a_list_of_requirements_is_no_duty() -> None:
    doc, passages = _synthetic(
        "1. Tổ chức hoặc cá nhân tổ chức hoạt động dạy thêm có thu tiền của học sinh phải thực "
        "hiện các yêu cầu sau:\n\n"
        "a) Đăng kí kinh doanh theo quy định của pháp luật;"
    )
    assert all("các yêu cầu sau" not in d.action for d in extract_duties(doc, passages))
