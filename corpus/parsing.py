"""Metadata of a Vietnamese administrative document, read from its printed layout.

The layout (thể thức) follows Nghị định 30/2020/NĐ-CP, Phụ lục I: cơ quan chủ quản and cơ
quan ban hành in capitals at the top left, the national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA
VIỆT NAM / Độc lập - Tự do - Hạnh phúc", or "ĐẢNG CỘNG SẢN VIỆT NAM" for Party documents) at
the top right, "Số: …/…", "Địa danh, ngày … tháng … năm …", the type name in capitals with
its trích yếu (or "V/v …" under the number of a công văn), "Kính gửi: …", the body, and at
the end the signer block (quyền hạn "KT."/"TM."…, chức vụ, họ tên) and "Nơi nhận: …".

Text extracted from .docx/.pdf flattens the two header columns in either order, so the
parser looks at each header line for what it is rather than where it is. Documents without a
printed header (most of ``shared/corpus-samples``) fall back on the dataset's ``# title:``
line, then on the file name. :func:`parse_document` never raises.
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from dataclasses import dataclass, field

from corpus.docnumbers import (
    DOC_TYPES,
    NEWS_TYPE,
    TYPE_NAME_PATTERN,
    DocNumber,
    find_numbers,
    parse_number,
    type_code_for_name,
)
from corpus.text import strip_diacritics

logger = logging.getLogger(__name__)

UNKNOWN_TYPE = "Văn bản"
HEADER_MAX_LINES = 80
HEADER_MAX_CHARS = 20_000
TAIL_MAX_LINES = 60
TAIL_MAX_CHARS = 20_000


@dataclass
class ParsedDocument:
    doc_type: str
    number: DocNumber | None
    subject: str | None
    title: str
    issuer: str | None
    parent_issuer: str | None
    place: str | None
    date_text: str | None
    issue_date: datetime.date | None
    year: int | None
    signer: str | None
    signer_title: str | None
    recipients: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)
    body_start: int = 0


# --------------------------------------------------------------------------- data tables

# Issuer implied by a part of the ký hiệu (compared without diacritics, upper case).
SYMBOL_ISSUERS: dict[str, str] = {
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "VPQH": "Văn phòng Quốc hội",
    "BGDDT": "Bộ Giáo dục và Đào tạo",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BLDTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "TLD": "Tổng Liên đoàn Lao động Việt Nam",
    "VPTW": "Văn phòng Trung ương Đảng",
}
# Party documents numbered ".../TW" come from one of these; the text says which.
PARTY_CENTRAL_ISSUERS = ("Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương")
PARTY_CENTRAL_DEFAULT = "Ban Chấp hành Trung ương"

# Readable spelling of names printed in capitals (key: no diacritics, upper case).
KNOWN_NAMES: dict[str, str] = {
    "QUOC HOI": "Quốc hội",
    "CHINH PHU": "Chính phủ",
    "THU TUONG CHINH PHU": "Thủ tướng Chính phủ",
    "THU TUONG": "Thủ tướng Chính phủ",
    "BO CHINH TRI": "Bộ Chính trị",
    "BAN BI THU": "Ban Bí thư",
    "BAN CHAP HANH TRUNG UONG": "Ban Chấp hành Trung ương",
    "BAN CHAP HANH TRUNG UONG DANG": "Ban Chấp hành Trung ương Đảng",
    "UY BAN THUONG VU QUOC HOI": "Ủy ban Thường vụ Quốc hội",
    "VAN PHONG QUOC HOI": "Văn phòng Quốc hội",
    "VAN PHONG CHINH PHU": "Văn phòng Chính phủ",
    "VAN PHONG TRUNG UONG DANG": "Văn phòng Trung ương Đảng",
    "BO GIAO DUC VA DAO TAO": "Bộ Giáo dục và Đào tạo",
    "BO GD&DT": "Bộ Giáo dục và Đào tạo",
    "BO GDDT": "Bộ Giáo dục và Đào tạo",
    "BO NOI VU": "Bộ Nội vụ",
    "TONG LIEN DOAN LAO DONG VIET NAM": "Tổng Liên đoàn Lao động Việt Nam",
    "CONG DOAN GIAO DUC VIET NAM": "Công đoàn Giáo dục Việt Nam",
}

# Words kept in capitals when a name printed in capitals is rewritten in normal case.
ABBREVIATIONS = frozenset(
    {
        "UBND",
        "HĐND",
        "GD&ĐT",
        "GDĐT",
        "SGDĐT",
        "THPT",
        "THCS",
        "TH",
        "MN",
        "LĐLĐ",
        "CĐ",
        "MTTQ",
        "TP",
        "TP.",
        "TP.HCM",
        "HCM",
        "TW",
        "TƯ",
        "CNTT",
        "BCH",
        "BGH",
        "GDNN",
        "GDTX",
        "KT-XH",
        "VN",
        "PTDTBT",
        "PTDTNT",
    }
)
# Capitalised proper names restored after lower-casing a capitals line.
PROPER_NAMES = (
    "Việt Nam",
    "Quốc hội",
    "Chính phủ",
    "Thủ tướng Chính phủ",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ban Chấp hành Trung ương",
    "Trung ương",
    "Nhà nước",
    "Công đoàn Việt Nam",
    "Mặt trận Tổ quốc Việt Nam",
    "Hồ Chí Minh",
    "Hà Nội",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
)
TITLE_PROPER_NAMES = ("Quốc hội", "Chính phủ", "Ủy ban nhân dân", "Bí thư", "Hội đồng nhân dân")
ALIASES: dict[str, str] = {
    "Thủ tướng": "Thủ tướng Chính phủ",
    "Bộ GD&ĐT": "Bộ Giáo dục và Đào tạo",
    "Bộ GDĐT": "Bộ Giáo dục và Đào tạo",
}

# Head words of organisation names: after them the field name is capitalised
# ("SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "Sở Giáo dục và Đào tạo").
_FIELD_HEADS = (
    "so",
    "bo",
    "phong",
    "cuc",
    "vu",
    "ban",
    "tong cuc",
    "van phong",
    "vien",
    "lien doan",
)
_SCHOOL_ABBREVIATIONS = frozenset({"THPT", "THCS", "TH", "MN", "PTDTBT", "PTDTNT"})
_PLACE_HEADS = ("tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy", "dang uy")
_ADMIN_UNITS = ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "quan", "xa", "phuong")
_SCHOOL_LEVELS = ("tieu hoc", "mam non", "mau giao", "trung hoc co so", "trung hoc pho thong")

# Ranks that end a signer block printed on one line ("TM. CHÍNH PHỦ THỦ TƯỚNG").
_RANKS = (
    "THU TUONG",
    "GIAM DOC",
    "CHU TICH",
    "BO TRUONG",
    "THU TRUONG",
    "HIEU TRUONG",
    "TRUONG BAN",
    "TRUONG PHONG",
    "CHANH VAN PHONG",
    "BI THU",
    "CUC TRUONG",
    "VU TRUONG",
    "VIEN TRUONG",
    "TONG GIAM DOC",
    "TONG CUC TRUONG",
    "TRUONG KHOA",
    "CHU NHIEM",
)
# Signing authority: ký thay, thay mặt, quyền, thừa lệnh, thừa ủy quyền (Party: "T/M", "K/T").
_AUTHORITY_PREFIX = re.compile(r"^(KT|TM|Q|TL|TUQ|T/M|K/T)(?:\.\s*|\s+)", re.IGNORECASE)

_LAW_TYPES = ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")


# --------------------------------------------------------------------------- helpers


def _skel(text: str) -> str:
    """Length-preserving matching form: no diacritics, đ -> D, upper case."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("D")
            continue
        base = unicodedata.normalize("NFD", ch)[:1] or ch
        up = base.upper()
        out.append(up if len(up) == 1 else base)
    return "".join(out)


def _ascii_key(text: str) -> str:
    return " ".join(strip_diacritics(text).upper().split())


def _is_upper_line(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _collapse(text: str) -> str:
    return " ".join(text.split())


_SEPARATOR_LINE = re.compile(r"^[\s_\-–—=*.…~•]*$")
_SEPARATOR_RUN = re.compile(r"\s*(?:_{3,}|-{3,}|–{2,}|={3,})\s*")
_MOTTO = re.compile(
    r"CONG HOA XA HOI CHU NGHIA VIET NAM|DOC LAP\s*[-–]\s*TU DO\s*[-–]\s*HANH PHUC|"
    r"DANG CONG SAN VIET NAM"
)
_BODY_MARKER = re.compile(
    r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|Theo đề xuất|Triển khai|Thi hành|"
    r"Điều\s+\d|Chương\s+[IVXLC\d]|CHƯƠNG\s+[IVXLC\d]|Phần\s+(?:thứ|[IVX\d])|PHẦN\s+[IVX\d]|"
    r"Mục\s+\d|[IVX]+\s*[.\-–]\s|\d+(?:\.\d+)*\.\s|[A-Z]\.\s|QUYẾT ĐỊNH\s*:|"
    r"Nơi nhận|\[\d+\])"
)
_NUMBER_LINE = re.compile(
    r"^(?P<label>(?:(?P<law>Bộ\s+luật|Luật|Pháp\s+lệnh)\s+)?[Ss]ố)\s*(?::\s*|(?=[\d/.…_]))"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_NUMBER_LABEL_ONLY = re.compile(r"^[Ss]ố\s*:\s*$")
_DATE = re.compile(
    r"(?:(?P<place>[^\W\d_][^,\n]{0,60}?)\s*,\s*)?ngày\s*(?P<d>\d{1,2})?[\s.…_]*"
    r"tháng\s*(?P<m>\d{1,2})?[\s.…_]*năm\s*(?P<y>(?:19|20)\d\d)",
    re.IGNORECASE,
)
_DATE_SLASH = re.compile(
    r"(?:(?P<place>[^\W\d_][^,\n]{0,60}?)\s*,\s*)?ngày\s*(?P<d>\d{1,2})\s*[/.\-]\s*"
    r"(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>(?:19|20)\d\d)",
    re.IGNORECASE,
)
_VV = re.compile(r"^(?:V/v|V/V|v/v)(?![\w/])\s*:?\s*(?P<rest>.*)$")
_KINH_GUI = re.compile(r"^Kính\s+gửi\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_NOI_NHAN = re.compile(r"^Nơi\s+nhận\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_KEM_THEO = re.compile(r"^\(?\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\b")
_PHU_LUC = re.compile(r"^Phụ\s+lục(?:\s+[IVXLC\d]+)?\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^[-+•–*]\s*")
_INLINE_BULLETS = re.compile(r"(?:^|\s)[-+•–]\s+")
_TYPE_BY_SKEL = sorted(
    ((_skel(name), name) for name in DOC_TYPES.values()), key=lambda p: len(p[0]), reverse=True
)
_TYPE_LINE = re.compile(
    r"^(?P<type>" + "|".join(re.escape(s) for s, _ in _TYPE_BY_SKEL) + r")(?![A-Z0-9])"
)
_TYPE_NAME_RE = re.compile(rf"\b({TYPE_NAME_PATTERN})\b", re.IGNORECASE)
_AUTHORITY_LINE = re.compile(
    r"^(?:THU TUONG CHINH PHU|CHINH PHU|QUOC HOI|UY BAN THUONG VU QUOC HOI|"
    r"BAN CHAP HANH TRUNG UONG|BO CHINH TRI|BAN BI THU|"
    r"(?:BO TRUONG|CHU TICH|GIAM DOC|TONG GIAM DOC|CUC TRUONG|HIEU TRUONG|TRUONG BAN)\s+.+)$"
)
_ISSUED_BY = re.compile(
    rf"^(?P<who>[^\n.;:]{{3,90}}?)\s+ban\s+hành\s+(?:{TYPE_NAME_PATTERN})\b", re.IGNORECASE
)
# "GD&TĐ - Chiều nay…", "(Dân trí) - …", "VOV.VN - …": a source tag, a dash, the lead.
_NEWS_LEAD = re.compile(r"^(?P<tag>\(?[^\s()]{2,20}(?:\s[^\s()]{2,12})?\)?)\s*[-–—]\s+\S")
_NEWS_MARKERS = (
    "Tin tiêu điểm",
    "Đừng bỏ lỡ",
    "Tin liên quan",
    "Bài liên quan",
    "Tin cùng chuyên mục",
)
_SIGN_NOISE = re.compile(
    r"\[?\s*\(?\s*(?:đã\s+ký|ký\s+tên[^)\]]*|ký,\s*ghi\s+rõ\s+họ\s+tên|daky|chữ\s+ký[^)\]]*|"
    r"ký\s+và\s+đóng\s+dấu|đóng\s+dấu)\s*\)?\s*\]?|[\[\]]|\./\.",
    re.IGNORECASE,
)


def _readable_org(printed: str) -> str:
    """ "UBND TỈNH LONG AN" -> "UBND tỉnh Long An"; names not in capitals are kept.

    Names of agencies capitalise the head word, the first word of the field ("Sở Giáo dục
    và Đào tạo", "Bộ Lao động - Thương binh và Xã hội") and proper names (places, schools).
    """
    text = _collapse(printed).strip(" ,;:*")
    if not text:
        return text
    key = _ascii_key(text)
    if key in KNOWN_NAMES:
        return KNOWN_NAMES[key]
    if not _is_upper_line(text):
        return ALIASES.get(text, text)
    words = text.split(" ")
    keys = [_ascii_key(w).lower() for w in words]
    head = _head_key(keys)
    out: list[str] = []
    field_mode = head in _FIELD_HEADS
    name_mode = False  # inside a proper name: every word capitalised
    cap_next = True
    i = 0
    while i < len(words):
        word, lower = words[i], words[i].lower()
        two = " ".join(keys[i : i + 2])
        if word.upper() in ABBREVIATIONS or any(ch.isdigit() for ch in word) or "&" in word:
            out.append(word)
            name_mode = name_mode or word.upper() in _SCHOOL_ABBREVIATIONS
            cap_next = name_mode
            i += 1
            continue
        if two in _PLACE_HEADS and i + 1 < len(words):
            out += [_cap(lower), words[i + 1].lower()]  # "Tỉnh ủy", "Thành ủy" + place
            name_mode, cap_next = True, True
            i += 2
            continue
        unit = 2 if two in _ADMIN_UNITS else 1 if keys[i] in _ADMIN_UNITS else 0
        if unit and out and not (cap_next and not name_mode):
            out += [w.lower() for w in words[i : i + unit]]  # "tỉnh", "thành phố" + place
            name_mode, cap_next = True, True
            i += unit
            continue
        level = next((n for n in (5, 4, 2) if " ".join(keys[i : i + n]) in _SCHOOL_LEVELS), 0)
        if level and out:
            out += [_cap(lower), *(w.lower() for w in words[i + 1 : i + level])]
            name_mode, cap_next = True, True
            i += level
            continue
        if lower in ("và", "-", ",", "các", "của"):
            out.append(lower)
            cap_next = field_mode and not name_mode and lower != "các"
            i += 1
            continue
        out.append(_cap(lower) if cap_next or name_mode else lower)
        cap_next = False
        if len(out) == 1 and field_mode:
            if head == two and i + 1 < len(words):  # two-word head: "Tổng cục", "Văn phòng"
                out.append(words[i + 1].lower())
                i += 1
            cap_next = True  # the field name starts
        elif lower == "ngành":
            cap_next = True
        i += 1
    result = " ".join(out)
    for name in PROPER_NAMES:
        result = _restore(result, name)
    return ALIASES.get(result, result)


def _head_key(keys: list[str]) -> str:
    two = " ".join(keys[:2])
    return two if two in _FIELD_HEADS else (keys[0] if keys else "")


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:] if word else word


def _restore(text: str, name: str) -> str:
    pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
    return pattern.sub(name, text)


def _sentence_case(text: str) -> str:
    """A line printed in capitals in normal case: "VỀ ĐỔI MỚI" -> "Về đổi mới"."""
    text = _collapse(text)
    if not _is_upper_line(text):
        return text
    words = []
    for word in text.split(" "):
        bare = word.strip("“”\"'(),.;:")
        words.append(word if bare.upper() in ABBREVIATIONS and len(bare) > 1 else word.lower())
    result = " ".join(words)
    for name in PROPER_NAMES:
        result = _restore(result, name)
    return _cap(result)


def _readable_title(printed: str) -> str:
    """Signer's rank in normal case: "PHÓ GIÁM ĐỐC" -> "Phó Giám đốc",
    "CHỦ TỊCH QUỐC HỘI" -> "Chủ tịch Quốc hội"."""
    text = _collapse(printed)
    if not _is_upper_line(text):
        return text
    words = text.lower().split(" ")
    words[0] = _cap(words[0])
    if words[0] == "Phó" and len(words) > 1:
        words[1] = _cap(words[1])
    result = " ".join(words)
    for name in TITLE_PROPER_NAMES:
        result = _restore(result, name)
    return result


def _clean_item(item: str) -> str:
    item = _BULLET.sub("", item.strip())
    return item.rstrip(" ;.,").strip()


def _split_items(text: str) -> list[str]:
    parts = _INLINE_BULLETS.split(text)
    return [c for c in (_clean_item(p) for p in parts) if c]


def _date_parts(m: re.Match[str]) -> tuple[str, datetime.date | None, int]:
    day = int(m.group("d")) if m.group("d") else None
    month = int(m.group("m")) if m.group("m") else None
    year = int(m.group("y"))
    if month is not None and not 1 <= month <= 12:
        month, day = None, None
    if day is not None and not 1 <= day <= 31:
        day = None
    issue: datetime.date | None = None
    if day is not None and month is not None:
        try:
            issue = datetime.date(year, month, day)
        except ValueError:
            issue = None
    if issue is not None:
        return f"{day:02d}/{month:02d}/{year}", issue, year
    if month is not None:
        return f"{month:02d}/{year}", None, year
    return str(year), None, year


def _find_date(line: str, *, anchored: bool) -> re.Match[str] | None:
    for pattern in (_DATE, _DATE_SLASH):
        m = pattern.search(line)
        if m is None:
            continue
        if anchored:
            if line[: m.start()].strip(" ,(") or line[m.end() :].strip(" .)"):
                continue
            place = m.group("place")
            if place and not place.strip()[:1].isupper():
                continue
        return m
    return None


def _number_in(text: str) -> tuple[re.Match[str] | None, DocNumber | None]:
    found = find_numbers(text)
    if found:
        return found[0]
    num = parse_number(text)
    return None, num


def _symbol_issuer(number: DocNumber | None, context: str) -> str | None:
    if number is None or not number.symbol:
        return None
    parts = [p for p in re.split(r"[-/]", number.symbol) if p]
    keys = [re.sub(r"\d+$", "", _ascii_key(p)) for p in parts]
    for key in keys:
        if key == "TW":
            for name in PARTY_CENTRAL_ISSUERS:
                if name.lower() in context.lower():
                    return name
            return PARTY_CENTRAL_DEFAULT
        if key in SYMBOL_ISSUERS:
            return SYMBOL_ISSUERS[key]
    return None


def _cut_issuer(text: str) -> str | None:
    """ "Bộ Chính trị về đổi mới…" -> "Bộ Chính trị" (the "của …" phrase)."""
    cut = re.split(
        r"\s+(?:về|quy định|ban hành|hướng dẫn|sửa đổi|thông báo|thực hiện|phê duyệt|tại|"
        r"đã|được|có hiệu lực|trong|nhằm|—)\s|[:;,()\n—]|\s[-–]\s",
        text,
        maxsplit=1,
    )[0]
    cut = cut.strip(" .")
    if not cut or len(cut) > 90 or not cut[:1].isupper():
        return None
    return ALIASES.get(cut, cut)


# --------------------------------------------------------------------------- lines


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped
    motto_end: int = 0  # end of the line the national motto / Party name was cut out of


def _lines(text: str, start: int, stop: int) -> list[_Line]:
    out: list[_Line] = []
    pos = start
    while pos < stop:
        nl = text.find("\n", pos, stop)
        end = stop if nl < 0 else nl
        raw = text[pos:end]
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        if nl < 0:
            break
        pos = nl + 1
    return out


def _expand(line: _Line) -> list[_Line]:
    """Split a header line into parts: markdown table cells, separator runs and the motto."""
    pieces: list[tuple[int, str]] = [(line.start, line.text)]
    if line.text.startswith("|") and line.text.count("|") >= 2:
        pieces = []
        pos = 0
        for cell in line.text.split("|"):
            if cell.strip() and not _SEPARATOR_LINE.match(cell):
                lead = len(cell) - len(cell.lstrip())
                pieces.append((line.start + pos + lead, cell.strip()))
            pos += len(cell) + 1
    out: list[_Line] = []
    for offset, piece in pieces:
        for sub_off, sub in _split_on(piece, _SEPARATOR_RUN):
            for sub2_off, sub2 in _split_spans(sub, _motto_spans(sub)):
                if not _SEPARATOR_LINE.match(sub2):
                    start = offset + sub_off + sub2_off
                    out.append(_Line(start, start + len(sub2), sub2))
    return out


def _split_on(text: str, pattern: re.Pattern[str]) -> list[tuple[int, str]]:
    return _split_spans(text, [m.span() for m in pattern.finditer(text)])


def _split_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for start, end in spans:
        out.append((pos, text[pos:start]))
        pos = end
    out.append((pos, text[pos:]))
    result = []
    for off, piece in out:
        lead = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        if stripped:
            result.append((off + lead, stripped))
    return result


def _motto_spans(text: str) -> list[tuple[int, int]]:
    """The national motto / Party name printed in a header line (in capitals, except the
    "Độc lập - Tự do - Hạnh phúc" line, which is distinctive in any case)."""
    spans = []
    for m in _MOTTO.finditer(_skel(text)):
        if m.group(0).startswith("DOC LAP") or _is_upper_line(text[m.start() : m.end()]):
            spans.append(m.span())
    return spans


def _has_motto(text: str) -> bool:
    return bool(_motto_spans(text))


# --------------------------------------------------------------------------- parser


@dataclass
class _Header:
    issuer_lines: list[str] = field(default_factory=list)
    number: DocNumber | None = None
    number_raw: str | None = None
    number_label_type: str | None = None
    date_match: re.Match[str] | None = None
    date_raw: str | None = None
    type_name: str | None = None
    type_raw: str | None = None
    subject_lines: list[str] = field(default_factory=list)
    subject_is_vv: bool = False
    authority: str | None = None
    recipients: list[str] = field(default_factory=list)
    recipients_raw: str | None = None
    kem_theo: str | None = None
    motto: bool = False
    end: int = 0
    found: bool = False


class _Parser:
    def __init__(self, text: str, source_name: str) -> None:
        self.text = text
        self.source_name = source_name
        self.raw: dict[str, str] = {}

    def parse(self) -> ParsedDocument:
        text = self.text
        head_stop = min(len(text), HEADER_MAX_CHARS)
        lines = _lines(text, 0, head_stop)
        title_hint, source_hint, first = self._dataset_lines(lines)
        content = lines[first:]
        content_start = content[0].start if content else len(text)
        header = self._scan_header(content[:HEADER_MAX_LINES])

        # A header block printed elsewhere (docx->md converters put it in a table at the end).
        tail_start = max(content_start, len(text) - TAIL_MAX_CHARS)
        tail = _lines(text, tail_start, len(text))[-TAIL_MAX_LINES:]
        if header.number is None and header.date_match is None:
            for line in tail:
                if line.text.startswith("|") and _has_motto(line.text):
                    table = self._scan_header([line], table=True)
                    if table.number is not None or table.date_match is not None:
                        self._merge_table_header(header, table)
                        break

        hint = _parse_title_hint(title_hint) if title_hint else _TitleHint(text="")
        doc_type = self._doc_type(header, hint, source_hint)

        number = header.number
        if number is not None and header.number_raw:
            self.raw["number"] = header.number_raw
        if number is None and header.kem_theo:
            _, number = _number_in(header.kem_theo)
            if number is not None:
                self.raw["number"] = number.raw
        if number is None and hint.number is not None:
            number = hint.number
            self.raw["number"] = number.raw
        if number is not None and number.type_code == "VBHN" and doc_type != DOC_TYPES["VBHN"]:
            doc_type = DOC_TYPES["VBHN"]

        # date
        date_text: str | None = None
        issue_date: datetime.date | None = None
        year: int | None = None
        place: str | None = None
        if header.date_match is not None:
            date_text, issue_date, year = _date_parts(header.date_match)
            place_raw = header.date_match.group("place")
            place = _collapse(place_raw) if place_raw else None
            self.raw["date"] = header.date_raw or header.date_match.group(0)
        elif header.kem_theo and (m := _find_date(header.kem_theo, anchored=False)):
            date_text, issue_date, year = _date_parts(m)
            self.raw["date"] = _collapse(m.group(0))
        elif hint.year is not None:
            date_text, issue_date, year = hint.date_text, hint.issue_date, hint.year
            self.raw["date"] = hint.date_raw or str(hint.year)
        if year is None and number is not None and number.year:
            year = number.year
        if date_text is None and year is not None:
            date_text = str(year)

        if number is not None:
            code = type_code_for_name(doc_type) if doc_type != UNKNOWN_TYPE else None
            if code is not None and doc_type != NEWS_TYPE:
                number = number.with_type(code)
            if number.number is not None:
                # the canonical key carries the year ("CV 11276 2021"); a blank number
                # ("Số: /SGDĐT-TC") would print the year into its symbol, so it gets none
                number = number.with_year(year)

        # subject
        subject: str | None = None
        issuer_in_subject: str | None = None
        if header.subject_lines:
            joined = _collapse(" ".join(header.subject_lines))
            self.raw["subject"] = "\n".join(header.subject_lines)
            if not header.subject_is_vv:
                m_of = re.match(r"^(?:của|CỦA)\s+(.+?)(?:\s+(?=(?:về|VỀ)\s)|$)", joined)
                if m_of:
                    issuer_in_subject = _readable_org(m_of.group(1))
                    joined = joined[m_of.end() :].strip()
            subject = _sentence_case(joined) if joined else None
        elif hint.subject:
            subject = hint.subject

        # issuer
        issuer, parent = self._issuer(header, hint, number, doc_type, issuer_in_subject, lines)

        signer, signer_title = self._signer(tail)
        cc = self._cc(tail)

        recipients = header.recipients
        if header.recipients_raw:
            self.raw["recipients"] = header.recipients_raw

        news_title: str | None = None
        if doc_type == UNKNOWN_TYPE and not header.found and not title_hint:
            news_title = self._news_title(content)
            if news_title is not None:
                doc_type = NEWS_TYPE

        body_start = self._body_start(header, content, content_start, news_title)
        title = self._title(
            doc_type,
            number,
            subject,
            bool(header.subject_lines)
            and number is not None
            and (header.subject_is_vv or header.type_name == doc_type),
            title_hint,
            news_title,
            content,
        )
        if title_hint:
            self.raw["title_hint"] = title_hint
        if source_hint:
            self.raw["source"] = source_hint
        if header.type_raw:
            self.raw["type"] = header.type_raw
        return ParsedDocument(
            doc_type=doc_type,
            number=number,
            subject=subject,
            title=title,
            issuer=issuer,
            parent_issuer=parent,
            place=place,
            date_text=date_text,
            issue_date=issue_date,
            year=year,
            signer=signer,
            signer_title=signer_title,
            recipients=recipients,
            cc=cc,
            raw=self.raw,
            body_start=body_start,
        )

    # ----------------------------------------------------------------- pieces

    @staticmethod
    def _dataset_lines(lines: list[_Line]) -> tuple[str | None, str | None, int]:
        title = source = None
        i = 0
        while i < len(lines):
            t = lines[i].text
            if t.lower().startswith("# title:"):
                title = t[len("# title:") :].strip() or None
            elif t.lower().startswith("# source:"):
                source = t[len("# source:") :].strip() or None
            elif t:
                break
            i += 1
        if title is None and source is None:
            # no dataset lines: keep the leading blank lines in the content
            i = 0
        while i < len(lines) and not lines[i].text:
            i += 1
        return title, source, i

    def _scan_header(self, lines: list[_Line], *, table: bool = False) -> _Header:
        h = _Header()
        parts: list[_Line] = []
        for line in lines:
            if not line.text:
                parts.append(line)
                continue
            if not table and _BODY_MARKER.match(line.text):
                parts.append(line)
                break
            expanded = _expand(line) or [_Line(line.start, line.end, "")]
            if _has_motto(line.text):
                expanded[0].motto_end = line.end
            parts.extend(expanded)

        i = 0
        state = ""  # "subject", "vv"
        seen_structure = False
        while i < len(parts):
            part = parts[i]
            s = part.text
            if part.motto_end:
                h.motto = h.found = True
                h.end = max(h.end, part.motto_end)
            if not s:
                if state in ("subject", "vv") and h.subject_lines:
                    state = ""
                i += 1
                continue
            skel = _skel(s)
            if _KINH_GUI.match(s):
                i = self._recipients(parts, i, h)
                h.found = True
                break
            if not table and _BODY_MARKER.match(s) and not (state == "vv" and s[:1].islower()):
                break
            if (
                not table
                and len(s) > 220
                and state != "vv"
                and not (state == "subject" and _is_upper_line(s))
            ):
                break

            m_num = _NUMBER_LINE.match(s)
            if m_num and self._looks_like_number(m_num.group("rest")):
                rest = m_num.group("rest")
                nm, num = _number_in(rest)
                if nm is not None:
                    h.number_raw = _collapse(s[: m_num.start("rest") + nm.end()])
                    after = rest[nm.end() :].strip()
                elif num is not None:
                    idx = rest.find(num.raw)
                    h.number_raw = _collapse(s[: m_num.start("rest") + idx + len(num.raw)])
                    after = rest[idx + len(num.raw) :].strip() if idx >= 0 else ""
                else:
                    h.number_raw = _collapse(s)
                    after = ""
                if h.number is None:
                    h.number = num
                if m_num.group("law"):
                    h.number_label_type = _law_type(m_num.group("law"))
                h.found = seen_structure = True
                h.end = max(h.end, part.end)
                state = ""
                if after:
                    parts.insert(i + 1, _Line(part.end - len(after), part.end, after))
                i += 1
                continue
            if _NUMBER_LABEL_ONLY.match(s):
                h.number_raw = s
                i += 1
                continue

            dm = _find_date(s, anchored=True)
            if dm is None and not table and len(s) < 120:
                # date on the same line as the number or the issuer (flattened columns)
                cand = _find_date(s, anchored=False)
                if cand is not None and not s[cand.end() :].strip(" .)"):
                    before = s[: cand.start()].strip()
                    if before and _is_upper_line(before) and not _BODY_MARKER.match(before):
                        parts.insert(
                            i + 1, _Line(part.start + cand.start(), part.end, s[cand.start() :])
                        )
                        parts[i] = _Line(part.start, part.start + len(before), before)
                        continue
            if dm is not None:
                if h.date_match is None:
                    h.date_match = dm
                    h.date_raw = _collapse(s)
                h.found = seen_structure = True
                h.end = max(h.end, part.end)
                state = ""
                i += 1
                continue

            if _KEM_THEO.match(s):
                chunk = [s]
                j = i + 1
                while ")" not in " ".join(chunk) and j < len(parts) and j < i + 4:
                    if parts[j].text:
                        chunk.append(parts[j].text)
                    j += 1
                h.kem_theo = _collapse(" ".join(chunk))
                h.end = max(h.end, parts[j - 1].end)
                i = j
                continue

            vv = _VV.match(s)
            if vv and not table:
                h.subject_lines = [vv.group("rest")] if vv.group("rest") else []
                h.subject_is_vv = True
                h.found = seen_structure = True
                h.end = max(h.end, part.end)
                state = "vv"
                i += 1
                continue
            if state == "vv":
                if _is_upper_line(s) or _find_date(s, anchored=True):
                    state = ""
                    continue
                h.subject_lines.append(s)
                h.end = max(h.end, part.end)
                i += 1
                continue

            if _PHU_LUC.match(s) and not table and h.type_name is None:
                # an appendix: its title follows in capitals, then "(Kèm theo …)"
                h.found = seen_structure = True
                h.end = max(h.end, part.end)
                state = "subject"
                i += 1
                continue
            tm = _TYPE_LINE.match(skel)
            if tm and _is_upper_line(s) and not s.rstrip().endswith(":") and not table:
                name = next(n for k, n in _TYPE_BY_SKEL if k == tm.group("type"))
                if h.type_name is None:
                    h.type_name = name
                    h.type_raw = s
                    rest = s[tm.end() :].strip()
                    h.subject_lines = [rest] if rest else []
                    h.found = seen_structure = True
                    h.end = max(h.end, part.end)
                    state = "subject"
                    i += 1
                    continue
            if state == "subject":
                first_upper = _is_upper_line(h.subject_lines[0]) if h.subject_lines else None
                if _AUTHORITY_LINE.match(_ascii_key(s)) and _is_upper_line(s):
                    h.authority = s
                    h.end = max(h.end, part.end)
                    state = ""
                    i += 1
                    continue
                cont = (
                    first_upper is None
                    or (first_upper and (_is_upper_line(s) or s[:1].islower()))
                    or (not first_upper and s[:1].islower())
                )
                if cont and len(h.subject_lines) < 8:
                    h.subject_lines.append(s)
                    h.end = max(h.end, part.end)
                    i += 1
                    continue
                state = ""
                if not _is_upper_line(s):
                    break
            if _is_upper_line(s) and len(s) <= 120 and not seen_structure:
                if s.strip() != "*":
                    h.issuer_lines.append(s)
                    h.found = True
                    h.end = max(h.end, part.end)
                i += 1
                continue
            if (
                _is_upper_line(s)
                and h.type_name is not None
                and _AUTHORITY_LINE.match(_ascii_key(s))
            ):
                h.authority = s
                h.end = max(h.end, part.end)
                i += 1
                continue
            if table:
                i += 1
                continue
            break  # ordinary text: the header block (if any) is over
        return h

    @staticmethod
    def _looks_like_number(rest: str) -> bool:
        rest = rest.strip()
        if not rest:
            return True
        if rest[0] in "/.…_-" or rest[0].isdigit():
            return True
        return bool(find_numbers(rest[:60]))

    def _recipients(self, parts: list[_Line], i: int, h: _Header) -> int:
        first = parts[i]
        m = _KINH_GUI.match(first.text)
        rest = m.group("rest").strip() if m else ""
        items: list[str] = []
        raw = [first.text]
        end = first.end
        if rest:
            items.extend(
                _split_items(rest) if _INLINE_BULLETS.search(rest) else [_clean_item(rest)]
            )
        j = i + 1
        while j < len(parts):
            s = parts[j].text
            if not s:
                if items:
                    # a blank line ends the list unless another bullet follows
                    k = j + 1
                    while k < len(parts) and not parts[k].text:
                        k += 1
                    if k < len(parts) and _BULLET.match(parts[k].text) and not rest:
                        j = k
                        continue
                    break
                j += 1
                continue
            if _BULLET.match(s):
                items.append(_clean_item(s))
                raw.append(s)
                end = parts[j].end
                j += 1
                continue
            if not items and not rest and len(s) <= 200 and not _BODY_MARKER.match(s):
                items.append(_clean_item(s))
                raw.append(s)
                end = parts[j].end
                j += 1
                if s.rstrip().endswith((".", ":")):
                    break
                continue
            if (
                items
                and raw[-1].rstrip().endswith(";")
                and len(s) <= 200
                and not _BODY_MARKER.match(s)
            ):
                items.append(_clean_item(s))
                raw.append(s)
                end = parts[j].end
                j += 1
                continue
            break
        h.recipients = [x for x in items if x]
        h.recipients_raw = "\n".join(raw)
        h.end = max(h.end, end)
        return j

    @staticmethod
    def _merge_table_header(h: _Header, t: _Header) -> None:
        h.number = h.number or t.number
        h.number_raw = h.number_raw or t.number_raw
        h.date_match = h.date_match or t.date_match
        h.date_raw = h.date_raw or t.date_raw
        if not h.issuer_lines:
            h.issuer_lines = t.issuer_lines

    def _doc_type(self, h: _Header, hint: _TitleHint, source: str | None) -> str:
        if h.type_name:
            return h.type_name
        if h.number_label_type:
            return h.number_label_type
        if h.subject_is_vv:
            return DOC_TYPES["CV"]
        if (
            h.number is not None
            and h.number.type_code in DOC_TYPES
            and (
                h.number.party_style
                or h.number.number is None
                or h.number.type_code != "CV"
                or h.motto
            )
        ):
            return DOC_TYPES[h.number.type_code]
        if hint.doc_type:
            return hint.doc_type
        for name in (source, self.source_name):
            found = _type_from_name(name)
            if found:
                return found
        return UNKNOWN_TYPE

    def _issuer(
        self,
        h: _Header,
        hint: _TitleHint,
        number: DocNumber | None,
        doc_type: str,
        issuer_in_subject: str | None,
        lines: list[_Line],
    ) -> tuple[str | None, str | None]:
        issuer: str | None = None
        parent: str | None = None
        if h.issuer_lines:
            printed = _group_issuer_lines(h.issuer_lines)
            self.raw["issuer"] = printed[-1]
            issuer = _readable_org(printed[-1])
            if len(printed) > 1:
                self.raw["parent_issuer"] = " ".join(printed[:-1])
                parent = _readable_org(" ".join(printed[:-1]))
        if issuer_in_subject:
            if issuer and issuer != issuer_in_subject and parent is None:
                parent = issuer
            issuer = issuer_in_subject
        if issuer is None and h.authority:
            issuer = _authority_org(h.authority)
            self.raw["issuer"] = h.authority
        if issuer is None and h.kem_theo:
            m = re.search(r"\bcủa\s+(.+)$", h.kem_theo)
            if m:
                issuer = _cut_issuer(m.group(1))
        if issuer is None and hint.issuer:
            issuer = hint.issuer
        context = " ".join([*(h.issuer_lines or []), *(h.subject_lines or []), hint.text])
        if issuer is None:
            issuer = _symbol_issuer(number, context)
        if issuer is None and doc_type in _LAW_TYPES:
            issuer = "Quốc hội"
        if issuer is None:
            issuer = self._issued_by(lines)
        return issuer, parent

    @staticmethod
    def _issued_by(lines: list[_Line]) -> str | None:
        for line in lines[:60]:
            m = _ISSUED_BY.match(line.text)
            if m:
                who = m.group("who").strip()
                who = re.sub(
                    r"^(?:Bộ trưởng|Chủ tịch|Giám đốc|Thủ trưởng|Tổng Giám đốc)\s+(?=[A-ZĐƯ])",
                    "",
                    who,
                )
                if who[:1].isupper() and len(who) <= 80:
                    return ALIASES.get(who, who)
        return None

    def _signer(self, tail: list[_Line]) -> tuple[str | None, str | None]:
        entries: list[str] = []
        for line in tail:
            for part in _expand(line) if line.text else []:
                entries.append(part.text)
        # walk back from the end: a name line preceded by a rank line
        meaningful = [e for e in (_SIGN_NOISE.sub(" ", x).strip() for x in entries) if e]
        for idx in range(len(meaningful) - 1, max(-1, len(meaningful) - 25), -1):
            s = meaningful[idx]
            if _NOI_NHAN.match(s):
                continue
            name, before = _split_name(s)
            if name is None:
                continue
            if before:
                title_lines = [before]
            else:
                title_lines = []
                k = idx - 1
                while k >= 0 and len(title_lines) < 3:
                    prev = meaningful[k]
                    if _is_upper_line(prev) and len(prev) <= 80 and not _has_motto(prev):
                        title_lines.insert(0, prev)
                        if _AUTHORITY_PREFIX.match(prev):
                            break
                        k -= 1
                        continue
                    break
            if not title_lines:
                continue
            self.raw["signer"] = name
            self.raw["signer_title"] = " / ".join(title_lines)
            return name, _signer_rank(title_lines)
        return None, None

    def _cc(self, tail: list[_Line]) -> list[str]:
        entries: list[str] = []
        for line in tail:
            if line.text.startswith("|"):
                entries.extend(p.text for p in _expand(line))
            else:
                entries.append(line.text)
        start = None
        for idx in range(len(entries) - 1, -1, -1):
            if _NOI_NHAN.match(entries[idx]):
                start = idx
                break
        if start is None:
            return []
        m = _NOI_NHAN.match(entries[start])
        rest = m.group("rest").strip() if m else ""
        items: list[str] = []
        raw = [entries[start]]
        if rest:
            items.extend(_split_items(rest))
        for s in entries[start + 1 :]:
            if not s:
                if items:
                    continue
                continue
            if _BULLET.match(s):
                items.append(_clean_item(s))
                raw.append(s)
                continue
            break
        self.raw["cc"] = "\n".join(raw)
        return [x for x in items if x]

    @staticmethod
    def _news_title(content: list[_Line]) -> str | None:
        nonempty = [line for line in content if line.text][:6]
        if len(nonempty) < 2:
            return None
        head = nonempty[0].text
        if len(head) > 200 or head.endswith((".", ":", ";")):
            return None
        lead = nonempty[1].text
        joined = "\n".join(line.text for line in content[:400])
        tag = _NEWS_LEAD.match(lead)
        is_lead = (
            tag is not None
            and len(lead) >= 60
            and (
                tag.group("tag").startswith("(")
                or sum(ch.isupper() for ch in tag.group("tag")) >= 2
            )
        )
        if is_lead or any(marker in joined for marker in _NEWS_MARKERS):
            return head
        return None

    def _body_start(
        self, h: _Header, content: list[_Line], content_start: int, news_title: str | None
    ) -> int:
        text = self.text
        if news_title is not None and content:
            pos = next((line.end for line in content if line.text), content_start)
        elif h.end and h.found:
            pos = h.end
        else:
            pos = content_start
        # skip blank lines and separator rules ("__________") after the header
        while pos < len(text):
            nl = text.find("\n", pos)
            line_end = len(text) if nl < 0 else nl
            if not _SEPARATOR_LINE.match(text[pos:line_end]) or (
                not text[pos:line_end].strip() and nl < 0
            ):
                break
            pos = line_end + 1
        while pos < len(text) and text[pos] in " \t\r":
            pos += 1
        return min(pos, len(text))

    @staticmethod
    def _title(
        doc_type: str,
        number: DocNumber | None,
        subject: str | None,
        printed_header: bool,
        title_hint: str | None,
        news_title: str | None,
        content: list[_Line],
    ) -> str:
        if news_title:
            return news_title
        if title_hint and not printed_header:
            return title_hint  # written for this purpose by the dataset's maintainers
        printed = number.raw if number is not None else None
        printed = _collapse(printed) if printed else None
        if subject and doc_type != UNKNOWN_TYPE:
            if doc_type == DOC_TYPES["CV"]:
                return " ".join(x for x in ("Công văn", printed, "V/v", subject) if x)
            if doc_type in _LAW_TYPES:  # "Luật Giáo dục số 43/2019/QH14"
                return f"{doc_type} {_cap(subject)}" + (f" số {printed}" if printed else "")
            lowered = subject[:1].lower() + subject[1:] if subject[1:2].islower() else subject
            return " ".join(x for x in (doc_type, printed, lowered) if x)
        if title_hint:
            return title_hint
        if printed and doc_type != UNKNOWN_TYPE:
            return f"{doc_type} {printed}"
        first = next((line.text for line in content if line.text), "")
        if first:
            return first[:200]
        return doc_type


def _law_type(label: str) -> str:
    key = _ascii_key(label)
    if key == "BO LUAT":
        return "Bộ luật"
    if key == "PHAP LENH":
        return "Pháp lệnh"
    return "Luật"


def _group_issuer_lines(lines: list[str]) -> list[str]:
    """Join issuer lines broken inside one name ("SỞ GIÁO DỤC VÀ" / "ĐÀO TẠO",
    "ỦY BAN NHÂN DÂN" / "TỈNH LONG AN"); separate names stay apart (chủ quản / ban hành)."""
    out: list[str] = []
    for line in lines:
        line = _collapse(line.strip(" *"))
        if not line:
            continue
        key = _ascii_key(line).lower()
        continues = re.search(r"(?:\bVÀ|,|-)$", out[-1]) if out else None
        starts_with_unit = any(key == u or key.startswith(u + " ") for u in _ADMIN_UNITS)
        if out and (continues or starts_with_unit or key.startswith("va ")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out or [""]


def _authority_org(printed: str) -> str:
    key = _ascii_key(printed)
    if key in KNOWN_NAMES:
        return KNOWN_NAMES[key]
    words = _collapse(printed).split(" ")
    for n in (3, 2):
        if _ascii_key(" ".join(words[:n])) in {
            "TONG GIAM DOC",
            "BO TRUONG",
            "CHU TICH",
            "GIAM DOC",
            "CUC TRUONG",
            "HIEU TRUONG",
            "TRUONG BAN",
        }:
            return _readable_org(" ".join(words[n:]))
    return _readable_org(printed)


def _signer_rank(title_lines: list[str]) -> str:
    last = _collapse(title_lines[-1])
    prefix = _AUTHORITY_PREFIX.match(last)
    if prefix is None:
        return _readable_title(last)
    rest = last[prefix.end() :]
    kind = prefix.group(1).upper().replace("/", "")
    key = _ascii_key(rest)
    if kind in ("TM", "KT", "TL", "TUQ"):
        # one line "TM. CHÍNH PHỦ THỦ TƯỚNG": the rank is at the end
        best = -1
        for rank in _RANKS:
            for m in re.finditer(rf"(?:PHO )?{rank}\b", key):
                if m.start() > 0 and (best < 0 or m.start() > best):
                    best = m.start()
        if best > 0:
            return _readable_title(rest[best:])
    rank = _readable_title(rest)
    return f"Quyền {rank}" if kind == "Q" else rank


def _split_name(text: str) -> tuple[str | None, str]:
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
    if before and not _is_upper_line(before):
        return None, ""
    if len(name_words) > 5 and not before:
        return None, ""
    name = " ".join(name_words)
    if _ascii_key(name).startswith(("NOI NHAN", "KINH GUI")):
        return None, ""
    return name, before


def _type_from_name(name: str | None) -> str | None:
    if not name:
        return None
    last = re.split(r"[\\/:]", name)[-1].strip()
    m = _TYPE_NAME_RE.search(last)
    if m:
        canon = type_code_for_name(m.group(1))
        if canon:
            return DOC_TYPES[canon]
    ascii_name = strip_diacritics(last).lower()
    best: tuple[int, str] | None = None
    for code, type_name in DOC_TYPES.items():
        slug = strip_diacritics(type_name).lower().replace(" ", "-")
        if ascii_name.startswith(slug) and (best is None or len(slug) > best[0]):
            best = (len(slug), DOC_TYPES[code])
    return best[1] if best else None


_HINT_DATE = re.compile(r"\((\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\)")
_HINT_YEAR = re.compile(r"\(((?:19|20)\d\d)\)")


@dataclass
class _TitleHint:
    """What the dataset's "# title:" line says."""

    text: str
    doc_type: str | None = None
    number: DocNumber | None = None
    date_text: str | None = None
    issue_date: datetime.date | None = None
    year: int | None = None
    date_raw: str | None = None
    issuer: str | None = None
    subject: str | None = None


def _parse_title_hint(title: str) -> _TitleHint:
    out = _TitleHint(text=title)
    m = re.match(rf"^\s*({TYPE_NAME_PATTERN})\b", title, re.IGNORECASE)
    type_end = 0
    if m:
        code = type_code_for_name(m.group(1))
        if code:
            out.doc_type = DOC_TYPES[code]
            type_end = m.end()
    found = find_numbers(title)
    num_end = type_end
    if found:
        match, number = found[0]
        out.number = number
        num_end = match.end()
    dm = _HINT_DATE.search(title)
    if dm:
        day, month, year = int(dm.group(1)), int(dm.group(2)), int(dm.group(3))
        try:
            out.issue_date = datetime.date(year, month, day)
            out.date_text = f"{day:02d}/{month:02d}/{year}"
            out.year = year
            out.date_raw = dm.group(0).strip("()")
        except ValueError:
            pass
    if out.year is None:
        ym = _HINT_YEAR.search(title)
        if ym:
            out.year = int(ym.group(1))
            out.date_text = out.date_raw = ym.group(1)
    rest = title[num_end:]
    colon = rest.find(":")
    before_colon = rest[:colon] if colon >= 0 else rest
    of = re.search(r"\bcủa\s+(.+)$", before_colon)
    if of:
        out.issuer = _cut_issuer(of.group(1))
    if colon >= 0 and rest[colon + 1 :].strip():
        out.subject = rest[colon + 1 :].strip()
    else:
        about = re.search(r"\svề\s+(.+)$", rest)
        if about:
            out.subject = "về " + about.group(1).strip()
        elif out.doc_type in _LAW_TYPES:
            name = re.match(r"^\s*(.+?)\s+số\b", title[type_end:])
            if name:
                out.subject = name.group(1).strip()
    return out


def parse_document(text: str, *, source_name: str = "") -> ParsedDocument:
    """Read type, number, subject, issuer, date, signer and recipients of one document."""
    try:
        return _Parser(text if isinstance(text, str) else str(text), source_name).parse()
    except Exception:  # the contract is "never raises": log the bug, return the minimum
        logger.exception("parse_document failed on %r", source_name)
        first = next((ln.strip() for ln in str(text).split("\n") if ln.strip()), "")
        return ParsedDocument(
            doc_type=UNKNOWN_TYPE,
            number=None,
            subject=None,
            title=first[:200] or source_name or UNKNOWN_TYPE,
            issuer=None,
            parent_issuer=None,
            place=None,
            date_text=None,
            issue_date=None,
            year=None,
            signer=None,
            signer_title=None,
        )
