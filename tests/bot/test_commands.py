"""/xem, /vanban and /huytheodoi as a person types them, through real Update objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.handlers.documents import choice_keyboard
from corpus.models import Document
from corpus.store import CorpusStore
from retrieval.service import find_documents
from tests.bot.bot_harness import run
from tests.bot.test_handlers import USER, RecordingRequest, callback, started, update

HUGE = "9" * 23


def _replies(tmp_path: Path, store: CorpusStore, *actions: Any) -> RecordingRequest:
    async def scenario() -> RecordingRequest:
        async with started(tmp_path, store) as (app, request):
            for action in actions:
                made = callback(app, action[1:]) if action.startswith("!") else update(
                    app, text=action
                )
                await app.process_update(made)
            return request

    return run(scenario())


def _number_of(store: CorpusStore, printed: str) -> Document:
    return store.find_documents(printed)[0]


def test_any_spelling_of_a_number_comes_before_a_record_id(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    law = _number_of(seeded, "12/2012/QH13")
    dispatch = _number_of(seeded, "5208/BGDĐT-GDPT")
    spellings = {
        "/xem 5208": dispatch, "/xem CV 5208": dispatch, "/xem cong van so 5208": dispatch,
        "/xem 5208/BGDĐT": dispatch, "/xem 5208/bgddt-gdpt": dispatch,
        "/xem 12": law, "/xem 12/2012": law, "/xem luat 12": law,
        f"/xem #{dispatch.id}": dispatch,
    }
    assert law.id != 12
    request = _replies(tmp_path, seeded, *spellings)
    cards = request.sent()
    assert len(cards) == len(spellings)
    for card, doc in zip(cards, spellings.values(), strict=True):
        assert f"<b>Số hiệu:</b> {doc.number}" in card["text"], card["text"][:200]


def test_a_bare_number_nothing_is_numbered_is_not_opened_as_an_id(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    assert seeded.get_document(2) is not None and not seeded.documents_numbered(2)
    request = _replies(tmp_path, seeded, "/xem 02", "/xem #12")
    missing, by_id = (p["text"] for p in request.sent())
    assert "Không tìm thấy" in missing and "/xem #02" in missing
    assert "Không tìm thấy" in by_id and "#12" in by_id
    # the command line keeps opening records by bare id when no number matches
    assert [d.id for d in find_documents(seeded, "02")] == [2]
    assert find_documents(seeded, "02", bare_ids=False) == []


def test_huge_numbers_and_forged_buttons_get_a_reply_not_an_overflow(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    request = _replies(
        tmp_path, seeded, f"/xem {HUGE}", f"/xem #{HUGE}", f"!c:{HUGE}", f"!d:{HUGE}",
        f"!l:{HUGE}:x", "!c:-1",
    )
    texts = [p["text"] for p in request.sent()]
    assert len(texts) == 2 and all("Không tìm thấy" in t for t in texts)
    assert not any("lỗi" in t for t in texts)
    answers = [p.get("text") for p in request.sent("answerCallbackQuery")]
    assert len(answers) == 4 and all(answers)  # each press is answered, with a reason
    assert find_documents(seeded, "9" * 5000) == []  # past Python's int() digit limit


def test_choices_are_one_button_per_document_each_distinct(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    first = _number_of(seeded, "5208/BGDĐT-GDPT")
    other = _number_of(seeded, "5243/BGDĐT-NGCBQLGD")
    assert other.id is not None
    seeded.update_document(other.id, {"match_key": first.match_key})
    request = _replies(tmp_path, seeded, "/xem 5208")
    (choice,) = request.sent()
    buttons = [b for row in choice["reply_markup"]["inline_keyboard"] for b in row]
    assert sorted(b["callback_data"] for b in buttons) == sorted(
        f"c:{d.id}" for d in (first, other)
    )
    twin = Document(**{**first.model_dump(), "id": 999})
    keyboard = choice_keyboard([first, first, twin])
    labels = [b.text for row in keyboard.inline_keyboard for b in row]
    assert len(labels) == 2 and len(set(labels)) == 2 and labels[1].endswith("(#999)")


def test_vanban_matches_without_diacritics(tmp_path: Path, seeded: CorpusStore) -> None:
    request = _replies(
        tmp_path, seeded, "/vanban cong doan", "/vanban Công Đoàn", "/vanban cong  doan"
    )
    bare, marked, spaced = (p["text"] for p in request.sent())
    assert "Luật Công đoàn" in bare or "12/2012/QH13" in bare
    assert "Không có văn bản" not in bare
    count = bare.split("trang 1/")[1].split("\n")[0]
    assert count in marked and count in spaced


def test_unsubscribe_and_subscribe_match_without_diacritics(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    request = _replies(
        tmp_path, seeded, "/theodoi Công đoàn", "/theodoi cong doan", "/theodoi NQ 02",
        "/huytheodoi CONG DOAN",
    )
    texts = [p["text"] for p in request.sent()]
    assert "từ trước" in texts[1]
    assert "Đã hủy 1" in texts[3]
    assert [s.topic for s in seeded.subscriptions(USER)] == ["NQ 02"]
