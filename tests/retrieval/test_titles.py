"""Documents named by title or by a local issuer with its province (retrieval.titles)."""

from __future__ import annotations

import pytest

from corpus.models import Document
from corpus.store import CorpusStore
from retrieval.indexing import IndexBuilder
from retrieval.titles import TitleIndex, issuer_key, issuer_names

LONG_AN = Document(
    id=1, doc_type="Công văn", issuer="Sở Giáo dục và Đào tạo", parent_issuer="UBND tỉnh Long An",
    place="Long An", title="", text="",
)
LAW = Document(
    id=2, doc_type="Luật", issuer="Quốc hội", place="Hà Nội", subject="Công đoàn", title="",
    text="",
)
HANOI = Document(id=3, doc_type="Kế hoạch", issuer="Sở GD&ĐT Hà Nội", place="Hà Nội", title="",
                 text="")

# The seed question's issuer as staff type it.
LONG_AN_SPELLINGS = [
    "Sở GD&ĐT Long An yêu cầu các đơn vị làm gì?",
    "SGDĐT Long An yêu cầu các đơn vị làm gì",
    "Sở GDĐT tỉnh Long An yêu cầu gì về công đoàn",
    "UBND tỉnh Long An yêu cầu các đơn vị làm gì",
    "sgddt long an yeu cau gi",
    "so gd&dt long an yeu cau cac don vi lam gi",
    "Sở GD Long An yêu cầu gì",
    "Sở Giáo dục và Đào tạo Long An đề nghị gì",
]


def test_every_spelling_of_an_issuer_has_one_key() -> None:
    keys = {issuer_key(q.split(" yêu")[0].split(" yeu")[0].split(" đề")[0])
            for q in LONG_AN_SPELLINGS if "UBND" not in q and " GD " not in q}
    assert keys == {"so giao duc dao tao long an"}


def test_issuer_names_of_local_documents_only() -> None:
    assert issuer_names(LONG_AN) == {
        "so giao duc dao tao long an", "so giao duc long an", "uy ban nhan dan long an"
    }
    assert issuer_names(LAW) == set()  # Quốc hội signs in Hà Nội: not "Quốc hội Hà Nội"
    assert issuer_names(HANOI) == {"so giao duc dao tao ha noi", "so giao duc ha noi"}


@pytest.mark.parametrize("question", LONG_AN_SPELLINGS)
def test_a_question_naming_the_issuer_and_province_finds_its_documents(question: str) -> None:
    index = TitleIndex([LONG_AN, LAW, HANOI])
    assert index.issued(question) == {1}
    assert index.named(question) == set()


def test_another_province_or_no_province_names_nothing() -> None:
    index = TitleIndex([LONG_AN, LAW, HANOI])
    assert index.issued("Sở GD&ĐT yêu cầu các đơn vị làm gì") == set()
    assert index.issued("Sở GD&ĐT Hà Nội ký kết gì với công đoàn") == {3}
    assert index.issued("Quốc hội Hà Nội") == set()


@pytest.mark.parametrize("question", LONG_AN_SPELLINGS)
def test_the_seed_dispatch_comes_first_for_its_issuer(
    seeded_store: CorpusStore, question: str
) -> None:
    retriever = IndexBuilder(seeded_store, encoder=None)
    retriever.refresh()
    searcher = retriever.searcher
    hits = searcher.search(searcher.parse(question), k=3)
    doc = seeded_store.get_document(hits[0].document_id)
    assert doc is not None and doc.source_name.startswith("seed-000"), question


VIEN_CHUC = Document(id=4, doc_type="Luật", subject="Viên chức", title="", text="")
CBCC = Document(id=5, doc_type="Luật", subject="Cán bộ, công chức", title="", text="")
AMENDING = Document(id=6, doc_type="Luật", subject="sửa đổi, bổ sung một số điều của Luật Viên chức",
                    title="", text="")


@pytest.mark.parametrize(("question", "laws"), [
    # the law that amends Luật Viên chức is about viên chức too
    ("Viên chức có được góp vốn vào trường tư thục không?", {4, 6}),
    ("vien chuc nu dang nuoi con nho co bi biet phai khong", {4, 6}),
    ("cbcc co duoc tham gia dinh cong khong", {5}),
    ("Công đoàn cơ sở có quyền gì?", {2}),
])
def test_a_law_named_after_the_questions_subject_governs_it(
    question: str, laws: set[int]
) -> None:
    assert TitleIndex([LAW, VIEN_CHUC, CBCC, AMENDING, LONG_AN]).governing(question) == laws


@pytest.mark.parametrize("question", [
    "Nhà trường có trách nhiệm gì với công đoàn cơ sở?",  # the subject is the school
    "Hiệu trưởng phải làm gì theo Luật Viên chức?",  # named, not the subject
    "Sở GD&ĐT Long An yêu cầu các đơn vị làm gì?",
    "GV vien chuc bi danh gia khong hoan thanh nhiem vu thi sao",  # "viên chức" qualifies GV
])
def test_a_law_mentioned_outside_the_subject_does_not_govern(question: str) -> None:
    assert TitleIndex([LAW, VIEN_CHUC, CBCC, AMENDING, LONG_AN]).governing(question) == set()
