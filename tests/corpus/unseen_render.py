"""The unseen documents (tests/corpus/unseen/*.txt) printed as an office prints them.

Each .txt holds a real document's text in the layout of ``samples/`` (blank-line paragraphs:
issuer block with number and "V/v", motto, place and date, body, "Nơi nhận", signer title,
signer name). This module lays it out as a Word file with the usual two-cell header table
and two-cell signature table, converts that to a text PDF with LibreOffice, and (through
:mod:`tests.corpus.scans`) prints, stamps and scans it. Run as a script to rewrite the
committed .docx and .pdf files::

    PYTHONPATH=$PWD python -m tests.corpus.unseen_render
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.corpus.scans import Scan, dispatch_layout, render_dispatch

UNSEEN = Path(__file__).with_name("unseen")


def to_docx(text: str) -> bytes:
    """A .docx of ``text``: header table, centred type name and title, body, signature table."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    layout = dispatch_layout(text)
    doc = Document()
    style = doc.styles["Normal"]
    # Offices print in Times New Roman; its metric twin here (Liberation) lacks Vietnamese
    # glyphs, and a per-glyph fallback font scatters the text layer: DejaVu covers it all.
    style.font.name = "DejaVu Serif"  # type: ignore[attr-defined]
    style.font.size = Pt(12)  # type: ignore[attr-defined]

    def cell_lines(cell, lines: list[str], bold_upto: int, italic_from: int | None = None) -> None:  # type: ignore[no-untyped-def]
        cell.paragraphs[0].text = ""
        for i, line in enumerate(lines):
            para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(line)
            run.bold = i < bold_upto
            run.italic = italic_from is not None and i >= italic_from

    number_at = next(i for i, ln in enumerate(layout.left) if ln.startswith("Số"))
    header = doc.add_table(rows=1, cols=2)
    cell_lines(header.rows[0].cells[0], layout.left, bold_upto=number_at)
    cell_lines(header.rows[0].cells[1], layout.right, bold_upto=2, italic_from=2)
    for para in layout.body:
        lines = para.splitlines()
        centred = para.isupper() or (len(lines) == 1 and lines[0].rstrip(":").isupper())
        for line in lines if all(ln.startswith("- ") for ln in lines[1:]) else [" ".join(lines)]:
            p = doc.add_paragraph()
            run = p.add_run(line)
            if centred:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.bold = True
    sign = doc.add_table(rows=1, cols=2)
    cell_lines(sign.rows[0].cells[0], layout.cc, bold_upto=1)
    signer = [*layout.signer[:-1], "", "", "", layout.signer[-1]] if layout.signer else []
    cell_lines(sign.rows[0].cells[1], signer, bold_upto=len(signer))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_pdf(docx: bytes) -> bytes:
    """The text PDF LibreOffice prints from ``docx``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.docx"
        src.write_bytes(docx)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(src)],
            check=True, capture_output=True, timeout=180,
        )
        return (Path(tmp) / "doc.pdf").read_bytes()


def to_scan(text: str, seed: int = 7) -> Scan:
    """``text`` printed, stamped, signed and scanned into an image-only PDF."""
    return render_dispatch(text, seed=seed)


def main() -> None:
    for path in sorted(UNSEEN.glob("*.txt")):
        docx = to_docx(path.read_text(encoding="utf-8"))
        path.with_suffix(".docx").write_bytes(docx)
        path.with_suffix(".pdf").write_bytes(to_pdf(docx))
        print(path.stem)


if __name__ == "__main__":
    main()
