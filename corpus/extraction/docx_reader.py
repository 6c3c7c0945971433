"""Text of a Word .docx: paragraphs and tables in document order."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

from corpus.extraction.errors import CORRUPT_DOCX, ExtractionError, too_long
from corpus.extraction.zipguard import check_zip

logger = logging.getLogger(__name__)

MAX_TABLE_NESTING = 20
_MOTTO = re.compile(r"CỘNG H[OÒ]A XÃ HỘI|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*-\s*Tự do", re.IGNORECASE)


def docx_text(data: bytes, max_chars: int) -> str:
    """The text of a .docx, or :class:`ExtractionError` for a broken or hostile file."""
    check_zip(data)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError) as exc:
            logger.info("docx not a Word document: %s", exc)
            raise ExtractionError(CORRUPT_DOCX, "corrupt") from None
        lines: list[str] = []
        size = 0
        for line in _docx_blocks(document.element.body, document, 0):
            lines.append(line)
            size += len(line) + 1
            if size > max_chars * 2:
                raise too_long(max_chars)
        return "\n".join(lines)
    except ExtractionError:
        raise
    except Exception as exc:  # lxml/zip/python-docx errors on malformed parts
        logger.info("docx extraction failed: %r", exc)
        raise ExtractionError(
            "Tệp .docx bị hỏng hoặc có cấu trúc XML bất thường; hãy mở và lưu lại tệp rồi gửi lại.",
            "corrupt",
        ) from None


def _docx_blocks(element: Any, parent: Any, depth: int) -> Iterator[str]:
    """Paragraphs and tables under a body/cell element, in document order."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    if depth > MAX_TABLE_NESTING:
        raise ExtractionError("Tệp .docx có bảng lồng nhau quá sâu, không xử lý.", "corrupt")
    for child in element.iterchildren():
        tag = child.tag
        if tag == qn("w:p"):
            yield Paragraph(child, parent).text
        elif tag == qn("w:tbl"):
            yield from _docx_table(child, parent, depth + 1)
            yield ""
        elif tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_blocks(content, parent, depth + 1)


def _docx_table(tbl: Any, parent: Any, depth: int) -> Iterator[str]:
    """A row of one-line cells becomes "a | b | c"; rows with multi-line cells (the header
    block of an official letter: issuer | national motto) become the cells' lines in turn.
    The header table of a letter (it holds the national motto) is read column by column, as
    printed: issuer, number and subject, then motto, place and date."""
    rows = list(_table_rows(tbl, parent, depth))
    if _is_letter_header(rows):
        width = max(len(cells) for cells in rows)
        for col in range(width):
            if col:
                yield ""
            for cells in rows:
                if col < len(cells):
                    yield from cells[col]
        return
    for cells in rows:
        if all(len(c) == 1 for c in cells):
            yield " | ".join(c[0] for c in cells)
        else:
            for i, cell in enumerate(cells):
                if i:
                    yield ""
                yield from cell


def _table_rows(tbl: Any, parent: Any, depth: int) -> Iterator[list[list[str]]]:
    """Each row's cells (each a list of non-blank lines); empty rows are skipped."""
    from docx.oxml.ns import qn

    for tr in tbl.iterchildren(qn("w:tr")):
        cells: list[list[str]] = []
        for tc in tr.iterchildren(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            if tc_pr is not None:
                vmerge = tc_pr.find(qn("w:vMerge"))
                if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                    continue  # continuation of a vertically merged cell: no own content
            lines = [ln for ln in _docx_blocks(tc, parent, depth) if ln.strip()]
            if lines:
                cells.append(lines)
        if cells:
            yield cells


def _is_letter_header(rows: list[list[list[str]]]) -> bool:
    if not rows or len(rows) > 8 or max(len(cells) for cells in rows) != 2:
        return False
    return any(_MOTTO.search(line) for cells in rows for cell in cells for line in cell)
