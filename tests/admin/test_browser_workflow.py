"""Headless Chromium on a laptop-sized window: upload two files -> confirm (a junk note left
unticked, a number corrected) -> publish; a version diff and a restore; a search typed without
diacritics. Screenshots go to $CHINAM_SCREENSHOTS (a temporary directory by default)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from corpus.store import CorpusStore
from retrieval.service import Settings, upload_file
from tests.admin.conftest import ADMIN, ADMIN_TOKEN, dispatch
from tests.admin.test_browser import CHROMIUM, CHROMIUM_ARGS, live_server, sync_api

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
JUNK = "Ghi chú họp tổ: mai họp lúc 7h."
__all__ = ["live_server"]  # the fixture, shared


def indexed(live_server: str) -> None:
    """Wait until the server's index holds what the test wrote to the store behind its back
    (the server learns of it on its next refresh, every half second)."""
    deadline = time.monotonic() + 10
    with httpx.Client(base_url=live_server, headers=ADMIN, timeout=5) as api:
        while not api.get("/readyz").json()["index"]["up_to_date"]:
            assert time.monotonic() < deadline, "the index never caught up with the store"
            time.sleep(0.1)


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CHINAM_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture()
def page(live_server: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(locale="vi-VN", viewport=LAPTOP)
            tab.set_default_timeout(20_000)
            tab.goto(f"{live_server}/admin")
            tab.fill("#token", ADMIN_TOKEN)
            tab.click("button:has-text('Đăng nhập')")
            tab.wait_for_selector("#drop-zone")
            yield tab
        finally:
            browser.close()


def test_upload_confirm_correct_publish(page: Any, shots: Path, sqlite_store: CorpusStore) -> None:
    page.set_input_files("#file", [
        {"name": "cv-1234.txt", "mimeType": "text/plain", "buffer": dispatch()},
        {"name": "ghi-chu.txt", "mimeType": "text/plain", "buffer": JUNK.encode()},
    ])
    assert page.text_content("#file-name") == "cv-1234.txt, ghi-chu.txt"
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#confirm-form")
    assert page.input_value("input[name=number_0]") == "1234/SGDĐT-VP"
    assert page.is_checked("input[name=publish_0]")
    assert not page.is_checked("input[name=publish_1]")
    assert "không phải văn bản hành chính" in (page.text_content("#preview-1 .warning") or "")
    page.screenshot(path=str(shots / "1-confirm.png"), full_page=True)
    assert sqlite_store.count_documents() == 0

    page.fill("input[name=number_0]", "1240/SGDĐT-VP")
    with page.expect_navigation():
        page.click("#publish")
    rows = page.locator("table.results tbody tr").all_text_contents()
    assert "Đã thêm" in rows[0] and "1240/SGDĐT-VP" in rows[0]
    assert "Bỏ qua" in rows[1]
    page.screenshot(path=str(shots / "2-published.png"), full_page=True)
    [doc] = sqlite_store.list_documents()[0]
    assert doc.number == "1240/SGDĐT-VP" and "1234" not in doc.title


def test_version_diff_and_restore(
    page: Any, live_server: str, shots: Path, sqlite_store: CorpusStore, admin_settings: Settings
) -> None:
    v1 = dispatch()
    first = upload_file(sqlite_store, v1, "cv-1234.txt", actor="telegram:42",
                        settings=admin_settings)
    upload_file(sqlite_store, v1.replace(b"30/10/2026", b"05/11/2026"), "cv-1234.txt",
                actor="telegram:42", settings=admin_settings)
    doc_id = first.document.id
    page.goto(f"{live_server}/admin/documents/{doc_id}")
    page.screenshot(path=str(shots / "3-document.png"), full_page=True)
    with page.expect_navigation():
        page.click("text=So với bản hiện hành")
    summary = page.text_content("#diff-summary") or ""
    assert "trước ngày: 30/10 → 05/11" in summary
    assert page.locator("#diff-lines tr.kind-deadline").count() >= 1
    page.screenshot(path=str(shots / "4-diff.png"), full_page=True)
    with page.expect_navigation():
        page.click("#restore")
    assert "Đã khôi phục" in (page.text_content(".flash") or "")
    assert "v3 (hiện hành)" in (page.text_content("#versions") or "")
    doc = sqlite_store.get_document(doc_id or 0)
    assert doc is not None and doc.version == 3 and "30/10/2026" in doc.text
    page.goto(f"{live_server}/admin/audit")
    assert "telegram:42 tải lên Công văn 1234/SGDĐT-VP, v2" in (page.text_content("main") or "")
    page.screenshot(path=str(shots / "5-audit.png"), full_page=True)


def test_search_without_diacritics(
    page: Any, live_server: str, shots: Path, sqlite_store: CorpusStore, admin_settings: Settings
) -> None:
    upload_file(sqlite_store, dispatch(topic="công đoàn cơ sở"), "cd.txt", actor="admin",
                settings=admin_settings)
    upload_file(sqlite_store, dispatch("77", topic="bơi lội an toàn"), "boi.txt", actor="admin",
                settings=admin_settings)
    page.goto(f"{live_server}/admin")
    page.fill("input[name=q]", "cong doan")
    with page.expect_navigation():
        page.click("form.search button[type=submit]")
    numbers = page.locator("table.docs td.number").all_text_contents()
    assert numbers == ["1234/SGDĐT-VP"]
    page.screenshot(path=str(shots / "6-search.png"), full_page=True)


def test_try_a_question_then_find_it_in_the_log(
    page: Any, live_server: str, shots: Path, sqlite_store: CorpusStore, admin_settings: Settings
) -> None:
    upload_file(sqlite_store, dispatch(), "cv.txt", actor="admin", settings=admin_settings)
    indexed(live_server)
    page.click("text=Thử hỏi")
    page.fill("#ask-q", "hội thi kỳ lân xanh tổ chức trước ngày nào?")
    with page.expect_navigation():
        page.click("form.ask button[type=submit]")
    box = page.text_content("#answer") or ""
    assert "Bot sẽ trả lời" in box and "1234/SGDĐT-VP" in box
    direct = page.text_content("#answer .direct") or ""  # the dated sentence, as the bot puts it on top
    assert "trước ngày 30/10/2026" in direct
    page.screenshot(path=str(shots / "7-ask.png"), full_page=True)
    page.fill("#ask-q", "phụ cấp thâm niên nhà giáo?")
    with page.expect_navigation():
        page.click("form.ask button[type=submit]")
    assert "chưa trả lời được" in (page.text_content("#answer") or "")
    page.goto(f"{live_server}/admin/questions?all=1")
    rows = page.locator("table.questions tbody tr").all_text_contents()
    assert "Thêm văn bản cho câu này" in rows[0] and "Công văn 1234/SGDĐT-VP" in rows[1]
    page.screenshot(path=str(shots / "8-questions.png"), full_page=True)
    with page.expect_navigation():
        page.click("text=Thêm văn bản cho câu này")
    assert "phụ cấp thâm niên" in (page.text_content("#upload .note") or "")
