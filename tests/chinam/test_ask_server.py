"""`chinam ask` through a running `chinam serve` on the same data directory, and without."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.service import local_server
from tests.admin.conftest import ADMIN_TOKEN
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?"
START_TIMEOUT = 120.0
RUN_TIMEOUT = 120.0


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHINAM_")}
    env.update(PYTHONPATH=str(ROOT), CHINAM_DATA_DIR=str(data_dir), CHINAM_EMBEDDING_MODEL="",
               CHINAM_ADMIN_TOKEN=ADMIN_TOKEN, HF_HUB_OFFLINE="1")
    return env


def _chinam(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chinam.cli", *args], env=_env(data_dir),
                          cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert _chinam(data, "ingest", "-q", str(SAMPLES)).returncode == 0
    return data


@pytest.fixture()
def serving(data_dir: Path, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`chinam serve` on ``data_dir``, ready (it has announced itself and answers)."""
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "chinam.cli", "serve", "--host", "127.0.0.1", "--port",
         str(_free_port())], env=_env(data_dir), cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            server = local_server.find(data_dir)
            if server is not None and local_server.ask(server, "NQ 02") is not None:
                break
            assert time.monotonic() < deadline, "chinam serve not ready in time"
            time.sleep(0.3)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.mark.slow
def test_ask_goes_to_the_running_server_and_prints_the_same(
    data_dir: Path, serving: subprocess.Popen[bytes]
) -> None:
    announced = json.loads((data_dir / local_server.FILE_NAME).read_text())
    assert announced["pid"] == serving.pid
    assert (data_dir / local_server.FILE_NAME).stat().st_mode & 0o077 == 0
    via_server = _chinam(data_dir, "ask", "--via", "server", QUESTION)
    here = _chinam(data_dir, "ask", "--via", "local", QUESTION)
    assert via_server.returncode == 0 and here.returncode == 0, via_server.stderr + here.stderr
    assert "[1]" in here.stdout and via_server.stdout == here.stdout
    as_json = json.loads(_chinam(data_dir, "ask", "--json", QUESTION).stdout)
    assert as_json["status"] == "answered" and as_json["query_id"]
    serving.terminate()
    serving.wait(timeout=30)
    assert not (data_dir / local_server.FILE_NAME).exists()
    assert _chinam(data_dir, "ask", "--via", "server", QUESTION).returncode == 1
    fallback = _chinam(data_dir, "ask", QUESTION)
    assert fallback.returncode == 0 and fallback.stdout == here.stdout


def test_a_dead_or_silent_server_is_not_used(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(timeout=30)
    dead = local_server.LocalServer("http://127.0.0.1:9", gone.pid, "x" * 43)
    local_server.announce(tmp_path, dead)
    assert local_server.find(tmp_path) is None
    silent = local_server.LocalServer(f"http://127.0.0.1:{_free_port()}", os.getpid(), "y" * 43)
    local_server.announce(tmp_path, silent)
    assert local_server.find(tmp_path) == silent
    assert local_server.ask(silent, QUESTION, ready_timeout=0.5) is None
    local_server.withdraw(tmp_path, pid=gone.pid)  # not the announced process: kept
    assert local_server.find(tmp_path) == silent
    local_server.withdraw(tmp_path)
    assert not (tmp_path / local_server.FILE_NAME).exists()
    (tmp_path / local_server.FILE_NAME).write_text("{not json")
    assert local_server.find(tmp_path) is None


def test_local_url() -> None:
    assert local_server.local_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert local_server.local_url("::", 8000) == "http://[::1]:8000"
    assert local_server.local_url("10.0.0.5", 81) == "http://10.0.0.5:81"
