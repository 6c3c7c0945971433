"""Documents a document cites: "Căn cứ …", "Thực hiện …", and plain mentions.

Each printed number found by :func:`corpus.docnumbers.find_numbers` becomes a reference,
typed by the type name printed before it ("Công văn số 11276/UBND-VHXXH" -> CV), dated by
the "ngày …" after it (which also gives the year the canonical key needs), with the issuing
body from the "của …" phrase. One entry per referenced document, with the strongest
relation any of its mentions has (can_cu > thuc_hien > mention).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from corpus.docnumbers import (
    DOC_TYPES,
    TYPE_NAME_PATTERN,
    DocNumber,
    code_from_symbol_part,
    find_numbers,
    parse_number,
    type_code_for_name,
)
from corpus.text import strip_diacritics

CAN_CU = "can_cu"
THUC_HIEN = "thuc_hien"
MENTION = "mention"
RELATION_STRENGTH = {CAN_CU: 0, THUC_HIEN: 1, MENTION: 2}

# Laws are cited by name before the number ("Luật Giáo dục số 43/2019/QH14").
_NAMED_TYPES = ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")
_LOOKBACK = 140
_LOOKAHEAD = 220

_TYPE_BEFORE = re.compile(
    rf"(?<!\w)(?P<type>{TYPE_NAME_PATTERN}|Văn bản)(?P<name>(?:[ \t]+[^\s\d;:.()\[\]]+){{0,8}}?)"
    r"\s+(?:số\s*:?\s*)?$",
    re.IGNORECASE,
)
_PLAIN_TYPE_BEFORE = re.compile(
    rf"(?<!\w)(?P<type>{TYPE_NAME_PATTERN}|Văn bản)\s+(?:số\s*:?\s*)?$", re.IGNORECASE
)
_HEADER_NUMBER = re.compile(r"(?:^|\n)[ \t]*(?:(?:Bộ\s+)?[Ll]uật\s+số\s*:|Số\s*:?)\s*$")
_DATE_AFTER = re.compile(
    r"^\s*,?\s*(?:ban\s+hành\s+)?ngày\s+(?:"
    r"(?P<d1>\d{1,2})\s*[/.\-]\s*(?P<m1>\d{1,2})\s*[/.\-]\s*(?P<y1>(?:19|20)\d\d)|"
    r"(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>(?:19|20)\d\d))",
    re.IGNORECASE,
)
_OF_AFTER = re.compile(r"^\s*,?\s*của\s+", re.IGNORECASE)
_ISSUER_CUT = re.compile(
    r"\s+(?:về|quy\s+định|ban\s+hành|hướng\s+dẫn|sửa\s+đổi|thông\s+báo|thực\s+hiện|triển\s+khai|"
    r"phê\s+duyệt|tại|đã|được|có\s+hiệu\s+lực|trong|nhằm|và\s+các|đối\s+với|cho|với)(?!\w)|"
    r"[;:,()\[\]\n“”\"]|\.(?:\s|$)|\s[-–]\s"
)
_CLAUSE_PREFIX = re.compile(r"^(?:\s*(?:[-+•*–]|\d+(?:\.\d+)*[.)]|[a-zđ]\)|\[\d+\])\s*)*")
_CAN_CU = re.compile(r"^Căn\s+cứ(?:\s+vào)?\b", re.IGNORECASE)
_THUC_HIEN = re.compile(
    r"^(?:Tiếp\s+tục\s+)?(?:(?:Để|Nhằm)\s+)?(?:thực\s+hiện|triển\s+khai(?:\s+thực\s+hiện)?|"
    r"thi\s+hành|quán\s+triệt|theo(?!\s+đề\s+(?:nghị|xuất)))\b",
    re.IGNORECASE,
)
_MAX_LEAD_GAP = 80


@dataclass(frozen=True)
class ParsedReference:
    relation: str  # "can_cu" | "thuc_hien" | "mention"
    number: DocNumber
    raw: str
    ref_type: str | None
    date_text: str | None
    issuer: str | None
    start: int
    end: int


def extract_references(text: str, *, self_number: DocNumber | None = None) -> list[ParsedReference]:
    """Every distinct document cited in ``text`` (never the document itself), in order of
    first mention, each with its strongest relation."""
    found = find_numbers(text)
    skip_until = _dataset_lines_end(text)
    mentions: list[ParsedReference] = []
    clause_firsts: set[int] = set()
    seen_clauses: set[int] = set()
    for match, number in found:
        if match.start() < skip_until:
            continue
        clause = _clause_start(text, match.start())
        if clause not in seen_clauses:
            seen_clauses.add(clause)
            clause_firsts.add(match.start())
        ref = _reference(text, match, number, first_in_clause=match.start() in clause_firsts)
        if ref is None:
            continue
        if self_number is not None and _same_document(ref.number, self_number):
            continue
        mentions.append(ref)
    return _dedupe(mentions)


def _dataset_lines_end(text: str) -> int:
    """End of the "# source: …" / "# title: …" lines the corpus samples start with."""
    pos = 0
    while text.startswith(("# source:", "# title:"), pos):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos


def _reference(
    text: str, match: re.Match[str], number: DocNumber, *, first_in_clause: bool
) -> ParsedReference | None:
    start, end = match.start(), match.end()
    window_start = max(0, start - _LOOKBACK)
    before = text[window_start:start]
    if _HEADER_NUMBER.search(before):
        return None  # the document's own "Số: …" line
    ref_type, name_code, type_start = _type_before(before)
    ref_start = window_start + type_start if type_start is not None else start

    code = _type_code(number, name_code)
    number = number.with_type(code)
    if code is not None and (ref_type is None or code != name_code):
        ref_type = DOC_TYPES.get(code)  # the symbol overrides ("Kết luận số 105-TB/VPTW")

    after = text[end : end + _LOOKAHEAD]
    date_text, year, pos = _date_after(after)
    if year is not None:
        number = number.with_year(year)
    issuer, pos = _issuer_after(after, pos)
    ref_end = end + pos

    relation = _relation(text, ref_start) if first_in_clause else MENTION
    raw = " ".join(text[ref_start:ref_end].split())
    return ParsedReference(
        relation=relation,
        number=number,
        raw=raw,
        ref_type=ref_type,
        date_text=date_text,
        issuer=issuer,
        start=ref_start,
        end=ref_end,
    )


def _type_before(before: str) -> tuple[str | None, str | None, int | None]:
    """(type name, its code, where it starts in ``before``) printed just before a number:
    "Công văn số", or a law with its name, "Luật Giáo dục số"."""
    tm = _TYPE_BEFORE.search(before)
    if tm is not None:
        code = type_code_for_name(tm.group("type"))
        canonical = DOC_TYPES.get(code) if code else None
        if not tm.group("name") or canonical in _NAMED_TYPES:
            return canonical, code, tm.start()
        # only laws carry a name between type and number
    plain = _PLAIN_TYPE_BEFORE.search(before)
    if plain is not None:
        name_code = type_code_for_name(plain.group("type"))
        ref_type = DOC_TYPES.get(name_code) if name_code else None
        return ref_type, name_code, plain.start()
    return None, None, None


def _date_after(after: str) -> tuple[str | None, int | None, int]:
    """(printed date, year, end of the date) of ", ngày 12/11/2021" after a number."""
    dm = _DATE_AFTER.match(after)
    if dm is None:
        return None, None, 0
    day = int(dm.group("d1") or dm.group("d2"))
    month = int(dm.group("m1") or dm.group("m2"))
    year = int(dm.group("y1") or dm.group("y2"))
    if 1 <= day <= 31 and 1 <= month <= 12:
        return f"{day:02d}/{month:02d}/{year}", year, dm.end()
    return str(year), year, dm.end()


def _issuer_after(after: str, pos: int) -> tuple[str | None, int]:
    """(issuer, end of it) of "của UBND tỉnh" at ``pos``; (None, ``pos``) without one."""
    om = _OF_AFTER.match(after[pos:])
    if om is None:
        return None, pos
    rest = after[pos + om.end() :]
    cut = _ISSUER_CUT.search(rest)
    candidate = (rest[: cut.start()] if cut else rest).strip(" .")
    if not (candidate[:1].isupper() and len(candidate) <= 100):
        return None, pos
    return " ".join(candidate.split()), pos + om.end() + rest.index(candidate) + len(candidate)


def _type_code(number: DocNumber, name_code: str | None) -> str | None:
    """The type printed in the symbol wins ("105-TB/VPTW", "37/2026/NQ-CP"); otherwise the
    type name printed before the number ("Công văn số 11276/UBND-VHXXH", "Nghị quyết số
    248/2025/QH15"); otherwise what the symbol implies."""
    explicit = number.party_style
    if not explicit and number.symbol:
        first = number.symbol.split("-")[0]
        explicit = code_from_symbol_part(first) not in (None, "L")
    if explicit:
        return number.type_code
    return name_code or number.type_code


def _clause_start(text: str, pos: int) -> int:
    lo = max(0, pos - 600)
    best = lo
    for m in re.finditer(r"\n|;|(?<!\d)\.\s", text[lo:pos]):
        best = lo + m.end()
    return best


def _relation(text: str, ref_start: int) -> str:
    clause_start = _clause_start(text, ref_start)
    clause = text[clause_start:ref_start]
    lead = _CLAUSE_PREFIX.sub("", clause, count=1)
    for pattern, relation in ((_CAN_CU, CAN_CU), (_THUC_HIEN, THUC_HIEN)):
        m = pattern.match(lead)
        if m is None:
            continue
        gap = lead[m.end() :]
        # "Thực hiện chỉ đạo của Thủ tướng Chính phủ tại Công văn số …" is fine, a footnote
        # marker or a long sentence in between ("Thực hiện giáo dục bắt buộc …[ Luật số …") is not
        if len(gap) <= _MAX_LEAD_GAP and not re.search(r"[\[\]]", gap):
            return relation
    return MENTION


def _symbol_key(number: DocNumber) -> str | None:
    if not number.symbol:
        return None
    return re.sub(r"\s+", "", strip_diacritics(number.symbol).upper())


def _same_document(a: DocNumber, b: DocNumber) -> bool:
    if a.match_key is None or b.match_key is None:
        return a.key == b.key
    if a.match_key != b.match_key:
        return False
    sa, sb = _symbol_key(a), _symbol_key(b)
    # "37/2026/NQ- CP" is read as symbol "NQ": a symbol cut short still matches
    if sa and sb and sa != sb and not (sa.startswith(sb) or sb.startswith(sa)):
        return False
    return not (a.year and b.year and a.year != b.year)


_KEY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)$")


def cites(ref_number: str | None, ref_key: str, doc_number: str | None,
          doc_year: int | None) -> bool:
    """Whether a reference (its printed number and canonical key) can name a stored document
    that shares its loose key: the same year and the same symbol (which carries the issuer:
    "QH13", "BGDĐT-GDPT", "NQ/TW") wherever both sides print them. "Luật Bảo hiểm xã hội số
    58/2014/QH13" does not name Luật Viên chức 58/2010/QH12."""
    cited = parse_number(ref_number) if ref_number else None
    stored = parse_number(doc_number) if doc_number else None
    if cited is None or stored is None:
        return True  # nothing printed to tell them apart: the loose key decides
    sc, ss = _symbol_key(cited), _symbol_key(stored)
    if sc and ss and sc != ss and not (sc.startswith(ss) or ss.startswith(sc)):
        return False
    key_year = _KEY_YEAR.search(ref_key)
    cited_year = cited.year or (int(key_year.group(1)) if key_year else None)
    stored_year = stored.year or doc_year
    return not (cited_year and stored_year and cited_year != stored_year)


def _dedupe(mentions: list[ParsedReference]) -> list[ParsedReference]:
    groups: list[list[ParsedReference]] = []
    for ref in mentions:
        for group in groups:
            if _same_document(group[0].number, ref.number):
                group.append(ref)
                break
        else:
            groups.append([ref])
    out: list[tuple[int, ParsedReference]] = []
    for group in groups:
        best = min(group, key=lambda r: (RELATION_STRENGTH[r.relation], r.start))
        # fill what the chosen mention does not print from the others
        date_text = best.date_text or next((r.date_text for r in group if r.date_text), None)
        issuer = best.issuer or next((r.issuer for r in group if r.issuer), None)
        number = best.number
        if number.year is None:
            year = next((r.number.year for r in group if r.number.year), None)
            number = number.with_year(year)
        chosen = replace(best, date_text=date_text, issuer=issuer, number=number)
        out.append((group[0].start, chosen))
    return [ref for _, ref in sorted(out, key=lambda pair: pair[0])]
