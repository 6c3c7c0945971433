"""Measure (and re-choose) the thresholds of the "không tìm thấy" decision.

:mod:`retrieval.answers.confidence` decides at run time; this offline tool collects the
evidence of labelled questions (answerable by the corpus or not), reports the false refusal and
false answer rates of the current thresholds, and searches a grid for better ones. Reproduce the
table of that module's docstring (real model; Q = tests/retrieval/data)::

    chinam ingest ../shared/seeds ../shared/corpus-samples        # CHINAM_DATA_DIR=D
    python bench/calibrate_confidence.py --data-dir D --inside Q/questions_in_corpus.jsonl \
        --outside Q/questions_out_of_corpus.jsonl --dump full.jsonl
    python bench/calibrate_confidence.py --make-dev-subset ../shared/eval /tmp/dev
    chinam eval --corpus /tmp/dev/corpus.jsonl --queries /tmp/dev/queries.jsonl \
        --data-dir /tmp/dev/data                                   # builds the store
    python bench/calibrate_confidence.py --data-dir /tmp/dev/data \
        --inside /tmp/dev/queries.jsonl --outside Q/questions_out_of_corpus.jsonl \
        --off-domain-only --dump dev.jsonl
    python bench/calibrate_confidence.py --dumps full.jsonl dev.jsonl --calibrate
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.answers.confidence import (  # noqa: E402
    DEFAULT_THRESHOLDS,
    SEARCH_DEPTH,
    TOP_PASSAGES,
    Evidence,
    Thresholds,
    decide,
    evidence,
)
from retrieval.query import Query  # noqa: E402
from retrieval.searcher import Hit  # noqa: E402


@dataclass(frozen=True)
class Rates:
    false_refusal: float
    false_answer: float
    n_in: int
    n_out: int

    @property
    def cost(self) -> float:
        return self.false_refusal + self.false_answer


def rates(
    inside: Sequence[Evidence], outside: Sequence[Evidence], t: Thresholds = DEFAULT_THRESHOLDS
) -> Rates:
    refused = sum(1 for e in inside if not decide(e, t))
    answered = sum(1 for e in outside if decide(e, t))
    return Rates(
        false_refusal=round(refused / len(inside), 4) if inside else 0.0,
        false_answer=round(answered / len(outside), 4) if outside else 0.0,
        n_in=len(inside),
        n_out=len(outside),
    )


def calibrate(inside: Sequence[Evidence], outside: Sequence[Evidence]) -> tuple[Thresholds, Rates]:
    """Grid search on one labelled set (see :func:`calibrate_many`)."""
    chosen, _ = calibrate_many([(inside, outside)])
    return chosen, rates(inside, outside, chosen)


def calibrate_many(
    sets: Sequence[tuple[Sequence[Evidence], Sequence[Evidence]]],
) -> tuple[Thresholds, float]:
    """Grid search: the thresholds with the lowest mean cost over ``sets`` (each a pair of
    in-corpus and out-of-corpus evidence). A false answer weighs 1.5 times a false refusal:
    a confident wrong answer costs more trust than "không tìm thấy"."""
    best: tuple[float, Thresholds] | None = None
    for cov in (0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8):
        for pair in (0.2, 0.25, 0.3, 0.34, 0.4, 0.5):
            for cov_gap in (0.3, 0.4, 0.5, 0.6, 1.01):
                for gap in (0.02, 0.025, 0.03, 0.035, 0.04, 0.05):
                    t = Thresholds(cov, pair, cov_gap, gap)
                    costs = []
                    for inside, outside in sets:
                        r = rates(inside, outside, t)
                        costs.append(r.false_refusal + 1.5 * r.false_answer)
                    cost = sum(costs) / len(costs)
                    if best is None or cost < best[0] - 1e-9:
                        best = (cost, t)
    assert best is not None
    return best[1], round(best[0], 4)


def read_dump(path: Path) -> tuple[list[Evidence], list[Evidence]]:
    """Evidence written by ``--dump``: (in-corpus, out-of-corpus)."""
    fields = set(Evidence.__dataclass_fields__)
    inside: list[Evidence] = []
    outside: list[Evidence] = []
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        ev = Evidence(**{k: v for k, v in row.items() if k in fields})
        (inside if row["set"] == "in" else outside).append(ev)
    return inside, outside


class _Searcher(Protocol):
    def parse(self, text: str) -> Query: ...

    def search(self, query: Query, *, k: int = 10) -> list[Hit]: ...


class _Store(Protocol):
    def passages_by_ids(self, ids: Iterable[int]) -> Mapping[int, Any]: ...


def collect(retriever: _Searcher, store: _Store, questions: Iterable[str]) -> list[Evidence]:
    out = []
    for q in questions:
        query = retriever.parse(q)
        hits = retriever.search(query, k=SEARCH_DEPTH)
        passages = store.passages_by_ids(h.passage_id for h in hits[:TOP_PASSAGES])
        out.append(evidence(query, hits, passages))
    return out


def _read(path: Path, *, only_off_domain: bool = False) -> list[str]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if only_off_domain:
        rows = [r for r in rows if r.get("off_domain")]
    return [str(r["question"]) for r in rows]


def make_dev_subset(
    eval_dir: Path, out_dir: Path, *, natural: int = 80, exam: int = 70,
    distractors: int = 1200, seed: int = 4,
) -> tuple[int, int]:
    """A small, fixed sample of the dev set: questions, their articles and random others.

    Writes ``corpus.jsonl`` and ``queries.jsonl`` into ``out_dir``; returns their sizes.
    """
    import random

    rng = random.Random(seed)
    queries = [json.loads(line) for line in (eval_dir / "queries.jsonl").open(encoding="utf-8")]
    nat = [q for q in queries if q["source"] in ("zalo2021_train", "vlsp2025_drill_train")]
    rest = [q for q in queries if q["source"] not in ("zalo2021_train", "vlsp2025_drill_train")]
    picked = rng.sample(nat, natural) + rng.sample(rest, exam)
    relevant = {r for q in picked for r in q["relevant"]}
    rows = [json.loads(line) for line in (eval_dir / "corpus.jsonl").open(encoding="utf-8")]
    others = [r for r in rows if r["id"] not in relevant]
    chosen = [r for r in rows if r["id"] in relevant] + rng.sample(others, distractors)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for r in chosen:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    with (out_dir / "queries.jsonl").open("w", encoding="utf-8") as fh:
        for q in picked:
            row = {"id": q["id"], "question": q["question"], "source": q["source"],
                   "relevant": q["relevant"]}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(chosen), len(picked)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure (and optionally re-choose) the thresholds on data directories or dumps."""
    parser = argparse.ArgumentParser(prog="python bench/calibrate_confidence.py")
    parser.add_argument("--data-dir", help="an ingested CHINAM_DATA_DIR")
    parser.add_argument("--inside", nargs="+", type=Path, default=[],
                        help="JSONL files of questions the corpus answers")
    parser.add_argument("--outside", nargs="+", type=Path, default=[],
                        help="JSONL files of questions it does not answer")
    parser.add_argument("--off-domain-only", action="store_true",
                        help="use only outside questions marked off_domain (legal corpora)")
    parser.add_argument("--calibrate", action="store_true", help="also search for thresholds")
    parser.add_argument("--dump", type=Path, help="write every question's evidence here")
    parser.add_argument("--dumps", nargs="+", type=Path, default=[],
                        help="instead of searching, read evidence written by --dump")
    parser.add_argument("--make-dev-subset", nargs=2, type=Path, metavar=("EVAL_DIR", "OUT_DIR"),
                        help="write the fixed dev subset (corpus.jsonl, queries.jsonl) and stop")
    args = parser.parse_args(argv)
    if args.make_dev_subset:
        articles, questions = make_dev_subset(*args.make_dev_subset)
        print(json.dumps({"articles": articles, "questions": questions}))
        return 0

    sets: list[tuple[str, list[Evidence], list[Evidence]]] = []
    report: dict[str, Any] = {}
    if args.dumps:
        for path in args.dumps:
            sets.append((path.name, *read_dump(path)))
    else:
        from retrieval.service.settings import Settings
        from retrieval.service.wiring import build_index, open_store

        if not args.data_dir:
            parser.error("--data-dir or --dumps is required")
        settings = Settings(data_dir=Path(args.data_dir))
        store = open_store(settings)
        retriever = build_index(settings, store)
        retriever.refresh()
        report["mode"] = retriever.mode
        inside_q = [q for p in args.inside for q in _read(p)]
        outside_q = [q for p in args.outside
                     for q in _read(p, only_off_domain=args.off_domain_only)]
        inside = collect(retriever.searcher, store, inside_q)
        outside = collect(retriever.searcher, store, outside_q)
        sets.append((str(args.data_dir), inside, outside))
        if args.dump:
            with args.dump.open("w", encoding="utf-8") as fh:
                for label, qs, evs in (("in", inside_q, inside), ("out", outside_q, outside)):
                    for q, e in zip(qs, evs, strict=True):
                        row = {"set": label, "question": q, "answered": decide(e), **asdict(e)}
                        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    report["default"] = {name: asdict(rates(i, o)) for name, i, o in sets}
    if args.calibrate:
        chosen, cost = calibrate_many([(i, o) for _, i, o in sets])
        report["calibrated"] = {
            "thresholds": asdict(chosen),
            "mean_cost": cost,
            "rates": {name: asdict(rates(i, o, chosen)) for name, i, o in sets},
        }
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
