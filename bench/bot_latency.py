"""Question-to-reply latency of the Telegram bot, through the fake Bot API server.

The real Application (bot.app + bot.main.serve) long-polls a fake Bot API server on
127.0.0.1 (tests/bot/fake_telegram.py). Each question is queued as an update; latency runs
from queueing it to the fake server receiving the answer's last message (the one carrying
the buttons). Also reported: time to the typing indicator and to the first message.

    .venv/bin/python bench/bot_latency.py [-n 100] [--model hash:64 | PATH]

Without --model the retriever is lexical-only (BM25), as when no model is reachable. The
last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fake_telegram import FakeTelegram, make_settings, message_update, running_bot  # noqa: E402
from corpus.db import make_engine  # noqa: E402
from corpus.ingest import ingest_paths  # noqa: E402
from corpus.store import CorpusStore  # noqa: E402
from retrieval.service import encoder_from  # noqa: E402

QUESTIONS = [
    "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
    "cac don vi phai lam gi theo nq 02",
    "Văn bản nào triển khai Nghị quyết 02-NQ/TW?",
    "Sở GD&ĐT Hà Nội có trách nhiệm gì trong phối hợp với Công đoàn ngành?",
    "Nhiệm vụ giáo dục phổ thông năm học 2026-2027 là gì?",
    "Chính sách ưu đãi cho nhà giáo theo Nghị quyết 71?",
    "phu cap uu dai nghe giao vien",
    "Công đoàn cơ sở có quyền gì?",
    "Hạn nộp báo cáo là khi nào?",
    "Quản lý đội ngũ nhà giáo cần làm gì?",
    "Thủ trưởng đơn vị có trách nhiệm gì?",
    "chuyển đổi số trong giáo dục",
    "Ban Tuyên giáo thành ủy TP.HCM yêu cầu gì về Nghị quyết 71?",
    "kinh phí công đoàn đóng bao nhiêu",
    "thoi gian hoat dong cong doan cua can bo khong chuyen trach",
    "Luật Công đoàn 2012 quy định gì về đại diện người lao động?",
    "đánh giá học sinh tiểu học",
    "Kế hoạch 37-KH/TU của Tỉnh ủy Long An",
    "giao thông đường bộ",  # out of corpus: "không tìm thấy"
    "thuế thu nhập cá nhân",  # out of corpus
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def measure(n: int, model: str | None, data: Path) -> dict[str, object]:
    fake = FakeTelegram().start()
    try:
        settings = make_settings(
            data, fake.url, rate_limit_per_minute=0, refresh_seconds=5.0, embedding_model=model
        )
        engine = make_engine(settings.db_url)
        store = CorpusStore(engine)
        ingest_paths(store, [ROOT / "samples"])
        encoder = encoder_from(settings) if model else None
        totals: list[float] = []
        firsts: list[float] = []
        typings: list[float] = []
        messages = 0
        async with running_bot(settings, store, load_model=False, encoder=encoder) as app:
            mode = app.bot_data.runtime.index_state().mode
            for i in range(n):
                user_id = 10_000 + i
                since = fake.mark()
                queued = time.monotonic()
                fake.push(message_update(fake, user_id=user_id, text=QUESTIONS[i % len(QUESTIONS)]))
                done = await fake.wait_for(
                    "sendMessage",
                    lambda r, u=user_id: r.chat_id == u and bool(r.buttons()),
                    since=since,
                    timeout=60,
                )
                sent = [r for r in fake.calls("sendMessage", since=since) if r.chat_id == user_id]
                typing = [r for r in fake.calls("sendChatAction", since=since)]
                totals.append((done[0].at - queued) * 1000)
                firsts.append((sent[0].at - queued) * 1000)
                if typing:
                    typings.append((typing[0].at - queued) * 1000)
                messages += len(sent)
        engine.dispose()
    finally:
        fake.stop()
    return {
        "n_questions": n,
        "mode": mode,
        "p50_ms": round(statistics.median(totals), 1),
        "p95_ms": round(percentile(totals, 95), 1),
        "max_ms": round(max(totals), 1),
        "mean_ms": round(statistics.fmean(totals), 1),
        "first_message_p50_ms": round(statistics.median(firsts), 1),
        "typing_p50_ms": round(statistics.median(typings), 1) if typings else None,
        "messages_per_answer": round(messages / n, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="number of questions (default 100)")
    parser.add_argument("--model", default=None, help="embedding model (hub name, path, hash:64)")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="chinam-bot-bench-"))
    try:
        report = asyncio.run(measure(args.n, args.model, data))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(
        f"{report['n_questions']} questions, mode {report['mode']}: "
        f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, max {report['max_ms']} ms; "
        f"typing after {report['typing_p50_ms']} ms, first message after "
        f"{report['first_message_p50_ms']} ms (medians)"
    )
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
