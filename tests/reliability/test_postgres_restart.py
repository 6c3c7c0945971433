"""PostgreSQL restarted under a serving admin app: clean failures, then recovery by itself.

The real admin app (uvicorn in a thread) runs on a private PostgreSQL cluster (see
private_pg.py). While the database is down every API request answers within REQUEST_LIMIT
seconds with a 5xx JSON body, /healthz stays 200 (the process is alive; restarting it would
not help) and /readyz says 503 not_ready. Once PostgreSQL is back, requests succeed again
without restarting the app, uploads work and reach answers. A fast restart under continuous
load gives only successes or clean 5xx, then only successes.

Database errors (OperationalError, InterfaceError) are answered 503 with Retry-After by
their own handler in admin/errors.py; the last test checks that on one kept-alive
connection.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from admin.app import create_app
from corpus.db import make_engine
from corpus.ingest import ingest_paths
from corpus.store import CorpusStore
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from tests.conftest import SAMPLES
from tests.reliability.private_pg import PrivatePostgres
from tests.reliability.served import AUTH, ServerThread, admin_settings
from tests.reliability.texts import dispatch, question

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

OUTAGE_SECONDS = 3.0
REQUEST_LIMIT = 5.0
RECOVERY_SECONDS = 15.0
ASK = {"question": "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?"}
PROBES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/api/v1/ask", {"json": ASK}),
    ("GET", "/api/v1/documents", {}),
    ("GET", "/api/v1/documents/1", {}),
    ("POST", "/api/v1/documents", {"files": {"file": ("cv-1.txt", dispatch(1, "mây ngũ sắc"))}}),
    ("GET", "/readyz", {}),
]


@pytest.fixture(scope="module")
def pg() -> Iterator[PrivatePostgres]:
    try:
        server = PrivatePostgres()
    except (FileNotFoundError, KeyError, subprocess.SubprocessError) as exc:
        pytest.skip(f"no private PostgreSQL cluster: {exc}")
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture()
def served(pg: PrivatePostgres, tmp_path: Path) -> Iterator[httpx.Client]:
    pg.start()  # a no-op unless an earlier test left it stopped
    engine = make_engine(pg.url)
    store = CorpusStore(engine)
    assert all(o.ok for o in ingest_paths(store, [SAMPLES]))
    retriever = IndexBuilder(store, encoder=HashEncoder(32))
    retriever.refresh()
    settings = admin_settings(tmp_path / "data", refresh_seconds=0.5, database_url=pg.url)
    app = create_app(settings, store=store, index=retriever)
    with ServerThread(app) as base, httpx.Client(base_url=base, headers=AUTH, timeout=30) as api:
        yield api
    engine.dispose()


def _cites_something(api: httpx.Client) -> None:
    r = api.post("/api/v1/ask", json=ASK)
    assert r.status_code == 200, r.text
    assert r.json()["groups"], r.json()


def _fresh(api: httpx.Client, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, float]:
    """One request on a new connection; (response, seconds)."""
    started = time.monotonic()
    r = httpx.request(method, f"{api.base_url}{path}", headers=AUTH, timeout=30, **kwargs)
    return r, time.monotonic() - started


def _clean_failure(r: httpx.Response, elapsed: float) -> None:
    assert elapsed < REQUEST_LIMIT, f"{r.request.url.path} took {elapsed:.1f}s"
    assert r.status_code >= 500, (r.request.url.path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith(("application/json", "application/problem+json"))
    body = r.json()
    assert "Traceback" not in r.text and "psycopg" not in r.text, body


def test_outage_fails_cleanly_and_recovers_without_restart(
    served: httpx.Client, pg: PrivatePostgres
) -> None:
    api = served
    _cites_something(api)
    assert api.get("/readyz").status_code == 200
    pg.stop()
    failures = 0
    try:
        down = time.monotonic()
        while time.monotonic() - down < OUTAGE_SECONDS:
            for method, path, kwargs in PROBES:
                _clean_failure(*_fresh(api, method, path, **kwargs))
                failures += 1
            assert _fresh(api, "GET", "/healthz")[0].status_code == 200
        ready = _fresh(api, "GET", "/readyz")[0].json()
        assert ready["status"] == "not_ready" and ready["database"]["ok"] is False
    finally:
        pg.start()
    back = time.monotonic()
    while (r := _fresh(api, "POST", "/api/v1/ask", json=ASK)[0]).status_code != 200:
        assert time.monotonic() - back < RECOVERY_SECONDS, r.text
        time.sleep(0.2)
    recovered = time.monotonic() - back
    for _ in range(10):
        _cites_something(api)
        assert api.get("/api/v1/documents").status_code == 200
    assert api.get("/readyz").status_code == 200
    files = {"file": ("cv-77.txt", dispatch(77, "chim lạc bay"))}
    r = api.post("/api/v1/documents", files=files)
    assert r.status_code == 201, r.text
    doc_id = r.json()["document"]["id"]
    while doc_id not in [g["citation"]["document_id"] for g in
                         api.post("/api/v1/ask", json={"question": question("chim lạc bay")}
                                  ).json()["groups"]]:
        assert time.monotonic() - back < RECOVERY_SECONDS + 10, "the refresh loop did not recover"
        time.sleep(0.2)
    print(f"{failures} requests failed cleanly during a {OUTAGE_SECONDS:.0f}s outage; "
          f"first success {recovered:.2f}s after PostgreSQL was back")


def test_fast_restart_under_load(served: httpx.Client, pg: PrivatePostgres) -> None:
    api = served
    statuses: list[int] = []
    problems: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            try:
                r, elapsed = _fresh(api, "POST", "/api/v1/ask", json=ASK)
                statuses.append(r.status_code)
                if r.status_code != 200:
                    _clean_failure(r, elapsed)
            except (AssertionError, httpx.HTTPError) as exc:
                problems.append(f"{type(exc).__name__}: {exc}"[:300])

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    pg.restart()
    restarted = len(statuses)
    time.sleep(2.0)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert problems == []
    after = statuses[restarted:]
    # Connections broken by the restart fail at most once each (the pool's pre-ping and
    # invalidation replace them); after that every request succeeds.
    tail = after[len(after) // 2:]
    assert tail and all(s == 200 for s in tail), after
    print(f"{len(statuses)} /ask requests across a fast restart: "
          f"{sum(s != 200 for s in statuses)} clean 5xx, the rest 200")


def test_outage_answers_503_and_keeps_the_connection(
    served: httpx.Client, pg: PrivatePostgres
) -> None:
    api = served
    _cites_something(api)
    pg.stop()
    try:
        for _ in range(3):
            for method, path, kwargs in PROBES[:-1]:  # /readyz has its own 503 body
                r = api.request(method, path, **kwargs)  # the same kept-alive connection
                assert r.status_code == 503, (path, r.status_code)
                assert r.headers["content-type"].startswith("application/problem+json")
                assert "Retry-After" in r.headers
    finally:
        pg.start()
