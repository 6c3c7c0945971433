"""Do two checkouts give the same answers? Dump every answer of the staff set, then compare.

``dump`` answers every question of bench/staff/questions.jsonl (and the seed question) with the
code on ``PYTHONPATH`` against an existing data directory (not logged, nothing written) and
writes their JSON form (:func:`answer_to_dict` without the latency and the log id) with the
bot's rendered messages; ``compare`` lists the questions whose dumps differ. Run ``dump`` once
with each checkout on the same data directory, then ``compare``:

    PYTHONPATH=/path/to/main python bench/same_answers.py dump --data-dir D --out before.json
    PYTHONPATH=$PWD python bench/same_answers.py dump --data-dir D --out after.json
    python bench/same_answers.py compare before.json after.json

``compare`` exits 1 when any answer differs. Set ``CHINAM_EMBEDDING_MODEL`` as for serving.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

QUESTIONS = Path(__file__).resolve().parent / "staff" / "questions.jsonl"
SEED = "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?"
VOLATILE = ("latency_ms", "query_id")


def questions(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line)["question"] for line in f if line.strip()]
    return list(dict.fromkeys([SEED, *rows]))


def dump(data_dir: Path, path: Path, out: Path) -> None:
    from bot.format import answer_messages
    from bot.handlers.questions import obligation_labels
    from retrieval.answers import answer_to_dict
    from retrieval.service import Runtime, Settings

    settings = Settings(data_dir=data_dir)
    runtime = Runtime(settings, load_model=bool(settings.embedding_model))
    try:
        runtime.catch_up()
        shown: dict[str, Any] = {}
        for question in questions(path):
            for offset in (0, 3):
                answer = runtime.answerer.answer(question, channel="bench", offset=offset,
                                                 log_query=False)
                data = answer_to_dict(answer)
                for key in VOLATILE:
                    data.pop(key, None)
                data["messages"] = answer_messages(answer,
                                                   obligation_labels(runtime.store, answer))
                shown[f"{question} @{offset}"] = data
    finally:
        runtime.close()
    out.write_text(json.dumps(shown, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8")
    print(f"{len(shown)} answers -> {out}", file=sys.stderr)


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text("utf-8"))
    b = json.loads(after.read_text("utf-8"))
    differ = [q for q in a.keys() | b.keys() if a.get(q) != b.get(q)]
    for q in sorted(differ):
        keys = sorted(k for k in (a.get(q) or {}).keys() | (b.get(q) or {}).keys()
                      if (a.get(q) or {}).get(k) != (b.get(q) or {}).get(k))
        print(f"DIFFERS {q!r}: {', '.join(keys)}")
    print(f"{len(a)} vs {len(b)} answers, {len(differ)} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--data-dir", type=Path, required=True)
    d.add_argument("--questions", type=Path, default=QUESTIONS)
    d.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.data_dir, args.questions, args.out)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
