"""Rendering answers and documents as Telegram HTML (pure functions on plain data)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.format import (
    CardView,
    LinkedDocument,
    answer_messages,
    caption_html,
    card_html,
    highlight,
    push_html,
)
from corpus.models import Document
from corpus.store import CorpusStore
from retrieval.analyzer import Analyzer
from retrieval.answers import (
    Answer,
    Answerer,
    Citation,
    DirectSentence,
    DocumentGroup,
    Obligation,
    Quote,
    RelatedDocument,
)
from retrieval.diacritics import DiacriticRestorer
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.lexical import LexicalIndex
from retrieval.query import parse_query
from tests.bot.bot_harness import assert_telegram_html


def citation(doc_id: int, number: str, subject: str, status: str = "in_force") -> Citation:
    return Citation(
        document_id=doc_id, doc_type="Công văn", number=number, number_key=None,
        issuer="Sở GD&ĐT Long An", date_text="12/11/2021", subject=subject, title="",
        status=status, superseded_by="Công văn 9/SGDĐT" if status == "superseded" else None,
    )


def quote(passage_id: int, doc_id: int, text: str, section: str = "") -> Quote:
    return Quote(passage_id, doc_id, section, text, 0, len(text), 1.0)


def answer(**kw: object) -> Answer:
    base: dict[str, object] = {
        "question": "Các đơn vị phải làm gì?",
        "status": "answered",
        "groups": [
            DocumentGroup(
                citation(1, "12/SGDĐT-TC", "V/v <triển khai> NQ 02 & KH 37"),
                [quote(10, 1, "Thủ trưởng đơn vị tổ chức quán triệt <Nghị quyết> & báo cáo.",
                       "II > 2")],
            ),
            DocumentGroup(
                citation(2, "5/SGDĐT", "Cũ", status="superseded"),
                [quote(20, 2, "Nội dung cũ.")],
            ),
        ],
        "highlight_terms": ["đơn", "vị", "nghi"],
        "query_id": 7,
    }
    base.update(kw)
    return Answer(**base)  # type: ignore[arg-type]


def test_answer_is_escaped_quoted_and_cited() -> None:
    [message] = answer_messages(answer())
    visible = assert_telegram_html(message)
    assert "<b>[1] Công văn số 12/SGDĐT-TC, Sở GD&amp;ĐT Long An, 12/11/2021" in message
    assert "V/v &lt;triển khai&gt; NQ 02 &amp; KH 37" in message
    # the sources sit collapsed in an expandable quote; "đơn vị" lights up as one run, the
    # bare "nghi" lights up nothing ("Nghị" is not "nghi")
    assert "<blockquote expandable>" in message
    assert "Thủ trưởng <b>đơn vị</b> tổ chức quán triệt &lt;Nghị quyết&gt;" in message
    assert "<i>mục II.2:</i>" in message
    assert "[ĐÃ BỊ THAY THẾ, thay bằng Công văn 9/SGDĐT]" in visible


def test_obligations_are_listed_by_actor_and_cited() -> None:
    obligations = [
        Obligation("Thủ trưởng đơn vị", "tổ chức quán triệt", None, 10, 1, "II > 2"),
        Obligation("Công đoàn ngành", "tham mưu <kế hoạch>", "trước 15/12", 11, 1, ""),
        Obligation("Thủ trưởng đơn vị", "báo cáo kết quả", None, 12, 3, ""),
    ]
    [message] = answer_messages(answer(obligations=obligations), {3: "Kế hoạch số 37-KH/TU"})
    assert_telegram_html(message)
    assert message.index("Ai phải làm gì") < message.index("<blockquote expandable>")
    actor = message.index("▪ Thủ trưởng đơn vị")
    assert message.count("▪ Thủ trưởng đơn vị") == 1
    assert message.index("“tổ chức quán triệt”") > actor
    assert "“báo cáo kết quả” (Kế hoạch số 37-KH/TU)" in message
    assert "“tham mưu &lt;kế hoạch&gt;” ⏰ <b>trước 15/12</b> [1]" in message
    assert "“tổ chức quán triệt” [1] <i>mục II.2</i>" in message


def test_a_duty_never_shows_the_sources_footnote_markers() -> None:
    # CV 5243: "… Nghị định số 235/2026/NĐ-CP[5]." beside the answer's own [1]
    action = ("Bố trí kinh phí thực hiện hợp đồng lao động theo quy định tại Nghị định số "
              "235/2026/NĐ-CP[5].")
    obligations = [Obligation("Ủy ban nhân dân cấp tỉnh", action, None, 10, 1, "")]
    [message] = answer_messages(answer(obligations=obligations))
    assert "Nghị định số 235/2026/NĐ-CP.” [1]" in message and "[5]" not in message


def test_sources_never_keep_a_bare_item_number_of_a_sentence_shown_above() -> None:
    law = ("Điều 16. Phát triển đoàn viên 1. Công đoàn có quyền phát triển đoàn viên công đoàn "
           "trong cơ quan, tổ chức. 2. Công đoàn cấp trên cử cán bộ đến cơ quan để tuyên "
           "truyền, vận động người lao động. 3. Người lao động có quyền gia nhập công đoàn.")
    shown = ["1. Công đoàn có quyền phát triển đoàn viên công đoàn trong cơ quan, tổ chức.",
             "2. Công đoàn cấp trên cử cán bộ đến cơ quan để tuyên truyền, vận động người lao "
             "động."]
    direct = [DirectSentence(1, 10, "Điều 16", s) for s in shown]
    groups = [DocumentGroup(citation(1, "12/2012/QH13", "Công đoàn"),
                            [quote(10, 1, law, "Điều 16")])]
    [message] = answer_messages(answer(groups=groups, direct=direct, highlight_terms=[]))
    sources = message[message.index("<blockquote expandable>"):]
    assert "3. Người lao động có quyền gia nhập công đoàn." in sources
    assert not re.search(r"(?m)^(?:… )?\d+\.$", html.unescape(sources)), sources
    assert "… 2." not in sources and "1. …" not in sources


def test_related_documents_are_listed() -> None:
    related = [RelatedDocument(5, "Kế hoạch 37-KH/TU của Tỉnh ủy Long An", "implements")]
    [message] = answer_messages(answer(related=related))
    assert "Văn bản liên quan" in message and "37-KH/TU" in message


def test_not_found_says_so_and_suggests() -> None:
    [message] = answer_messages(
        answer(status="not_found", groups=[], suggestions=["Nghị quyết 71-NQ/TW"])
    )
    assert_telegram_html(message)
    assert "chưa tìm thấy" in message and "71-NQ/TW" in message and "/vanban" in message


def test_long_answers_split_between_quotes() -> None:
    quotes = [quote(i, 1, f"Đoạn {i}: " + "nội dung dài " * 50) for i in range(3)]
    groups = [DocumentGroup(citation(d, f"{d}/SGDĐT", "V/v dài"), quotes) for d in range(1, 4)]
    messages = answer_messages(answer(groups=groups))
    assert len(messages) > 1
    for message in messages:
        assert_telegram_html(message)
        assert len(message) <= 4096
        assert message.count("<blockquote") == message.count("</blockquote>")
    # it names its document, under the sources' heading when that fits
    assert messages[1].removeprefix("<b>📄 Nguồn</b> <i>(tiếp)</i>\n").startswith(
        "<blockquote expandable><b>[")


def test_a_document_that_does_not_fit_whole_starts_in_the_first_message() -> None:
    quotes = [quote(i, 1, f"Đoạn {i}: " + "nội dung dài " * 50) for i in range(3)]
    groups = [DocumentGroup(citation(d, f"{d}/SGDĐT", "V/v dài"), quotes) for d in range(1, 4)]
    first, second = answer_messages(answer(groups=groups))[:2]
    assert "[2] Công văn số 2/SGDĐT" in first and "Đoạn 0" in first.split("[2]")[1]
    assert "[2] Công văn số 2/SGDĐT" in second and "(tiếp)" in second.split("[3]")[0]
    assert "Đoạn 0" not in second.split("[3]")[0]  # nothing said twice


def test_highlight_lights_question_runs_only() -> None:
    assert highlight("Nghị quyết 02 & nghị định", ["nghị quyết"]) == (
        "<b>Nghị quyết</b> 02 &amp; nghị định"
    )
    # a word of a run lights up only beside its neighbour: "thời gian" never bolds "gian lận"
    assert highlight("thời gian nghỉ hè, gian lận, Hệ thống", ["thời gian nghỉ hè"]) == (
        "<b>thời gian nghỉ hè</b>, gian lận, Hệ thống"
    )
    assert highlight("Nghị quyết 02", ["nghi quyet"]) == "Nghị quyết 02"
    assert highlight("a<b", []) == "a&lt;b"
    assert highlight("số 02-NQ/TW", ["02", "nq", "tw"]) == "số <b>02-NQ/TW</b>"


# Sentences of the corpus (CV 5208, VBHN 04, the seed dispatch) holding the words that share
# bare letters with the questions' words: "hệ", "gian", "đẩy", "đây", "nghị", "vị".
CORPUS_LINES = [
    "Thời gian nghỉ hè của giáo viên là 08 tuần, được hưởng nguyên lương.",
    "Xây dựng Hệ thống thông tin quản lý; nghiêm cấm gian lận trong thi cử.",
    "Tổ chức dạy thêm, học thêm phải đăng ký; đẩy mạnh chuyển đổi số, các nội dung sau đây:",
    "Thực hiện Nghị quyết số 02-NQ/TW; đề nghị các đơn vị, hội nghị cán bộ, vị trí việc làm.",
]


@pytest.fixture(scope="module")
def restore() -> Callable[[str], str]:
    analyzer = Analyzer()
    index = LexicalIndex.build([analyzer.document_tokens(line) for line in CORPUS_LINES])
    return DiacriticRestorer.for_index(index).restore


def _bold(question: str, restore: Callable[[str], str]) -> list[str]:
    phrases = parse_query(question, restore=restore).highlight_phrases
    return [b for line in CORPUS_LINES for b in re.findall(r"<b>(.*?)</b>", highlight(line, phrases))]


def test_a_question_without_diacritics_lights_its_restored_words_only(
    restore: Callable[[str], str],
) -> None:
    assert _bold("thoi gian nghi he cua giao vien", restore) == [
        "Thời gian nghỉ hè", "giáo viên"
    ]  # not "Hệ" thống, "gian" lận
    assert _bold("day them co bi cam khong", restore) == ["cấm", "dạy thêm"]  # not đẩy, đây
    assert _bold("thời gian nghỉ hè", restore) == ["Thời gian nghỉ hè"]


def test_a_document_number_lights_as_printed_and_never_nghi_or_vi(
    restore: Callable[[str], str],
) -> None:
    assert _bold("NQ 02 yeu cau gi", restore) == ["02-NQ"]  # not đề nghị, hội nghị, vị trí
    assert _bold("nghi quyet 02 yeu cau cac don vi gi", restore) == [
        "Nghị quyết", "02-NQ", "đơn vị"
    ]
    assert _bold("Nghị quyết 02-NQ/TW", restore) == ["Nghị quyết", "02-NQ/TW"]


def test_card_lists_both_directions_of_the_graph() -> None:
    doc = Document(
        id=4, doc_type="Nghị quyết", number="02-NQ/TW", issuer="Bộ Chính trị",
        date_text="12/06/2021", subject="Về đổi mới tổ chức & hoạt động Công đoàn",
        sha256="x", status="in_force",
    )
    card = CardView(
        doc,
        cites=[],
        cited_by=[
            LinkedDocument("Kế hoạch số 37-KH/TU, Tỉnh ủy Long An", "thuc_hien", 8),
            LinkedDocument("Công văn /SGDĐT-TCCTTT", "can_cu", 9),
        ],
        passages=12,
    )
    text = card_html(card)
    assert_telegram_html(text)
    assert "Được triển khai bởi:</i> Kế hoạch số 37-KH/TU" in text
    assert "Được làm căn cứ cho:</i> Công văn" in text
    assert "tổ chức &amp; hoạt động" in text
    assert "Văn bản mới" in push_html(doc, ["*", "công đoàn"], updated=False)


def test_caption_fits_telegram_limit() -> None:
    doc = Document(id=1, doc_type="Công văn", number="1/A", subject="x & y " * 400, sha256="y")
    caption = caption_html(doc)
    assert len(caption) <= 1024 and "&amp;" in caption


def _phone_view(message: str) -> str:
    """What a phone shows before a tap: an expandable blockquote shows its first 3 lines."""
    def collapse(m: re.Match[str]) -> str:
        return "\n".join(m.group(1).split("\n")[:3])

    shown = re.sub(r"<blockquote expandable>(.*?)</blockquote>", collapse, message, flags=re.S)
    return html.unescape(re.sub(r"<[^>]*>", "", shown)).strip()


@pytest.mark.parametrize("question", [
    "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
    "cac don vi phai lam gi de thuc hien nghi quyet 02",
])
def test_seed_question_first_message_fits_one_screen(seeded_store: CorpusStore,
                                                     question: str) -> None:
    index = IndexBuilder(seeded_store, encoder=HashEncoder())
    index.refresh()
    answer = Answerer(seeded_store, index).answer(question, log_query=False)
    first = answer_messages(answer)[0]
    view = _phone_view(first)
    assert len(view) <= 1000, view
    duties = [line for line in view.split("\n") if line.startswith("– “")]
    assert len(duties) == 4 and len(set(duties)) == 4  # its four duties, each once
    for start in ("Sở Giáo dục và Đào tạo đề nghị thủ trưởng các đơn vị tổ chức nghiên cứu",
                  "Thủ trưởng đơn vị phối hợp với tổ chức công đoàn tham mưu cấp ủy",
                  "Đề nghị Thường trực Công đoàn ngành Giáo dục và Đào tạo tham mưu",
                  "Xây dựng các chương trình phối hợp, thoả thuận hợp tác"):
        assert sum(d.startswith(f"– “{start}") for d in duties) == 1, start
    actors = [line for line in view.split("\n") if line.startswith("▪ ")]
    assert actors == ["▪ Thủ trưởng đơn vị", "▪ Thường trực Công đoàn ngành Giáo dục và Đào tạo"]
    assert "Sở Giáo dục và Đào tạo (UBND tỉnh Long An)" in view  # cites the Long An dispatch
    assert_telegram_html(first)


@pytest.mark.model
def test_every_start_example_is_answered_on_the_samples(seeded_store: CorpusStore,
                                                        model_dir: Path) -> None:
    """A new user's first tap is one of /start's examples: none may meet a refusal (the
    refusal gate is calibrated on the real model, so it is the one asked)."""
    from bot.texts import EXAMPLES
    from retrieval.encoder import load_encoder

    index = IndexBuilder(seeded_store, encoder=load_encoder(str(model_dir)))
    index.refresh()
    answerer = Answerer(seeded_store, index)
    for example in EXAMPLES:
        answer = answerer.answer(example, log_query=False)
        assert answer.status == "answered" and answer.groups, example


def _plain(message: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", message)).split())


def test_sources_keep_the_separators_between_neighbouring_pieces() -> None:
    """A sentence shown on top is left out of the sources, and "…" stands only there: the
    clauses still next to each other keep their "; " and line breaks, so "Khiển trách; b) Cảnh
    cáo" reads as in the document."""
    text = ("Viên chức vi phạm thì bị xử lý kỷ luật như sau:\na) Khiển trách;\nb) Cảnh cáo;\n"
            "c) Cách chức.\nViệc kỷ luật được ghi vào hồ sơ. Quyết định gửi viên chức: ngay.")
    shown = "Việc kỷ luật được ghi vào hồ sơ."
    group = DocumentGroup(citation(1, "1/QĐ", "Kỷ luật"), [quote(10, 1, text)])
    ans = answer(groups=[group], highlight_terms=[],
                 direct=[DirectSentence(1, 10, "", shown)])
    [message] = answer_messages(ans)
    sources = _plain(message.split("Nguồn", 1)[1])
    assert "như sau: a) Khiển trách; b) Cảnh cáo; c) Cách chức." in sources
    assert "c) Cách chức. … Quyết định gửi viên chức: ngay." in sources
    assert shown not in sources


def test_sources_left_whole_when_nothing_was_shown_above() -> None:
    text = "Điều 5. Nghỉ phép\nNgười lao động được nghỉ 12 ngày; không trừ lương."
    group = DocumentGroup(citation(1, "1/QĐ", "Nghỉ"), [quote(10, 1, text)])
    [message] = answer_messages(answer(groups=[group], highlight_terms=[]))
    assert "được nghỉ 12 ngày; không trừ lương." in _plain(message)


def test_a_header_part_the_stored_text_lacks_is_said_plainly() -> None:
    [message] = answer_messages(answer(unheld_header="phần chữ ký (người ký)", highlight_terms=[]))
    view = html.unescape(re.sub(r"<[^>]+>", "", message))
    first = view.split("\n")[0]
    assert first.startswith("ℹ️ Bản lưu của Công văn 12/SGDĐT-TC trong kho không có phần chữ ký")
    assert "Sở GD&ĐT Long An, 12/11/2021" in view.split("\n")[1]
    assert_telegram_html(message)
