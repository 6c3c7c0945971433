"""A small fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real client.

It serves ``/bot{token}/{method}`` and ``/file/bot{token}/{path}`` like api.telegram.org:
getMe, getUpdates (long polling over a queue the test feeds), sendMessage, sendChatAction,
answerCallbackQuery, editMessageReplyMarkup, editMessageText, sendDocument, getFile and the
file download, setMyCommands, deleteWebhook, setWebhook. Every request is recorded; failures
(429 with retry_after, 500) can be injected per method.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from corpus.store import CorpusStore
from retrieval.service import Settings

BOT_USER = {
    "id": 7_000_001,
    "is_bot": True,
    "first_name": "Chỉ Nam",
    "username": "ChiNamBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters PTB sends JSON-encoded; every other form field is a plain string.
JSON_FIELDS = frozenset(
    {
        "chat_id", "message_id", "reply_markup", "reply_parameters", "link_preview_options",
        "commands", "scope", "allowed_updates", "offset", "limit", "timeout", "show_alert",
        "cache_time", "drop_pending_updates", "max_connections", "disable_notification",
        "protect_content", "entities", "caption_entities",
    }
)
MAX_LONG_POLL = 1.0


@dataclass
class Recorded:
    method: str
    params: dict[str, Any]
    token: str
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    result: Any = None  # what the fake answered (the Message of a sendMessage)

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class Failure:
    status: int
    retry_after: int | None = None


class FakeTelegram:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, list[Failure]] = {}
        self._lock = threading.Lock()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> FakeTelegram:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="fake-tg"
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake Telegram server did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._updates.clear()
            self._failures.clear()
            self.files.clear()

    # -- feeding the bot ----------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the next getUpdates (an ``update_id`` is assigned)."""
        update = {"update_id": next(self._update_ids), **update}
        with self._lock:
            self._updates.append(update)
        self._wake()
        return update

    def add_file(self, content: bytes, name: str) -> dict[str, Any]:
        """Store a file as if a user had sent it; returns the Telegram Document dict."""
        n = next(self._file_ids)
        file_id = f"FILE{n}"
        self.files[file_id] = (f"documents/file_{n}_{name}", content)
        return {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_name": name,
            "file_size": len(content),
            "mime_type": "application/octet-stream",
        }

    def fail(
        self, method: str, status: int, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        with self._lock:
            self._failures.setdefault(method, []).extend(
                Failure(status, retry_after) for _ in range(times)
            )

    def next_message_id(self) -> int:
        return next(self._message_ids)

    # -- looking at what the bot did ----------------------------------------------------------
    def calls(self, method: str | None = None, *, since: int = 0) -> list[Recorded]:
        """Recorded requests (of ``method``), from the ``since``-th request on."""
        with self._lock:
            return [r for r in self.requests[since:] if method is None or r.method == method]

    def mark(self) -> int:
        """A position in the record, for ``since``."""
        with self._lock:
            return len(self.requests)

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Recorded], bool] | None = None,
        *,
        count: int = 1,
        since: int = 0,
        timeout: float = 15.0,
    ) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while True:
            found = [
                r for r in self.calls(method, since=since)
                if r.status == 200 and (predicate is None or predicate(r))
            ]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [(r.method, r.status, r.text[:60]) for r in self.calls()]
                raise AssertionError(f"no {count}x {method} within {timeout}s; saw {seen}")
            await asyncio.sleep(0.02)

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the bot has sent nothing (besides polling) for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            active = [r for r in self.calls() if r.method != "getUpdates"]
            if not active or time.monotonic() - active[-1].at >= quiet:
                return
            await asyncio.sleep(0.05)

    # -- the HTTP side --------------------------------------------------------------------------
    def _wake(self) -> None:
        loop, event = self._loop, self._event
        if loop is not None and event is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    async def _params(self, request: Request) -> dict[str, Any]:
        if request.method == "GET":
            raw: dict[str, Any] = dict(request.query_params)
        elif request.headers.get("content-type", "").startswith("application/json"):
            return dict(await request.json())
        else:
            form = await request.form()
            raw = {}
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    raw[key] = {"filename": value.filename, "content": await value.read()}
                else:
                    raw[key] = value
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in JSON_FIELDS and isinstance(value, str):
                try:
                    params[key] = json.loads(value)
                except json.JSONDecodeError:
                    params[key] = value
            else:
                params[key] = value
        # Attached files arrive as "attach://name" references in multipart requests.
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.get(value.removeprefix("attach://"), value)
        return params

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        token = request.path_params["token"]
        params = await self._params(request)
        record = Recorded(method, params, token)
        with self._lock:
            self.requests.append(record)
            queue = self._failures.get(method)
            failure = queue.pop(0) if queue else None
        if failure is not None:
            record.status = failure.status
            body: dict[str, Any] = {"ok": False, "error_code": failure.status}
            if failure.retry_after is not None:
                body["description"] = f"Too Many Requests: retry after {failure.retry_after}"
                body["parameters"] = {"retry_after": failure.retry_after}
            else:
                body["description"] = "Internal Server Error"
            return JSONResponse(body, status_code=failure.status)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            record.status = 404
            return JSONResponse(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                status_code=404,
            )
        result = await handler(params)
        record.result = result
        return JSONResponse({"ok": True, "result": result})

    async def _download(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self._lock:
            self.requests.append(Recorded("download", {"path": path}, request.path_params["token"]))
        for stored_path, content in self.files.values():
            if stored_path == path:
                return Response(content, media_type="application/octet-stream")
        return Response(status_code=404)

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            **extra,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._event = asyncio.Event()
        assert self._event is not None
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), MAX_LONG_POLL)
        deadline = time.monotonic() + wait
        while True:
            self._event.clear()
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                pending = list(self._updates)
            remaining = deadline - time.monotonic()
            if pending or remaining <= 0:
                return pending
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), remaining)

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        return self._message(params, text=params.get("text", ""))

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._message(params, text=params.get("text", ""))
        message["message_id"] = params.get("message_id", message["message_id"])
        return message

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._message(params, text="")
        message["message_id"] = params.get("message_id", message["message_id"])
        return message

    async def _m_sendDocument(self, params: dict[str, Any]) -> Any:
        document = params.get("document")
        name = document.get("filename") if isinstance(document, dict) else "file"
        size = len(document.get("content", b"")) if isinstance(document, dict) else 0
        return self._message(
            params,
            document={
                "file_id": f"SENT{next(self._file_ids)}",
                "file_unique_id": "SENTU",
                "file_name": name,
                "file_size": size,
            },
            caption=params.get("caption", ""),
        )

    async def _m_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id"))
        path, content = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    async def _true(self, params: dict[str, Any]) -> Any:
        return True

    _m_sendChatAction = _true
    _m_answerCallbackQuery = _true
    _m_setMyCommands = _true
    _m_deleteWebhook = _true
    _m_setWebhook = _true


# -- updates as Telegram would send them -------------------------------------------------------
def user(user_id: int, name: str = "Cô Lan") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "vi"}


def message_update(
    fake: FakeTelegram,
    *,
    user_id: int,
    text: str | None = None,
    chat_id: int | None = None,
    chat_type: str = "private",
    entities: list[dict[str, Any]] | None = None,
    reply_to: dict[str, Any] | None = None,
    document: dict[str, Any] | None = None,
) -> dict[str, Any]:
    chat_id = user_id if chat_id is None else chat_id
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = "Lan"
    else:
        chat["title"] = "Tổ Văn THCS"
    message: dict[str, Any] = {
        "message_id": fake.next_message_id(),
        "date": int(time.time()),
        "chat": chat,
        "from": user(user_id),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if entities:
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    if document is not None:
        message["document"] = document
    return {"message": message}


def callback_update(
    *, user_id: int, data: str, message: dict[str, Any], query_id: str | None = None
) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": query_id or f"cb{time.monotonic_ns()}",
            "from": user(user_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        }
    }


def sent_message(record: Recorded, message_id: int | None = None) -> dict[str, Any]:
    """A Message dict for something the bot sent, to press its buttons or reply to it (with
    the id the fake gave it unless ``message_id`` says otherwise)."""
    if message_id is None:
        answered = record.result if isinstance(record.result, dict) else {}
        message_id = int(answered.get("message_id", 1))
    chat_id = record.chat_id or 0
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        "from": BOT_USER,
        "text": record.text,
    }
    if record.params.get("reply_markup"):
        message["reply_markup"] = record.params["reply_markup"]
    return message


@contextlib.contextmanager
def running_fake() -> Iterator[FakeTelegram]:
    fake = FakeTelegram().start()
    try:
        yield fake
    finally:
        fake.stop()


# -- the real bot against it ---------------------------------------------------------------
TOKEN = "123456:TEST-token"
ADMIN_ID = 900


def make_settings(data_dir: Path, api_url: str, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "embedding_model": None,
        "telegram_token": SecretStr(TOKEN),
        "telegram_api_url": api_url,
        "bot_admin_ids": [ADMIN_ID],
        "refresh_seconds": 0.2,
        "rate_limit_per_minute": 30,
        "_env_file": None,
    }
    values.update(changes)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_bot(settings: Settings, store: CorpusStore, **kwargs: Any) -> AsyncIterator[Any]:
    """The real Application built by bot.app, served by bot.main.serve, until the block ends."""
    from bot.app import build_application
    from bot.main import serve

    options: dict[str, Any] = {"encoder": None, "load_model": False, "network_backoff": 0.05}
    options.update(kwargs)
    app = build_application(settings, store=store, **options)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, settings, stop, poll_timeout=1))
    while not (app.running and app.bot_data.ready.is_set()):
        if task.done():
            task.result()
            raise RuntimeError("the bot stopped at start")
        await asyncio.sleep(0.01)
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
