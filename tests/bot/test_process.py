"""`python -m bot` as a real process: configured from the environment, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bench.fake_telegram import TOKEN, FakeTelegram, message_update
from bot.main import run as run_bot
from retrieval.service import Settings
from tests.bot.bot_harness import run

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_bot_answers_and_stops_cleanly(tg: FakeTelegram, bot_settings: Settings) -> None:
    env = {
        **os.environ,
        "CHINAM_DATA_DIR": str(bot_settings.data_dir),
        "CHINAM_TELEGRAM_TOKEN": TOKEN,
        "CHINAM_TELEGRAM_API_URL": tg.url,
        "CHINAM_EMBEDDING_MODEL": "hash:64",
        "CHINAM_REFRESH_SECONDS": "1",
    }

    async def scenario() -> tuple[int | None, bytes]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        try:
            await tg.wait_for("setMyCommands", timeout=60)
            tg.push(message_update(tg, user_id=31, text="nhiệm vụ của công đoàn ngành giáo dục"))
            await tg.wait_for("sendMessage", lambda r: r.chat_id == 31, timeout=30)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(proc.communicate(), 30)
        return proc.returncode, err

    code, err = run(scenario(), timeout=120)
    assert code == 0, err.decode()[-2000:]
    assert TOKEN not in err.decode(), "the token must not reach the logs"


def test_run_without_token_explains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path, embedding_model=None, _env_file=None)  # type: ignore[call-arg]
    assert run_bot(settings) == 2
    assert "CHINAM_TELEGRAM_TOKEN" in capsys.readouterr().err
