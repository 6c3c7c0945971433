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


# ----------------------------------------------------------- per-upload budgets (issue 19, 4)

_BUDGET_CHILD = """
import json, sys, time
from corpus.extraction import ExtractionError, extract_text
data = open(sys.argv[1], "rb").read()
started = time.process_time()
try:
    extract_text(data, sys.argv[2], max_bytes=len(data) + 1)
    code = "accepted"
except ExtractionError as exc:
    code = exc.code
status = open("/proc/self/status").read()  # VmHWM: this process's peak (ru_maxrss keeps the parent's)
peak_kb = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"code": code, "cpu": time.process_time() - started, "peak_mb": peak_kb / 1024}))
"""


def inflating_docx(xml_mb: int) -> bytes:
    """A .docx whose document.xml inflates to ``xml_mb`` MB of ordinary paragraphs."""
    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    para = '<w:p><w:r><w:t xml:space="preserve">Nhiệm vụ năm học số {:09d} của các đơn vị.</w:t></w:r></w:p>'
    count = xml_mb * 1024 * 1024 // len(para.format(0).encode())
    body = "".join(para.format(i) for i in range(count))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                start = xml.index("<w:body>") + len("<w:body>")
                data = (xml[:start] + body + xml[start:]).encode("utf-8")
            dst.writestr(item.filename, data)
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """A valid PDF of ``pages`` blank pages, written directly (pypdf takes seconds for 50,000)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _budget(tmp_path: Path, data: bytes, name: str) -> dict[str, float | str]:
    import json
    import subprocess
    import sys

    path = tmp_path / name
    path.write_bytes(data)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", _BUDGET_CHILD, str(path), name],
        capture_output=True, text=True, timeout=300, cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\n{name}: {len(data) / 2**20:.1f} MB -> {result}")
    return result


@pytest.mark.slow
def test_docx_inflating_to_190_mb_is_refused_cheaply(tmp_path: Path) -> None:
    data = inflating_docx(190)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size > 190 * 2**20
    result = _budget(tmp_path, data, "to-190mb.docx")
    assert result["code"] == "too_large"
    assert float(result["cpu"]) < 1.0 and float(result["peak_mb"]) < 250


@pytest.mark.slow
def test_pdf_of_50000_pages_is_refused_before_pages_are_built(tmp_path: Path) -> None:
    result = _budget(tmp_path, many_pages_pdf(50_000), "50000-trang.pdf")
    assert result["code"] == "too_long"
    assert float(result["cpu"]) < 1.0 and float(result["peak_mb"]) < 250


@pytest.mark.slow
def test_memory_is_given_back_after_the_largest_accepted_docx() -> None:
    import psutil

    from corpus.extraction import extract_text

    data = inflating_docx(30)
    process = psutil.Process()
    extract_text(next(SAMPLES.glob("seed-000*")).read_bytes(), "warm.txt")
    before = process.memory_info().rss
    text = extract_text(data, "lon.docx", max_chars=20_000_000).text
    assert len(text) > 1_000_000
    del text
    after = process.memory_info().rss
    print(f"\nRSS before {before >> 20} MB, after {after >> 20} MB")
    assert after - before < 100 * 2**20
