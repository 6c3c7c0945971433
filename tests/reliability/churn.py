"""Questions answered by several threads while one writer uploads and deletes documents.

The writer, each round: uploads a dispatch on a new topic, waits until a reader cites it (so
it is in the readers' index), deletes it and records the moment the deletion returned (its
commit is earlier). Readers ask about the current and the previous topic, recording when each
question started and ended and which documents the answer cited. An answer may cite an
uploaded document only if that document existed at some moment while the answer ran: from the
start of its upload to the return of its deletion. (SQLite gives a deleted document's id to
the next document, so an id alone does not name one upload; the live intervals do.)
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.reliability.texts import TOPICS, question

Ask = Callable[[str], list[int]]  # question -> cited document ids


@dataclass
class ChurnReport:
    answers: int = 0
    uploads: int = 0
    deletions: int = 0
    rounds_cited: int = 0  # uploads cited by some answer while they existed
    slowest: float = 0.0  # seconds
    asked_after_deletion: int = 0  # questions about a topic whose document was already deleted
    violations: list[tuple[int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Shared:
    round: int = 0
    # round -> (document id, [upload started, deletion returned (inf while it exists)])
    rounds: dict[int, tuple[int, list[float]]] = field(default_factory=dict)
    # (started, ended, round asked about, cited)
    records: list[tuple[float, float, int, list[int]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


def run_churn(
    make_reader: Callable[[], Ask],
    upload: Callable[[int, str], int],
    delete: Callable[[int], None],
    *,
    rounds: int,
    readers: int,
    cite_timeout: float = 10.0,
    budget_seconds: float = 40.0,
) -> ChurnReport:
    assert rounds <= len(TOPICS)
    shared = _Shared()
    report = ChurnReport()

    def read(k: int) -> None:
        ask = make_reader()
        n = k
        while not shared.stop.is_set():
            r = max(0, shared.round - (n % 2))  # alternate: the current and the previous topic
            n += 1
            started = time.monotonic()
            try:
                cited = ask(question(TOPICS[r]))
            except Exception as exc:
                with shared.lock:
                    report.errors.append(f"reader {k}: {type(exc).__name__}: {exc}"[:300])
                time.sleep(0.05)
                continue
            with shared.lock:
                shared.records.append((started, time.monotonic(), r, cited))

    def cited_since(doc_id: int, since: float) -> bool:
        with shared.lock:
            return any(doc_id in c for t, _, _, c in shared.records if t >= since)

    threads = [threading.Thread(target=read, args=(k,), daemon=True) for k in range(readers)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + budget_seconds
    try:
        for r in range(rounds):
            if time.monotonic() > deadline:
                report.errors.append(f"time budget spent after {r} rounds")
                break
            uploaded = time.monotonic()
            doc_id = upload(r, TOPICS[r])
            report.uploads += 1
            life = [uploaded, math.inf]
            with shared.lock:
                shared.rounds[r] = (doc_id, life)
                shared.round = r
            while not cited_since(doc_id, uploaded) and time.monotonic() - uploaded < cite_timeout:
                time.sleep(0.02)
            delete(doc_id)
            life[1] = time.monotonic()
            report.deletions += 1
            time.sleep(0.3)  # readers keep asking about it, on a possibly stale index
    except Exception as exc:
        report.errors.append(f"writer: {type(exc).__name__}: {exc}"[:300])
    finally:
        shared.stop.set()
        for t in threads:
            t.join(timeout=30)
        if any(t.is_alive() for t in threads):
            report.errors.append("a reader did not finish within 30 s")
    cited_rounds: set[int] = set()
    for started, ended, r, cited in shared.records:
        report.answers += 1
        report.slowest = max(report.slowest, ended - started)
        if r in shared.rounds and started > shared.rounds[r][1][1]:
            report.asked_after_deletion += 1
        for doc_id in set(cited):
            lives = [(q, life) for q, (d, life) in shared.rounds.items() if d == doc_id]
            if not lives:
                continue  # a document of the base corpus
            alive = [q for q, (born, gone) in lives if born <= ended and gone >= started]
            cited_rounds.update(alive)
            if not alive:
                gone = max((g for _, (_, g) in lives if g < started), default=math.nan)
                report.violations.append((doc_id, round(started - gone, 3)))
    report.rounds_cited = len(cited_rounds)
    return report
