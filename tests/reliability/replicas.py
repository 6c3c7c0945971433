"""Helpers for multi-process tests: replica processes (corpus_worker.py) and fresh schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, fresh_schema  # noqa: F401  (re-exported for the tests)

WORKER = Path(__file__).with_name("corpus_worker.py")


class ReplicaProcess:
    """One replica: a Python process holding its own store, retriever and refresh loop."""

    def __init__(self, name: str, log_path: Path) -> None:
        self.name = name
        self._log = log_path.open("w")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHINAM_")}
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
        )
        assert self.read(60.0).get("ready"), f"{name} did not start"

    def read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        if not box or not box[0]:
            self.kill()
            raise AssertionError(f"{self.name}: no reply within {timeout}s (exit {self.proc.poll()})")
        return json.loads(box[0])

    def send(self, op: str, **fields: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self.proc.stdin.flush()

    def receive(self, timeout: float = 60.0) -> dict[str, Any]:
        reply = self.read(timeout)
        assert "error" not in reply, f"{self.name}: {reply['error']}\n{reply.get('traceback', '')}"
        return reply

    def call(self, op: str, timeout: float = 60.0, **fields: Any) -> dict[str, Any]:
        self.send(op, **fields)
        return self.receive(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None and self.proc.stdin is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@contextmanager
def running(log_dir: Path, *names: str) -> Iterator[tuple[ReplicaProcess, ...]]:
    """Replica processes named ``names``, stopped (and their logs closed) afterwards."""
    started: list[ReplicaProcess] = []
    try:
        for name in names:
            started.append(ReplicaProcess(name, log_dir / f"replica-{name}.log"))
        yield tuple(started)
    finally:
        for replica in started:
            replica.stop()


