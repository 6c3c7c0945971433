"""Peak memory of a serving process on the dev corpus, phase by phase.

Each phase runs in a fresh process, which reports its VmRSS (now) and VmHWM (peak) from
/proc/self/status, in MiB:

- ``ready``: a Runtime on ``--data`` loads its index and the embedding model, as
  `chinam serve` does before answering;
- ``questions``: ready, then 30 dev questions answered;
- ``upload``: ready with the refresher's thread running, then one document (``--upload``,
  default the largest sample) stored through :func:`retrieval.service.upload_file`, the
  path the admin API takes, and the index caught up by that thread as after an admin
  upload; on a copy of ``--data``, so that every run embeds the document anew;
- ``build``: a new data directory, ``--slice`` articles of the dev corpus (a fixed random
  sample) ingested and indexed from scratch; also passages per second of the indexing.

``--data`` is prepared once if it holds no database: the whole dev corpus ingested and
embedded (tens of minutes on two cores). ``--models`` is where ONNX exports are cached
(linked as each data directory's ``models``). ``--base CHECKOUT`` runs the same phases
with that checkout's code (its PYTHONPATH) in the same run and prints ratios.

    python bench/memory.py --data DIR [--slice 1000] [--models DIR] [--base ../main]

Results: a table on stdout and bench/results/memory.json (or ``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results" / "memory.json"
QUESTIONS = 30
PHASES = ("ready", "questions", "upload", "build")
TIMEOUT = 3600.0


def memory_mib() -> dict[str, float]:
    """This process's resident memory now and at its peak."""
    status = Path("/proc/self/status").read_text()
    return {
        key: round(int(re.search(rf"^{name}:\s+(\d+) kB", status, re.M).group(1)) / 1024, 1)
        for key, name in (("rss_mib", "VmRSS"), ("peak_mib", "VmHWM"))
    }


# -- phases: run in a child process whose PYTHONPATH names the code measured ----------------


def _settings() -> Any:
    from retrieval.service import Settings

    return Settings(_env_file=None)


def _ready(settings: Any) -> Any:
    from retrieval.service import Runtime

    runtime = Runtime(settings)
    runtime.catch_up()
    runtime.answerer  # noqa: B018  (built as a serving process builds it)
    return runtime


def phase_ready(args: argparse.Namespace) -> dict[str, Any]:
    _ready(_settings())
    return {}


def phase_questions(args: argparse.Namespace) -> dict[str, Any]:
    runtime = _ready(_settings())
    queries = args.corpus.with_name("queries.jsonl")
    lines = queries.read_text(encoding="utf-8").splitlines()[:QUESTIONS]
    questions = [json.loads(line)["question"] for line in lines]
    for question in questions:
        runtime.answerer.answer(question, channel="cli", log_query=False)
    return {"questions": len(questions)}


def phase_upload(args: argparse.Namespace) -> dict[str, Any]:
    from retrieval.service import upload_file

    settings = _settings()
    runtime = _ready(settings)
    runtime.start(periodic=False)
    before = len(runtime.index)
    uploaded = upload_file(
        runtime.store, args.upload.read_bytes(), args.upload.name, actor="bench",
        settings=settings,
    )
    started = time.perf_counter()
    runtime.after_write()
    if not runtime.refresher.wait_idle(TIMEOUT):
        raise SystemExit("the index did not catch up in time")
    seconds = time.perf_counter() - started
    runtime.stop()
    return {"status": uploaded.status, "passages_added": len(runtime.index) - before,
            "index_s": round(seconds, 1)}


def phase_build(args: argparse.Namespace) -> dict[str, Any]:
    from corpus.eval_corpus import ingest_jsonl
    from retrieval.service import Runtime

    settings = _settings()
    runtime = Runtime(settings)
    ingest_jsonl(runtime.store, settings.data_dir / "slice.jsonl")
    passages = runtime.store.count_passages()
    runtime.load()
    started = time.perf_counter()
    runtime.catch_up()
    seconds = time.perf_counter() - started
    return {"passages": passages, "index_s": round(seconds, 1),
            "passages_per_s": round(passages / seconds, 2)}


def phase_prepare(args: argparse.Namespace) -> dict[str, Any]:
    from corpus.eval_corpus import ingest_jsonl
    from retrieval.service import Runtime

    runtime = Runtime(_settings())
    ingest_jsonl(runtime.store, args.corpus)
    runtime.catch_up()
    return {"passages": runtime.store.count_passages()}


RUNNERS = {
    "ready": phase_ready, "questions": phase_questions, "upload": phase_upload,
    "build": phase_build, "prepare": phase_prepare,
}


# -- the parent: data directories, child processes, the table -------------------------------


def environment(code: Path, data: Path, model: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHINAM_")}
    env.update(PYTHONPATH=str(code), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               CHINAM_DATA_DIR=str(data), CHINAM_EMBEDDING_MODEL=model)
    return env


def run_phase(phase: str, code: Path, data: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One phase in a fresh process running ``code``; its last stdout line is the result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase,
               "--corpus", str(args.corpus), "--upload", str(args.upload)]
    done = subprocess.run(command, env=environment(code, data, args.model), cwd=data,
                          capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{phase} with {code} failed: {done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def new_data_dir(parent: Path, models: Path) -> Path:
    data = Path(tempfile.mkdtemp(prefix="chinam-memory-", dir=parent))
    (data / "models").symlink_to(models.resolve(), target_is_directory=True)
    return data


def write_slice(corpus: Path, n: int, out: Path) -> None:
    """``n`` articles of the corpus, the same on every run."""
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(random.Random(7).sample(lines, min(n, len(lines)))), "utf-8")


def measure(phase: str, code: Path, args: argparse.Namespace) -> dict[str, Any]:
    if phase in ("ready", "questions"):
        return run_phase(phase, code, args.data, args)
    scratch = args.data.parent
    if phase == "upload":
        data = Path(tempfile.mkdtemp(prefix="chinam-memory-", dir=scratch))
        shutil.copytree(args.data, data, symlinks=True, dirs_exist_ok=True)
    else:
        data = new_data_dir(scratch, args.models)
        write_slice(args.corpus, args.slice, data / "slice.jsonl")
    try:
        return run_phase(phase, code, data, args)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def prepare(args: argparse.Namespace) -> None:
    args.data.mkdir(parents=True, exist_ok=True)
    link = args.data / "models"
    if not link.exists():
        link.symlink_to(args.models.resolve(), target_is_directory=True)
    if not (args.data / "chinam.db").exists():
        print(f"preparing {args.data} (the whole dev corpus)", file=sys.stderr)
        run_phase("prepare", ROOT, args.data, args)


def commit_of(code: Path) -> str:
    done = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def table(results: dict[str, dict[str, Any]]) -> None:
    base = "base" in results
    print(f"{'phase':<10} {'peak MiB':>9} {'RSS MiB':>8}"
          + (f" {'base peak':>10} {'base RSS':>9} {'peak ratio':>10}" if base else ""))
    for phase, mine in results["branch"].items():
        row = f"{phase:<10} {mine['peak_mib']:>9.0f} {mine['rss_mib']:>8.0f}"
        if base:
            theirs = results["base"][phase]
            ratio = mine["peak_mib"] / theirs["peak_mib"]
            row += f" {theirs['peak_mib']:>10.0f} {theirs['rss_mib']:>9.0f} {ratio:>10.3f}"
        print(row)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="data directory of the dev corpus")
    parser.add_argument("--slice", type=int, default=1000, help="articles of the build phase")
    parser.add_argument("--models", type=Path, help="ONNX export cache (default DATA/models)")
    parser.add_argument("--base", type=Path, help="another checkout to measure as well")
    parser.add_argument("--model", default=str(SHARED / "models" / "multilingual-e5-small-vi"))
    parser.add_argument("--corpus", type=Path, default=SHARED / "eval" / "corpus.jsonl")
    parser.add_argument("--upload", type=Path, default=max(
        (ROOT / "samples").glob("*.txt"), key=lambda p: p.stat().st_size))
    parser.add_argument("--only", choices=PHASES, action="append")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where the results go")
    parser.add_argument("--phase", choices=sorted(RUNNERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = RUNNERS[args.phase](args)
        print(json.dumps({**result, **memory_mib()}))
        return 0
    if args.data is None:
        parser.error("--data is required")
    args.data = args.data.resolve()
    args.models = (args.models or args.data / "models").resolve()
    args.models.mkdir(parents=True, exist_ok=True)
    prepare(args)
    codes = {"branch": ROOT, **({"base": args.base.resolve()} if args.base else {})}
    results: dict[str, dict[str, Any]] = {name: {} for name in codes}
    for phase in args.only or PHASES:
        for name, code in codes.items():
            results[name][phase] = measure(phase, code, args)
            print(name, phase, json.dumps(results[name][phase]), file=sys.stderr)
    table(results)
    out = {"slice": args.slice, "upload": args.upload.name, "cores": os.cpu_count(),
           "commits": {k: commit_of(v) for k, v in codes.items()}, **results}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
