"""Hostile uploads: each gets a clear error or is a no-op, and the corpus stays intact."""

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest

from corpus.ingest import ingest_bytes, ingest_paths
from corpus.store import CorpusStore
from tests.conftest import SAMPLES


def _nested_docx(depth: int) -> bytes:
    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    body = "<w:p><w:r><w:t>Đáy</w:t></w:r></w:p>"
    for _ in range(depth):
        body = f"<w:tbl><w:tr><w:tc>{body}</w:tc></w:tr></w:tbl>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                start = xml.index("<w:body>") + len("<w:body>")
                data = (xml[:start] + body + xml[start:]).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def _zip_bomb_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


HOSTILE = {
    "empty.txt": lambda: b"",
    "binary.txt": lambda: os.urandom(4096) + b"\0\0\0",
    "invalid-utf8.txt": lambda: bytes(range(0x80, 0x100)) * 64 + b"\0",
    "bomb.docx": _zip_bomb_docx,
    "nested.docx": lambda: _nested_docx(400),
    "huge.pdf": lambda: b"%PDF-1.4\n" + b"0" * (100 * 1024 * 1024),
    "corrupt.pdf": lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage",
    "scan.pdf": lambda: b"%PDF-1.4\n%%EOF",
    "macro.exe": lambda: b"MZ\x90\x00",
}


@pytest.fixture()
def populated(sqlite_store: CorpusStore) -> CorpusStore:
    assert all(o.ok for o in ingest_paths(sqlite_store, [SAMPLES]))
    return sqlite_store


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_and_corpus_intact(populated: CorpusStore, name: str) -> None:
    before = (populated.revision(), populated.count_documents(), populated.count_passages())
    outcome = ingest_bytes(populated, HOSTILE[name](), name)
    assert outcome.status == "failed", (name, outcome)
    assert outcome.message and "Traceback" not in outcome.message
    assert (populated.revision(), populated.count_documents(), populated.count_passages()) == before


def test_path_traversal_names_store_a_bare_name(populated: CorpusStore) -> None:
    text = "Thông báo số 99/TB-SGDĐT\nV/v lịch họp\n\nCác trường dự họp ngày 20/12.".encode()
    for name in ("../../etc/passwd.txt", "..\\..\\windows\\win.ini.txt", "/abs/path/tb.txt"):
        outcome = ingest_bytes(populated, text + name.encode(), name)
        assert outcome.ok, outcome
        doc = populated.get_document(outcome.document_id or 0)
        assert doc is not None and "/" not in doc.source_name and ".." not in doc.source_name


def test_duplicate_of_an_existing_document_is_a_no_op(populated: CorpusStore) -> None:
    before = (populated.revision(), populated.count_documents())
    seed = next(SAMPLES.glob("seed-000*"))
    outcome = ingest_bytes(populated, seed.read_bytes(), "ban-sao.txt")
    assert outcome.status == "unchanged"
    assert (populated.revision(), populated.count_documents()) == before


def test_a_folder_of_hostile_files_still_ingests_the_good_one(tmp_path: Path, sqlite_store: CorpusStore) -> None:
    for name in ("empty.txt", "binary.txt", "corrupt.pdf"):
        (tmp_path / name).write_bytes(HOSTILE[name]())
    (tmp_path / "good.txt").write_bytes(next(SAMPLES.glob("seed-000*")).read_bytes())
    outcomes = ingest_paths(sqlite_store, [tmp_path])
    assert sorted(o.source for o in outcomes if o.ok) == ["good.txt"]
    assert sqlite_store.count_documents() == 1
