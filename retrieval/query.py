"""A question, parsed once at the front door and passed down as a :class:`Query`.

Everything downstream (the searcher, intent, evidence, quoting, obligations, the graph) reads
the views it needs from the query instead of parsing the question string again. This module is
also the one home of the question vocabulary: the Vietnamese stop words, the question
tokeniser, the cues of what a question asks and the key of the party it asks about.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from corpus.docnumbers import DocNumber, numbers_in_question
from corpus.text import (
    bare_view,
    fold,
    folded_view,
    has_diacritics,
    strip_diacritics,
)
from retrieval.analyzer import abbreviations

Intent = Literal["obligation", "implementing", "general"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- stop words ------------------------------------------------------------------------------
# Function words and question words (folded, with diacritics). They say nothing about the topic.
STOPWORDS = _words(
    """à ai anh ấy bao bằng bị bởi các cách cần cho chứ chưa có còn của đã đang đây để đến đều
    đi đó được gì gồm hãy hoặc hỏi khi không kia là lại làm lên lúc mà mấy mình một muốn
    nào này nếu nhé nhiều như những nó nơi ở ơi phải ra rằng rồi sao sẽ sau tại thằng thế thì
    theo thôi tôi trên trong từ tùy và vào vậy về vì việc với vừa xin bạn biết xem nhất rất qua
    cũng luôn hôm năm nay ngày trước kể khác tất cả mọi người hơn dưới giữa họ nhau đâu gì
    nhỉ chăng thường nên cho biết hỏi nhiêu đối thể hay hẳn ạ dạ thưa"""
)
# Without diacritics many syllables collide ("noi" is nơi and nội, "vi" vì and vị): these
# bare forms of stop words stay content words in a question typed without diacritics.
_AMBIGUOUS_BARE = _words(
    "bao ca can con doi han ke nam nen ngay nguoi nhat noi rat thang tuy vi vua"
)
BARE_STOPWORDS = frozenset(bare_view(w) for w in STOPWORDS) - _AMBIGUOUS_BARE
# Highlighting drops only the commonest function words (diacritic-free), so that a quote may
# still light up "sau", "trước", "năm" …; "bao" and "can" (bao nhiêu, cần) are dropped too.
HIGHLIGHT_STOPWORDS = _words(
    """cac co la va cua theo gi nao the nhu khong duoc nhung mot de trong cho voi ve tai khi
    thi ma hay hoac den tu se da dang bi phai can lam viec ai bao nhieu"""
)
# Words that ask for duties or name documents (diacritic-free): not about the topic either.
REQUEST_WORDS = _words(
    """phai can lam gi trach nhiem nhiem vu yeu cau trien khai thuc hien the nao nhu sao ai
    co chiu duoc giao cong van nghi quyet ke hoach quyet dinh chi thi thong tu nghi dinh luat
    van ban theo so han thoi khi nao truoc ngay den hoan thanh gom nhung viec"""
)


# -- tokens ------------------------------------------------------------------------------------
_GD_DT = re.compile(r"(?<!\w)(?:gd|GD)\s*(?:&|va|và|-)?\s*(?:dt|DT|đt|ĐT)(?!\w)")
# Short abbreviations that are also ordinary syllables when typed in lower case.
_ORDINARY = frozenset(["tu", "cp", "ct", "tb", "hd", "th", "mn", "gv", "hs", "tp", "tt", "cd"])


def question_tokens(
    text: str, accented: bool | None = None, stop: Collection[str] | None = None
) -> list[str | None]:
    """The syllables of ``text`` in order, folded (diacritic-free when it has none, or when
    ``accented`` is False), abbreviations expanded; stop words (``stop``, by default the stop
    words of that spelling) are None so that pairs never jump over them, except inside a
    compound that holds one ("thiết bị", "thôi việc": retrieval/data/stopword_compounds.txt)."""
    accented = has_diacritics(text) if accented is None else accented
    table = abbreviations()
    if stop is None:
        stop = STOPWORDS if accented else BARE_STOPWORDS
    words: list[str] = []
    for raw in re.findall(r"[\w&]+", _GD_DT.sub("GD&ĐT", text)):
        if raw.isdigit():
            words.append(raw.lstrip("0") or "0")
            continue
        key = bare_view(raw).replace("&", "")
        expansion = table.get(key) if (raw.isupper() or "&" in raw) and len(raw) > 1 else None
        if expansion is None and len(key) >= 2 and key in table and key not in _ORDINARY:
            expansion = table[key] if not has_diacritics(raw) else None
        for w in (expansion or folded_view(raw)).split():
            words.append(w if accented else bare_view(w))
    out: list[str | None] = []
    spans = _compound_spans(words, accented)
    for i, w in enumerate(words):
        span = spans.get(i)
        if span is None:
            out.append(None if not w or (w in stop and not w.isdigit()) else w)
            continue
        # a stop syllable stays a word inside its compound only: no pair reaches past it
        first, last = span
        if i == first and w in stop:
            out.append(None)
        out.append(w)
        if i == last and w in stop:
            out.append(None)
    return out


@lru_cache(maxsize=1)
def _stopword_compounds() -> dict[bool, frozenset[tuple[str, ...]]]:
    text = resources.files("retrieval").joinpath("data/stopword_compounds.txt").read_text("utf-8")
    lines = [line.strip() for line in text.splitlines()]
    accented = {tuple(folded_view(line).split()) for line in lines if line and line[0] != "#"}
    return {True: frozenset(accented),
            False: frozenset(tuple(bare_view(w) for w in c) for c in accented)}


def _compound_spans(words: Sequence[str], accented: bool) -> dict[int, tuple[int, int]]:
    """Position -> (first, last) position of the stopword compound it is part of."""
    compounds = _stopword_compounds()[accented]
    spans: dict[int, tuple[int, int]] = {}
    for size in sorted({len(c) for c in compounds}, reverse=True):
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) in compounds and i not in spans:
                spans.update({j: (i, i + size - 1) for j in range(i, i + size)})
    return spans


def _highlight_terms(folded: str) -> tuple[str, ...]:
    words = re.findall(r"\w+", folded)
    return tuple(
        w for w in dict.fromkeys(words)
        if strip_diacritics(w) not in HIGHLIGHT_STOPWORDS and len(w) > 1
    )


def _highlight_phrases(folded: str) -> tuple[str, ...]:
    """Runs of consecutive content words ("thời gian nghỉ hè", "02"): a quote lights up a
    word only where it stands next to its neighbour of the same run, or alone when the run
    is one word, so "gian lận" never lights up for "thời gian"."""
    runs: list[str] = []
    current: list[str] = []
    for w in re.findall(r"\w+", folded):
        if strip_diacritics(w) in HIGHLIGHT_STOPWORDS or w in STOPWORDS or (len(w) < 2 and (
            not w.isdigit()
        )):
            if current:
                runs.append(" ".join(current))
            current = []
        else:
            current.append(w)
    if current:
        runs.append(" ".join(current))
    return tuple(dict.fromkeys(runs))


def _number_phrases(numbers: tuple[DocNumber, ...]) -> tuple[str, ...]:
    """How the numbers a question names are printed in a document: "NQ 02" lights "02-NQ" of
    "02-NQ/TW", "58/2014" lights "58/2014", "CV 5208" lights "5208" (a bare number only when it
    has three digits or more, so "02" never lights "02 năm")."""
    out: list[str] = []
    for n in numbers:
        if not n.number:
            continue
        words = re.findall(r"\w+", fold(n.printed))
        if len(words) >= 2:
            out.append(" ".join(words))
            continue
        if n.type_code:
            out.append(f"{n.number} {fold(n.type_code)}")
        if len(n.number.lstrip("0")) >= 3:
            out.append(n.number)
    return tuple(out)


# -- small talk ----------------------------------------------------------------------------------
# Greetings, thanks and chatter (diacritic-free): a message made only of these and stop words
# asks nothing of the documents.
SMALL_TALK_WORDS = _words(
    """xin chao chao hello hi hey alo cam on cam thanks thank you tks ok oke okay hieu roi
    tam biet bye bot oi ban la ai vay nhe nha a da vang u uh hihi haha good morning ad admin
    duoc tot qua tuyet voi"""
)


def is_small_talk(text: str) -> bool:
    """"xin chào", "cảm ơn bot nhé", "?": no word of the message is about a topic."""
    words = re.findall(r"\w+", strip_diacritics(fold(text)))
    if any(w.isdigit() for w in words):
        return False
    return all(w in SMALL_TALK_WORDS for w in words)


# -- the party asked about ---------------------------------------------------------------------
_QUANTIFIERS = {"cac", "nhung", "moi", "tung", "toan", "the", "tat", "ca", "con"}
# Words typed with diacritics that only look like a quantifier without them: "trường mới" (new)
# is not "mọi trường" (every), "cơ sở giáo dục mới" names the school after a merger.
_NOT_QUANTIFIERS = {"mới"}
_QUESTION_ACTOR_END = re.compile(
    r"(?<!\w)(?:phai|can|co trach nhiem|chiu trach nhiem|co nhiem vu|lam gi|duoc giao|se|"
    r"thuc hien|trien khai|to chuc|phoi hop|nhiem vu|trach nhiem)(?!\w)"
)


def actor_key(actor: str) -> str:
    """Grouping key of a party ("Sở GD&ĐT" and "sở giáo dục và đào tạo" agree): no
    diacritics, abbreviations expanded, quantifiers dropped."""
    table = abbreviations()
    words: list[str] = []
    for raw in re.findall(r"[\w&.-]+", actor):
        key = bare_view(raw).replace("&", "").replace("-", "").replace(".", "")
        if key in _QUANTIFIERS and fold(raw) in _NOT_QUANTIFIERS:
            words.append(key)
            continue
        expansion = table.get(key) if raw.isupper() or "&" in raw or len(key) > 3 else None
        words.extend(w for w in (bare_view(expansion).split() if expansion else [key])
                     if w not in _QUANTIFIERS)
    return " ".join(w for w in words if w)


# First words of a party's key (diacritic-free, abbreviations expanded): a question's actor
# starts with one of these ("hiệu trưởng", "UBND tỉnh", "GVCN"), else it names no party.
_PARTY_HEADS = re.compile(
    r"^(?:so|phong|bo|ban|uy ban|thu truong|hieu truong|pho hieu truong|giam doc|truong|"
    r"lanh dao|nguoi dung dau|cong doan|lien doan|thuong truc|doan|hoi|chi bo|cap uy|dang uy|"
    r"tinh uy|thanh uy|huyen uy|don vi|co quan|co so giao duc|nha truong|giao vien|nha giao|"
    r"can bo|vien chuc|cong chuc|nguoi lao dong|nguoi su dung lao dong|hoc sinh|cha me|"
    r"to chuyen mon|to truong|to|dia phuong|chinh phu|thu tuong|bo truong|chu tich|doan vien|"
    r"nhan vien|ke toan|van thu|bao chi|co quan bao chi|chinh quyen|mat tran)(?!\w)"
)
# Words of the asker's own place that do not name the party ("HT trường mình", "GVCN có").
_ASKER_TAIL = re.compile(r"(?:\s+(?:truong minh|ben minh|minh|em|toi|chung toi|co|thi|o|nay))+$")


def _question_actor(text: str) -> str | None:
    """The party a question asks about ("Sở GD&ĐT Hà Nội có trách nhiệm gì …", "HT trường
    mình cần làm gì"), as a key; None when the words before "phải / cần / làm gì" are not a
    party ("CV 4054 lộ trình …")."""
    m = _QUESTION_ACTOR_END.search(bare_view(text))
    if m is None or m.start() == 0:
        return None
    head = text[: m.start()]
    head = re.sub(r"^\s*(?:theo\s+[^,]*,\s*)", "", head, flags=re.IGNORECASE)
    key = _ASKER_TAIL.sub("", actor_key(head))
    return key if _PARTY_HEADS.match(key) else None


def actor_words(text: str, key: str | None) -> str | None:
    """The party a question asks about as a reader says it ("hiệu trưởng" for "HT"): the
    key's words with the question's own diacritics when typed with them."""
    if not key:
        return None
    words = key.split()
    # as typed, then with its abbreviations spelt out ("GV dạy thêm ở …": "giáo viên dạy thêm ở")
    for tokens in (re.findall(r"\w+", fold(text)),
                   [w for w in question_tokens(text, stop=frozenset()) if w]):
        bare = [strip_diacritics(t) for t in tokens]
        for i in range(len(bare) - len(words) + 1):
            if bare[i : i + len(words)] == words:
                return " ".join(tokens[i : i + len(words)])
    return key


def _topic(text: str, actor: str | None) -> frozenset[str]:
    """The question's words about the subject matter (diacritic-free): no actor, no
    "phải làm gì", no document names or numbers."""
    words = {w for w in question_tokens(bare_view(text)) if w}
    drop = REQUEST_WORDS | set((actor or "").split())
    return frozenset(w for w in words if w not in drop and not w.isdigit() and len(w) > 1)


# -- what the question asks --------------------------------------------------------------------
_OBLIGATION_CUES = (
    "phai lam gi", "can lam gi", "lam gi", "nhiem vu", "trach nhiem", "yeu cau gi",
    "trien khai the nao", "trien khai nhu the nao", "thuc hien the nao", "phai lam nhung gi",
    "co trach nhiem", "phai thuc hien", "can thuc hien", "nhung viec gi", "viec gi",
    "yeu cau nhung gi", "trien khai ra sao", "thuc hien ra sao", "thuc hien nhu the nao",
    "ai phai", "ai chiu", "phai hoan thanh", "phoi hop nhung", "phai bao cao",
)
# Cues that ask for duties only when a party is named ("Sở GDĐT triển khai thế nào"): on their
# own they ask how a thing is done ("học bạ số năm nay triển khai thế nào"), answered by the
# sentences about that thing rather than by a list of who does what.
_PARTY_ONLY_CUES = frozenset({
    "trien khai the nao", "trien khai nhu the nao", "trien khai ra sao",
    "thuc hien the nao", "thuc hien ra sao", "thuc hien nhu the nao",
})
# Cues that ask for duties even in a deadline question ("ai phải làm gì trước ngày 30/9").
_DUTY_CUES = re.compile(
    r"(?<!\w)(?:(?:phai|can) lam (?:nhung )?gi|lam nhung gi|nhiem vu|trach nhiem|ai phai|"
    r"ai chiu|yeu cau (?:nhung )?gi|(?:trien khai|thuc hien) (?:nhu )?(?:the nao|ra sao))(?!\w)"
)
_IMPLEMENTING_CUES = (
    "van ban nao trien khai", "trien khai nghi quyet", "van ban nao thuc hien",
    "nhung van ban nao", "van ban nao", "ke hoach nao",
)
_ASKS_FOR_DOCUMENTS = re.compile(
    r"(?<!\w)(?:van ban|ke hoach|cong van|huong dan|quyet dinh|chi thi|tai lieu)\s+(?:nao|gi)"
    r"|(?<!\w)nhung\s+(?:van ban|ke hoach|cong van)|(?<!\w)(?:ai|dia phuong nao|don vi nao)\s+"
    r"(?:da\s+)?(?:trien khai|thuc hien)|duoc\s+(?:trien khai|thuc hien|cu the hoa)\s+"
    r"(?:bang|boi|qua)"
)
_IMPLEMENTS = re.compile(
    r"(?<!\w)(?:trien khai|thuc hien|quan triet|cu the hoa|huong dan thi hanh)(?!\w)"
)
_DEADLINE_CUES = re.compile(
    r"(?<!\w)(?:han|thoi han|khi nao|bao gio|truoc ngay|ngay nao|den khi nao|cham nhat|"
    r"(?:xong|hoan thanh|nop|bao cao) truoc|truoc (?:ngay )?\d+)(?!\w)"
)


def _asks_for_implementers(text: str, names_a_document: bool) -> bool:
    """"Văn bản nào triển khai NQ 02?", "những kế hoạch nào thực hiện nghị quyết 71"."""
    q = strip_diacritics(folded_view(text)).lower()
    return bool(_ASKS_FOR_DOCUMENTS.search(q) and _IMPLEMENTS.search(q) and names_a_document)


def _intent(text: str, bare: str, names_a_document: bool, names_a_party: bool = False) -> Intent:
    """What the question asks. A deadline question ("hạn nộp … khi nào", "phải xong trước ngày
    nào") is answered by the sentence with the date, not by a list of duties, unless it also
    asks who must do what; "triển khai thế nào" asks for duties only with a party."""
    if _asks_for_implementers(text, names_a_document):
        return "implementing"
    if _IMPLEMENTING_CUE.search(bare) and _CARRIES_OUT.search(bare) and names_a_document:
        return "implementing"
    if _DEADLINE_CUES.search(bare) and not _DUTY_CUES.search(bare):
        return "general"
    cues = {m.group(0) for m in _OBLIGATION_CUE.finditer(bare)}
    if cues and (names_a_party or not cues <= _PARTY_ONLY_CUES):
        return "obligation"
    return "general"


def _whole_words(cues: Sequence[str]) -> re.Pattern[str]:
    """One pattern matching any of ``cues`` as whole words only: "lam gi" is not in "làm
    giáo án", "ai phai" not in "trái phải", "viec gi" not in "việc gia nhập"."""
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, cues)) + r")(?!\w)")


_OBLIGATION_CUE = _whole_words(_OBLIGATION_CUES)
_IMPLEMENTING_CUE = _whole_words(_IMPLEMENTING_CUES)
_CARRIES_OUT = _whole_words(("trien khai", "thuc hien"))


_LIST_CUES = re.compile(
    r"(?<!\w)(?:(?:nhung|cac)\s+(?:\w+\s+){0,3}(?:gi|nao)|(?:bao )?gom (?:nhung )?(?:gi|nhung)|"
    r"(?:nhung|cac) (?:quyen|nghia vu|nhiem vu|hanh vi|hinh thuc|truong hop|tieu chuan|"
    r"dieu kien|noi dung|che do|loai)|(?:truong hop|hinh thuc|dieu kien) nao)(?!\w)"
)


def asks_for_list(bare: str) -> bool:
    """Whether a question (diacritic-free) asks for a list: "những quyền gì", "gồm những gì",
    "trong các trường hợp nào", "các hình thức kỷ luật"; whole words only ("nhưng" typed
    without diacritics is "nhung" too, so a cue needs its "gì / nào" or a listing noun)."""
    return bool(_LIST_CUES.search(bare))


# -- what the question asks for, as opposed to what it is about ----------------------------------
Slot = Literal["duration", "percent", "money", "measure", "rate", "count"]

# Words that ask ("bao lâu", "mấy", "đúng không", "có văn bản nào nói về", "ạ") or place the
# asker in time ("năm học tới"), matched on the diacritic-free question: a passage that answers
# does not contain them, so the evidence that a passage answers
# (retrieval.answers.confidence) does not look for them.
_FRAME = re.compile(
    r"(?<!\w)(?:bao nhieu ?(?:%|phan tram)|bao (?:lau|nhieu|gio)|"
    r"(?<!bo )(?<!tre )(?:may|em)(?= \w)|"
    r"(?:co )?(?:dung|phai|hay|duoc) (?:khong|ko)|"
    r"(?<=nam hoc )toi|(?<=nam )toi|(?<=thang )toi|(?<=sap )toi|"
    r"(?:co )?(?:van ban|cong van|quy dinh|tai lieu) nao(?: (?:noi|quy dinh|huong dan|de cap))?)"
    r"(?!\w)"
)
_POLITE = re.compile(r"(?<!\w)(?:ạ|nhé|nhỉ)(?!\w)")
_TIME_UNITS = r"(?:ngay|thang|nam|tuan|gio|phut|tuoi)"
_DURATION_CUE = re.compile(
    rf"(?<!\w)(?:bao lau(?! (?:thi |la )?(?:mot|1) lan)|(?:bao nhieu|may) {_TIME_UNITS})(?!\w)"
)
_MEASURE_CUE = re.compile(r"(?<!\w)(?:bao nhieu|may) (?:mm|cm|m|km|kg|g|m2|ha|lit)(?!\w)")
_PERCENT_CUE = re.compile(r"(?<!\w)(?:bao nhieu|may) ?(?:%|phan tram(?!\w))")
_MONEY_CUE = re.compile(r"(?<!\w)bao nhieu (?:tien|dong|thang luong|thang tien luong)(?!\w)")
_AMOUNT_END = re.compile(r"(?<!\w)(?:la |duoc |bang |thu |dong )?bao nhieu\s*(?:[^\w\s]|$)")
_MONEY_WORDS = re.compile(
    r"(?<!\w)(?:tien|hoc phi|phi|luong|phu cap|tro cap|muc dong|muc thu|muc huong)(?!\w)"
)


def frame_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` asks rather than names a topic: offsets of its question words."""
    spans = [m.span() for m in _FRAME.finditer(bare_view(text))]
    spans += [m.span() for m in _POLITE.finditer(folded_view(text))]
    return sorted(spans)


# Punctuation that ends a clause or a list item ("kế toán, thư viện", "thương mại, đúng hay
# sai"); a point or comma inside a number or an abbreviation ("2.5", "TP.HCM") is none.
_CLAUSE_BREAK = re.compile(r"[;?!…()\[\]\"“”]|[.,:](?!\w)")


def evidence_tokens(text: str) -> tuple[str | None, ...]:
    """:func:`question_tokens` of ``text`` with its question words (:func:`frame_spans`) and
    its clause punctuation as gaps: what a passage must say to answer it, in runs that a
    compound never crosses."""
    accented = has_diacritics(text)
    out: list[str | None] = []
    start = 0
    breaks = [m.span() for m in _CLAUSE_BREAK.finditer(text)]
    for a, b in sorted(frame_spans(text) + breaks):
        if a < start:
            continue
        out.extend(question_tokens(text[start:a], accented))
        out.append(None)
        start = b
    out.extend(question_tokens(text[start:], accented))
    return tuple(out)


_RATE_CUE = re.compile(
    rf"(?<!\w)(?:bao nhieu|may) (?!{_TIME_UNITS}(?!\w))(\w+)(?: \w+)? (?:tren|trong )?(?:mot|moi|1)"
    r" (?:ngay|tuan|thang|nam|buoi|ky|hoc ky|lop|mon|nguoi)(?!\w)"
)


_COUNT_CUE = re.compile(
    rf"(?<!\w)(?<!co )(?:bao nhieu|may) (?!{_TIME_UNITS}(?!\w))(?!lan(?!\w))(\w+)"
)


def _unit(text: str, cue: re.Pattern[str]) -> str | None:
    m = cue.search(bare_view(text))
    if m is None:
        return None
    unit = next((w for w in question_tokens(text[m.start(1):m.end(1)], False) if w), None)
    return bare_view(unit) if unit else None


def rate_unit(text: str) -> str | None:
    """The unit of a rate the question asks for ("bao nhiêu tiết một tuần" -> "tiet", "mấy
    HS một lớp" -> "hoc"), diacritic-free; None when it asks for none."""
    return _unit(text, _RATE_CUE)


def count_unit(text: str) -> str | None:
    """What a question asks the number of ("tối đa mấy học sinh" -> "hoc", "bao nhiêu người"
    -> "nguoi"), diacritic-free; not "có mấy thầy cô không …" (some, not how many)."""
    return _unit(text, _COUNT_CUE)


def asked_slot(bare: str) -> Slot | None:
    """What kind of value the question asks for, when a passage must state one to answer:
    a duration ("bao lâu", "mấy ngày"), a percentage ("bao nhiêu %"), a sum of money
    ("bao nhiêu tiền", "học phí … là bao nhiêu") or a measure ("bao nhiêu mm"). None for
    anything else: counts ("mấy em", "bao nhiêu người" are answered in words as varied as
    "học sinh", "thành viên") and dates (legal text prints dates everywhere, and says "kể từ
    ngày ký" without one)."""
    if _PERCENT_CUE.search(bare):
        return "percent"
    if _MONEY_CUE.search(bare) or (_AMOUNT_END.search(bare) and _MONEY_WORDS.search(bare)):
        return "money"
    if _DURATION_CUE.search(bare):
        return "duration"
    if _MEASURE_CUE.search(bare):
        return "measure"
    return None


def word_pairs(tokens: Sequence[str | None]) -> set[tuple[str, str]]:
    """Adjacent syllables of ``tokens``, never across a gap (None) nor two numbers."""
    return {(a, b) for a, b in itertools.pairwise(tokens)
            if a and b and not (a.isdigit() and b.isdigit())}


# -- the query ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Query:
    """One question and its views.

    ``text`` is the question as typed with runs of white space collapsed; ``folded`` its
    matching form (lower case, one tone placement); ``bare`` the folded form without
    diacritics; ``restored`` the text given to the dense encoder (diacritics restored from the
    corpus's words for a question typed without them, else ``text``); ``numbers`` the document
    numbers it names, in any spelling.

    What the answer reads: ``intent`` (duties, implementing documents or anything else);
    ``actor`` the key of the party asked about ("so giao duc va dao tao ha noi"), if any;
    ``highlight_terms`` the folded content words that choose what a quote keeps;
    ``highlight_phrases`` the runs of content words (diacritics restored) a reader sees lit
    up; ``tokens`` the syllables matched against passages (see :func:`question_tokens`);
    ``topic`` the diacritic-free words about the subject matter; ``wants_deadline`` whether
    it asks "khi nào / hạn …"; ``evidence_tokens`` the tokens without the words that ask
    (:func:`evidence_tokens`), ``slot`` the kind of value asked for (:func:`asked_slot`; "rate"
    for "bao nhiêu tiết một tuần", "count" for "mấy học sinh", ``slot_unit`` then its unit:
    :func:`rate_unit`, :func:`count_unit`), all read by the "không tìm thấy" decision.
    """

    text: str
    folded: str
    bare: str
    accented: bool
    restored: str
    numbers: tuple[DocNumber, ...]
    intent: Intent
    actor: str | None
    highlight_terms: tuple[str, ...]
    highlight_phrases: tuple[str, ...]
    tokens: tuple[str | None, ...]
    topic: frozenset[str]
    wants_deadline: bool
    evidence_tokens: tuple[str | None, ...] = ()
    slot: Slot | None = None
    slot_unit: str | None = None

    @property
    def number_keys(self) -> frozenset[str]:
        """Loose keys ("NQ:2") of the numbers the question names."""
        return frozenset(n.match_key for n in self.numbers if n.match_key)

    @property
    def content_words(self) -> list[str]:
        """The topic syllables of :attr:`tokens`, in order."""
        return [w for w in self.tokens if w]

    @property
    def content_pairs(self) -> set[tuple[str, str]]:
        """Adjacent content syllables ("đèn đỏ"), never across a stop word."""
        return word_pairs(self.tokens)

    @property
    def evidence_words(self) -> list[str]:
        """The content words a passage must contain to answer (no "bao lâu", "đúng không")."""
        return [w for w in self.evidence_tokens if w]

    @property
    def evidence_pairs(self) -> set[tuple[str, str]]:
        """Adjacent :attr:`evidence_words`, never across a stop word or a question word."""
        return word_pairs(self.evidence_tokens)

    def __bool__(self) -> bool:
        return bool(self.text)


def parse_query(text: str, *, restore: Callable[[str], str] | None = None) -> Query:
    """The :class:`Query` of ``text``; ``restore`` gives a diacritic-free question its
    diacritics back for the dense encoder (the searcher's restorer)."""
    text = " ".join(text.split())
    folded = fold(text)
    bare = strip_diacritics(folded)
    accented = has_diacritics(text)
    restored = restore(text) if restore is not None and text and not accented else text
    numbers = tuple(numbers_in_question(text))
    actor = _question_actor(text)
    slot: Slot | None = asked_slot(bare)
    unit = None
    if slot is None and (unit := rate_unit(text)):
        slot = "rate"
    elif slot is None and (unit := count_unit(text)):
        slot = "count"
    return Query(
        text=text,
        folded=folded,
        bare=bare,
        accented=accented,
        restored=restored,
        numbers=numbers,
        intent=_intent(text, bare, bool(numbers), actor is not None),
        actor=actor,
        highlight_terms=_highlight_terms(folded),
        highlight_phrases=tuple(dict.fromkeys(
            _highlight_phrases(fold(restored)) + _number_phrases(numbers)
        )),
        tokens=tuple(question_tokens(text)),
        topic=_topic(text, actor),
        wants_deadline=bool(_DEADLINE_CUES.search(bare)),
        evidence_tokens=evidence_tokens(text),
        slot=slot,
        slot_unit=unit,
    )
