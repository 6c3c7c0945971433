"""When to say "không tìm thấy": evidence that the best passages answer the question.

E5 cosine scores are compressed (relevant and unrelated passages both score 0.80–0.93), so an
absolute score threshold does not work. The evidence used instead:

- ``coverage``: share of the question's content words (diacritics and abbreviations
  normalised) that occur in one of the best passages or its document header;
- ``pair_coverage``: share of the question's adjacent content-word pairs ("đèn đỏ", "sổ đỏ",
  "thăng hạng") that occur as adjacent words there: Vietnamese words are mostly two
  syllables, and an out-of-corpus question rarely finds its compounds;
- ``number_found``: the question names a document number that reaches a stored document (or a
  document citing it);
- ``dense_gap``: how far the best dense score stands above the median of the candidates.

:func:`decide` combines them with thresholds chosen by :func:`calibrate_many` on three labelled
sets (the "rates" are false refusals on answerable questions and false answers on the others):

=============================================  =====  ============  =====  ============
set                                            in     false refusal out    false answer
=============================================  =====  ============  =====  ============
samples (7 docs), tests/retrieval/data          58     1.7 %         80     0.0 %
seeds + shared/corpus-samples (24 docs)          58     1.7 %         80     1.3 %
dev subset (150 questions, 1,358 articles)      150    11.3 %         48     0.0 %
=============================================  =====  ============  =====  ============

The dev subset is 80 natural (Zalo, DRiLL) and 70 ALQAC questions of ``shared/eval`` with their
relevant articles plus 1,200 random other articles; its out-of-corpus questions are the
``off_domain`` ones (cooking, sports, weather …: the statute corpus does cover traffic and tax).
Of its refusals, 7 of 17 are questions whose relevant article the retriever did not put in the
top 3 at all. Reproduce (real model; Q = tests/retrieval/data)::

    chinam ingest ../shared/seeds ../shared/corpus-samples        # CHINAM_DATA_DIR=D
    python -m retrieval.confidence --data-dir D --inside Q/questions_in_corpus.jsonl \
        --outside Q/questions_out_of_corpus.jsonl --dump full.jsonl
    python -m retrieval.confidence --make-dev-subset ../shared/eval /tmp/dev
    chinam eval --corpus /tmp/dev/corpus.jsonl --queries /tmp/dev/queries.jsonl \
        --data-dir /tmp/dev/data                                   # builds the store
    python -m retrieval.confidence --data-dir /tmp/dev/data --inside /tmp/dev/queries.jsonl \
        --outside Q/questions_out_of_corpus.jsonl --off-domain-only --dump dev.jsonl
    python -m retrieval.confidence --dumps full.jsonl dev.jsonl --calibrate
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import statistics
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from corpus.docnumbers import numbers_in_question
from corpus.text import bare_view, folded_view, has_diacritics
from retrieval.analyzer import abbreviations
from retrieval.query import Query
from retrieval.searcher import Hit

TOP_PASSAGES = 3
SEARCH_DEPTH = 60  # hits an answer looks at (a superseded document sinks but stays in view)
GAP_HITS = 30  # hits the dense margin is measured over

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words and question words (folded, with diacritics). They say nothing about the topic.
STOPWORDS = _words(
    """à ai anh ấy bao bằng bị bởi các cách cần cho chứ chưa có còn của đã đang đây để đến đều
    đi đó được gì gồm hãy hoặc hỏi khi không kia là lại làm lên lúc mà mấy mình một muốn
    nào này nếu nhé nhiều như những nó nơi ở ơi phải ra rằng rồi sao sẽ sau tại thằng thế thì
    theo thôi tôi trên trong từ tùy và vào vậy về vì việc với vừa xin bạn biết xem nhất rất qua
    cũng luôn hôm năm nay ngày trước kể khác tất cả mọi người hơn dưới giữa họ nhau đâu gì
    nhỉ chăng thường nên cho biết hỏi nhiêu đối thể"""
)
# Without diacritics many syllables collide ("noi" is nơi and nội, "vi" vì and vị): only
# unambiguous function words here.
BARE_STOPWORDS = _words(
    """a ai anh ay bang bi boi cac cach cho chu chua co cua da dang day de den deu di do duoc gi
    gom hay hoac hoi khi khong kia la lai lam len luc ma may minh mot muon nao nay neu nhe nhieu
    nhu nhung no o oi phai ra rang roi sao se sau tai the thi theo thoi toi tren trong tu va vao
    vay ve viec voi xin ban biet xem qua cung luon hom truoc khac tat moi hon duoi giua ho nhau
    dau nhi chang thuong"""
)


class PassageLike(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def context(self) -> str: ...


@dataclass(frozen=True)
class Evidence:
    content_words: int
    coverage: float
    pair_coverage: float
    number_named: bool
    number_found: bool
    dense_top: float | None
    dense_gap: float | None
    lexical_top_rank: int | None
    content_pairs: int = 0


@dataclass(frozen=True)
class Thresholds:
    """Answer when a named number is found, or when coverage and pair coverage are high
    enough; ``min_gap`` can rescue a question whose wording differs from the documents."""

    # chosen by calibrate_many on three labelled sets (see the module docstring)
    min_coverage: float = 0.65
    min_pair_coverage: float = 0.5
    min_coverage_with_gap: float = 0.5
    min_gap: float = 0.035
    min_number_coverage: float = 0.25


DEFAULT_THRESHOLDS = Thresholds()


_GD_DT = re.compile(r"(?<!\w)(?:gd|GD)\s*(?:&|va|và|-)?\s*(?:dt|DT|đt|ĐT)(?!\w)")


def question_tokens(question: str) -> list[str | None]:
    """The question's syllables in order, folded (diacritic-free when the question has none),
    abbreviations expanded; stopwords are None so that pairs never jump over them."""
    accented = has_diacritics(question)
    table = abbreviations()
    stop = STOPWORDS if accented else BARE_STOPWORDS
    out: list[str | None] = []
    for raw in re.findall(r"[\w&]+", _GD_DT.sub("GD&ĐT", question)):
        if raw.isdigit():
            out.append(raw.lstrip("0") or "0")
            continue
        key = bare_view(raw).replace("&", "")
        expansion = table.get(key) if (raw.isupper() or "&" in raw) and len(raw) > 1 else None
        if expansion is None and len(key) >= 2 and key in table and not _ordinary(key):
            expansion = table[key] if not has_diacritics(raw) else None
        for w in (expansion or folded_view(raw)).split():
            w = w if accented else bare_view(w)
            out.append(None if not w or w in stop else w)
    return out


def content_words(question: str) -> list[str]:
    """The question's topic syllables (see :func:`question_tokens`)."""
    return [w for w in question_tokens(question) if w]


def content_pairs(question: str) -> set[tuple[str, str]]:
    """Adjacent content syllables of the question ("đèn đỏ"), never across a stopword."""
    toks = question_tokens(question)
    return {
        (a, b) for a, b in itertools.pairwise(toks)
        if a and b and not (a.isdigit() and b.isdigit())
    }


_ORDINARY = frozenset(["tu", "cp", "ct", "tb", "hd", "th", "mn", "gv", "hs", "tp", "tt", "cd"])


def _ordinary(key: str) -> bool:
    """Short abbreviations that are also ordinary syllables when typed in lower case."""
    return key in _ORDINARY


def _pairs(words: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(words))


def _passage_words(p: PassageLike, accented: bool) -> list[str]:
    text = f"{p.context}\n{p.text}"
    words = re.findall(r"\w+", folded_view(text) if accented else bare_view(text))
    return [w.lstrip("0") or "0" if w.isdigit() else w for w in words]


def support(question: str, passages: Iterable[PassageLike]) -> tuple[float, float]:
    """(coverage, pair coverage) of the question by the best of ``passages``."""
    accented = has_diacritics(question)
    qset = set(content_words(question))
    qpairs = content_pairs(question)
    coverage = pair_coverage = 0.0
    for p in passages:
        pw = _passage_words(p, accented)
        if qset:
            coverage = max(coverage, len(qset & set(pw)) / len(qset))
        if qpairs:
            pair_coverage = max(pair_coverage, len(qpairs & _pairs(pw)) / len(qpairs))
    if not qpairs:
        pair_coverage = coverage
    return coverage, pair_coverage


def evidence(question: str, hits: Sequence[Hit], passages: Mapping[int, PassageLike]) -> Evidence:
    qset = set(content_words(question))
    best = [passages[h.passage_id] for h in hits[:TOP_PASSAGES] if h.passage_id in passages]
    coverage, pair_coverage = support(question, best)
    named = bool(numbers_in_question(question))
    dense = [h.dense_score for h in hits[:GAP_HITS] if h.dense_score is not None]
    top = max(dense) if dense else None
    gap = (top - statistics.median(dense)) if dense and top is not None else None
    return Evidence(
        content_words=len(qset),
        coverage=round(coverage, 4),
        pair_coverage=round(pair_coverage, 4),
        number_named=named,
        number_found=named and any(h.number_match for h in hits),
        dense_top=round(top, 4) if top is not None else None,
        dense_gap=round(gap, 4) if gap is not None else None,
        lexical_top_rank=hits[0].lexical_rank if hits else None,
        content_pairs=len(content_pairs(question)),
    )


def decide(ev: Evidence, t: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """Whether the best passages are relevant enough to answer."""
    if ev.number_found and ev.coverage >= t.min_number_coverage:
        return True
    if ev.number_named and not ev.number_found:
        return False  # the question is about a document the corpus does not know
    if ev.content_words == 0:
        return False
    gap = ev.dense_gap if ev.dense_gap is not None else 0.0
    if ev.content_pairs == 0:
        # one or two loose words ("kết quả bóng đá"): word overlap alone proves nothing
        return ev.coverage >= t.min_coverage and gap >= t.min_gap
    if ev.coverage >= t.min_coverage and ev.pair_coverage >= t.min_pair_coverage:
        return True
    return ev.coverage >= t.min_coverage_with_gap and gap >= t.min_gap


# -- calibration ---------------------------------------------------------------------------
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
        hits = retriever.search(retriever.parse(q), k=SEARCH_DEPTH)
        passages = store.passages_by_ids(h.passage_id for h in hits[:TOP_PASSAGES])
        out.append(evidence(q, hits, passages))
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
    parser = argparse.ArgumentParser(prog="python -m retrieval.confidence")
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
        from retrieval.service.wiring import build_retriever, open_store

        if not args.data_dir:
            parser.error("--data-dir or --dumps is required")
        settings = Settings(data_dir=Path(args.data_dir))
        store = open_store(settings)
        retriever = build_retriever(settings, store)
        retriever.refresh()
        report["mode"] = retriever.mode
        inside_q = [q for p in args.inside for q in _read(p)]
        outside_q = [q for p in args.outside
                     for q in _read(p, only_off_domain=args.off_domain_only)]
        inside = collect(retriever, store, inside_q)
        outside = collect(retriever, store, outside_q)
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
