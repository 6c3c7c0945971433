"""End-to-end score on the staff-wording question set (bench/staff/questions.jsonl).

Ingests the seeds and the corpus samples into ``--data-dir`` (reused when present: ingest is
idempotent and the index is refreshed, so passages are embedded once), answers every question
through the real :class:`Answerer` and renders it with the bot's own ``answer_messages``, then
scores what a phone shows:

- ``hit@1`` / ``hit@3``: the first (first three) cited documents against the expected ones,
  over answerable questions (a refusal is a miss);
- ``phrase coverage``: share of the expected verbatim phrases found in the FIRST message's
  text (tags removed, entities unescaped, NFC, white space collapsed, case folded);
- ``correct refusals``: unanswerable questions answered "not found", "not held" or with the
  small-talk reply; ``false refusals``: answerable questions refused;
- first-message length: ``visible`` counts what shows without a tap (an expandable blockquote
  shows its first three lines), ``full`` counts every character of the first message.

Usage (from the repository root):
    CHINAM_EMBEDDING_MODEL=../shared/models/multilingual-e5-small-vi \
        python bench/staff_eval.py --data-dir data/staff
    CHINAM_EMBEDDING_MODEL= python bench/staff_eval.py --data-dir data/staff-lexical --label lexical
Result: a table on stdout and bench/results/staff[-LABEL].json (``--out`` to change).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUESTIONS = ROOT / "bench" / "staff" / "questions.jsonl"
SHARED = ROOT.parent / "shared"
SCREEN = 1000  # visible characters of a first message that fit one phone screen
EXPANDABLE_LINES = 3  # lines a collapsed expandable blockquote shows

_TAG = re.compile(r"<[^>]*>")
_EXPANDABLE = re.compile(r"<blockquote expandable>(.*?)</blockquote>", re.S)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def plain(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment))


def visible_text(message: str) -> str:
    """The text a phone shows before any tap: collapsed blockquotes show their first lines."""

    def collapse(m: re.Match[str]) -> str:
        lines = plain(m.group(1)).split("\n")
        return "\n".join(lines[:EXPANDABLE_LINES])

    return plain(_EXPANDABLE.sub(collapse, message))


def load_questions(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ingest(runtime: Any, folders: Iterable[Path]) -> dict[int, str]:
    """Ingest every .txt of ``folders``; document id -> file name."""
    from corpus.ingest import ingest_path

    names: dict[int, str] = {}
    settings = runtime.settings
    for folder in folders:
        if not any(folder.glob("*.txt")):  # a wrong --seeds / --samples would score 0 quietly
            raise SystemExit(f"{folder}: no .txt documents (see --seeds, --samples)")
        for path in sorted(folder.glob("*.txt")):
            if path.name.lower() == "readme.txt":
                continue
            outcome = ingest_path(runtime.store, path, max_bytes=settings.max_upload_bytes,
                                  max_chars=settings.max_text_chars)
            if outcome.document_id is None:
                raise SystemExit(f"{path}: {outcome.message}")
            names[outcome.document_id] = path.name
    return names


def score_one(q: dict[str, Any], answer: Any, messages: list[str],
              names: dict[int, str]) -> dict[str, Any]:
    first = messages[0] if messages else ""
    cited = [names.get(g.citation.document_id, f"#{g.citation.document_id}")
             for g in answer.groups] if answer.status == "answered" else []
    refused = answer.status != "answered"
    expected = set(q["documents"])
    text = normalise(plain(first))
    found = [p for p in q["phrases"] if normalise(p) in text]
    return {
        "id": q["id"],
        "tags": q["tags"],
        "answerable": q["answerable"],
        "status": answer.status,
        "refused": refused,
        "cited": cited[:3],
        "hit1": bool(cited[:1]) and cited[0] in expected,
        "hit3": any(c in expected for c in cited[:3]),
        "phrases": len(q["phrases"]),
        "phrases_found": len(found),
        "visible_len": len(visible_text(first).strip()),
        "full_len": len(plain(first).strip()),
        "messages": len(messages),
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ans = [r for r in rows if r["answerable"]]
    unans = [r for r in rows if not r["answerable"]]
    shown = [r for r in rows if not r["refused"]]
    phrases = sum(r["phrases"] for r in ans)

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    return {
        "questions": len(rows),
        "answerable": len(ans),
        "hit@1": share(sum(r["hit1"] for r in ans), len(ans)),
        "hit@3": share(sum(r["hit3"] for r in ans), len(ans)),
        "phrase_coverage": share(sum(r["phrases_found"] for r in ans), phrases),
        "false_refusals": share(sum(r["refused"] for r in ans), len(ans)),
        "correct_refusals": share(sum(r["refused"] for r in unans), len(unans)),
        "first_visible_le_1000": share(sum(r["visible_len"] <= SCREEN for r in shown), len(shown)),
        "first_full_le_1000": share(sum(r["full_len"] <= SCREEN for r in shown), len(shown)),
        "first_visible_median": sorted(r["visible_len"] for r in shown)[len(shown) // 2]
        if shown else None,
        "messages_mean": round(sum(r["messages"] for r in shown) / len(shown), 2)
        if shown else None,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bot.format import answer_messages
    from bot.handlers.questions import obligation_labels
    from retrieval.service import Runtime, Settings

    settings = Settings(data_dir=Path(args.data_dir))
    runtime = Runtime(settings, load_model=bool(settings.embedding_model))
    try:
        names = ingest(runtime, [Path(args.seeds), Path(args.samples)])
        started = time.perf_counter()
        runtime.catch_up()
        print(f"index ready in {time.perf_counter() - started:.0f} s, mode "
              f"{runtime.index_state().mode}", file=sys.stderr)
        questions = load_questions(Path(args.questions))
        rows, shown = [], {}
        for q in questions:
            answer = runtime.answerer.answer(q["question"], channel="bench", log_query=False)
            messages = answer_messages(answer, obligation_labels(runtime.store, answer))
            rows.append(score_one(q, answer, messages, names))
            shown[q["id"]] = messages[0] if messages else ""
        mode = runtime.index_state().mode
    finally:
        runtime.close()
    by_tag: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        for tag in r["tags"]:
            by_tag[tag].append(r)
    result = {
        "mode": mode,
        "overall": summarise(rows),
        "by_tag": {t: summarise(rs) for t, rs in sorted(by_tag.items())},
        "rows": rows,
    }
    if args.dump:
        Path(args.dump).write_text(json.dumps(shown, ensure_ascii=False, indent=1), "utf-8")
    return result


def print_table(result: dict[str, Any]) -> None:
    keys = ["hit@1", "hit@3", "phrase_coverage", "false_refusals", "correct_refusals",
            "first_visible_le_1000", "first_full_le_1000"]
    print(f"mode: {result['mode']}")
    print(f"{'':16}" + "".join(f"{k[:14]:>15}" for k in keys) + f"{'n':>5}")
    rows = [("ALL", result["overall"]), *list(result["by_tag"].items())]
    for name, s in rows:
        cells = "".join(f"{'—' if s[k] is None else s[k]:>15}" for k in keys)
        print(f"{name[:16]:16}{cells}{s['questions']:>5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data-dir", default="data/staff")
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--seeds", default=str(SHARED / "seeds"))
    parser.add_argument("--samples", default=str(SHARED / "corpus-samples"))
    parser.add_argument("--label", default="", help="suffix of the result file")
    parser.add_argument("--out", default=None)
    parser.add_argument("--dump", default=None, help="write each first message (HTML) here")
    args = parser.parse_args(argv)
    result = run(args)
    print_table(result)
    out = Path(args.out) if args.out else (
        ROOT / "bench" / "results" / f"staff{'-' + args.label if args.label else ''}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"→ {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
