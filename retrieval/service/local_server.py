"""A running `chinam serve` announced in its data directory, for `chinam ask` to use.

`chinam serve` writes ``serve.json`` into the data directory (readable by its owner only)
with its address, its process id and a token it made at start for this purpose, and removes
it when it stops. `chinam ask` on the same data directory finds it with :func:`find` (the
process must still exist), checks that the server is ready, and sends the question over HTTP
(:func:`ask`): the answer comes from a process that has the index and the model loaded
already. Anything else (no file, a dead process, no answer in time) gives None, and the
caller answers in its own process.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

FILE_NAME = "serve.json"
TOKEN_NAME = "local-cli"
READY_TIMEOUT = 1.0  # seconds for the server to say it is ready
ANSWER_TIMEOUT = 30.0  # seconds for the answer itself


@dataclass(frozen=True)
class LocalServer:
    url: str
    pid: int
    token: str


def new_token() -> str:
    return secrets.token_urlsafe(32)


def local_url(host: str, port: int) -> str:
    """The address this machine reaches a server bound to ``host``:``port`` at."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def announce(data_dir: Path, server: LocalServer) -> Path:
    """Write ``serve.json`` for ``server`` (owner-only, replaced atomically)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILE_NAME
    tmp = data_dir / f".{FILE_NAME}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(server), f)
    os.replace(tmp, path)
    return path


@contextmanager
def announced(data_dir: Path, server: LocalServer) -> Iterator[None]:
    """``server`` announced in ``data_dir`` while the block runs, withdrawn after it, and
    also when SIGTERM or SIGINT ends the process (uvicorn stops gracefully on them, then
    raises them again: the default action follows the withdrawal)."""
    try:
        announce(data_dir, server)
    except OSError as exc:
        log.warning("%s not written: %s", FILE_NAME, exc)

    def withdraw_and_stop(signum: int, frame: FrameType | None) -> None:
        withdraw(data_dir)
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, withdraw_and_stop)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        withdraw(data_dir)


def withdraw(data_dir: Path, pid: int | None = None) -> None:
    """Remove ``serve.json`` if it announces process ``pid`` (this one by default)."""
    path = data_dir / FILE_NAME
    found = _read(path)
    if found is not None and found.pid == (pid if pid is not None else os.getpid()):
        path.unlink(missing_ok=True)


def find(data_dir: Path) -> LocalServer | None:
    """The server announced in ``data_dir`` if its process still exists."""
    found = _read(data_dir / FILE_NAME)
    if found is None or not _alive(found.pid):
        return None
    return found


def ask(server: LocalServer, question: str, *, ready_timeout: float = READY_TIMEOUT,
        answer_timeout: float = ANSWER_TIMEOUT) -> dict[str, Any] | None:
    """The server's JSON answer to ``question``, or None when it is not ready in
    ``ready_timeout`` seconds or does not answer in ``answer_timeout``."""
    import httpx

    headers = {"Authorization": f"Bearer {server.token}"}
    try:
        with httpx.Client(base_url=server.url, headers=headers, trust_env=False) as http:
            ready = http.get("/readyz", timeout=ready_timeout)
            if ready.status_code != 200:
                return None
            r = http.post("/api/v1/ask", json={"question": question}, timeout=answer_timeout)
            if r.status_code != 200:
                return None
            data = r.json()
    except (httpx.HTTPError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _read(path: Path) -> LocalServer | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return LocalServer(str(raw["url"]), int(raw["pid"]), str(raw["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True
