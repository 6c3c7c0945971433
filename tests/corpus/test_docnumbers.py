import pytest

from corpus.docnumbers import find_numbers, numbers_in_question, parse_number


@pytest.mark.parametrize(
    ("printed", "key", "match_key"),
    [
        ("02-NQ/TW", "NQ 02-NQ/TW", "NQ:2"),
        ("37-KH/TU", "KH 37-KH/TU", "KH:37"),
        ("11276/UBND-VHXXH", "CV 11276", "CV:11276"),
        ("30/2020/NĐ-CP", "NĐ 30 2020", "ND:30"),
        ("43/2019/QH14", "L 43 2019", "L:43"),
        ("131/QĐ-TTg", "QĐ 131", "QD:131"),
        ("5208/BGDĐT-GDPT", "CV 5208", "CV:5208"),
        ("02/NQ-TW", "NQ 02", "NQ:2"),
    ],
)
def test_printed_numbers(printed: str, key: str, match_key: str) -> None:
    num = parse_number(printed)
    assert num is not None
    assert (num.key, num.match_key) == (key, match_key)


def test_blank_number_keeps_symbol() -> None:
    num = parse_number("Số: /SGDDĐT-TCCTTT")
    assert num is not None and num.number is None
    assert num.printed == "/SGDDĐT-TCCTTT" and num.match_key is None and num.identity is None


def test_year_completes_the_key() -> None:
    num = parse_number("02-NQ/TW")
    assert num is not None and num.with_year(2021).key == "NQ 02-NQ/TW 2021"


@pytest.mark.parametrize(
    "question",
    ["các đơn vị phải làm gì theo NQ 02?", "cac don vi phai lam gi theo nq 02",
     "nghị quyết số 02", "nghi quyet 02", "Nghị quyết 02-NQ/TW", "theo 02/NQ-TW"],
)
def test_every_spelling_meets_the_same_key(question: str) -> None:
    assert [n.match_key for n in numbers_in_question(question)] == ["NQ:2"]


def test_find_numbers_in_prose_in_order() -> None:
    text = "Căn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021; Thực hiện Công văn số 11276/UBND-VHXXH"
    assert [n.match_key for _, n in find_numbers(text)] == ["NQ:2", "CV:11276"]


def test_dates_are_not_numbers() -> None:
    assert find_numbers("ngày 12/6/2021 và năm học 2018 - 2019") == []
