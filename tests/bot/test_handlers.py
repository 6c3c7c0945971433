"""Handlers driven by real telegram.Update objects (Update.de_json), in process.

The Application is the one bot.app builds; only HTTP is replaced, by a PTB BaseRequest that
records each Bot API call and answers it.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram import Message, Update
from telegram.request import BaseRequest, RequestData

from bench.fake_telegram import ADMIN_ID, BOT_USER, make_settings
from bot.addressing import is_addressed, strip_mention
from bot.app import App, build_application
from bot.keyboards import list_callback, parse
from corpus.store import CorpusStore
from retrieval.encoder import HashEncoder
from tests.bot.bot_harness import run

USER = 42
GROUP = -100_5


class RecordingRequest(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: list[dict[str, Any]] = []  # what the bot sent, as Telegram returns it
        self._ids = iter(range(5000, 10**6))

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        self.calls.append((endpoint, params))
        result: Any = True
        if endpoint == "getMe":
            result = BOT_USER
        elif endpoint == "getUpdates":
            result = []
        elif endpoint.startswith(("send", "edit")) and endpoint != "sendChatAction":
            chat_id = int(params.get("chat_id", 0))
            result = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if endpoint == "sendMessage":
                markup = params.get("reply_markup")
                markup = json.loads(markup) if isinstance(markup, str) else markup
                if markup and "inline_keyboard" in markup:  # a Message carries inline ones only
                    result["reply_markup"] = markup
                self.messages.append(result)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method]


@asynccontextmanager
async def started(
    tmp_path: Path, store: CorpusStore, **settings: Any
) -> AsyncIterator[tuple[App, RecordingRequest]]:
    request = RecordingRequest()
    app = build_application(
        make_settings(tmp_path / "data", "http://unused.invalid", **settings),
        store=store,
        encoder=HashEncoder(),  # hybrid path, fake vectors: a logic test
        request=request,
    )
    async with app:
        assert app.post_init is not None and app.post_stop is not None
        await app.post_init(app)
        await asyncio.wait_for(app.bot_data.ready.wait(), 30)
        try:
            yield app, request
        finally:
            await app.post_stop(app)


_ids = iter(range(1, 10**6))


def update(app: App, **message: Any) -> Update:
    chat_id = message.pop("chat_id", message.get("user_id", USER))
    user_id = message.pop("user_id", USER)
    data: dict[str, Any] = {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Hà"},
            **message,
        },
    }
    text = message.get("text", "")
    if text.startswith("/") and "entities" not in message:
        data["message"]["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
        ]
    parsed = Update.de_json(data, app.bot)
    assert parsed is not None
    return parsed


def callback(app: App, data: str, user_id: int = USER) -> Update:
    parsed = Update.de_json(
        {
            "update_id": next(_ids),
            "callback_query": {
                "id": f"cb{next(_ids)}",
                "from": {"id": user_id, "is_bot": False, "first_name": "Hà"},
                "chat_instance": "x",
                "data": data,
                "message": {
                    "message_id": 3,
                    "date": int(time.time()),
                    "chat": {"id": user_id, "type": "private"},
                    "from": BOT_USER,
                    "text": "…",
                },
            },
        },
        app.bot,
    )
    assert parsed is not None
    return parsed


def test_help_is_answered_while_the_retriever_loads_and_a_question_waits(
    tmp_path: Path, seeded: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrieval.service import Runtime

    release = threading.Event()
    catch_up = Runtime.catch_up

    def slow_catch_up(self: Runtime, progress: Any = None) -> bool:
        assert release.wait(30)
        return catch_up(self, progress)

    monkeypatch.setattr(Runtime, "catch_up", slow_catch_up)

    async def scenario() -> tuple[list[str], list[str], bool]:
        request = RecordingRequest()
        app = build_application(
            make_settings(tmp_path / "data", "http://unused.invalid"), store=seeded,
            encoder=HashEncoder(), request=request,
        )
        async with app:
            assert app.post_init is not None and app.post_stop is not None
            await app.post_init(app)
            await app.process_update(update(app, text="/help"))
            early = [p["text"] for p in request.sent()]
            question = asyncio.create_task(
                app.process_update(update(app, text="cac don vi phai lam gi theo nq 02"))
            )
            await asyncio.sleep(0.2)
            waited = not question.done() and not app.bot_data.ready.is_set()
            release.set()
            await asyncio.wait_for(question, 30)
            await app.post_stop(app)
        return early, [p["text"] for p in request.sent()], waited

    early, later, waited = run(scenario())
    assert early and "/hoi" in early[0]
    assert waited
    assert any("02-NQ/TW" in t for t in later[len(early):])


def test_private_question_in_hybrid_mode(tmp_path: Path, seeded: CorpusStore) -> None:
    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            assert app.bot_data.runtime.answerer.index.mode == "hybrid"
            await app.process_update(update(app, text="cac don vi phai lam gi theo nq 02"))
            return request

    request = run(scenario())
    texts = [p["text"] for p in request.sent()]
    assert any("02-NQ/TW" in t and "Ai phải làm gì" in t and "Long An" in t for t in texts)
    assert request.sent("sendChatAction")


def test_stranger_is_refused_in_private_and_ignored_in_group_chatter(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded, allowed_ids=[USER]) as (app, request):
            await app.process_update(update(app, user_id=77, text="xin chào"))
            await app.process_update(
                update(app, user_id=77, chat_id=GROUP, text="chuyện phiếm trong nhóm")
            )
            await app.process_update(callback(app, "f:1:u", user_id=77))
            return request

    request = run(scenario())
    refusals = request.sent()
    assert len(refusals) == 1 and refusals[0]["chat_id"] == 77 and "77" in refusals[0]["text"]
    alerts = request.sent("answerCallbackQuery")
    assert len(alerts) == 1 and alerts[0]["show_alert"] is True


def test_group_reply_to_the_bot_is_answered_other_chatter_is_not(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    bot_message = {
        "message_id": 9, "date": int(time.time()), "from": BOT_USER,
        "chat": {"id": GROUP, "type": "supergroup"}, "text": "câu trả lời trước",
    }

    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            await app.process_update(update(app, chat_id=GROUP, text="mọi người ăn trưa chưa"))
            assert not request.sent()
            await app.process_update(
                update(app, chat_id=GROUP, text="Các đơn vị phải làm gì theo NQ 02?",
                       reply_to_message=bot_message)
            )
            await app.process_update(update(app, chat_id=GROUP, text="/lenhkhac"))
            return request

    request = run(scenario())
    sent = request.sent()
    assert sent and all(p["chat_id"] == GROUP for p in sent)
    assert sent[0]["reply_parameters"]["message_id"] > 0
    assert not any("/lenhkhac" in p["text"] for p in sent)  # may be another bot's command


def test_error_handler_tells_the_user(tmp_path: Path, seeded: CorpusStore) -> None:
    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            def broken(*args: Any, **kwargs: Any) -> Any:
                raise RuntimeError("index exploded")

            app.bot_data.runtime.answerer.answer = broken  # type: ignore[method-assign]
            await app.process_update(update(app, text="câu hỏi bất kỳ"))
            return request

    request = run(scenario())
    assert any("lỗi" in p["text"] for p in request.sent())


def test_subscriptions_and_expired_buttons(tmp_path: Path, seeded: CorpusStore) -> None:
    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            await app.process_update(update(app, text="/theodoi"))
            await app.process_update(update(app, text="/theodoi Sở GD&ĐT Long An"))
            assert sorted(s.topic for s in seeded.subscriptions(USER)) == ["*", "Sở GD&ĐT Long An"]
            await app.process_update(update(app, text="/huytheodoi"))
            assert seeded.subscriptions(USER) == []
            await app.process_update(callback(app, "zz:1"))
            await app.process_update(callback(app, "f:999999:d"))
            await app.process_update(callback(app, "m:999999:3"))
            return request

    request = run(scenario())
    texts = [p["text"] for p in request.sent()]
    assert "tất cả văn bản mới" in texts[0]
    assert "Sở GD&amp;ĐT Long An" in texts[1]
    assert "Đã hủy 2" in texts[2]
    answers = request.sent("answerCallbackQuery")
    assert len(answers) == 3  # every callback query is answered
    assert seeded.feedback()[0].query_id is None and seeded.feedback()[0].value == -1


def test_admin_corrects_the_number_by_replying_to_the_prompt(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    doc = seeded.find_documents("5208/BGDĐT-GDPT")[0]
    assert doc.id is not None

    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            await app.process_update(callback(app, f"a:no:{doc.id}", user_id=ADMIN_ID))
            prompt = request.sent()[-1]
            assert f"#{doc.id}" in prompt["text"]
            reply_to = {
                "message_id": 77, "date": int(time.time()), "from": BOT_USER,
                "chat": {"id": ADMIN_ID, "type": "private"}, "text": prompt["text"],
            }
            await app.process_update(
                update(app, user_id=ADMIN_ID, text="5209/BGDĐT-GDPT", reply_to_message=reply_to)
            )
            await app.process_update(callback(app, f"a:no:{doc.id}", user_id=USER))
            return request

    request = run(scenario())
    fixed = seeded.get_document(doc.id)
    assert fixed is not None and fixed.number == "5209/BGDĐT-GDPT" and fixed.match_key == "CV:5209"
    assert "5209/BGDĐT-GDPT" in request.sent()[-1]["text"]
    assert request.sent("answerCallbackQuery")[-1]["show_alert"] is True  # not an admin


def test_addressing_with_real_messages() -> None:
    from telegram import Bot

    bot = Bot("1:x")
    mention = Message.de_json(
        {
            "message_id": 1, "date": 0, "chat": {"id": GROUP, "type": "group"},
            "text": "@chinambot hạn nộp?",
            "entities": [{"type": "mention", "offset": 0, "length": 10}],
        },
        bot,
    )
    other = Message.de_json(
        {
            "message_id": 2, "date": 0, "chat": {"id": GROUP, "type": "group"},
            "text": "@someone hạn nộp?",
            "entities": [{"type": "mention", "offset": 0, "length": 8}],
        },
        bot,
    )
    assert mention is not None and other is not None
    assert is_addressed(mention, BOT_USER["id"], "ChiNamBot")  # type: ignore[arg-type]
    assert not is_addressed(other, BOT_USER["id"], "ChiNamBot")  # type: ignore[arg-type]
    assert strip_mention("@ChiNamBot, hạn nộp báo cáo?", "ChiNamBot") == "hạn nộp báo cáo?"


def test_callback_data_fits_in_64_bytes() -> None:
    data = list_callback(3, "Ủy ban nhân dân tỉnh Long An về chuyển đổi số giáo dục")
    assert len(data.encode()) <= 64
    kind, (page, keyword) = parse(data)
    assert kind == "l" and page == "3" and keyword.startswith("Ủy ban")


def test_more_results_answers_again_from_the_next_offset(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            await app.process_update(update(app, text="Các đơn vị phải làm gì theo NQ 02?"))
            keyboard = request.sent()[-1]["reply_markup"]["inline_keyboard"]
            more = next(b["callback_data"] for row in keyboard for b in row
                        if b["callback_data"].startswith("m:"))
            await app.process_update(callback(app, more))
            return request

    request = run(scenario())
    texts = [p["text"] for p in request.sent()]
    assert any(t.startswith("<b>Kết quả tiếp theo</b>") for t in texts)
    edits = request.sent("editMessageReplyMarkup")  # the used "more" button goes away
    assert edits and "m:" not in json.dumps(edits[0].get("reply_markup"))
    assert len(seeded.questions()) == 2


def test_long_questions_are_refused_before_any_search(tmp_path: Path, seeded: CorpusStore) -> None:
    asked_before = len(seeded.questions(limit=200))
    long_question = ("các đơn vị phải làm gì theo nghị quyết 02 " * 40)[:1001]

    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded, max_question_chars=1000) as (app, request):
            await app.process_update(update(app, text=long_question))
            await app.process_update(update(app, text="/hoi " + long_question))
            return request

    request = run(scenario())
    replies = [p["text"] for p in request.sent()]
    assert len(replies) == 2 and all("1.001 ký tự" in t and "1.000" in t for t in replies)
    assert not request.sent("sendChatAction")  # no typing: nothing was searched
    assert len(seeded.questions(limit=200)) == asked_before

    async def at_the_limit() -> RecordingRequest:
        async with started(tmp_path, seeded, max_question_chars=1000) as (app, request):
            await app.process_update(update(app, text=long_question[:1000]))
            return request

    assert "dài quá" not in run(at_the_limit()).sent()[-1]["text"]
    assert len(seeded.questions(limit=200)) == asked_before + 1


def test_a_busy_upload_pool_is_told_in_vietnamese(
    tmp_path: Path, seeded: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.handlers.uploads as bot_uploads
    import retrieval.service.uploads as uploads

    # the pool is full: no slot is free and none frees up within the wait
    monkeypatch.setattr(uploads, "_gates", {(1, 0): uploads._ParseGate(1, 0)})
    assert uploads._gates[(1, 0)]._admitted.acquire(blocking=False)

    async def fake_download(context: Any, file_id: str, name: str, user_id: int) -> Any:
        runtime = context.runtime
        return uploads.upload_file(runtime.store, b"text", name, actor="test",
                                   settings=runtime.settings)

    monkeypatch.setattr(bot_uploads, "download_and_store", fake_download)
    doc = {"file_id": "f1", "file_unique_id": "u1", "file_name": "cv.txt", "file_size": 4}

    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded, upload_workers=1, upload_queue=0) as (app, request):
            await app.process_update(update(app, user_id=ADMIN_ID, document=doc))
            return request

    reply = run(scenario()).sent()[-1]["text"]
    assert "bận" in reply and "gửi lại" in reply


def test_an_older_copy_sent_to_the_bot_is_refused_with_the_api_sentence(
    tmp_path: Path, seeded: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.handlers.uploads as bot_uploads
    import retrieval.service.uploads as uploads
    from corpus.ingest import ingest_text
    from tests.corpus.test_versions import V1, V2

    first = ingest_text(seeded, V1, source_name="cv.txt")
    assert ingest_text(seeded, V2, source_name="cv.txt").status == "updated"
    revision = seeded.revision()

    async def fake_download(context: Any, file_id: str, name: str, user_id: int) -> Any:
        return uploads.upload_file(context.runtime.store, V1.encode(), name, actor="test",
                                   settings=context.runtime.settings)

    monkeypatch.setattr(bot_uploads, "download_and_store", fake_download)
    doc = {"file_id": "f1", "file_unique_id": "u1", "file_name": "cv.txt", "file_size": 900}

    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            await app.process_update(update(app, user_id=ADMIN_ID, document=doc))
            return request

    reply = run(scenario()).sent()[-1]["text"]
    assert f"trùng phiên bản v1 của văn bản #{first.document_id}; văn bản đang ở v2" in reply
    assert seeded.revision() == revision


def test_a_reply_to_an_answer_is_asked_in_its_thread(tmp_path: Path, seeded: CorpusStore) -> None:
    first = "Các đơn vị phải làm gì theo NQ 02?"
    follow = "còn công đoàn thì sao?"

    async def scenario() -> tuple[RecordingRequest, int, int]:
        async with started(tmp_path, seeded) as (app, request):
            await app.process_update(update(app, text=first))
            answer = request.messages[0]  # the first bubble: no buttons, known from chat data
            mark = len(request.sent())
            await app.process_update(update(app, text=follow, reply_to_message=answer))
            threaded = len(request.sent())
            await app.process_update(update(app, text=follow))  # the same words, no reply
            return request, mark, threaded

    request, mark, threaded = run(scenario())
    asked = [q.question for q in reversed(seeded.questions())]
    assert asked == [first, f"{first.rstrip('?')}. {follow}", follow]
    in_thread = "".join(p["text"] for p in request.sent()[mark:threaded])
    assert "/SGDDĐT-TCCTTT" in in_thread  # still the Long An dispatch that answered NQ 02


def test_a_reply_to_an_answer_is_threaded_after_a_restart(
    tmp_path: Path, seeded: CorpusStore
) -> None:
    """Without the chat's record, the query id on the answer's buttons finds the thread."""

    async def scenario() -> RecordingRequest:
        async with started(tmp_path, seeded) as (app, request):
            await app.process_update(update(app, text="Các đơn vị phải làm gì theo NQ 02?"))
            last = request.messages[-1]
            assert last.get("reply_markup")
            app.drop_chat_data(USER)
            await app.process_update(update(app, text="còn thời hạn?", reply_to_message=last))
            return request

    run(scenario())
    assert seeded.questions()[0].question == "Các đơn vị phải làm gì theo NQ 02. còn thời hạn?"
