"""Small rules: access, per-user limits, retry decisions, subscription topics."""

from __future__ import annotations

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.access import AccessPolicy, UserRateLimiter
from bot.resilience import retryable
from bot.topics import topic_matches
from corpus.models import Document


def test_allowlist_is_open_when_empty_and_admins_always_pass() -> None:
    assert AccessPolicy([], []).allows(1, 1)
    policy = AccessPolicy([10, -100_1], [99])
    assert policy.allows(10, 10)
    assert policy.allows(55, -100_1)  # a listed group lets its members in
    assert policy.allows(99, 99)
    assert not policy.allows(55, 55)
    assert policy.is_admin(99) and not policy.is_admin(10)


def test_rate_limiter_window_and_single_warning() -> None:
    now = [0.0]
    limiter = UserRateLimiter(2, clock=lambda: now[0])
    assert limiter.check(1) == 0 and limiter.check(1) == 0
    wait = limiter.check(1)
    assert 59 < wait <= 60
    assert limiter.should_warn(1) and not limiter.should_warn(1)
    assert limiter.check(2) == 0  # per user
    now[0] = 61
    assert limiter.check(1) == 0
    assert UserRateLimiter(0).check(1) == 0  # disabled


def test_retry_decisions() -> None:
    assert retryable(NetworkError("Internal Server Error"), "sendMessage")
    assert not retryable(BadRequest("can't parse entities"), "sendMessage")
    lost_answer = TimedOut()
    assert not retryable(lost_answer, "sendMessage")  # may have been delivered
    assert retryable(lost_answer, "answerCallbackQuery")
    try:
        raise TimedOut() from httpx.ConnectTimeout("connect")
    except TimedOut as never_sent:
        assert retryable(never_sent, "sendMessage")


def doc(**kw: object) -> Document:
    values: dict[str, object] = {
        "doc_type": "Kế hoạch", "number": "37-KH/TU", "match_key": "KH:37",
        "title": "Kế hoạch 37-KH/TU", "subject": "Thực hiện Nghị quyết 02 về Công đoàn",
        "issuer": "Tỉnh ủy Long An", "sha256": "s", "text": "",
    }
    values.update(kw)
    return Document(**values)  # type: ignore[arg-type]


def test_topics_match_words_numbers_and_citations() -> None:
    d = doc()
    assert topic_matches("*", d)
    assert topic_matches("cong doan", d)  # no diacritics
    assert topic_matches("Tỉnh ủy Long An", d)
    assert topic_matches("KH 37", d)
    assert topic_matches("NQ 02", d, cited_match_keys={"NQ:2"})  # it implements NQ 02
    assert not topic_matches("NQ 71", d, cited_match_keys={"NQ:2"})
    assert not topic_matches("bảo hiểm y tế", d)
    assert topic_matches("chuyển đổi số", doc(subject=None, text="KẾ HOẠCH\nChuyển đổi số 2026"))
