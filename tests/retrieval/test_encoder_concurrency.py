"""One encoder shared by an index refresh and request threads, as in the admin and bot processes.

A refresh encodes passages (measuring their token lengths first) while questions are being
answered; every call must succeed and give the vectors it gives alone.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from retrieval.encoder import CPU_DEFAULT_BACKEND, SentenceTransformerEncoder, VectorCache

STORM_SECONDS = 30.0
QUERY_THREADS = 3
QUESTIONS_PER_THREAD = 12
CACHE_SIZE = 4  # far below the questions asked, so nearly every ask is encoded afresh

SENTENCES = (
    "Nhà trường tổ chức khai giảng năm học mới vào ngày 05 tháng 9.",
    "Giáo viên được nghỉ phép năm theo quy định của Bộ luật Lao động.",
    "Học sinh vi phạm nội quy bị xử lý kỷ luật theo mức độ vi phạm.",
    "Công đoàn cơ sở tổ chức đại hội nhiệm kỳ mới, bầu ban chấp hành.",
    "Chế độ thai sản của nữ viên chức được hưởng theo Luật Bảo hiểm xã hội.",
    "Khen thưởng tập thể và cá nhân có thành tích xuất sắc trong năm học.",
)
TOPICS = ("nghỉ phép", "khai giảng", "công đoàn", "thai sản", "kỷ luật", "khen thưởng")


def _passages() -> list[str]:
    """Passages of very different token lengths, so a refresh sorts and batches them."""
    n = len(SENTENCES)
    return [" ".join((SENTENCES[i % n :] + SENTENCES[: i % n])[: 1 + i % n]) for i in range(24)]


def _questions(thread: int) -> list[str]:
    return [f"{TOPICS[(thread + i) % len(TOPICS)]} câu hỏi {thread}-{i} năm học nào?"
            for i in range(QUESTIONS_PER_THREAD)]


@pytest.fixture(scope="module")
def int8_encoder(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(
        str(model_dir), backend=CPU_DEFAULT_BACKEND, cache_size=CACHE_SIZE,
        cache_dir=tmp_path_factory.mktemp("models"),
    )


@pytest.mark.parametrize("size", [0, 1, 3])
def test_the_query_cache_is_shared_safely(size: int) -> None:
    cache = VectorCache(size)
    vec = np.ones(2, dtype=np.float32)
    errors: list[str] = []
    stop = threading.Event()

    def churn(thread: int) -> None:
        turn = 0
        while not stop.is_set():
            turn += 1
            keys = [f"{thread}-{turn % 5}", f"{(thread + 1) % 6}-{turn % 3}"]
            try:
                cache.get_many(keys)
                cache.put_many(dict.fromkeys(keys, vec))
            except Exception as exc:  # collected: the cache must never raise
                errors.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=churn, args=(t,)) for t in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        stop.set()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors[:3]
    assert len(cache) <= size


@pytest.mark.model
def test_measuring_lengths_leaves_the_shared_tokenizer_alone(
    int8_encoder: SentenceTransformerEncoder, model_dir: Path
) -> None:
    from transformers import AutoTokenizer

    enc = int8_encoder
    shared = enc._model.tokenizer.backend_tokenizer
    state = (shared.padding, shared.truncation)
    passages = [*_passages(), " ".join(SENTENCES) * 20]  # the last is cut at the model's limit
    lengths = enc.token_lengths(passages)
    assert (shared.padding, shared.truncation) == state
    enc.encode_passages(passages)
    enc.encode_queries(["nghỉ phép năm"])
    assert (shared.padding, shared.truncation) == state
    fresh = AutoTokenizer.from_pretrained(str(model_dir))
    limit = enc._model.max_seq_length
    expected = fresh(["passage: " + p for p in passages], truncation=True, max_length=limit)
    assert lengths == [len(ids) for ids in expected["input_ids"]]
    assert lengths[-1] == limit


def _run_until(
    stop: threading.Event, step: Callable[[], None], calls: list[int], errors: list[str]
) -> None:
    while not stop.is_set():
        calls.append(1)
        try:
            step()
        except Exception as exc:  # every failure is collected; the thread carries on
            errors.append(repr(exc))


@pytest.mark.model
@pytest.mark.timeout(STORM_SECONDS + 120)
def test_refresh_and_questions_share_one_encoder(int8_encoder: SentenceTransformerEncoder) -> None:
    enc = int8_encoder
    passages = _passages()
    questions = [_questions(t) for t in range(QUERY_THREADS)]
    # What each call gives alone, before any concurrency.
    alone_passages = enc.encode_passages(passages)
    alone = [{q: enc.encode_queries([q])[0] for q in qs} for qs in questions]

    errors: list[str] = []
    mismatches: list[str] = []
    stop = threading.Event()

    def refresh() -> None:
        if not np.allclose(enc.encode_passages(passages), alone_passages, atol=1e-5):
            mismatches.append("passages")

    def asker(thread: int) -> Callable[[], None]:
        turn = iter(range(1 << 62))

        def ask() -> None:
            q = questions[thread][next(turn) % QUESTIONS_PER_THREAD]
            if not np.allclose(enc.encode_queries([q])[0], alone[thread][q], atol=1e-5):
                mismatches.append(q)

        return ask

    steps = {"refresh": refresh} | {f"ask-{t}": asker(t) for t in range(QUERY_THREADS)}
    calls: dict[str, list[int]] = {name: [] for name in steps}
    threads = [
        threading.Thread(target=_run_until, args=(stop, step, calls[name], errors), daemon=True)
        for name, step in steps.items()
    ]
    for t in threads:
        t.start()
    time.sleep(STORM_SECONDS)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    made = {name: len(c) for name, c in calls.items()}
    assert not errors, f"{len(errors)} of {sum(made.values())} calls failed {made}: {errors[:3]}"
    assert not mismatches, mismatches[:5]
    assert made.pop("refresh") >= 2 and min(made.values()) >= 10, made
