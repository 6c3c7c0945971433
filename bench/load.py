"""Load run: C concurrent /api/v1/ask clients for T seconds against a real `chinam serve`.

Starts `chinam ingest samples/` and then `chinam serve` on 127.0.0.1 (a free port, a
temporary data dir, SQLite unless --database-url), waits for /readyz, warms up, then runs C
asyncio clients (httpx) that each POST /api/v1/ask in a loop until T seconds have passed or
--max-requests were sent. Questions cycle through realistic ones (with and without
diacritics); each gets a distinct suffix so the query-embedding cache of the real model
never answers for the encoder (--repeat to allow it). Reports requests, errors (non-200
or transport failures), throughput, latency p50/p95/p99 and max, answered share, and the
server's RSS. Bounded: T seconds, --max-requests, per-request timeout, startup timeout.

Usage: python bench/load.py [--clients 8] [--seconds 30] [--max-requests 5000]
                            [--model hash:64 | PATH | ""] [--database-url URL] [--json OUT]

Comparison mode (``--baseline DIR``, another checkout of the project, e.g. the main branch):
the samples are ingested once and the data directory copied, then one `chinam serve` runs
this checkout's code and one the baseline's (each on its own copy, ``PYTHONPATH`` set to its
checkout). ``--rounds`` rounds follow, the two servers taking turns (ABBA order); in a round a
server answers the staff questions of bench/staff/questions.jsonl (``--per-round`` of them,
cycling) with ``--clients`` concurrent clients; each round's questions carry the round's
suffix, so no server answers a question twice from its query-embedding cache. Reported per
server: answers/s (median over its rounds), p50/p95 over all its answers, errors; and the
ratio ours/baseline of each pair of rounds, with their median:

    python bench/load.py --baseline ../main --model ../shared/models/multilingual-e5-small-vi \
        --clients 8 --rounds 4 --per-round 230 --json bench/results/load.json
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
CHINAM = Path(sys.executable).with_name("chinam")
STAFF = ROOT / "bench" / "staff" / "questions.jsonl"
QUESTIONS = [
    "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
    "cac don vi phai lam gi theo nq 02",
    "Nhiệm vụ trọng tâm của giáo dục phổ thông năm học 2026-2027 là gì?",
    "Công đoàn cơ sở có quyền và trách nhiệm gì?",
    "Nghị quyết 71 đặt mục tiêu gì cho giáo dục đến năm 2030?",
    "Sở GD&ĐT Hà Nội phối hợp với Công đoàn ngành như thế nào?",
    "doan vien cong doan co nghia vu gi",
    "Quản lý đội ngũ nhà giáo theo công văn 5243 thế nào?",
    "Văn bản nào triển khai Nghị quyết 71?",
    "kinh phí công đoàn được sử dụng vào việc gì",
    "Hiệu trưởng chịu trách nhiệm gì về sách giáo khoa?",
    "thời tiết hôm nay thế nào",  # nothing relevant: the "không tìm thấy" path
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(args: argparse.Namespace, data_dir: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHINAM_")}
    env.update(CHINAM_DATA_DIR=str(data_dir), CHINAM_EMBEDDING_MODEL=args.model,
               CHINAM_ADMIN_TOKEN=token, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    if args.database_url:
        env["CHINAM_DATABASE_URL"] = args.database_url
    return env


def start_server(env: dict[str, str], port: int, log: Path, token: str,
                 timeout: float, *, code: Path | None = None) -> subprocess.Popen[bytes]:
    """`chinam serve` on 127.0.0.1:``port``, ready; with ``code``, that checkout's code."""
    out = log.open("wb")
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    if code is None:
        proc = subprocess.Popen([str(CHINAM), *serve], env=env, cwd=log.parent,
                                stdout=out, stderr=out)
    else:
        proc = subprocess.Popen([sys.executable, "-m", "chinam.cli", *serve],
                                env={**env, "PYTHONPATH": str(code)}, cwd=code,
                                stdout=out, stderr=out)
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"chinam serve exited {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", headers=headers,
                         timeout=5).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("chinam serve not ready in time")
        time.sleep(0.3)


async def client(http: httpx.AsyncClient, k: int, stop_at: float, budget: list[int],
                 results: list[tuple[float, int, str]], repeat: bool) -> None:
    n = k
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        question = QUESTIONS[n % len(QUESTIONS)]
        if not repeat:
            question += f" [{n}]"
        n += 1
        started = time.perf_counter()
        try:
            r = await http.post("/api/v1/ask", json={"question": question})
            status = r.json().get("status", "") if r.status_code == 200 else ""
            results.append((time.perf_counter() - started, r.status_code, status))
        except httpx.HTTPError as exc:
            results.append((time.perf_counter() - started, 0, type(exc).__name__))


async def load(base: str, token: str, args: argparse.Namespace) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=args.request_timeout) as http:
        for q in QUESTIONS:  # warm-up: first-use costs are not load
            await http.post("/api/v1/ask", json={"question": q})
        results: list[tuple[float, int, str]] = []
        budget = [args.max_requests]
        started = time.monotonic()
        await asyncio.gather(*(client(http, k, started + args.seconds, budget, results,
                                      args.repeat) for k in range(args.clients)))
        elapsed = time.monotonic() - started
    ms = [r[0] * 1000 for r in results]
    errors = [r for r in results if r[1] != 200]
    pct = {f"p{q}_ms": round(float(np.percentile(ms, q)), 1) for q in (50, 95, 99)}
    return {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(results),
        "errors": len(errors), "error_kinds": sorted({f"{r[1]} {r[2]}" for r in errors})[:5],
        "throughput_rps": round(len(results) / elapsed, 1), **pct,
        "max_ms": round(max(ms), 1),
        "answered_share": round(sum(r[2] == "answered" for r in results) / len(results), 3),
    }


def staff_questions(path: Path = STAFF) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["question"] for line in f if line.strip()]


async def answer_all(base: str, token: str, questions: list[str], clients: int,
                     timeout: float) -> dict[str, Any]:
    """``questions`` answered by ``clients`` concurrent clients: wall time and latencies."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    todo = list(reversed(questions))
    results: list[tuple[float, int, str]] = []

    async def one_client(http: httpx.AsyncClient) -> None:
        while todo:
            question = todo.pop()
            started = time.perf_counter()
            try:
                r = await http.post("/api/v1/ask", json={"question": question})
                status = r.json().get("status", "") if r.status_code == 200 else ""
                results.append((time.perf_counter() - started, r.status_code, status))
            except httpx.HTTPError as exc:
                results.append((time.perf_counter() - started, 0, type(exc).__name__))

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits,
                                 timeout=timeout) as http:
        started = time.perf_counter()
        await asyncio.gather(*(one_client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "ms": [r[0] * 1000 for r in results],
            "errors": [f"{r[1]} {r[2]}" for r in results if r[1] != 200]}


def side_summary(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    ms = [m for r in rounds for m in r["ms"]]
    errors = [e for r in rounds for e in r["errors"]]
    rates = [len(r["ms"]) / r["seconds"] for r in rounds]
    return {
        "answers": len(ms), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
        "answers_per_s": round(statistics.median(rates), 1),
        "answers_per_s_rounds": [round(x, 1) for x in rates],
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
    }


def compare(args: argparse.Namespace) -> dict[str, Any]:
    """This checkout against ``args.baseline``, taking turns (see the module's docstring)."""
    token = secrets.token_urlsafe(32)
    questions = staff_questions()
    sides = {"baseline": Path(args.baseline).resolve(), "ours": ROOT}
    with tempfile.TemporaryDirectory(prefix="chinam-load-") as tmp:
        work = Path(tmp)
        env = server_env(args, work / "data", token)
        subprocess.run([str(CHINAM), "ingest", "-q", str(ROOT / "samples")], env=env, cwd=work,
                       check=True, timeout=args.startup_timeout, stdout=subprocess.DEVNULL)
        procs: dict[str, subprocess.Popen[bytes]] = {}
        bases: dict[str, str] = {}
        try:
            for name, code in sides.items():
                data = work / f"data-{name}"
                shutil.copytree(work / "data", data)
                port = free_port()
                procs[name] = start_server(server_env(args, data, token), port,
                                           work / f"serve-{name}.log", token,
                                           args.startup_timeout, code=code)
                bases[name] = f"http://127.0.0.1:{port}"
            for name in sides:  # warm-up: first-use costs are not load
                asyncio.run(answer_all(bases[name], token, questions[:20], 1,
                                       args.request_timeout))
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
            for r in range(args.rounds):
                asked = [f"{q} [{r}]" for q in itertools.islice(itertools.cycle(questions),
                                                                 args.per_round)]
                order = list(sides) if r % 2 == 0 else list(reversed(sides))
                for name in order:
                    rounds[name].append(asyncio.run(answer_all(
                        bases[name], token, asked, args.clients, args.request_timeout)))
                    print(f"round {r} {name}: "
                          f"{len(rounds[name][-1]['ms']) / rounds[name][-1]['seconds']:.1f}/s",
                          file=sys.stderr)
            rss = {name: round(psutil.Process(p.pid).memory_info().rss / 1_048_576, 1)
                   for name, p in procs.items()}
        finally:
            for proc in procs.values():
                stop_server(proc)
    ratios = [len(o["ms"]) / o["seconds"] / (len(b["ms"]) / b["seconds"])
              for o, b in zip(rounds["ours"], rounds["baseline"], strict=True)]
    return {
        "baseline_code": args.baseline_label or str(sides["baseline"]), "clients": args.clients,
        "rounds": args.rounds,
        "per_round": args.per_round, "model": args.model or "(lexical)",
        **{name: side_summary(rs) for name, rs in rounds.items()},
        "ratio_answers_per_s": round(statistics.median(ratios), 2),
        "ratio_rounds": [round(x, 2) for x in ratios],
        "server_rss_mib": rss, "cpus": os.cpu_count(), "load_average": os.getloadavg(),
    }


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--request-timeout", type=float, default=30)
    parser.add_argument("--model", default="hash:64",
                        help='"hash:64" (logic only), a model directory, or "" (lexical)')
    parser.add_argument("--database-url")
    parser.add_argument("--startup-timeout", type=float, default=300)
    parser.add_argument("--repeat", action="store_true", help="no distinct suffixes")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--baseline", help="another checkout to compare with (see above)")
    parser.add_argument("--baseline-label", help="how the results name the baseline")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--per-round", type=int, default=230)
    args = parser.parse_args()
    if args.baseline:
        result = compare(args)
        text = json.dumps(result, ensure_ascii=False, indent=1)
        print(text)
        if args.json:
            args.json.write_text(text + "\n", encoding="utf-8")
        return 1 if result["ours"]["errors"] or result["baseline"]["errors"] else 0
    token = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="chinam-load-") as tmp:
        work = Path(tmp)
        env = server_env(args, work / "data", token)
        started = time.monotonic()
        subprocess.run([str(CHINAM), "ingest", "-q", str(ROOT / "samples")], env=env, cwd=work,
                       check=True, timeout=args.startup_timeout, stdout=subprocess.DEVNULL)
        ingest_s = round(time.monotonic() - started, 1)
        port = free_port()
        proc = start_server(env, port, work / "serve.log", token, args.startup_timeout)
        try:
            server = psutil.Process(proc.pid)
            rss_before = server.memory_info().rss / 1_048_576
            result = asyncio.run(load(f"http://127.0.0.1:{port}", token, args))
            result["server_rss_mib"] = {"before": round(rss_before, 1),
                                        "after": round(server.memory_info().rss / 1_048_576, 1)}
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    result.update(model=args.model or "(lexical)", database=(args.database_url or "sqlite")
                  .split(":")[0], ingest_s=ingest_s, cpus=os.cpu_count())
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
