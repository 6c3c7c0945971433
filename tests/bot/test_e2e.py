"""End to end: the real PTB Application, built by bot.app and served by bot.main, talking
HTTP to the fake Bot API server of fake_telegram.py on 127.0.0.1."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bench.fake_telegram import (
    ADMIN_ID,
    BOT_USER,
    TOKEN,
    FakeTelegram,
    Recorded,
    callback_update,
    make_settings,
    message_update,
    running_bot,
    sent_message,
)
from corpus.ingest import ingest_text
from corpus.store import CorpusStore
from retrieval.service import Settings
from tests.bot.bot_harness import assert_telegram_html, run

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?"
USER = 501
GROUP = -100_777


def to(chat_id: int, *, with_buttons: bool = False) -> object:
    def check(r: Recorded) -> bool:
        return r.chat_id == chat_id and (bool(r.buttons()) or not with_buttons)

    return check


async def ask(tg: FakeTelegram, text: str, user_id: int = USER) -> list[Recorded]:
    """Send a private question; the bot's messages up to the one carrying the keyboard."""
    since = tg.mark()
    tg.push(message_update(tg, user_id=user_id, text=text))
    await tg.wait_for("sendMessage", to(user_id, with_buttons=True), since=since)
    return [
        r for r in tg.calls("sendMessage", since=since) if r.chat_id == user_id and r.status == 200
    ]


def button(record: Recorded, contains: str) -> str:
    for b in record.buttons():
        if contains in b["text"]:
            return str(b["callback_data"])
    raise AssertionError(f"no button with {contains!r} in {record.buttons()}")


def test_private_question_gets_quoted_cited_answer(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    async def scenario() -> list[Recorded]:
        async with running_bot(bot_settings, bot_store):
            return await ask(tg, QUESTION)

    sent = run(scenario())
    visible = "\n".join(assert_telegram_html(r.text) for r in sent)
    first = sent[0].text
    # duties on top, each quoted once; every quote is shown there, so the sources are citations
    assert first.index("Ai phải làm gì") < first.index("[1] Công văn")
    assert first.count("thủ trưởng các đơn vị tổ chức nghiên cứu quán triệt") == 1
    # the citation line of the Long An dispatch, and its words quoted verbatim
    assert "Công văn /SGDDĐT-TCCTTT, Sở Giáo dục và Đào tạo" in visible
    assert "02-NQ/TW" in visible
    assert "Thường trực Công đoàn ngành Giáo dục và Đào tạo tham mưu" in visible
    assert "thủ trưởng các đơn vị tổ chức nghiên cứu quán triệt" in visible
    assert {r.token for r in tg.calls()} == {TOKEN}
    assert tg.calls("sendChatAction")[0].params["action"] == "typing"
    methods = {r.method for r in tg.calls()}
    assert {"getMe", "deleteWebhook", "setMyCommands", "getUpdates"} <= methods
    commands = {c["command"] for r in tg.calls("setMyCommands") for c in r.params["commands"]}
    assert {"start", "help", "vanban", "xem", "theodoi", "huytheodoi", "phanhoi", "hoi"} <= commands
    labels = [b["text"] for b in sent[-1].buttons()]
    assert any("oàn văn" in b for b in labels)
    assert any("👍" in b for b in labels) and any("👎" in b for b in labels)
    assert all(r.params.get("parse_mode") == "HTML" for r in sent)


LONG_DOC = """UBND THÀNH PHỐ HÀ NỘI
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: {n}/SGDĐT-VP
V/v hướng dẫn quy trình zyxkhoan <nội bộ> & báo cáo đợt {n}
Hà Nội, ngày 1{n} tháng 3 năm 2026

Kính gửi: Các đơn vị trực thuộc.

{body}
"""


def long_body(n: int) -> str:
    para = (
        "{i}. Các đơn vị thực hiện quy trình zyxkhoan theo đúng hướng dẫn <mẫu {i}> & "
        "gửi báo cáo zyxkhoan về Sở; thủ trưởng đơn vị chịu trách nhiệm kiểm tra, rà soát "
        "số liệu, bảo đảm đầy đủ hồ sơ, minh chứng và thời hạn theo quy định của đợt {n}, "
        "đồng thời phân công cán bộ đầu mối theo dõi, tổng hợp, báo cáo kết quả thực hiện "
        "zyxkhoan định kỳ hằng tháng cho Văn phòng Sở để tổng hợp chung."
    )
    return "\n\n".join(para.format(i=i, n=n) for i in range(1, 7))


def test_long_answer_arrives_as_valid_html_messages_buttons_on_the_last(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    for n in (1, 2, 3):
        out = ingest_text(
            bot_store, LONG_DOC.format(n=n, body=long_body(n)), source_name=f"cv-{n}.txt"
        )
        assert out.ok, out.message

    async def scenario() -> list[Recorded]:
        async with running_bot(bot_settings, bot_store):
            return await ask(tg, "quy trình zyxkhoan báo cáo thế nào?")

    sent = run(scenario())
    # the sources are collapsed and no sentence is said twice, so this answer may now fit one
    # message; splitting itself is covered in test_format
    assert sent
    for record in sent:
        assert_telegram_html(record.text)
        assert len(record.text) <= 4096
    joined = "".join(r.text for r in sent)
    assert "&lt;mẫu" in joined and "&amp;" in joined and "<mẫu" not in joined
    assert [bool(r.buttons()) for r in sent] == [False] * (len(sent) - 1) + [True]


def test_thumbs_up_is_stored_and_its_callback_answered(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    async def scenario() -> str:
        async with running_bot(bot_settings, bot_store):
            sent = await ask(tg, QUESTION)
            data = button(sent[-1], "👍")
            message = sent_message(sent[-1], 77)
            tg.push(callback_update(user_id=USER, data=data, message=message, query_id="q-up"))
            await tg.wait_for(
                "answerCallbackQuery", lambda r: r.params["callback_query_id"] == "q-up"
            )
            await tg.wait_for("editMessageReplyMarkup")
            return data

    data = run(scenario())
    query_id = int(data.split(":")[1])
    feedback = bot_store.feedback()
    assert [(f.query_id, f.value, f.user_ref) for f in feedback] == [(query_id, 1, f"telegram:{USER}")]
    assert bot_store.get_query(query_id) is not None
    answered = tg.calls("answerCallbackQuery")[0]
    assert "Cảm ơn" in answered.params.get("text", "")
    edited = tg.calls("editMessageReplyMarkup")[0]
    keyboard = edited.params["reply_markup"]["inline_keyboard"]
    remaining = [b["callback_data"] for row in keyboard for b in row]
    assert remaining and not any(d.startswith("f:") for d in remaining)


def test_full_text_button_sends_the_document(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    async def scenario() -> str:
        async with running_bot(bot_settings, bot_store):
            sent = await ask(tg, QUESTION)
            data = button(sent[-1], "oàn văn")
            tg.push(callback_update(user_id=USER, data=data, message=sent_message(sent[-1])))
            await tg.wait_for("sendDocument")
            await tg.wait_for("answerCallbackQuery")
            return data

    data = run(scenario())
    doc = bot_store.get_document(int(data.split(":")[1]))
    assert doc is not None
    upload = tg.calls("sendDocument")[0]
    assert upload.chat_id == USER
    assert upload.params["document"]["filename"].endswith(".txt")
    assert upload.params["document"]["content"].decode("utf-8") == doc.text
    assert "Sở Giáo dục và Đào tạo" in upload.params["caption"]


NEW_PLAN = """UBND TỈNH LONG AN
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 4567/KH-SGDĐT
Long An, ngày 15 tháng 3 năm 2026

KẾ HOẠCH
Triển khai chuyển đổi số trong các cơ sở giáo dục năm 2026

Thực hiện Nghị quyết số 71-NQ/TW ngày 22/8/2025 của Bộ Chính trị về đột phá phát triển
giáo dục và đào tạo;

I. MỤC ĐÍCH, YÊU CẦU
1. Các đơn vị xây dựng kế hoạch chuyển đổi số, báo cáo Sở trước ngày 30/4/2026.
2. Thủ trưởng đơn vị chịu trách nhiệm tổ chức thực hiện.
"""

INGEST_SCRIPT = """
import sys
from corpus.db import make_engine
from corpus.ingest import ingest_text
from corpus.store import CorpusStore
store = CorpusStore(make_engine(sys.argv[1]))
outcome = ingest_text(store, sys.stdin.read(), source_name="kh-cds.txt", uploaded_by="cli")
print(outcome.status, outcome.document_id)
"""


def test_subscriber_gets_a_push_when_another_process_ingests(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    other_chat = 502

    async def scenario() -> tuple[str, float]:
        async with running_bot(bot_settings, bot_store):
            tg.push(message_update(tg, user_id=USER, text="/theodoi chuyển đổi số"))
            tg.push(message_update(tg, user_id=other_chat, text="/theodoi bảo hiểm y tế"))
            await tg.wait_for("sendMessage", to(USER))
            await tg.wait_for("sendMessage", to(other_chat))
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", INGEST_SCRIPT, bot_settings.db_url,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT,
            )
            out, _ = await asyncio.wait_for(proc.communicate(NEW_PLAN.encode()), 60)
            ingested_at = time.monotonic()
            assert proc.returncode == 0 and out.split()[0] == b"added", out
            pushes = await tg.wait_for(
                "sendMessage", lambda r: r.chat_id == USER and "Văn bản mới" in r.text, timeout=20
            )
            await tg.settle()
            return pushes[0].text, pushes[0].at - ingested_at

    text, delay = run(scenario(), timeout=90)
    assert "4567/KH-SGDĐT" in text and "chuyển đổi số" in text
    assert delay < 60
    to_other = [r for r in tg.calls("sendMessage") if r.chat_id == other_chat]
    assert not [r for r in to_other if "Văn bản mới" in r.text]
    assert [s.topic for s in bot_store.subscriptions(USER)] == ["chuyển đổi số"]


def test_user_outside_allowlist_is_refused_politely(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    settings = bot_settings.model_copy(update={"allowed_ids": [USER]})
    stranger = 666

    async def scenario() -> None:
        async with running_bot(settings, bot_store):
            tg.push(message_update(tg, user_id=stranger, text=QUESTION))
            await tg.wait_for("sendMessage", to(stranger))
            await ask(tg, QUESTION)  # the listed user is answered
            await tg.settle()

    run(scenario())
    refusal = [r for r in tg.calls("sendMessage") if r.chat_id == stranger]
    assert len(refusal) == 1
    assert "Xin lỗi" in refusal[0].text and str(stranger) in refusal[0].text
    assert "<blockquote>" not in refusal[0].text
    assert not [r for r in tg.calls("sendChatAction") if r.chat_id == stranger]


def test_group_ignores_chatter_and_answers_mentions_and_hoi(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    mention = f"@{BOT_USER['username']}"

    async def scenario() -> list[Recorded]:
        async with running_bot(bot_settings, bot_store):
            tg.push(message_update(tg, user_id=USER, chat_id=GROUP, chat_type="supergroup",
                                   text="Chiều nay họp tổ lúc mấy giờ các chị?"))
            await asyncio.sleep(0.5)
            await tg.settle(quiet=0.5)
            assert not tg.calls("sendMessage")
            text = f"{mention} {QUESTION}"
            asked = tg.push(message_update(
                tg, user_id=USER, chat_id=GROUP, chat_type="supergroup", text=text,
                entities=[{"type": "mention", "offset": 0, "length": len(mention)}],
            ))
            await tg.wait_for("sendMessage", to(GROUP, with_buttons=True))
            first = next(r for r in tg.calls("sendMessage") if r.chat_id == GROUP)
            assert first.params["reply_parameters"]["message_id"] == asked["message"]["message_id"]
            since = tg.mark()
            tg.push(message_update(tg, user_id=USER, chat_id=GROUP, chat_type="supergroup",
                                   text="/hoi hạn nộp báo cáo chuyển đổi số"))
            await tg.wait_for("sendMessage", to(GROUP), since=since)
            return [r for r in tg.calls("sendMessage") if r.chat_id == GROUP]

    sent = run(scenario())
    assert "Sở Giáo dục và Đào tạo" in "".join(r.text for r in sent)


def test_admin_upload_is_ingested_and_metadata_can_be_corrected(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    before = bot_store.count_documents()

    async def scenario() -> tuple[Recorded, Recorded]:
        async with running_bot(bot_settings, bot_store):
            stranger_file = tg.add_file(NEW_PLAN.encode(), "kh.txt")
            tg.push(message_update(tg, user_id=USER, document=stranger_file))
            refused = (await tg.wait_for("sendMessage", to(USER)))[0]
            document = tg.add_file(NEW_PLAN.encode(), "kh-chuyen-doi-so.txt")
            tg.push(message_update(tg, user_id=ADMIN_ID, document=document))
            reply = (await tg.wait_for("sendMessage", to(ADMIN_ID, with_buttons=True)))[0]
            assert tg.calls("download"), "the file was fetched through getFile"
            # "Sửa loại" then "Công văn": the type is corrected in the store
            card = sent_message(reply, 99)
            tg.push(callback_update(user_id=ADMIN_ID, data=button(reply, "Sửa loại"), message=card))
            picked = (await tg.wait_for("editMessageReplyMarkup"))[0]
            types = [b for row in picked.params["reply_markup"]["inline_keyboard"] for b in row]
            choice = next(b["callback_data"] for b in types if b["text"] == "Công văn")
            tg.push(callback_update(user_id=ADMIN_ID, data=choice, message=card))
            await tg.wait_for("editMessageText")
            return refused, reply

    refused, reply = run(scenario())
    assert "quản trị viên" in refused.text
    assert bot_store.count_documents() == before + 1
    assert "Đã nạp" in reply.text and "4567/KH-SGDĐT" in reply.text
    assert "Sở Giáo dục và Đào tạo" in reply.text
    labels = [b["text"] for b in reply.buttons()]
    assert any("Đúng" in b for b in labels) and any("Sửa số hiệu" in b for b in labels)
    doc_id = int(button(reply, "Đúng").split(":")[2])
    doc = bot_store.get_document(doc_id)
    assert doc is not None and doc.uploaded_by == f"telegram:{ADMIN_ID}"
    assert doc.doc_type == "Công văn" and doc.match_key == "CV:4567"
    assert "Công văn" in tg.calls("editMessageText")[0].text


def test_flood_control_is_waited_out(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    tg.fail("sendMessage", 429, retry_after=1)

    async def scenario() -> list[Recorded]:
        async with running_bot(bot_settings, bot_store):
            return await ask(tg, QUESTION)

    sent = run(scenario())
    attempts = [r for r in tg.calls("sendMessage") if r.chat_id == USER]
    assert attempts[0].status == 429
    assert attempts[1].status == 200 and attempts[1].at - attempts[0].at >= 1.0
    assert any("Ai phải làm gì" in r.text and "[1] Công văn" in r.text for r in sent)


def test_server_errors_are_retried(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    tg.fail("sendMessage", 500, times=2)

    async def scenario() -> list[Recorded]:
        async with running_bot(bot_settings, bot_store):
            return await ask(tg, QUESTION)

    run(scenario())
    statuses = [r.status for r in tg.calls("sendMessage") if r.chat_id == USER]
    assert statuses[:3] == [500, 500, 200]


def test_rate_limit_answers_politely(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    settings = bot_settings.model_copy(update={"rate_limit_per_minute": 1})

    async def scenario() -> None:
        async with running_bot(settings, bot_store):
            await ask(tg, QUESTION)
            tg.push(message_update(tg, user_id=USER, text="hạn nộp báo cáo?"))
            tg.push(message_update(tg, user_id=USER, text="còn gì nữa không?"))
            await tg.wait_for("sendMessage", lambda r: "hơi nhanh" in r.text)
            await tg.settle()

    run(scenario())
    polite = [r for r in tg.calls("sendMessage") if "hơi nhanh" in r.text]
    assert len(polite) == 1 and "giây" in polite[0].text


def test_commands_and_document_card(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    for n in (1, 2, 3):  # ten documents: two pages of /vanban
        ingest_text(bot_store, LONG_DOC.format(n=n, body=long_body(n)), source_name=f"cv-{n}.txt")
    async def scenario() -> dict[str, Recorded]:
        got: dict[str, Recorded] = {}
        async with running_bot(bot_settings, bot_store):
            for command in ("/start", "/help", "/khongco", "/phanhoi Thiếu hạn nộp báo cáo",
                            "/xem 71-NQ/TW", "/vanban"):
                since = tg.mark()
                tg.push(message_update(tg, user_id=USER, text=command))
                got[command.split()[0]] = (await tg.wait_for("sendMessage", since=since))[0]
            listing = got["/vanban"]
            tg.push(callback_update(user_id=USER, data=button(listing, "Trang sau"),
                                    message=sent_message(listing, 55)))
            got["page2"] = (await tg.wait_for("editMessageText"))[0]
            card = got["/xem"]
            tg.push(callback_update(user_id=USER, data=button(card, "toàn văn"),
                                    message=sent_message(card, 56)))
            await tg.wait_for("sendDocument")
        return got

    got = run(scenario())
    for record in got.values():
        assert_telegram_html(record.text)
    assert "Chỉ Nam" in got["/start"].text
    assert "/vanban" in got["/help"].text
    assert "/khongco" in got["/khongco"].text and "/hoi" in got["/khongco"].text
    assert "Cảm ơn" in got["/phanhoi"].text
    assert [f.comment for f in bot_store.feedback()] == ["Thiếu hạn nộp báo cáo"]
    card = got["/xem"].text
    assert "71-NQ/TW" in card and "Bộ Chính trị" in card
    assert "999-CV/BTGDVTU" in card  # the HCMC dispatch citing it
    assert "trang 1/" in got["/vanban"].text and "trang 2/" in got["page2"].text
    assert got["page2"].params["message_id"] == 55


def test_webhook_mode_checks_the_secret(tmp_path: Path, tg: FakeTelegram,
                                        seeded_db_template: Path) -> None:
    import shutil
    import socket

    import httpx

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(seeded_db_template, data / "chinam.db")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = make_settings(
        data, tg.url,
        telegram_webhook_url=f"http://127.0.0.1:{port}/tg-hook",
        telegram_webhook_port=port,
        telegram_webhook_secret="s3cret-token",
    )
    from corpus.db import make_engine

    engine = make_engine(settings.db_url)
    store = CorpusStore(engine)

    async def scenario() -> tuple[int, int]:
        async with running_bot(settings, store):
            update = {"update_id": 1, **message_update(tg, user_id=USER, text=QUESTION)}
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                bad = await client.post("/tg-hook", json=update,
                                        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                good = await client.post(
                    "/tg-hook", json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                )
            await tg.wait_for("sendMessage", to(USER, with_buttons=True))
            return bad.status_code, good.status_code

    try:
        bad, good = run(scenario())
    finally:
        engine.dispose()
    assert (bad, good) == (403, 200)
    hook = tg.calls("setWebhook")[0]
    assert hook.params["url"].endswith("/tg-hook") and hook.params["secret_token"] == "s3cret-token"
    assert not tg.calls("getUpdates")


def test_a_reply_to_an_answer_keeps_the_thread(
    tg: FakeTelegram, bot_settings: Settings, bot_store: CorpusStore
) -> None:
    """Over HTTP: replying to the first bubble of an answer asks the follow-up in its context;
    the same words sent alone are a new question."""
    follow = "còn công đoàn thì sao?"

    async def scenario() -> tuple[list[Recorded], list[Recorded]]:
        async with running_bot(bot_settings, bot_store):
            first = await ask(tg, QUESTION)
            since = tg.mark()
            tg.push(message_update(tg, user_id=USER, text=follow,
                                   reply_to=sent_message(first[0])))
            await tg.wait_for("sendMessage", to(USER, with_buttons=True), since=since)
            threaded = [r for r in tg.calls("sendMessage", since=since) if r.chat_id == USER]
            await ask(tg, follow)
            return first, threaded

    _, threaded = run(scenario())
    asked = [q.question for q in reversed(bot_store.questions())]
    assert asked == [QUESTION, f"{QUESTION.rstrip('?')}. {follow}", follow]
    visible = "\n".join(assert_telegram_html(r.text) for r in threaded)
    assert "Công văn /SGDDĐT-TCCTTT" in visible  # the dispatch that answered the first question
