"""corpus.extraction: text out of .txt/.md/.docx/.pdf/.doc, and a clear error for everything else."""

from __future__ import annotations

import io
import stat
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfWriter

from corpus.extraction import (
    SUPPORTED_SUFFIXES,
    Extracted,
    ExtractionError,
    extract_text,
    libreoffice,
    pdf_reader,
    tcvn3,
    zipguard,
)

VN = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"
    "Kính gửi: các đơn vị trực thuộc Sở."
)


def _error(data: bytes, name: str, **kwargs: int) -> ExtractionError:
    with pytest.raises(ExtractionError) as info:
        extract_text(data, name, **kwargs)
    message = str(info.value)
    assert message and message[0].isupper() and message.endswith("."), message
    assert "Traceback" not in message
    return info.value


# --------------------------------------------------------------------------- helpers


def _to_cp1258(text: str) -> bytes:
    """Windows-1258 spells tone marks as combining characters after the base letter."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return bytes(out)


def _docx_bytes(build: object = None) -> bytes:
    document = docx.Document()
    if callable(build):
        build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF whose text layer is ``pages`` (Type0 font, Identity-H, ToUnicode).

    Character codes are the Unicode code points themselves, so the ToUnicode CMap is an
    identity over the characters used; no font program is embedded (not needed to extract).
    """
    chars = sorted({ord(c) for page in pages for line in page for c in line})
    cmap_lines = [f"<{c:04X}> <{c:04X}>" for c in chars]
    blocks = []
    for i in range(0, len(cmap_lines), 100):
        chunk = cmap_lines[i : i + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: str = "") -> bytes:
        return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"

    catalog = add(b"")  # filled below
    pages_obj = add(b"")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"
    )
    cid_font = add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Arial /CIDSystemInfo << "
        f"/Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor "
        f"{descriptor} 0 R /DW 500 >>".encode()
    )
    to_unicode = add(stream(cmap))
    font = add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /Arial /Encoding /Identity-H "
        f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>".encode()
    )
    kids = []
    for page in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
        for line in page:
            ops.append("<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*")
        ops.append("ET")
        content = add(stream("\n".join(ops).encode()))
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


# --------------------------------------------------------------------------- generic


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".docx", ".pdf", ".doc"} == SUPPORTED_SUFFIXES


def test_empty_file() -> None:
    err = _error(b"", "cong-van.txt")
    assert str(err) == "Tệp rỗng (0 byte)."
    assert err.code == "empty"


def test_whitespace_only() -> None:
    assert _error(b" \n\t\r\n  \n", "a.txt").code == "blank"


def test_oversized() -> None:
    err = _error(b"a" * 2000, "a.txt", max_bytes=1000)
    assert err.code == "too_large"
    assert "quá lớn" in str(err)


def test_too_many_chars() -> None:
    assert _error(("Nội dung văn bản. " * 200).encode(), "a.txt", max_chars=100).code == "too_long"


@pytest.mark.parametrize("name", ["a.exe", "bang-tinh.xlsx", "README", "anh.PNG"])
def test_unsupported_suffix(name: str) -> None:
    err = _error(b"data", name)
    assert err.code == "unsupported"
    assert "chưa được hỗ trợ" in str(err)


def test_suffix_case_and_path_are_ignored() -> None:
    result = extract_text(VN.encode(), "C:\\Users\\vt\\CONG VAN.TXT")
    assert result.format == "txt"


# --------------------------------------------------------------------------- text


def test_utf8() -> None:
    result = extract_text(VN.encode("utf-8"), "a.txt")
    assert result == Extracted(text=VN + "\n", format="txt", encoding="utf-8")


def test_utf8_bom_and_crlf() -> None:
    result = extract_text(b"\xef\xbb\xbf" + VN.replace("\n", "\r\n").encode(), "a.md")
    assert result.text == VN + "\n"
    assert result.format == "md"
    assert result.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    data = VN.encode(codec) if codec == "utf-16" else b"\xfe\xff" + VN.encode(codec)
    result = extract_text(data, "a.txt")
    assert result.text == VN + "\n"
    assert result.encoding == "utf-16"


def test_utf16_without_bom() -> None:
    result = extract_text(VN.encode("utf-16-le"), "a.txt")
    assert result.text == VN + "\n"


def test_nfd_input_is_normalised() -> None:
    result = extract_text(unicodedata.normalize("NFD", VN).encode(), "a.txt")
    assert result.text == VN + "\n"


def test_cp1258() -> None:
    text = (
        "Sở Giáo dục và Đào tạo đề nghị thủ trưởng các đơn vị tổ chức nghiên cứu quán triệt "
        "Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị về đổi mới tổ chức và hoạt "
        "động của Công đoàn Việt Nam trong tình hình mới."
    )
    result = extract_text(_to_cp1258(text), "cv.txt")
    assert result.encoding == "cp1258"
    assert result.text == text + "\n"


def test_tcvn3_is_converted() -> None:
    legacy = (
        "Céng hßa x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n"
        "QuyÕt ®Þnh cña Bé tr\u00adëng Bé Gi¸o dôc vµ §µo t¹o"
    )
    result = extract_text(legacy.encode("latin-1"), "cu.txt")
    assert result.encoding == "tcvn3"
    assert result.text == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"
        "Quyết định của Bộ trưởng Bộ Giáo dục và Đào tạo\n"
    )


def test_latin_languages_are_not_taken_for_tcvn3() -> None:
    spanish = "El señor Muñoz vivía en la montaña con su niño pequeño y su señora."
    assert tcvn3.fix_legacy_encoding(spanish) == spanish
    german = "Größere Müller über fünf Öfen in der Straße, schön und süß."
    assert tcvn3.fix_legacy_encoding(german) == german
    unicode_vn = "Hoà Bình, toà án hoà giải; Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert tcvn3.fix_legacy_encoding(unicode_vn) == unicode_vn


def test_binary_named_txt() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    err = _error(png, "van-ban.txt")
    assert err.code == "binary"
    assert "nhị phân" in str(err)


def test_binary_without_nul_bytes() -> None:
    noise = bytes((i * 37 + 11) % 32 for i in range(4000)).replace(b"\x00", b"\x01")
    assert _error(noise, "a.txt").code == "binary"


# --------------------------------------------------------------------------- docx


def _letter(document: docx.document.Document) -> None:
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = "UBND TỈNH LONG AN"
    left.add_paragraph("SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    left.add_paragraph("Số: /SGDĐT-TCCTTT")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    document.add_paragraph("Kính gửi: Các đơn vị trực thuộc Sở.")
    document.add_paragraph("Căn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị;")
    data = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("STT", "Đơn vị", "Hạn nộp"), ("1", "Trường THPT A", "30/11/2021")]):
        for c, value in enumerate(row):
            data.rows[r].cells[c].text = value
    document.add_paragraph("Sở Giáo dục và Đào tạo đề nghị các đơn vị thực hiện./.")


def test_docx_paragraphs_and_tables_in_order() -> None:
    result = extract_text(_docx_bytes(_letter), "cong-van.docx")
    assert result.format == "docx"
    assert result.encoding is None
    lines = [line for line in result.text.split("\n") if line]
    assert lines == [
        "UBND TỈNH LONG AN",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Số: /SGDĐT-TCCTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Kính gửi: Các đơn vị trực thuộc Sở.",
        "Căn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị;",
        "STT | Đơn vị | Hạn nộp",
        "1 | Trường THPT A | 30/11/2021",
        "Sở Giáo dục và Đào tạo đề nghị các đơn vị thực hiện./.",
    ]


def test_docx_merged_cells_are_not_repeated() -> None:
    def build(document: docx.document.Document) -> None:
        table = document.add_table(rows=2, cols=2)
        merged = table.cell(0, 0).merge(table.cell(0, 1))
        merged.text = "Tiêu đề gộp"
        table.cell(1, 0).text = "a"
        table.cell(1, 1).text = "b"

    text = extract_text(_docx_bytes(build), "a.docx").text
    assert text.count("Tiêu đề gộp") == 1
    assert "a | b" in text


def test_docx_tcvn3_font_text_is_converted() -> None:
    def build(document: docx.document.Document) -> None:
        document.add_paragraph("Céng hßa x· héi chñ nghÜa ViÖt Nam")
        document.add_paragraph("§éc lËp - Tù do - H¹nh phóc")

    text = extract_text(_docx_bytes(build), "cu.docx").text
    assert text == "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"


def test_docx_corrupt() -> None:
    err = _error(b"PK\x03\x04" + b"\x00garbage" * 50, "a.docx")
    assert err.code == "corrupt"
    assert ".docx" in str(err)


def test_docx_truncated() -> None:
    data = _docx_bytes(_letter)
    assert _error(data[: len(data) // 2], "a.docx").code == "corrupt"


def test_docx_not_a_zip() -> None:
    assert _error("Chỉ là văn bản".encode(), "a.docx").code == "corrupt"


def test_docx_zip_without_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    assert _error(buf.getvalue(), "a.docx").code == "corrupt"


def _rebuilt(replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_docx_bytes(_letter)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            zf.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def test_docx_zip_bomb_ratio() -> None:
    bomb = _rebuilt({}, {"word/media/bomb.bin": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 200_000
    err = _error(bomb, "bomb.docx")
    assert err.code == "zip_bomb"


def test_docx_zip_bomb_total_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipguard, "MAX_UNZIPPED_BYTES", 50_000)
    data = _rebuilt({}, {"word/media/big.bin": bytes(range(256)) * 400})
    assert _error(data, "big.docx").code == "zip_bomb"


def test_docx_declared_size_is_checked_not_trusted_blindly() -> None:
    """A central directory that claims a huge member is rejected before inflating anything."""
    data = bytearray(_rebuilt({}))
    cd = data.rfind(b"PK\x01\x02")  # last central-directory entry
    data[cd + 24 : cd + 28] = (3_000_000_000).to_bytes(4, "little")  # uncompressed size
    assert _error(bytes(data), "lie.docx").code in ("zip_bomb", "corrupt")


def test_docx_deeply_nested_xml() -> None:
    source = zipfile.ZipFile(io.BytesIO(_docx_bytes(_letter)))
    xml = source.read("word/document.xml").decode()
    nest = "<w:sdt><w:sdtContent>" * 3000 + "<w:p/>" + "</w:sdtContent></w:sdt>" * 3000
    bad = xml.replace("<w:body>", "<w:body>" + nest, 1).encode()
    assert _error(_rebuilt({"word/document.xml": bad}), "deep.docx").code == "corrupt"


def test_docx_doctype_rejected() -> None:
    source = zipfile.ZipFile(io.BytesIO(_docx_bytes(_letter)))
    xml = source.read("word/document.xml")
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol">]>'
    bad = xml.replace(b"?>", b"?>" + laughs, 1)
    assert _error(_rebuilt({"word/document.xml": bad}), "lol.docx").code == "corrupt"


# --------------------------------------------------------------------------- pdf


def test_pdf_text_layer() -> None:
    data = _pdf_bytes(
        [
            ["UBND TỈNH LONG AN", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: /SGDĐT-TCCTTT"],
            ["Căn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị;"],
        ]
    )
    result = extract_text(data, "cv.pdf")
    assert result.format == "pdf"
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in result.text
    assert "Căn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị;" in result.text
    assert result.text.index("UBND") < result.text.index("Căn cứ")


def test_pdf_rejoins_wrapped_lines() -> None:
    data = _pdf_bytes(
        [["Sở Giáo dục và Đào tạo đề nghị thủ trưởng các", "đơn vị tổ chức thực hiện."]]
    )
    text = extract_text(data, "a.pdf").text
    assert "thủ trưởng các đơn vị tổ chức thực hiện." in text


def test_pdf_line_end_hyphen_keeps_the_number() -> None:
    data = _pdf_bytes(
        [["quyết tâm thực hiện hiệu quả Nghị quyết số 71-", "NQ/TW trong năm học 2026-",
          "2027; bảo đảm thực hi-", "ện đúng tiến độ.", "- Xây dựng kế hoạch."]]
    )
    text = extract_text(data, "a.pdf").text
    assert "Nghị quyết số 71-NQ/TW trong năm học 2026-2027;" in text
    assert "bảo đảm thực hiện đúng tiến độ." in text
    assert "\n- Xây dựng kế hoạch." in text


def test_pdf_without_text_layer() -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    err = _error(buf.getvalue(), "scan.pdf")
    assert err.code == "no_text_layer"
    assert str(err).startswith("PDF không có lớp văn bản")


def test_pdf_encrypted_with_password() -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau", "chu-so-huu", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    err = _error(buf.getvalue(), "kin.pdf")
    assert err.code == "encrypted"
    assert "mật khẩu" in str(err)


def test_pdf_corrupt() -> None:
    assert _error(b"%PDF-1.4\n1 0 obj << /Type /Catalog", "a.pdf").code == "corrupt"
    assert _error(b"not a pdf at all", "a.pdf").code == "corrupt"


def test_pdf_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 1)
    data = _pdf_bytes([["Trang một có chữ."], ["Trang hai có chữ."]])
    assert _error(data, "a.pdf").code == "too_long"


# --------------------------------------------------------------------------- doc


def test_doc_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "_soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    err = _error(ole, "cu.doc")
    assert err.code == "needs_libreoffice"
    assert "LibreOffice" in str(err) and ".docx" in str(err)


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_doc_conversion_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = _fake_soffice(tmp_path, "exit 1\n")
    monkeypatch.setattr(libreoffice, "_soffice", lambda: script)
    assert _error(b"\xd0\xcf\x11\xe0" + b"\x01" * 600, "a.doc").code == "conversion_failed"


def test_doc_conversion_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = _fake_soffice(tmp_path, "sleep 30\n")
    monkeypatch.setattr(libreoffice, "_soffice", lambda: script)
    monkeypatch.setattr(libreoffice, "SOFFICE_TIMEOUT_S", 0.5)
    assert _error(b"\xd0\xcf\x11\xe0" + b"\x01" * 600, "a.doc").code == "timeout"


def test_docx_renamed_doc_is_read_as_docx() -> None:
    result = extract_text(_docx_bytes(_letter), "that-ra-la-docx.doc")
    assert result.format == "docx"


def test_docx_letter_header_table_is_read_column_by_column() -> None:
    def build(document: Any) -> None:
        table = document.add_table(rows=2, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Số: 12/SGDĐT-VP", "Long An, ngày 2 tháng 3 năm 2024"
        document.add_paragraph("Kính gửi: các trường.")

    text = extract_text(_docx_bytes(build), "cv.docx").text
    assert "|" not in text
    assert text.index("Số: 12/SGDĐT-VP") < text.index("CỘNG HÒA") < text.index("Long An, ngày")


def test_docx_xml_part_over_its_cap_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipguard, "MAX_XML_PART_BYTES", 2048)
    err = _error(_docx_bytes(lambda d: d.add_paragraph("Nhiệm vụ năm học. " * 400)), "lon.docx")
    assert err.code == "too_large" and "giới hạn" in str(err)
