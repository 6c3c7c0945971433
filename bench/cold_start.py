"""Cold start: whole-process wall time and peak RSS of `chinam ask` and of `chinam bot`.

Each run is a fresh process. Measured:

- ``ask-hybrid``: ``chinam ask "<question>"`` with the embedding model (lexical + dense);
- ``ask-lexical``: the same with ``CHINAM_EMBEDDING_MODEL=`` (BM25 only);
- ``ask-hybrid-serve`` / ``ask-lexical-serve`` (``--only serve``): the same while a
  `chinam serve` runs on that data directory, so `chinam ask` sends the question to it
  (run with ``--via server``, the path ``auto`` takes when a server answers, so that a run
  that answered in its own process fails instead of being counted);
- ``bot-hybrid`` / ``bot-lexical``: ``chinam bot`` long-polling a fake Bot API server on
  127.0.0.1 (bench/fake_telegram.py); a question is queued before the process starts and the
  time runs from the process start to the fake server receiving the answer's last message
  (the one carrying the buttons). ``help`` is the time to the reply to ``/help``, queued
  with the question.

The data directory is built once (samples ingested, the index and the ONNX copy of the
model written), so every measured run starts from files on disk as after a restart.

    .venv/bin/python bench/cold_start.py [-n 5] [--model PATH] [--label before|after]

Results go to bench/results/cold_start.json under the label; the last stdout line is the
JSON object of this run.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fake_telegram import ADMIN_ID, TOKEN, FakeTelegram, message_update  # noqa: E402

QUESTION = "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?"
DEFAULT_MODEL = str(ROOT.parent / "shared" / "models" / "multilingual-e5-small-vi")
RESULTS = ROOT / "bench" / "results" / "cold_start.json"
CHINAM = [sys.executable, "-m", "chinam.cli"]
BOT_TIMEOUT = 300.0


def environment(data: Path, model: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHINAM_")}
    env.update(
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        CHINAM_DATA_DIR=str(data),
        CHINAM_EMBEDDING_MODEL=model or "",
    )
    env.update(extra)
    return env


def peak_rss(proc: psutil.Popen, samples: list[int]) -> None:
    """Record the RSS of ``proc`` and its children (sampled by the caller's loop)."""
    try:
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            total += child.memory_info().rss
    except psutil.Error:
        return
    samples.append(total)


def run_ask(data: Path, model: str | None, *options: str) -> dict[str, float]:
    """One `chinam ask` process: wall seconds and peak RSS (MiB, sampled every 20 ms)."""
    start = time.perf_counter()
    proc = psutil.Popen(
        [*CHINAM, "ask", *options, QUESTION],
        env=environment(data, model),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    samples: list[int] = []
    while proc.poll() is None:
        peak_rss(proc, samples)
        time.sleep(0.02)
    wall = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode != 0 or not out.strip():
        raise RuntimeError(f"chinam ask failed ({proc.returncode}): {err.decode()[-2000:]}")
    return {"wall": wall, "rss_mib": max(samples, default=0) / 2**20}


def run_bot(data: Path, model: str | None, fake: FakeTelegram) -> dict[str, float]:
    """One `chinam bot` process: seconds from its start to its first answer and to /help."""
    fake.reset()
    fake.push(message_update(fake, user_id=ADMIN_ID, text="/help"))
    fake.push(message_update(fake, user_id=ADMIN_ID + 1, text=QUESTION))
    env = environment(
        data, model, CHINAM_TELEGRAM_TOKEN=TOKEN, CHINAM_TELEGRAM_API_URL=fake.url,
        CHINAM_BOT_ADMIN_IDS=json.dumps([ADMIN_ID]), CHINAM_RATE_LIMIT_PER_MINUTE="0",
    )
    log_path = data / "bot.log"
    with log_path.open("wb") as log_file:
        start = time.perf_counter()
        proc = psutil.Popen(
            [*CHINAM, "bot"], env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT
        )
        samples: list[int] = []
        help_at: float | None = None
        answer_at: float | None = None
        try:
            while answer_at is None:
                now = time.perf_counter() - start
                if proc.poll() is not None or now > BOT_TIMEOUT:
                    raise RuntimeError(f"bot ended or timed out: {log_path.read_text()[-2000:]}")
                peak_rss(proc, samples)
                for call in fake.calls("sendMessage"):
                    if help_at is None and call.chat_id == ADMIN_ID:
                        help_at = now
                    if call.chat_id == ADMIN_ID + 1 and call.buttons():
                        answer_at = now
                time.sleep(0.02)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except psutil.TimeoutExpired:
                proc.kill()
    return {
        "wall": answer_at,
        "help": help_at if help_at is not None else answer_at,
        "rss_mib": max(samples, default=0) / 2**20,
    }


def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": len(runs)}
    for key in runs[0]:
        values = [r[key] for r in runs]
        out[key] = {
            "min": round(min(values), 3),
            "median": round(statistics.median(values), 3),
            "max": round(max(values), 3),
        }
    return out


def prepare(data: Path, model: str | None) -> None:
    """Ingest the samples and build the index (and the ONNX model copy) once."""
    subprocess.run(
        [*CHINAM, "ingest", "-q", str(ROOT / "samples")],
        env=environment(data, model), check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [*CHINAM, "ask", "khởi tạo"], env=environment(data, model), check=True, cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def start_serve(data: Path, model: str | None) -> psutil.Popen:
    """`chinam serve` on ``data``, once it has announced itself and answers."""
    from retrieval.service import local_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (data / "serve.log").open("wb")
    proc = psutil.Popen(
        [*CHINAM, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment(data, model, CHINAM_ADMIN_TOKEN=secrets.token_urlsafe(32)),
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    deadline = time.monotonic() + BOT_TIMEOUT
    while True:
        server = local_server.find(data)
        if server is not None and local_server.ask(server, QUESTION) is not None:
            return proc
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"serve ended or timed out: {(data / 'serve.log').read_text()}")
        time.sleep(0.3)


def measure_served(data: Path, model: str | None, n: int) -> dict[str, Any]:
    proc = start_serve(data, model)
    try:
        return summary([run_ask(data, model, "--via", "server") for _ in range(n)])
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except psutil.TimeoutExpired:
            proc.kill()


def measure(n: int, model: str, only: set[str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="chinam-cold-") as tmp:
        for mode, model_path in (("hybrid", model), ("lexical", None)):
            data = Path(tmp) / mode
            prepare(data, model_path)
            if "ask" in only:
                runs = [run_ask(data, model_path) for _ in range(n)]
                results[f"ask-{mode}"] = summary(runs)
                print(f"ask-{mode}", json.dumps(results[f"ask-{mode}"]), file=sys.stderr)
            if "serve" in only:
                results[f"ask-{mode}-serve"] = measure_served(data, model_path, n)
                print(f"ask-{mode}-serve", json.dumps(results[f"ask-{mode}-serve"]),
                      file=sys.stderr)
            if "bot" in only:
                fake = FakeTelegram().start()
                try:
                    runs = [run_bot(data, model_path, fake) for _ in range(n)]
                finally:
                    fake.stop()
                results[f"bot-{mode}"] = summary(runs)
                print(f"bot-{mode}", json.dumps(results[f"bot-{mode}"]), file=sys.stderr)
            shutil.rmtree(data, ignore_errors=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="the embedding model")
    parser.add_argument("--label", default="current", help="key in cold_start.json")
    parser.add_argument("--only", choices=["ask", "bot", "serve"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["ask", "bot"])
    results = {
        "question": QUESTION,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        **measure(args.n, args.model, only),
    }
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    stored[args.label] = {**stored.get(args.label, {}), **results}
    RESULTS.write_text(json.dumps(stored, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
