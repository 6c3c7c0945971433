"""Property test: parsing, chunking and reference extraction never raise on mutated real texts."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.ingest import build_document
from corpus.text import clean_text
from tests.conftest import SAMPLES

_TEXTS = [clean_text(p.read_text(encoding="utf-8"))[:6000] for p in sorted(SAMPLES.glob("*.txt"))]


def _mutate(text: str, seed: int, ops: int) -> str:
    rng = random.Random(seed)
    chars = list(text)
    for _ in range(ops):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.randrange(5)
        if op == 0:
            del chars[i : i + rng.randrange(1, 40)]
        elif op == 1:
            chars.insert(i, rng.choice(["\n", "Số: ", "/", "-", "Điều ", "1.", "a)", "\x00", "ngày ", "Nghị quyết số "]))
        elif op == 2:
            j = rng.randrange(len(chars))
            chars[i], chars[j] = chars[j], chars[i]
        elif op == 3:
            chars[i] = chr(rng.randrange(32, 0x2FFF))
        else:
            chars[i:i] = chars[i : i + rng.randrange(1, 200)]
    return "".join(chars)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(_TEXTS) - 1), st.integers(0, 2**32), st.integers(0, 300))
def test_mutated_real_texts_never_raise(which: int, seed: int, ops: int) -> None:
    text = clean_text(_mutate(_TEXTS[which], seed, ops))
    if not text.strip():
        return
    doc, passages, refs, _ = build_document(text, source_name="fuzz.txt")
    assert all(text[p.start : p.end] == p.text for p in passages)
    assert doc.sha256 and all(r.key for r in refs)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=3000))
def test_random_text_never_raises(text: str) -> None:
    text = clean_text(text)
    if text.strip():
        build_document(text, source_name="random.txt")
