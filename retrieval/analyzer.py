"""Tokens for lexical search: folded syllables, their diacritic-free twins, bigrams,
expanded abbreviations and document-number keys.

Documents are indexed with both spellings of every syllable (accented and bare), so a
question typed with or without diacritics meets the same passages; accented tokens add
precision when the question has them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

from corpus.docnumbers import find_numbers, numbers_in_question
from corpus.text import fold, has_diacritics, strip_diacritics

_WORD = re.compile(r"\w+")
# Bump when tokenisation changes in a way the fields below do not show.
ANALYZER_VERSION = 1
NUMBER_TOKEN_PREFIX = "#"


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], frozenset[str]]:
    table: dict[str, str] = {}
    upper_only: set[str] = set()
    text = resources.files("retrieval").joinpath("data/abbreviations.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        abbr, expansion, *flags = line.split("\t")
        table[_abbr_key(abbr)] = fold(expansion.strip())
        if "upper" in flags:
            upper_only.add(_abbr_key(abbr))
    return table, frozenset(upper_only)


@lru_cache(maxsize=1)
def _thesaurus() -> tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]:
    """(folded pattern, bare pattern, official terms) per staff phrase, longest phrase first."""
    text = resources.files("retrieval").joinpath("data/thesaurus.tsv").read_text("utf-8")
    entries: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, official, *_reason = line.split("\t")
        entries.append((" ".join(fold(phrase).split()), fold(official.strip())))
    entries.sort(key=lambda e: -len(e[0]))
    return tuple(
        (_phrase_pattern(phrase), _phrase_pattern(strip_diacritics(phrase)), official)
        for phrase, official in entries
    )


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)")


def thesaurus_matches(question: str) -> list[tuple[str, str]]:
    """(staff phrase as it stands in the question, official terms) for each staff phrase in
    ``question``: longest phrase first, each stretch of the question used once, an entry
    skipped when the question already says its official terms. Matched with diacritics when
    the question has them (phrase and terms folded), else on bare letters (both bare)."""
    return list(_thesaurus_matches(question))


@lru_cache(maxsize=1024)  # one answer asks for the same question's matches several times
def _thesaurus_matches(question: str) -> tuple[tuple[str, str], ...]:
    accented = has_diacritics(question)
    text = fold(question) if accented else strip_diacritics(fold(question))
    text = " ".join(text.split())
    used: list[tuple[int, int]] = []
    out: list[tuple[str, str]] = []
    for folded, bare, official in _thesaurus():
        terms = official if accented else strip_diacritics(official)
        for m in (folded if accented else bare).finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b in used):
                used.append(m.span())
                if not _phrase_pattern(terms).search(text):
                    out.append((m.group(0), terms))
                break
    return tuple(out)


def thesaurus_terms(question: str) -> list[str]:
    """The official wording of the staff phrases in ``question`` ("sinh con" -> "thai sản")."""
    return [terms for _, terms in thesaurus_matches(question)]


def abbreviations() -> dict[str, str]:
    """Abbreviation (diacritic-free, lower case) -> expansion (folded)."""
    return _table()[0]


def _abbr_key(token: str) -> str:
    return strip_diacritics(token).lower().replace("&", "").replace("-", "").replace(".", "")


_ABBR_CANDIDATE = re.compile(r"(?<![\w&.-])[A-Za-zĐđ]{2,}(?:[&.-][A-Za-zĐđ]{2,})?(?![\w&-])")


def _syllables(text: str) -> list[str]:
    out = []
    for tok in _WORD.findall(text):
        if tok.isdigit():
            tok = tok.lstrip("0") or "0"
        out.append(tok)
    return out


@dataclass(frozen=True)
class Analyzer:
    """Turns text into BM25 tokens. One instance is shared by indexing and querying."""

    bigrams: bool = True
    twins: bool = True
    accented: bool = True
    expand_abbreviations: bool = True

    def _expansions(self, raw: str, *, query: bool) -> list[str]:
        if not self.expand_abbreviations:
            return []
        table, upper_only = _table()
        out: list[str] = []
        for m in _ABBR_CANDIDATE.finditer(raw):
            word = m.group(0)
            key = _abbr_key(word)
            if not word.isupper() and (not query or key in upper_only):
                continue
            exp = table.get(key)
            if exp:
                out.append(exp)
        return out

    def _stream(self, text: str) -> list[str]:
        folded = fold(text)
        syl = _syllables(folded)
        toks: list[str] = []
        if self.accented:
            toks += syl
            if self.bigrams:
                toks += [f"{a}_{b}" for a, b in pairwise(syl)]
        if self.twins:
            bare = [strip_diacritics(s) for s in syl]
            toks += ["~" + s for s in bare]
            if self.bigrams:
                toks += [f"~{a}_{b}" for a, b in pairwise(bare)]
        return toks

    def _query_stream(self, text: str, accented: bool) -> list[str]:
        toks = self._stream(text)
        if self.twins and self.accented and not accented:
            toks = [t for t in toks if t.startswith("~")]
        return toks

    def signature(self) -> str:
        """Identifies the token stream; indexes built under another signature are rebuilt."""
        data = resources.files("retrieval").joinpath("data")
        names = ("abbreviations.tsv", "thesaurus.tsv")
        tables = b"".join(data.joinpath(n).read_bytes() for n in names)
        digest = hashlib.sha256(tables).hexdigest()[:12]
        return f"{self!r}|v{ANALYZER_VERSION}|{digest}"

    def document_tokens(self, text: str) -> list[str]:
        toks = self._stream(text)
        for exp in self._expansions(text, query=False):
            toks += self._stream(exp)
        toks += [NUMBER_TOKEN_PREFIX + n.match_key for _, n in find_numbers(text) if n.match_key]
        return toks

    def query_tokens(self, question: str) -> list[str]:
        """Tokens of a question; a question without any diacritics uses the bare twins only.

        Abbreviations are expanded and staff phrases add their official wording
        (data/thesaurus.tsv), for the lexical search only: documents keep their own words.
        """
        accented = has_diacritics(question)
        toks = self._stream(question)
        if self.twins and self.accented and not accented:
            toks = [t for t in toks if t.startswith("~")]
        for exp in self._expansions(question, query=True):
            toks += self._query_stream(exp, accented)
        if self.expand_abbreviations:
            for terms in thesaurus_terms(question):
                # the official compounds ("hằng_năm"), not their syllables ("năm" of "năm học")
                exp_toks = self._query_stream(terms, accented)
                compounds = [t for t in exp_toks if "_" in t]
                toks += compounds or exp_toks
        keys = [n.match_key for n in numbers_in_question(question) if n.match_key]
        toks += [NUMBER_TOKEN_PREFIX + key for key in keys]
        return toks
