"""Word 97-2003 .doc through the real LibreOffice: a .docx made with python-docx is converted
to .doc by ``soffice`` at test time, then ingested through the normal path."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from corpus.extraction import extract_text, libreoffice
from corpus.ingest import ingest_bytes
from corpus.store import CorpusStore

pytestmark = pytest.mark.skipif(
    libreoffice._soffice() is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed"
)

HEADER = [
    ("UBND TỈNH LONG AN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 2468/SGDĐT-VP", "Long An, ngày 15 tháng 3 năm 2024"),
]
BODY = [
    "V/v tổ chức kiểm tra nội bộ năm học 2023-2024",
    "Kính gửi: Hiệu trưởng các trường trung học phổ thông.",
    "Sở Giáo dục và Đào tạo đề nghị các trường tổ chức kiểm tra nội bộ và gửi báo cáo về Sở trước ngày 30/4/2024.",
    "GIÁM ĐỐC",
    "Nguyễn Văn An",
]


def _docx() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=len(HEADER), cols=2)
    for row, (left, right) in zip(table.rows, HEADER, strict=True):
        row.cells[0].text, row.cells[1].text = left, right
    for line in BODY:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def real_doc(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A genuine Word 97-2003 file (OLE container) written by LibreOffice."""
    tmp = tmp_path_factory.mktemp("doc")
    (tmp / "cv-2468.docx").write_bytes(_docx())
    exe = libreoffice._soffice()
    assert exe is not None
    subprocess.run(
        [exe, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to",
         "doc", "--outdir", str(tmp), str(tmp / "cv-2468.docx")],
        check=True, capture_output=True, timeout=180,
    )
    data = (tmp / "cv-2468.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    return data


@pytest.mark.slow
def test_real_doc_is_converted_and_read(real_doc: bytes) -> None:
    result = extract_text(real_doc, "cv-2468.doc")
    assert result.format == "doc"
    for left, right in HEADER:
        assert left in result.text and right in result.text
    assert BODY[2] in result.text


@pytest.mark.slow
def test_real_doc_ingests_with_its_header(sqlite_store: CorpusStore, real_doc: bytes) -> None:
    outcome = ingest_bytes(sqlite_store, real_doc, "cv-2468.doc")
    assert outcome.ok and outcome.document_id is not None, outcome
    doc = sqlite_store.get_document(outcome.document_id)
    assert doc is not None
    assert (doc.number, doc.issuer, doc.parent_issuer) == ("2468/SGDĐT-VP", "Sở Giáo dục và Đào tạo", "UBND tỉnh Long An")
    assert doc.issue_date is not None and doc.issue_date.isoformat() == "2024-03-15"
    assert doc.subject == "tổ chức kiểm tra nội bộ năm học 2023-2024"


@pytest.mark.slow
def test_conversion_uses_a_private_profile_and_leaves_nothing(real_doc: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(libreoffice.tempfile, "tempdir", None)
    extract_text(real_doc, "cv-2468.doc")
    assert list(tmp_path.iterdir()) == []
    assert shutil.which("soffice") or shutil.which("libreoffice")
