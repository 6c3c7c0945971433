"""Put the diacritics back into a question typed without them, from the corpus's own words.

Staff often type "cac don vi phai lam gi theo nghi quyet 02". BM25 matches such a question on
the bare twins of every syllable, but the e5 model all but ignores it (dev set R@10 0.06), so
the dense side had nothing to add. This module picks, for each bare syllable, the accented
spelling that the corpus makes most likely beside its neighbours: a syllable-bigram model
whose counts are the lexical index's document frequencies (its accented unigram and bigram
tokens), decoded with Viterbi. A short table of question phrases ("bao nhiêu", "như thế
nào"), which statutes and directives seldom contain, is counted in as well.

Words the corpus does not hold stay as typed; the restored text only feeds the dense
encoder, so a wrong guess costs one list in the fusion, never the lexical match.

Measured on the dev questions stripped of their diacritics (633 questions, 21,298 passages):
96.3 % of syllables restored exactly with the corpus alone at ``SMOOTHING`` 0.003 (94.5 % at
0.1, 96.1 % at 0.01), 97.3 % with the phrase table (352 of the 633 questions restored
whole); about 2 ms a question. pyvi's ``ViUtils.add_accents``, a general-purpose model,
restored 74.2 % of the same syllables.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Protocol

from corpus.text import fold, has_diacritics, strip_diacritics

# Weight of the unigram distribution in the interpolated bigram probability.
SMOOTHING = 0.003
# Each phrase of the table counts as if this share of the passages held it.
PHRASE_SHARE = 0.01

_TOKEN = re.compile(r"\w+|\W+")
_TOKEN_IS_WORD = re.compile(r"\w")


class LexicalIndexLike(Protocol):
    """What the restorer reads of a lexical index (retrieval.lexical.LexicalIndex)."""

    def __len__(self) -> int: ...
    def vocabulary(self) -> list[str]: ...
    def document_frequency(self, token: str) -> int: ...


@lru_cache(maxsize=1)
def question_phrases() -> tuple[tuple[str, ...], ...]:
    """The bundled question phrases, folded and split into syllables."""
    text = resources.files("retrieval").joinpath("data/question_phrases.txt").read_text("utf-8")
    rows = (line.strip() for line in text.splitlines())
    return tuple(tuple(fold(row).split()) for row in rows if row and not row.startswith("#"))


class DiacriticRestorer:
    """Most likely accented spelling of a bare text under the corpus's syllable bigrams.

    ``vocabulary`` is every token of the lexical index; the accented syllables among it are
    the candidates, and ``frequency(token)`` gives the document frequency of a syllable
    ("nghị") or of a bigram ("nghị_quyết"). ``documents`` is the number of passages.
    """

    def __init__(
        self,
        vocabulary: Iterable[str],
        frequency: Callable[[str], int],
        documents: int,
        *,
        phrases: Iterable[tuple[str, ...]] = (),
        smoothing: float = SMOOTHING,
    ) -> None:
        self._frequency = frequency
        self._documents = max(documents, 1)
        self._smoothing = smoothing
        self._phrases = tuple(phrases)
        self._extra = _phrase_counts(self._phrases, documents)
        self._candidates: dict[str, list[str]] = {}
        syllables = {t for t in vocabulary if _is_syllable(t)}
        syllables.update(t for t in self._extra if _is_syllable(t))
        for syllable in sorted(syllables):
            self._candidates.setdefault(strip_diacritics(syllable), []).append(syllable)

    @classmethod
    def for_index(cls, index: LexicalIndexLike) -> DiacriticRestorer:
        return cls(
            index.vocabulary(), index.document_frequency, len(index), phrases=question_phrases()
        )

    def updated(self, index: LexicalIndexLike, new_tokens: Iterable[str]) -> DiacriticRestorer:
        """This restorer over ``index``, a changed copy of its index whose new passages hold
        ``new_tokens``: their syllables join the candidates (a syllable whose passages were
        all removed stays one, at frequency 0, until the next full build)."""
        out = copy.copy(self)
        out._frequency, out._documents = index.document_frequency, max(len(index), 1)
        out._extra = _phrase_counts(self._phrases, len(index))
        candidates = out._candidates = dict(self._candidates)
        for syllable in {t for t in new_tokens if _is_syllable(t)}:
            key = strip_diacritics(syllable)
            known = candidates.get(key, [])
            if syllable not in known:
                candidates[key] = sorted([*known, syllable])
        return out

    def _count(self, token: str) -> int:
        return self._frequency(token) + self._extra.get(token, 0)

    def _unigram(self, syllable: str) -> float:
        return (self._count(syllable) + 0.1) / (self._documents + 1)

    def _transition(self, a: str, b: str) -> float:
        """log P(b | a), the bigram estimate interpolated with b's unigram probability."""
        ca = self._count(a) + 1
        cab = self._count(f"{a}_{b}")
        lam = self._smoothing
        return math.log((cab + lam * self._unigram(b) * ca) / (ca * (1 + lam)))

    def restore(self, text: str) -> str:
        """``text`` with diacritics restored where the corpus knows the words; a text that
        already has diacritics is returned unchanged. Case and punctuation are kept."""
        if has_diacritics(text):
            return text
        pieces = _TOKEN.findall(text)
        slots = [i for i, piece in enumerate(pieces) if _TOKEN_IS_WORD.match(piece)]
        if not slots:
            return text
        lattice = [self._candidates.get(fold(pieces[i]), [fold(pieces[i])]) for i in slots]
        best = self._viterbi(lattice)
        for i, syllable in zip(slots, best, strict=True):
            pieces[i] = _recase(pieces[i], syllable)
        return "".join(pieces)

    def _viterbi(self, lattice: list[list[str]]) -> list[str]:
        scores = {c: math.log(self._unigram(c)) for c in lattice[0]}
        back: list[dict[str, str]] = []
        for column in lattice[1:]:
            step: dict[str, float] = {}
            came: dict[str, str] = {}
            for c in column:
                prev, score = max(
                    ((p, s + self._transition(p, c)) for p, s in scores.items()),
                    key=lambda ps: ps[1],
                )
                step[c], came[c] = score, prev
            scores = step
            back.append(came)
        last = max(scores, key=scores.__getitem__)
        path = [last]
        for came in reversed(back):
            path.append(came[path[-1]])
        return path[::-1]


def _phrase_counts(phrases: Iterable[tuple[str, ...]], documents: int) -> dict[str, int]:
    boost = max(1, round(PHRASE_SHARE * documents))
    extra: dict[str, int] = {}
    for phrase in phrases:
        for token in (*phrase, *(f"{a}_{b}" for a, b in pairwise(phrase))):
            extra[token] = extra.get(token, 0) + boost
    return extra


def _is_syllable(token: str) -> bool:
    return bool(token) and token[0] not in "~#" and "_" not in token


def _recase(typed: str, syllable: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return syllable.upper()
    if typed[:1].isupper():
        return syllable[:1].upper() + syllable[1:]
    return syllable
