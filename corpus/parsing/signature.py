"""The signer block at the end: quyền hạn ("KT.", "TM."…), chức vụ and họ tên."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.parsing.casing import readable_title
from corpus.parsing.lines import Line, ascii_key, collapse, expand_line, has_motto, is_upper_line
from corpus.parsing.recipients import ITEM_THEN_TITLE, NOI_NHAN
from corpus.parsing.vocabulary import AUTHORITY_PREFIX, RANKS, SURNAMES

_SIGN_NOISE = re.compile(
    r"\[?\s*\(?\s*(?:đã\s+ký|ký\s+tên[^)\]]*|ký,\s*ghi\s+rõ\s+họ\s+tên|daky|chữ\s+ký[^)\]]*|"
    r"ký\s+và\s+đóng\s+dấu|đóng\s+dấu)\s*\)?\s*\]?|[\[\]]|\./\.",
    re.IGNORECASE,
)
_CC_LINE = re.compile(r"^[-+•–]\s|^\(|.*;")  # an item of "Nơi nhận" (or its wrapped end)
_SEARCH_LINES = 25  # how far back from the end a signer is looked for
_TITLE_MAX_LINES = 3
_TITLE_MAX_CHARS = 80


@dataclass(frozen=True)
class Signer:
    name: str | None
    title: str | None
    raw: dict[str, str] = field(default_factory=dict)  # "signer", "signer_title" as printed


def read_signer(tail: list[Line]) -> Signer:
    """Walk back from the end: a name line preceded by a rank line (or with the rank before
    the name on the same line)."""
    entries: list[str] = []
    for line in tail:
        for part in expand_line(line) if line.text else []:
            entries.extend(_columns(part.text))
    cleaned = (_SIGN_NOISE.sub(" ", x).strip() for x in entries)
    meaningful = [e for e in cleaned if _worded(e)]
    for idx in range(len(meaningful) - 1, max(-1, len(meaningful) - _SEARCH_LINES), -1):
        s = meaningful[idx]
        if NOI_NHAN.match(s):
            continue
        name, before = split_name(s)
        if name is None:
            name, before = _name_after_items(s), ""
        if name is None:
            continue
        title_lines = [before] if before else _title_lines_above(meaningful, idx)
        if not title_lines:
            continue
        name = _surname_spelled(name)
        raw = {"signer": name, "signer_title": " / ".join(title_lines)}
        return Signer(name, signer_rank(title_lines), raw)
    return Signer(None, None)


def _columns(text: str) -> list[str]:
    """A line holding both bottom columns (OCR, PDF text): "Nơi nhận: GIÁM ĐỐC",
    "- Như trên; KT. GIÁM ĐỐC", "- Bộ GD&ĐT; (báo cáo) PHÓ CHỦ TỊCH" -> the "Nơi nhận" part,
    then the signer's rank lines."""
    m = NOI_NHAN.match(text)
    if m and m.group("rest") and is_upper_line(m.group("rest")):
        return [text[: m.start("rest")].strip(), m.group("rest")]
    m = ITEM_THEN_TITLE.match(text)
    if m and is_upper_line(m.group(2)):
        return [m.group(1), m.group(2)]
    if m is not None or NOI_NHAN.match(text) or _CC_LINE.match(text):
        ranks = _rank_runs(text)
        if ranks:
            rest = text
            for run in ranks:
                rest = rest.replace(run, " ")
            return [collapse(rest), *ranks]
    return [text]


def _rank_runs(text: str) -> list[str]:
    """Runs of words in capitals that name a rank ("KT. CHỦ TỊCH", "PHÓ GIÁM ĐỐC") inside a
    line of the "Nơi nhận" column."""
    runs: list[list[str]] = [[]]
    for word in text.split():
        letters = [ch for ch in word if ch.isalpha()]
        if letters and all(ch.isupper() for ch in letters):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    out = []
    for words in runs:
        run = " ".join(words)
        key = ascii_key(run)
        if AUTHORITY_PREFIX.match(run) or any(re.search(rf"\b{r}\b", key) for r in RANKS):
            out.append(run)
    return out


def _name_after_items(text: str) -> str | None:
    """The signer's name at the end of a "Nơi nhận" item (OCR joins the two columns):
    "- Các PCT UBND tỉnh; Hoàng Việt Phương", "(báo cáo) Hoàng Việt Phương"."""
    cut = max(text.rfind(";"), text.rfind(")"))
    if cut < 0 or not (_CC_LINE.match(text) or text.startswith("(")):
        return None
    words = text[cut + 1 :].split()
    n = 0
    for word in reversed(words):
        if not (word.isalpha() and word[:1].isupper() and word[1:].islower()):
            break
        n += 1
    return " ".join(words[-n:]) if 2 <= n <= 5 else None


_BY_KEY: dict[str, list[str]] = {}
for _surname in SURNAMES:
    _BY_KEY.setdefault(ascii_key(_surname), []).append(_surname)


def _surname_spelled(name: str) -> str:
    """A common family name OCR misread ("Nguyên", "Nguyen", "Ngõ") spelled right, when its
    letters without diacritics name one family name only."""
    first, _, rest = name.partition(" ")
    found = _BY_KEY.get(ascii_key(first), [])
    if first in SURNAMES or len(found) != 1:
        return name
    return f"{found[0]} {rest}"


def _worded(entry: str) -> bool:
    """Not an OCR speck ("~", "`»", "li"): two capital letters, or four letters."""
    letters = sum(ch.isalpha() for ch in entry)
    return letters >= 4 or (letters >= 2 and is_upper_line(entry))


def _title_lines_above(meaningful: list[str], idx: int) -> list[str]:
    """The rank lines in capitals above the name, up to the authority line ("KT. …")."""
    title_lines: list[str] = []
    k = idx - 1
    while k >= 0 and len(title_lines) < _TITLE_MAX_LINES:
        prev = meaningful[k]
        if _CC_LINE.match(prev) or NOI_NHAN.match(prev):
            k -= 1  # the "Nơi nhận" column, interleaved with the signer's in a PDF's text
            continue
        if not (is_upper_line(prev) and len(prev) <= _TITLE_MAX_CHARS and not has_motto(prev)):
            break
        title_lines.insert(0, prev)
        if AUTHORITY_PREFIX.match(prev):
            break
        k -= 1
    return title_lines


def signer_rank(title_lines: list[str]) -> str:
    """The signer's rank in normal case, from the last rank line ("KT. GIÁM ĐỐC" / "PHÓ GIÁM
    ĐỐC" -> "Phó Giám đốc"; "Q. HIỆU TRƯỞNG" -> "Quyền Hiệu trưởng")."""
    last = collapse(title_lines[-1])
    prefix = AUTHORITY_PREFIX.match(last)
    if prefix is None:
        return readable_title(last)
    rest = last[prefix.end() :]
    kind = prefix.group(1).upper().replace("/", "")
    key = ascii_key(rest)
    if kind in ("TM", "KT", "TL", "TUQ"):
        # one line "TM. CHÍNH PHỦ THỦ TƯỚNG": the rank is at the end
        best = -1
        for rank in RANKS:
            for m in re.finditer(rf"(?:PHO )?{rank}\b", key):
                if m.start() > 0 and (best < 0 or m.start() > best):
                    best = m.start()
        if best > 0:
            return readable_title(rest[best:])
    rank = readable_title(rest)
    return f"Quyền {rank}" if kind == "Q" else rank


def split_name(text: str) -> tuple[str | None, str]:
    """("Nguyễn Thanh Tiệp", "") or, for "TM. CHÍNH PHỦ THỦ TƯỚNG Nguyễn Xuân Phúc", the name
    and the rank before it."""
    words = text.split()
    if len(words) < 2:
        return None, ""
    n = 0
    for word in reversed(words):
        if word.isalpha() and word[:1].isupper() and (len(word) == 1 or word[1:].islower()):
            n += 1
        else:
            break
    if n < 2:
        return None, ""
    n = min(n, 6)
    name_words = words[-n:]
    before = " ".join(words[:-n])
    if before and not is_upper_line(before):
        return None, ""
    if len(name_words) > 5 and not before:
        return None, ""
    name = " ".join(name_words)
    if ascii_key(name).startswith(("NOI NHAN", "KINH GUI")):
        return None, ""
    return name, before
