"""Who must do what, by when: sentences that assign work, with their actor and deadline.

Works on a document's passages in reading order. A clause is an obligation when it assigns
work ("đề nghị …", "… có trách nhiệm …", "Thủ trưởng đơn vị phối hợp …", or an imperative
that starts with a work verb: "Xây dựng các chương trình phối hợp …"). Its actor is

- the party named after "đề nghị / yêu cầu / giao" ("Sở GD&ĐT đề nghị *thủ trưởng các đơn
  vị* tổ chức …"),
- else the subject before the first work verb, when it is an organisation or a role
  ("*Còn Sở GD&ĐT Hà Nội* sẽ chủ động phối hợp …"),
- else the last actor named in the same section (a sentence without a subject continues the
  previous one), or the document's addressee ("… trân trọng đề nghị *Ủy ban nhân dân các
  tỉnh* … chỉ đạo và thực hiện", the "Kính gửi" list).

Everything returned is verbatim text with offsets; nothing is rephrased.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from corpus.models import Document, Passage
from corpus.text import bare_view, folded_view
from retrieval.answers.quoting import (
    ELLIPSIS,
    SCOPE_ARTICLE,
    Span,
    clause_spans,
    clipped_end,
    cut_text,
    sentence_spans,
    unmarked,
)
from retrieval.query import actor_key

MAX_ACTION_CHARS = 300
MAX_ACTOR_WORDS = 24
UNNAMED_ACTOR = "Cơ quan, đơn vị nhận văn bản"

# Work verbs, folded (with diacritics). The first one after the start of a clause ends the
# subject. Longer phrases first so "có trách nhiệm" wins over "có".
_VERBS = sorted(
    """có trách nhiệm|chịu trách nhiệm|có nhiệm vụ|phải|cần|sẽ|chủ trì|phối hợp|tham mưu|
    xây dựng|tổ chức|chỉ đạo|triển khai|thực hiện|hướng dẫn|báo cáo|kiểm tra|rà soát|ban hành|
    bảo đảm|đảm bảo|quán triệt|nghiên cứu|tuyên truyền|tăng cường|hỗ trợ|bố trí|cập nhật|
    chủ động|nghiêm túc|khẩn trương|tiếp tục|gửi|nộp|cử|đề xuất|trình|giám sát|phát động|
    duy trì|thiết lập|lưu ý|nâng cao|đẩy mạnh|huy động|chuẩn bị|cung cấp|tổng hợp|theo dõi|
    phân công|xác định|thống nhất|quản lý|sử dụng|khai thác|phát huy|ưu tiên|rà soát|lập|
    tập trung|phổ biến|vận động|chăm lo|kịp thời|thường xuyên|không để|không được|nghiêm cấm|
    hoàn thành|hoàn thiện|ký kết|tạo điều kiện|chỉ đạo|giao|quản lí|tiếp nhận|xử lý|xử lí|
    công khai|giải quyết|lãnh đạo""".replace("\n", "").split("|"),
    key=len,
    reverse=True,
)
_VERB_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v.strip()) for v in _VERBS) + r")(?!\w)")

# Words that make a clause assign work at all (a subset of the verbs plus modal cues).
_CUE_RE = re.compile(
    r"(?<!\w)(?:đề nghị|yêu cầu|giao|có trách nhiệm|chịu trách nhiệm|có nhiệm vụ|phải|cần|"
    r"chủ trì|phối hợp|tham mưu|xây dựng|tổ chức|chỉ đạo|triển khai|thực hiện|hướng dẫn|"
    r"báo cáo|kiểm tra|rà soát|ban hành|bảo đảm|đảm bảo|quán triệt|bố trí|cập nhật|khẩn trương|"
    r"hỗ trợ|tăng cường|không để|nghiêm cấm|hoàn thành|lưu ý|sử dụng|xác định|ưu tiên|gửi|nộp|"
    r"cử|tổng hợp|đăng ký|chuẩn bị|theo dõi|giám sát|phổ biến|tuyên truyền|chủ động|"
    r"quản lý|quản lí|thiết lập|tiếp nhận|xử lý|xử lí|công khai|giải quyết)(?!\w)"
)
_REQUEST_RE = re.compile(
    r"(?<!\w)(?:trân trọng |kính |tiếp tục )?(?:đề nghị|yêu cầu|giao cho|giao)\s+"
)
# Openers that carry no meaning for the subject ("Còn", "Đồng thời,", list markers).
_LEAD_RE = re.compile(
    r"^(?:[-+•*–]\s*|(?:\d+(?:\.\d+)*[.)]|[a-zđ]\))\s*(?:\[\d{1,3}\]\s*)?)?"
    r"(?:(?:còn|đồng thời|ngoài ra|cùng với đó|mặt khác|theo đó|bên cạnh đó|sau đó|trong đó|"
    r"vì vậy|do đó|do vậy|để thực hiện các nội dung trên|để thực hiện nội dung trên)\s*,?\s*)*"
)
# A clause reporting what happened or is in progress does not assign work.
_REPORT_RE = re.compile(r"(?<!\w)(?:đã|đang|vừa|chưa)(?!\w)")
# "Giáo viên đang dạy học tại trường … phải …": "đang" describes the party, the duty is set.
_MODAL_RE = re.compile(r"(?:phải|cần|có trách nhiệm|chịu trách nhiệm|có nhiệm vụ)(?!\w)")
_AGREED_RE = re.compile(r"(?<!\w)đã thống nhất(?!\w)")
_NOT_DUTY_START = re.compile(
    r"^(?:căn cứ|kính gửi|nơi nhận|v/v|trân trọng|\[\s*\d*|\(\d+\)|"
    r"(?:thực hiện|theo) (?:nghị quyết|kế hoạch|công văn|quyết định|chỉ thị|thông tư|"
    r"nghị định|luật|hướng dẫn|chương trình|thông báo)(?!\w)[^,;]{0,60}? số)"
)
# Heads of actor phrases (folded), optionally after a quantifier.
_ACTOR_HEAD_RE = re.compile(
    r"^(?!trường hợp|cơ sở vật chất|hội nghị|vụ việc|bộ sách|sở thích|đoàn kết|ban hành)"
    r"(?:(?:các|những|mỗi|từng|toàn thể|tất cả)\s+)?(?:"
    r"sở|phòng|bộ|ban|ủy ban|ubnd|hđnd|thủ trưởng|hiệu trưởng|phó hiệu trưởng|giám đốc|"
    r"trưởng|lãnh đạo|người đứng đầu|công đoàn|liên đoàn|lđlđ|thường trực|đoàn|hội|chi bộ|"
    r"cấp ủy|đảng ủy|tỉnh ủy|thành ủy|huyện ủy|đơn vị|cơ quan|cơ sở giáo dục|cơ sở|nhà trường|"
    r"trường|giáo viên|nhà giáo|cán bộ|viên chức|công chức|người lao động|người sử dụng lao động|"
    r"học sinh|cha mẹ|gia đình|tổ chuyên môn|tổ trưởng|địa phương|văn phòng|vụ|cục|thanh tra|"
    r"chính phủ|thủ tướng|bộ trưởng|chủ tịch|hai bên|các bên|doanh nghiệp|mặt trận|"
    r"tổ chức công đoàn|tổ chức đảng|tổ chức, cá nhân|ngành|chính quyền|ủy ban nhân dân)(?!\w)"
)
_CLOSING_RE = re.compile(
    r"(?:trân trọng |kính )?đề nghị\s+(?P<actor>[^.;:\n]{3,160}?)\s+(?:chỉ đạo|nghiêm túc|"
    r"quan tâm|phối hợp|triển khai|tổ chức|thực hiện)[^.\n]{0,60}thực hiện\s*\.",
)

# Deadlines (folded text). Conditions such as "đã ban hành trước ngày …" are not deadlines.
_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?|\d{1,2} tháng \d{1,2}(?: năm \d{4})?"
_DEADLINE_RE = re.compile(
    rf"(?<!\w)(?:(?:trước|chậm nhất(?: là)?(?: vào)?|đến hết|hạn chót|hạn cuối)\s+(?:ngày\s+)?"
    rf"(?:{_DATE})"
    r"|trước khi (?:bắt đầu |kết thúc |khai giảng )?(?:năm học|học kỳ|khai giảng|vào lớp)"
    r"[^,;.]{0,25}"
    r"|trong thời hạn \d+ (?:ngày|tháng|năm)(?: làm việc)?(?: kể từ [^,;.()]{3,80})?"
    r"|(?:hằng|hàng|định kỳ(?: \d+ tháng)?)\s+(?:năm học|năm|quý|tháng|tuần|ngày)(?!\w)"
    r"|(?:ngay từ đầu|từ đầu|đầu|cuối) năm học(?: \d{4}\s*[-–]\s*\d{4})?"
    r"|trong năm học \d{4}\s*[-–]\s*\d{4}"
    r")"
)
_CONDITION_BEFORE = re.compile(
    r"(?<!\w)(?:phê duyệt|ban hành|được cấp|cấp|tuyển dụng|ký|có hiệu lực(?: thi hành)?)\s*$"
)
_PASSIVE = re.compile(r"(?<!\w)(?:được|bị)(?!\w)")
# A subject that defines ("Công đoàn là …") or permits ("… có thể …") assigns no work.
_DEFINES = re.compile(r"(?<!\w)(?:là|có thể|gồm|bao gồm)(?!\w)")
# Goals, purposes and principles state what is wanted, not who must do it.
_GOAL_START = re.compile(
    r"^(?:mục tiêu|mục đích|nhằm|phấn đấu|quan điểm|nguyên tắc|yêu cầu\s*:|ý nghĩa)(?!\w)"
)
# Parts that state goals, views, principles or criteria ("1. Mục tiêu", "2.1. Nguyên tắc",
# "2.2. Tiêu chí"): a sentence there without a party of its own says what is wanted, it gives
# the addressee no work ("Bảo đảm quyền học tập và cơ hội tiếp cận giáo dục;").
_FRAMING_PART = re.compile(
    r"(?:^|>\s*)(?:[\dIVXLC]+(?:\.\d+)*\.?\s+|[a-zđ]\)\s*)?"
    r"(?:mục tiêu|mục đích|quan điểm|nguyên tắc|tiêu chí)(?!\w)"
)
# The enacting formula of a preamble ("Chính phủ ban hành Nghị quyết về …", "Bộ trưởng … ban
# hành Thông tư quy định …"): the text itself, not work it assigns.
_ENACTING = re.compile(
    r"(?<!\w)ban hành\s+(?:nghị quyết|nghị định|thông tư|quyết định|luật|pháp lệnh|chỉ thị)"
    r"(?:\s+(?:này|về|quy định|hướng dẫn|sửa đổi|ban hành)|\s*[.;]?\s*$)",
    re.IGNORECASE,
)
# "Sở GD&ĐT hướng dẫn tổ chức Hội thi … như sau:": a lead-in; its items are the duties.
_LEAD_IN = re.compile(
    r"(?:như sau|sau đây|cụ thể|gồm|bao gồm|các nội dung|(?:yêu cầu|nội dung|việc|điều kiện|"
    r"nhiệm vụ|quy định|trường hợp)\s+sau)\s*:\s*$"
)
# Adverbs that open an unnamed party's duty before its verb ("- Trực tiếp lãnh đạo, chỉ đạo …").
_MANNER_ONLY = re.compile(
    r"(?:(?:trực tiếp|thường xuyên|tích cực|định kỳ|sâu sát|quyết liệt|kịp thời)\s*,?\s*)+"
)
# A basis before the party ("Trên cơ sở phương án đã được phê duyệt, người đứng đầu … có trách
# nhiệm …"): the party after the comma is the subject.
_BASIS_LEAD = re.compile(r"(?:trên cơ sở|sau khi)(?!\w)")  # matched at a clause's start
_TRAILING_AUX = re.compile(r"(?:\s+(?:đã|sẽ|cũng|đều|vẫn|luôn))+$", re.IGNORECASE)
_LEADER_OF = re.compile(
    r"\s+(?:các|sở|phòng|đơn vị|cơ quan|nhà trường|ubnd|ủy ban|bộ|ngành|địa phương|trường)(?!\w)"
)
_CONDITION_LEAD = re.compile(
    r"^(?:đối với|trong trường hợp|trường hợp|khi|nếu)(?!\w)[^;]{0,200}?(?<!\w)thì\s+"
)


@dataclass(frozen=True)
class Duty:
    """One work-assigning clause of a passage."""

    passage_id: int
    document_id: int
    section: str
    actor: str
    actor_key: str
    explicit: bool
    action: str
    start: int
    end: int
    deadline: str | None
    order: int
    to_addressee: bool = False  # the party is the document's addressee ("Kính gửi", closing)
    clause_end: int = 0  # where the whole clause ends when ``action`` is cut before it


# Roles staff name by another title: the principal is the head of the unit ("thủ trưởng đơn
# vị", "người đứng đầu") in dispatches addressed to units (Điều lệ trường: the principal heads
# the school).
_ROLE_ALIASES = {
    "hieu truong": ("thu truong", "nguoi dung dau"),
    "giam doc": ("thu truong", "nguoi dung dau"),
}


_UNIT_WORDS = {"truong", "nha", "don", "vi", "co", "quan", "minh"}


def actors_match(a: str, b: str) -> bool:
    """Whether two actor keys name the same party: one's words contain the other's, or the
    first one's head (its first two words, or a role's other titles) stands in the second and
    most of its words do ("công đoàn ngành giáo dục Long An" ~ "thường trực công đoàn ngành
    giáo dục và đào tạo")."""
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return False
    sa, sb = set(wa), set(wb)
    if sa <= sb or sb <= sa:
        return True
    head = " ".join(wa[:2])
    padded = f" {b} "
    if f" {head} " in padded and len(sa & sb) >= 0.6 * len(sa):
        return True
    # Under another title the head's own words are not in the other key: what qualifies it
    # ("hiệu trưởng trường mới" ~ "người đứng đầu cơ sở giáo dục mới") must be, bar the unit.
    qualifiers = set(wa[2:]) - _UNIT_WORDS
    return any(f" {title} " in padded and qualifiers <= sb
               for title in _ROLE_ALIASES.get(head, ()))


def _asked(actor: str | None, key: str) -> int:
    """How well a duty's actor is the party asked about: 2 when it names all of it ("giáo
    viên làm công tác chủ nhiệm" for "giáo viên chủ nhiệm"), 1 when it is a wider or related
    party ("giáo viên"), else 0."""
    if not actor or not actors_match(actor, key):
        return 0
    return 2 if set(actor.split()) <= set(key.split()) else 1


def default_actor(doc: Document) -> str:
    """Whom a document addresses when a sentence names nobody."""
    tail = doc.text
    folded = folded_view(tail)
    found = list(_CLOSING_RE.finditer(folded))
    if found:
        m = found[-1]
        actor = tail[m.start("actor") : m.end("actor")].strip(" ,")
        if _ACTOR_HEAD_RE.match(folded_view(actor)):
            return _capitalise(actor)
    recipients = [r.strip(" -;.") for r in doc.recipients if r.strip(" -;.")]
    if len(recipients) == 1:
        return _capitalise(recipients[0])
    return UNNAMED_ACTOR


def _capitalise(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if text else text


def _subject(text: str, folded: str, lo: int, hi: int) -> tuple[str | None, int]:
    """The actor phrase at ``lo`` (before the first work verb) and where the verb starts."""
    m = _first_verb(text, folded, lo, hi)
    if m is None:
        return None, -1
    phrase = _TRAILING_AUX.sub("", text[lo : m.start()].strip(" ,:")).strip(" ,:")
    folded_phrase = folded_view(phrase)
    if not phrase or _MANNER_ONLY.fullmatch(folded_phrase):
        return None, m.start()
    if (
        len(phrase.split()) > MAX_ACTOR_WORDS
        or not _ACTOR_HEAD_RE.match(folded_phrase)
        or _PASSIVE.search(folded_phrase)
        or _DEFINES.search(folded_phrase)
    ):
        return None, -1
    return phrase, m.start()


def _first_verb(text: str, folded: str, lo: int, hi: int) -> re.Match[str] | None:
    """The first work verb at or after ``lo`` that is not part of a proper name ("Ban *Xây
    dựng* Đảng") nor the head of an actor ("*Lãnh đạo* các đơn vị")."""
    for m in _VERB_RE.finditer(folded, lo, hi):
        if m.start() > lo and text[m.start()].isupper():
            continue
        if m.group(0) == "lãnh đạo" and _LEADER_OF.match(folded, m.end()):
            continue
        return m
    return None


def _actor_of(text: str, folded: str, span: Span) -> tuple[str | None, bool]:
    """(actor named in the clause or None, whether the clause is a duty at all)."""
    lo, hi = span
    lead = _LEAD_RE.match(folded[lo:hi])
    start = lo + (lead.end() if lead else 0)
    condition = _CONDITION_LEAD.match(folded[start:hi])
    if condition:
        start += condition.end()
    elif _BASIS_LEAD.match(folded, start, hi):
        start = _after_basis(text, folded, start, hi)
    clause = folded[start:hi]
    if (
        not clause
        or _NOT_DUTY_START.match(clause)
        or _GOAL_START.match(clause)
        or _LEAD_IN.search(clause)
        or not _CUE_RE.search(clause)
    ):
        return None, False
    request = _REQUEST_RE.search(folded, start, hi)
    if request and not _requester(text, folded, start, request.start()):
        request = None
    verb = _first_verb(text, folded, start, hi)
    if request and (verb is None or request.start() <= verb.start()):
        if _REPORT_RE.search(folded, start, request.start()):
            return None, False
        actor, _ = _subject(text, folded, request.end(), hi)
        return (_capitalise(actor) if actor else None), True
    actor, verb_at = _subject(text, folded, start, hi)
    if verb_at < 0:
        return None, False  # a subject we do not recognise as a party: descriptive text
    before_verb = folded[start:verb_at]
    if (_REPORT_RE.search(before_verb) and not _AGREED_RE.search(folded, start, hi)
            and not (actor and _MODAL_RE.match(folded, verb_at))):
        return None, False
    return (_capitalise(actor) if actor else None), True


def _after_basis(text: str, folded: str, lo: int, hi: int) -> int:
    """Where the party named after a basis clause starts ("trên cơ sở …, *người đứng đầu* …"),
    or ``lo`` when no comma within the next 300 characters is followed by the subject of a
    duty (a list in the basis, "viên chức quản lý, giáo viên và nhân viên tại …", is none)."""
    for comma in re.finditer(r",\s*", folded[lo : min(hi, lo + 300)]):
        at = lo + comma.end()
        if _ACTOR_HEAD_RE.match(folded[at:hi]) and _subject(text, folded, at, hi)[0]:
            return at
    return lo


def _past_long_basis(text: str, folded: str, clause: Span) -> Span:
    """``clause`` from the party on when a basis before it would push the duty itself past
    the quoted length ("Trên cơ sở phương án … phê duyệt, người đứng đầu … có trách nhiệm …")."""
    lo, hi = clause
    if hi - lo <= MAX_ACTION_CHARS:
        return clause
    lead = _LEAD_RE.match(folded[lo:hi])
    start = lo + (lead.end() if lead else 0)
    if not _BASIS_LEAD.match(folded, start, hi):
        return clause
    return _after_basis(text, folded, start, hi), hi


def _requester(text: str, folded: str, lo: int, hi: int) -> bool:
    """Whether what precedes "đề nghị" is nothing or the requesting party ("Sở GD&ĐT")."""
    phrase = text[lo:hi].strip(" ,")
    if not phrase:
        return True
    return len(phrase.split()) <= MAX_ACTOR_WORDS and bool(
        _ACTOR_HEAD_RE.match(folded_view(phrase))
    ) and _VERB_RE.search(folded_view(phrase)) is None


def deadlines(text: str) -> list[str]:
    """Deadline phrases of a clause, verbatim ("trước ngày 30/9/2026", "hằng năm")."""
    folded = folded_view(text)
    out: list[str] = []
    for m in _DEADLINE_RE.finditer(folded):
        phrase = text[m.start() : m.end()].strip(" ,")
        if phrase.lower().startswith("trước") and _CONDITION_BEFORE.search(folded[: m.start()]):
            continue
        if phrase not in out:
            out.append(phrase)
    return out


def _action_text(text: str, span: Span) -> tuple[str, int, int]:
    s, e = span
    cut = clipped_end(text, s, e, MAX_ACTION_CHARS)
    return cut_text(text, (s, cut), e), s, cut


def extract_duties(doc: Document, passages: Sequence[Passage]) -> list[Duty]:
    """Every duty in ``passages`` (one document, any order), in reading order.

    A clause without a subject takes the last actor named in the same section; at a new
    section, or before any actor is named, the document's addressee.
    """
    fallback = default_actor(doc)
    addressee = actor_key(fallback)
    out: list[Duty] = []
    current: str | None = None
    section: str | None = None
    order = 0
    for p in sorted(passages, key=lambda p: p.ordinal):
        if p.id is None:
            continue
        if p.section != section:
            section, current = p.section, None
        framing = bool(_FRAMING_PART.search(folded_view(p.heading or "")))
        text = p.text
        if SCOPE_ARTICLE.match(text.lstrip()):  # "Nghị quyết này áp dụng đối với: …"
            continue
        folded = folded_view(text)
        for sentence in sentence_spans(text):
            first_in_sentence = len(out)
            for clause in _clauses(text, folded, sentence):
                if _looks_like_heading(text, clause):
                    current = _heading_actor(text[clause[0] : clause[1]])
                    continue
                if out and out[-1].passage_id == p.id and _qualifies(
                    text, folded, clause, same_sentence=len(out) > first_in_sentence
                ):
                    out[-1] = _with_qualifier(out[-1], text, clause)
                    continue
                actor, is_duty = _actor_of(text, folded, clause)
                if actor:
                    current = actor
                if not is_duty or (framing and actor is None):
                    continue
                name = actor or current or fallback
                key = actor_key(name)
                duty_span = _past_long_basis(text, folded, clause)
                action, s, e = _action_text(text, duty_span)
                if CLOSING_FORMULA.search(" ".join(action.split())):
                    continue
                if not p.section and _ENACTING.search(action):
                    continue
                found = deadlines(text[clause[0] : clause[1]])
                out.append(
                    Duty(
                        passage_id=p.id,
                        document_id=p.document_id,
                        section=p.section,
                        actor=name,
                        actor_key=key,
                        explicit=actor is not None,
                        action=action,
                        start=s,
                        end=e,
                        deadline="; ".join(found) if found else None,
                        order=order,
                        to_addressee=key == addressee,
                        clause_end=duty_span[1],
                    )
                )
                order += 1
    return out


# "… đề nghị các đơn vị nghiêm túc triển khai thực hiện./.": the closing formula, not a duty.
CLOSING_FORMULA = re.compile(
    r"^.{0,60}?(?:nghiêm túc |khẩn trương )?(?:triển khai )?thực hiện(?: nghiêm túc)?"
    r"\s*(?:\./\.|\.)?$",
    re.IGNORECASE,
)
_TIME_LINE = re.compile(r"^(?:[-+•*–]\s*)?(?:thời hạn|thời gian thực hiện|tiến độ)\s*:")


def _qualifies(text: str, folded: str, clause: Span, *, same_sentence: bool) -> bool:
    """Whether ``clause`` only qualifies the duty before it: a "Thời hạn: …" line, or, in the
    same sentence, a clause without a party of its own that sets a deadline ("…; đối với nhà
    giáo đang học thì bảo đảm hoàn thành trước ngày 30/9/2026")."""
    lo, hi = clause
    piece = folded[lo:hi].lstrip(" -+•*–")
    if _TIME_LINE.match(piece):
        return True
    if not same_sentence or not deadlines(text[lo:hi]) or not text[lo:lo + 1].islower():
        return False
    actor, _ = _actor_of(text, folded, clause)
    return actor is None


def _with_qualifier(duty: Duty, text: str, clause: Span) -> Duty:
    """``duty`` extended over the qualifying ``clause`` (when it follows in the same text),
    the clause's deadline attached; a time line without a real deadline ("Khẩn trương") adds
    nothing."""
    found = deadlines(text[clause[0] : clause[1]])
    known = (duty.deadline or "").split("; ")
    deadline = "; ".join(d for d in dict.fromkeys([*known, *found]) if d) or None
    if _TIME_LINE.match(folded_view(text[clause[0] : clause[1]]).lstrip(" -+•*–")):
        return replace(duty, deadline=deadline)
    action, _, end = _action_text(text, (duty.start, clause[1]))
    return replace(duty, action=action, end=end, deadline=deadline, clause_end=clause[1])


def _clauses(text: str, folded: str, sentence: Span) -> list[Span]:
    """Clauses of a sentence; a clause without any verb (part of a list of parties) is
    joined to the next one."""
    out: list[Span] = []
    pending: int | None = None
    for s, e in clause_spans(text, sentence):
        if _VERB_RE.search(folded, s, e) is None and not text[s:e].rstrip().endswith("."):
            pending = s if pending is None else pending
            continue
        out.append((pending if pending is not None else s, e))
        pending = None
    if pending is not None:
        out.append((pending, sentence[1]))
    return out


_NUMBERING = r"(?:[IVXLC]+|[A-Z]|\d+(?:\.\d+)*|[a-zđ])[.)]"  # "II.", "2.1.", "b)"
_HEADING_NUMBER = re.compile(rf"^(?:Điều\s+\d+\w?[.:]|{_NUMBERING})\s*")
_RESPONSIBILITY_OF = re.compile(r"^(?:trách nhiệm|nhiệm vụ(?:,? quyền hạn)?)\s+của\s+")


def _heading_actor(line: str) -> str | None:
    """The party a heading names as the addressee of the items under it ("1. Bộ Giáo dục và
    Đào tạo", "Điều 6. Trách nhiệm của Ủy ban nhân dân cấp tỉnh"), or None."""
    body = _HEADING_NUMBER.sub("", unmarked(line).strip(), count=1).strip(" :")
    of = _RESPONSIBILITY_OF.match(folded_view(body))
    if of:
        body = body[of.end():]
    # a heading that asks or assigns rather than names: "c) Đề nghị Ban Thường vụ Tỉnh ủy",
    # "3. Giao Sở Giáo dục và Đào tạo": the request's own pattern
    addressed = _REQUEST_RE.match(folded_view(body))
    if addressed:
        body = body[addressed.end():]
    folded = folded_view(body)
    if (not body or len(body.split()) > MAX_ACTOR_WORDS or not _ACTOR_HEAD_RE.match(folded)
            or _VERB_RE.search(folded) or _DEFINES.search(folded)):
        return None
    return body


_ARTICLE_NUMBER = re.compile(r"Điều\s+\d+\w?\.\s*")  # "Điều 13. " before an article's title


def _looks_like_heading(text: str, span: Span) -> bool:
    """A numbered heading line without final punctuation ("2. Về việc tuyển dụng …"), or an
    article's title after its number ("Điều 13. Trách nhiệm của Hiệu trưởng")."""
    s, e = span
    line = text[s:e]
    if line.endswith((".", ";", ":", "?", "!", ELLIPSIS)) or "\n" in line:
        return False
    head = text[text.rfind("\n", 0, s) + 1 : s]
    line_start = not head.strip() or _ARTICLE_NUMBER.fullmatch(head) is not None
    line_end = e == len(text) or text[e : e + 1] == "\n"
    numbered = re.match(rf"^{_NUMBERING}\s", line) is not None
    return line_start and line_end and (len(line) <= 90 or (numbered and len(line) <= 250))


def rank_duties(
    duties: Iterable[Duty],
    *,
    terms: Sequence[str],
    actor: str | None,
    wants_deadline: bool,
    keep_unrelated: bool = True,
) -> list[Duty]:
    """Duties most relevant to a question first: the asked-about actor, words about the
    topic, a deadline when the question asks "khi nào / hạn", then reading order. Without
    ``keep_unrelated``, duties sharing no topic word are dropped when two or more do."""
    topic = {bare_view(t) for t in terms}

    def overlap(d: Duty) -> int:
        return len(set(re.findall(r"\w+", bare_view(d.action))) & topic)

    def score(d: Duty) -> tuple[int, int, int, int, int]:
        asked = _asked(actor, d.actor_key)
        timed = 1 if wants_deadline and d.deadline else 0
        shared = overlap(d)
        return (-asked, -min(shared, 1), -timed, -shared, d.order)

    ranked = sorted(duties, key=score)
    if not keep_unrelated and sum(1 for d in ranked if overlap(d)) >= 2:
        ranked = [
            d for d in ranked
            if overlap(d) or (actor and d.explicit and actors_match(actor, d.actor_key))
        ]
    return ranked
