"""Documents named in a question by title ("theo Luật Giáo dục", "bo luat lao dong") or by a
local issuer and its province ("Sở GD&ĐT Long An", "SGDĐT Long An", "Sở GDĐT tỉnh Long An",
"UBND tỉnh Long An").

Numbers ("NQ 02") are recognised in corpus.docnumbers; this finds the documents people name
by their title instead. Names are folded and stripped of diacritics, matched on whole words,
and only the longest match counts ("Luật Giáo dục đại học" does not also name "Luật Giáo dục").
Issuer names are matched on the question's syllables with abbreviations expanded and stop
words dropped (:func:`retrieval.query.question_tokens`), so every spelling agrees.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from corpus.text import bare, bare_view
from retrieval.query import question_tokens

NAMED_TYPES = ("Luật", "Bộ luật", "Điều lệ", "Pháp lệnh", "Hiến pháp")
MIN_WORDS = 2
# A law is named after the people or the field it governs ("Luật Viên chức", "Bộ luật Lao
# động"); a question whose subject is that ("Viên chức có được góp vốn …", "cbcc có được đình
# công không") is most likely answered by it.
_LAW_PREFIX = re.compile(r"^(?:bo )?luat (?!sua doi)")
SUBJECT_SYLLABLES = 5


def _key(text: str) -> str:
    words = re.findall(r"\w+", bare(text))
    return " ".join(words)


_NAME = re.compile(
    r"(?:^|[\s:(“\"])((?:" + "|".join(NAMED_TYPES) + r")\s+[^\d();:“”\"—–]{2,80}?)"
    r"(?=\s+(?:số|năm|ban hành|sửa đổi|Quốc hội)\b|\s*[\d();:“”\"—–]|\s*,?\s*$)"
)


class Named(Protocol):
    """What is read of a document (corpus.models.Document, corpus.store.DocumentSummary)."""

    @property
    def id(self) -> int | None: ...
    @property
    def doc_type(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def parent_issuer(self) -> str | None: ...
    @property
    def place(self) -> str | None: ...


def document_titles(doc: Named) -> frozenset[str]:
    """Matching keys of the names a document goes by (empty for dispatches and plans)."""
    texts = [t for t in (doc.title, doc.subject) if t]
    names = {_key(m.group(1)) for text in texts for m in _NAME.finditer(text)}
    subject = doc.subject or ""
    if doc.doc_type in NAMED_TYPES and subject and len(subject) < 80:
        full = subject if subject.startswith(doc.doc_type) else f"{doc.doc_type} {subject}"
        names.add(_key(full))
    return frozenset(n for n in names if len(n.split()) >= MIN_WORDS)


# Bodies of a province or a city whose name people add the province to ("Sở GD&ĐT Long An");
# a national body's place ("Quốc hội", Hà Nội) is where it signs, not part of its name.
_LOCAL_BODY = re.compile(
    r"^(?:Sở|Phòng|UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân|Tỉnh ủy|"
    r"Tỉnh uỷ|Thành ủy|Thành uỷ|Huyện ủy|Huyện uỷ|Công đoàn|Liên đoàn)(?!\w)",
    re.IGNORECASE,
)
_PROVINCE_WORDS = frozenset({"tinh", "tp"})
MIN_ISSUER_WORDS = 3


def issuer_key(text: str) -> str:
    """Matching key of an issuer as typed: "Sở GDĐT tỉnh Long An" and "Sở Giáo dục và Đào tạo
    Long An" are both "so giao duc dao tao long an"."""
    words = (bare_view(w) for w in question_tokens(text) if w)
    return " ".join(w for w in words if w not in _PROVINCE_WORDS)


def issuer_names(doc: Named) -> set[str]:
    """Keys of "issuer + province" names of a local document: its issuer with its place, the
    short "Sở GD Long An" form, and its parent body when that names the place ("UBND tỉnh
    Long An")."""
    place = doc.place or ""
    names: set[str] = set()
    if doc.issuer and place and _LOCAL_BODY.match(doc.issuer):
        issuer = doc.issuer if bare(place) in bare(doc.issuer) else f"{doc.issuer} {place}"
        key = issuer_key(issuer)
        names |= {key, key.replace("giao duc dao tao", "giao duc")}
    if doc.parent_issuer and place and bare(place) in bare(doc.parent_issuer):
        names.add(issuer_key(doc.parent_issuer))
    return {n for n in names if len(n.split()) >= MIN_ISSUER_WORDS}


def _alternation(keys: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(keys, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(k) for k in ordered) + r")\b")


# A name typed after a title word ("Điều lệ Công đoàn Việt Nam", "Luật Nhà giáo"): the title
# word capitalised, as people write a name, and followed by a word that is no verb of the
# question ("Luật quy định …" names no law).
_TYPED_NAME = re.compile(
    r"(?<!\w)(" + "|".join(NAMED_TYPES) + r")\s+([^\W\d]\w*)(?:\s+([^\W\d]\w*))?"
)
_NOT_A_NAME = frozenset({
    "quy", "noi", "co", "cho", "bao", "ghi", "la", "ve", "moi", "nay", "nao", "hien", "nam",
    "so", "thi", "duoc", "phai", "can", "dinh", "dang", "cu",
})


class TitleIndex:
    """Name key -> document ids, and the search for the longest names in a question.

    ``previous`` lends the names it found for the same (type, title, subject): a refresh
    after an upload reads the titles of the new documents only."""

    def __init__(self, docs: Iterable[Named], previous: TitleIndex | None = None) -> None:
        self._docs: dict[str, set[int]] = {}
        self._issuers: dict[str, set[int]] = {}
        known = previous._names if previous is not None else {}
        self._names: dict[tuple[str, str, str | None], frozenset[str]] = {}
        for doc in docs:
            if doc.id is None:
                continue
            key = (doc.doc_type, doc.title, doc.subject)
            names = self._names[key] = known[key] if key in known else document_titles(doc)
            for name in names:
                self._docs.setdefault(name, set()).add(doc.id)
            for name in issuer_names(doc):
                self._issuers.setdefault(name, set()).add(doc.id)
        self._governs: dict[str, set[int]] = {}
        for name, ids in self._docs.items():
            subject = _LAW_PREFIX.sub("", name)
            if subject != name and len(subject.split()) >= MIN_WORDS:
                self._governs.setdefault(subject, set()).update(ids)
        self._pattern = _alternation(self._docs)
        self._issuer_pattern = _alternation(self._issuers)
        self._governs_pattern = _alternation(self._governs)

    def __len__(self) -> int:
        return len(self._docs)

    def named(self, question: str) -> set[int]:
        """Documents the question names by title."""
        found: set[int] = set()
        if self._pattern is not None:
            for m in self._pattern.finditer(_key(question)):
                found |= self._docs[m.group(0)]
        return found

    def governing(self, question: str) -> set[int]:
        """Laws named after the question's subject: its first run of content words, up to the
        function word that starts the predicate (at most five syllables), when it opens with
        the law's name ("Viên chức có được …", "cbcc có được …", "Công đoàn cơ sở có quyền
        gì"); a name further in ("Người tố cáo …", "GV viên chức …") is a modifier, not the
        subject."""
        if self._governs_pattern is None:
            return set()
        subject: list[str] = []
        for token in question_tokens(question, accented=False):
            if (token is None and subject) or len(subject) >= SUBJECT_SYLLABLES:
                break
            if token:
                subject.append(token)
        found: set[int] = set()
        m = self._governs_pattern.match(" ".join(subject))
        if m is not None:
            found |= self._governs[m.group(0)]
        return found

    def unheld(self, question: str) -> list[str]:
        """Names the question gives by title ("Điều lệ Công đoàn Việt Nam", "Luật Nhà giáo")
        that no stored document goes by, as typed (title word and two words): a law or a
        charter the corpus does not hold. A name counts as held when a stored name contains
        its title word and first word ("Luật GD" is "luat giao", in "luat giao duc")."""
        out: list[str] = []
        for m in _TYPED_NAME.finditer(question):
            first = next((w for w in question_tokens(m.group(2)) if w), None)
            if first is None or bare_view(first) in _NOT_A_NAME:
                continue
            prefix = re.compile(rf"(?<!\w){_key(m.group(1))} {re.escape(bare_view(first))}(?!\w)")
            if not any(prefix.search(name) for name in self._docs):
                out.append(" ".join(g for g in m.groups() if g))
        return out

    def issued(self, question: str) -> set[int]:
        """Documents of the local issuer (with its province) the question names."""
        found: set[int] = set()
        if self._issuer_pattern is not None:
            for m in self._issuer_pattern.finditer(issuer_key(question)):
                found |= self._issuers[m.group(0)]
        return found
