"""A document uploaded through `chinam serve` reaches a separately started answering process
within its refresh interval; once deleted it is never cited again (SQLite file and PostgreSQL)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.admin.conftest import ADMIN, ADMIN_TOKEN, dispatch

ROOT = Path(__file__).resolve().parents[2]
CHINAM = Path(sys.executable).with_name("chinam")
WORKER = Path(__file__).with_name("answer_worker.py")
REFRESH_SECONDS = 1.0
SLACK_SECONDS = 4.0  # process scheduling on a busy machine
QUESTION = "Hội thi sao biển bạc tổ chức trước ngày nào?"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHINAM_")}
    env.update(
        CHINAM_DATABASE_URL=db_url,
        CHINAM_DATA_DIR=str(data_dir),
        CHINAM_EMBEDDING_MODEL="",
        CHINAM_ADMIN_TOKEN=ADMIN_TOKEN,
        CHINAM_REFRESH_SECONDS=str(REFRESH_SECONDS),
        HF_HUB_OFFLINE="1",
    )
    return env


class Worker:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc

    def ask(self, question: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture()
def server(db_url: str, tmp_path: Path) -> Iterator[str]:
    """`chinam serve` in its own process; yields its base URL."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(CHINAM), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path, env=_env(db_url, tmp_path / "server"), stdout=log, stderr=log, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/readyz", headers=ADMIN, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "chinam serve did not become ready"
            time.sleep(0.2)
        yield base
    finally:
        _stop(proc)
        log.close()


@pytest.fixture()
def worker(db_url: str, tmp_path: Path) -> Iterator[Worker]:
    proc = subprocess.Popen(
        [sys.executable, str(WORKER)], cwd=tmp_path, env=_env(db_url, tmp_path / "worker"),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout and proc.stdout.readline().strip() == "ready"
        yield Worker(proc)
    finally:
        if proc.stdin:
            proc.stdin.close()
        _stop(proc)


def test_upload_reaches_another_process_and_delete_never_cited(
    server: str, worker: Worker
) -> None:
    assert worker.ask(QUESTION)["cited"] == []
    api = httpx.Client(base_url=server, headers=ADMIN, timeout=30)
    r = api.post("/api/v1/documents",
                 files={"file": ("cv-sao-bien.txt", dispatch("321", "sao biển bạc"))})
    assert r.status_code == 201, r.text
    doc_id = r.json()["document"]["id"]
    uploaded = time.monotonic()

    while doc_id not in (reply := worker.ask(QUESTION))["cited"]:
        assert time.monotonic() - uploaded < REFRESH_SECONDS + SLACK_SECONDS, reply
        time.sleep(0.1)
    assert reply["status"] == "answered"
    assert doc_id in [g["citation"]["document_id"]
                      for g in api.post("/api/v1/ask", json={"question": QUESTION}).json()["groups"]]

    assert api.delete(f"/api/v1/documents/{doc_id}").status_code == 204
    deleted = time.monotonic()
    # From the moment of deletion, before and after the worker's next refresh.
    while time.monotonic() - deleted < 2 * REFRESH_SECONDS + 1:
        assert doc_id not in worker.ask(QUESTION)["cited"]
        time.sleep(0.1)
    assert worker.ask(QUESTION)["revision"] >= 2
    answer = api.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert doc_id not in [g["citation"]["document_id"] for g in answer["groups"]]
    api.close()
