"""`chinam eval` end to end on a small slice of the dev set, with the real model.

The slice: 40 questions drawn with a fixed seed, their relevant articles, and 400 other
articles as distractors. The full dev-set evaluation is a bench run, not a CI step.
"""

import json
import random
from pathlib import Path

import pytest

from chinam.cli import main

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def dev_slice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from tests.conftest import SHARED

    eval_dir = SHARED / "eval"
    if not (eval_dir / "corpus.jsonl").exists():
        pytest.skip("../shared/eval is not beside the checkout")
    rng = random.Random(20261123)
    queries = [json.loads(line) for line in (eval_dir / "queries.jsonl").open(encoding="utf-8")]
    picked = rng.sample(queries, 40)
    relevant = {pid for q in picked for pid in q["relevant"]}
    corpus = [json.loads(line) for line in (eval_dir / "corpus.jsonl").open(encoding="utf-8")]
    others = [row for row in corpus if row["id"] not in relevant]
    rows = [row for row in corpus if row["id"] in relevant] + rng.sample(others, 400)
    out = tmp_path_factory.mktemp("slice")
    (out / "corpus.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    (out / "queries.jsonl").write_text(
        "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in picked), encoding="utf-8"
    )
    return out / "corpus.jsonl", out / "queries.jsonl"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_eval_slice_with_real_model(
    dev_slice: tuple[Path, Path], tmp_path: Path, model_dir: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus, queries = dev_slice
    monkeypatch.setenv("CHINAM_EMBEDDING_MODEL", str(model_dir))
    data = tmp_path / "eval"
    args = ["eval", "--corpus", str(corpus), "--queries", str(queries), "--data-dir", str(data), "--json"]
    report = _run(capsys, *args)
    assert report["n_queries"] == 40 and report["mode"] == "hybrid"
    for key in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "p50_ms", "p95_ms", "by_source"):
        assert key in report
    # 40 questions over 440 articles: far easier than the full set, so a failure here means
    # something is broken, not that quality moved a little.
    assert report["recall@10"] >= 0.85 and report["mrr@10"] >= 0.7

    stripped = _run(capsys, *args, "--strip-diacritics")
    assert stripped["recall@10"] >= report["recall@10"] - 0.1

    lexical = _run(capsys, *args, "--lexical")
    assert lexical["mode"] == "lexical" and lexical["recall@10"] >= 0.7
