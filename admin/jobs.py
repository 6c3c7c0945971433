"""Full reindex jobs, run off the request path; their progress is pollable."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from corpus.models import utcnow
from retrieval.service import Runtime

log = logging.getLogger(__name__)

MAX_KEPT_JOBS = 20


@dataclass(frozen=True)
class JobState:
    id: str
    requested_by: str
    state: str = "queued"  # queued | running | done | failed
    phase: str = "đang chờ"
    done: int = 0
    total: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    revision: int | None = None
    passages: int | None = None
    mode: str = "lexical"
    error: str | None = None

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


class JobBusy(Exception):
    def __init__(self, job: JobState) -> None:
        super().__init__(job.id)
        self.job = job


@dataclass
class IndexJobs:
    """One reindex at a time; its progress is readable while it runs."""

    runtime: Runtime
    _jobs: dict[str, JobState] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def get(self, job_id: str) -> JobState | None:
        with self._lock:
            return self._jobs.get(job_id)

    def latest(self) -> JobState | None:
        with self._lock:
            return next(reversed(self._jobs.values()), None)

    def start(self, requested_by: str) -> JobState:
        """Queue a full rebuild of this process's indexes; :class:`JobBusy` if one runs."""
        with self._lock:
            for job in self._jobs.values():
                if job.active:
                    raise JobBusy(job)
            job = JobState(id=uuid.uuid4().hex, requested_by=requested_by,
                           mode=self.runtime.index_state().mode)
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_KEPT_JOBS:
                self._jobs.pop(next(iter(self._jobs)))
            thread = threading.Thread(
                target=self._run, args=(job.id,), name="reindex", daemon=True
            )
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return job

    def _update(self, job_id: str, **changes: object) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = replace(job, **changes)  # type: ignore[arg-type]

    def _run(self, job_id: str) -> None:
        self._update(job_id, state="running", phase="đang đọc cơ sở dữ liệu",
                     started_at=utcnow())

        def progress(done: int, total: int) -> None:
            self._update(job_id, phase="đang tính vector", done=done, total=total)

        try:
            self.runtime.rebuild(progress)
        except Exception as exc:
            log.exception("Reindex %s failed", job_id)
            self._update(job_id, state="failed", phase="lỗi", finished_at=utcnow(),
                         error=f"Lập chỉ mục thất bại: {type(exc).__name__}.")
            return
        index = self.runtime.index_state()
        job = self.get(job_id)
        total = job.total if job and job.total else index.passages
        self._update(job_id, state="done", phase="hoàn tất", done=total, total=total,
                     finished_at=utcnow(), revision=index.revision, passages=index.passages)

    def join(self, timeout: float = 5.0) -> None:
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
