"""Section paths read as people cite them (retrieval.answers.model.readable_section)."""

from __future__ import annotations

import pytest

from retrieval.answers.model import readable_section


@pytest.mark.parametrize(
    ("section", "readable"),
    [
        ("Chương IV > Điều 26 > 3", "khoản 3 Điều 26"),
        ("Điều 5 > 2 > b", "điểm b khoản 2 Điều 5"),
        ("II > 2", "mục II.2"),
        ("A", "mục A"),  # a dispatch's lettered parts: "A. NHIỆM VỤ CHUNG", "B. …"
        ("B > I > 3", "mục B.I.3"),
        ("Phụ lục I", "Phụ lục I"),
        ("3 > 3.2 > c", "mục 3.2.c"),  # "3.2." already names its part 3
        ("4 > 4.4 > 4.4.2 > b", "mục 4.4.2.b"),
    ],
)
def test_sections_read_as_cited(section: str, readable: str) -> None:
    assert readable_section(section) == readable
