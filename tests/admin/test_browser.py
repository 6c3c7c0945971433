"""Headless Chromium signs in to the admin page, drops a dispatch on the upload zone, reads
it, publishes it as parsed and sees it listed with its number; the screenshot goes to
test-artifacts/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.store import CorpusStore
from retrieval.service import Settings
from tests.admin.conftest import ADMIN_TOKEN, SAMPLES, make_app

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SAMPLE = SAMPLES / "cong-van-5208-BGDDT-GDPT-2026_nhiem-vu-GDPT-nam-hoc-2026-2027.txt"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip("browser test: /usr/bin/chromium is absent "
                "(apt-get install -y chromium chromium-driver)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser test: playwright is not installed (pip install playwright)"
)


@pytest.fixture()
def live_server(admin_settings: Settings, sqlite_store: CorpusStore) -> Iterator[str]:
    import uvicorn

    from tests.admin.test_cross_process import _free_port

    port = _free_port()
    app = make_app(admin_settings, sqlite_store, dense=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_sign_in_drop_upload_and_see_the_number(live_server: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="vi-VN")
            page.set_default_timeout(20_000)
            page.goto(f"{live_server}/admin")
            assert "/admin/login" in page.url
            page.fill("#token", ADMIN_TOKEN)
            page.click("button:has-text('Đăng nhập')")
            page.wait_for_selector("#drop-zone")

            transfer = page.evaluate_handle(
                """([name, text]) => {
                    const transfer = new DataTransfer();
                    transfer.items.add(new File([text], name, {type: "text/plain"}));
                    return transfer;
                }""",
                [SAMPLE.name, SAMPLE.read_text(encoding="utf-8")],
            )
            page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})
            assert page.text_content("#file-name") == SAMPLE.name
            with page.expect_navigation():
                page.click("#upload-form button[type=submit]")
            assert page.input_value("input[name=number_0]") == "5208/BGDĐT-GDPT"
            with page.expect_navigation():
                page.click("#publish")
            assert "Đã thêm" in (page.text_content("table.results") or "")
            page.goto(f"{live_server}/admin")
            numbers = page.locator("table.docs td.number").all_text_contents()
            assert "5208/BGDĐT-GDPT" in numbers
            page.screenshot(path=str(ARTIFACTS / "admin-upload.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "admin-upload.png").stat().st_size > 10_000
