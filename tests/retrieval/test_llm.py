"""Optional prose: a fake OpenAI-compatible endpoint on 127.0.0.1, checked citations."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from corpus.store import CorpusStore
from retrieval.answers import Answerer, answer_to_dict
from retrieval.answers.prose import LLMConfig, ProseWriter, Source, check_prose
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.service.settings import Settings

SOURCES = [
    Source(1, "Công văn số 5243/BGDĐT-NGCBQLGD", ("… bảo đảm hoàn thành trước ngày 30/9/2026 …",)),
    Source(2, "Công văn /SGDDĐT-TCCTTT", ("Thủ trưởng đơn vị phối hợp với tổ chức công đoàn …",)),
]


class FakeLLM:
    """Answers ``/v1/chat/completions`` with queued contents (or an HTTP status)."""

    def __init__(self) -> None:
        self.replies: list[str | int] = []
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                      "json": json.loads(body)})
                reply = fake.replies.pop(0) if fake.replies else 500
                if isinstance(reply, int):
                    self.send_response(reply)
                    self.end_headers()
                    return
                data = json.dumps({"choices": [{"message": {"role": "assistant",
                                                            "content": reply}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture()
def fake_llm() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    yield fake
    fake.close()


def test_check_prose() -> None:
    ok = "Các địa phương phải hoàn thành trước ngày 30/9/2026 [1]. Thủ trưởng đơn vị phối hợp " \
         "với công đoàn [2]."
    assert check_prose(ok, SOURCES) == ok
    assert check_prose("Hoàn thành trước ngày 30/9/2026. [1]", SOURCES) is not None
    assert check_prose("Hoàn thành trước ngày 30/9/2026 [3].", SOURCES) is None  # no source 3
    assert check_prose("Hoàn thành trước ngày 30/9/2026.", SOURCES) is None  # no citation
    assert check_prose("Đúng [1]. Còn câu này thì không.", SOURCES) is None
    assert check_prose("Hoàn thành trước ngày 15/12/2026 [1].", SOURCES) is None  # invented date
    assert check_prose("Phối hợp trước ngày 30/9/2026 [2].", SOURCES) is None  # date of [1] only
    assert check_prose("  ", SOURCES) is None


def test_off_by_default() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert ProseWriter.from_settings(settings) is None
    on = Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="m",  # type: ignore[call-arg]
                  llm_api_key="k", _env_file=None)
    writer = ProseWriter.from_settings(on)
    assert writer is not None and writer.config.api_key == "k"


def test_writer_against_fake_endpoint(fake_llm: FakeLLM) -> None:
    writer = ProseWriter(LLMConfig(base_url=fake_llm.url, model="fake", api_key="secret",
                                   timeout=5))
    fake_llm.replies = ["Các địa phương hoàn thành trước ngày 30/9/2026 [1].",
                        "Theo văn bản [7], phải làm ngay.", 503, "not json at all [1"]
    assert writer.write("hạn?", SOURCES) == (
        "Các địa phương hoàn thành trước ngày 30/9/2026 [1].", "ok")
    sent = fake_llm.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer secret"
    assert sent["json"]["model"] == "fake" and "[1] Công văn số 5243" in sent["json"][
        "messages"][1]["content"]
    assert writer.write("hạn?", SOURCES) == (None, "rejected")
    assert writer.write("hạn?", SOURCES) == (None, "error")
    assert writer.write("hạn?", SOURCES) == (None, "rejected")


def test_answer_falls_back_to_quotes(seeded_store: CorpusStore, fake_llm: FakeLLM) -> None:
    retriever = IndexBuilder(seeded_store, encoder=HashEncoder())
    retriever.refresh()
    writer = ProseWriter(LLMConfig(base_url=fake_llm.url, model="fake", timeout=5))
    answerer = Answerer(seeded_store, retriever, llm=writer)
    question = "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?"
    fake_llm.replies = ["Thủ trưởng các đơn vị tổ chức nghiên cứu, quán triệt Nghị quyết số "
                        "02-NQ/TW đến công chức, viên chức [1]."]
    good = answerer.answer(question, log_query=False)
    assert good.status == "answered" and good.prose is not None and good.prose_status == "ok"
    assert answer_to_dict(good)["prose"] == good.prose
    fake_llm.replies = ["Các đơn vị phải nộp báo cáo trước ngày 15/12 [1]."]  # invented date
    bad = answerer.answer(question, log_query=False)
    assert bad.prose is None and bad.prose_status == "rejected"
    assert bad.groups and bad.groups[0].quotes  # the quotes are still there
    fake_llm.replies = [500]
    down = answerer.answer(question, log_query=False)
    assert down.prose is None and down.prose_status == "error" and down.groups
