"""Text out of uploaded files: .txt/.md, .docx, .pdf (text layer) and .doc (via LibreOffice).

Everything a user can send ends either in an :class:`Extracted` (text cleaned with
:func:`corpus.text.clean_text`) or in an :class:`ExtractionError` whose message is one
Vietnamese sentence that can be shown to the user as is. No traceback ever reaches the user:
library errors on broken files are caught at this boundary and logged.

Legacy Vietnamese "font encodings": text typed with the TCVN3 (ABC, ``.VnTime``) fonts is
stored as Latin-1 code points ("Céng hßa x· héi") in .txt, .doc/.docx and PDF text layers
alike. It is recognised line by line (characters that Unicode Vietnamese never uses, and the
converted words must be valid Vietnamese syllables) and converted to Unicode. VNI-Windows
text ("Coäng hoøa") is *not* converted: it needs a multi-character table and its marks
collide with ordinary Latin-1 text, so it is left as is (it still reads, badly).
"""

from __future__ import annotations

import codecs
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from corpus.sizes import human_size
from corpus.text import clean_text

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".docx", ".pdf", ".doc"})

# Zip-bomb guards for .docx (sizes as declared in the zip central directory; zipfile never
# inflates a member past its declared size, so checking the declarations bounds memory).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
MAX_COMPRESSION_RATIO = 400  # only for members larger than 1 MiB
MAX_TABLE_NESTING = 20
# PDF bounds.
MAX_PDF_PAGES = 3_000
PDF_TIME_BUDGET_S = 120.0
# LibreOffice conversion of .doc.
SOFFICE_TIMEOUT_S = 120.0

_MB = 1024 * 1024


class ExtractionError(Exception):
    """A file that cannot be turned into text; ``str(e)`` is a Vietnamese sentence for users.

    ``code`` is a stable machine-readable reason (``empty``, ``too_large``, ``unsupported``,
    ``binary``, ``blank``, ``corrupt``, ``zip_bomb``, ``encrypted``, ``no_text_layer``,
    ``too_long``, ``timeout``, ``needs_libreoffice``, ``conversion_failed``).
    """

    def __init__(self, message: str, code: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str  # "txt" | "md" | "docx" | "pdf" | "doc"
    encoding: str | None


def extract_text(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    max_chars: int = 3_000_000,
) -> Extracted:
    """Extract and clean the text of one uploaded file, or raise :class:`ExtractionError`."""
    name = re.split(r"[\\/]", filename or "")[-1]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"“{suffix}”" if suffix else "không có phần mở rộng"
        raise ExtractionError(
            f"Định dạng tệp {shown} chưa được hỗ trợ; hãy gửi tệp .docx, .pdf, .txt, .md "
            "hoặc .doc.",
            "unsupported",
        )
    if not data:
        raise ExtractionError("Tệp rỗng (0 byte).", "empty")
    if len(data) > max_bytes:
        raise ExtractionError(
            f"Tệp quá lớn ({human_size(len(data))}); giới hạn là {human_size(max_bytes)}.",
            "too_large",
        )

    encoding: str | None = None
    if suffix in (".txt", ".md"):
        raw, encoding = _decode_text(data)
        fmt = suffix[1:]
    elif suffix == ".pdf":
        raw, fmt = _pdf_text(data, max_chars), "pdf"
    elif data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        # A .doc that is really a .docx is read as .docx (and vice versa below).
        raw, fmt = _docx_text(data, max_chars), "docx"
    elif suffix == ".docx" and not data.startswith(_OLE_MAGIC):
        raise ExtractionError(
            "Tệp .docx bị hỏng hoặc không phải tài liệu Word; hãy mở và lưu lại tệp rồi gửi lại.",
            "corrupt",
        )
    else:
        # Word 97-2003 (.doc), or a password-protected / renamed .docx (an OLE container).
        raw, fmt = _doc_text(data, max_chars), "doc"

    raw = fix_legacy_encoding(raw)
    text = clean_text(raw, rejoin_wrapped=fmt == "pdf")
    if not text.strip():
        raise ExtractionError("Tệp không có nội dung văn bản (chỉ có khoảng trắng).", "blank")
    if len(text) > max_chars:
        raise ExtractionError(
            f"Văn bản quá dài ({len(text):,} ký tự); giới hạn là {max_chars:,} ký tự.".replace(
                ",", "."
            ),
            "too_long",
        )
    return Extracted(text=text, format=fmt, encoding=encoding)


# --------------------------------------------------------------------------- plain text

_UTF32_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_BINARY_ERROR = (
    "Tệp không phải văn bản thuần (có vẻ là tệp nhị phân); hãy gửi tệp .txt, .docx hoặc .pdf."
)


def _decode_text(data: bytes) -> tuple[str, str]:
    """Decode a .txt/.md file: BOMs, UTF-8, BOM-less UTF-16, TCVN3, then charset-normalizer."""
    for bom, enc in _UTF32_BOMS:
        if data.startswith(bom):
            return _checked(data[len(bom) :].decode(enc, errors="replace")), "utf-32"
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:].decode("utf-8", errors="replace")), "utf-8-sig"
    for bom, enc in _UTF16_BOMS:
        if data.startswith(bom):
            return _checked(data[len(bom) :].decode(enc, errors="replace")), "utf-16"

    if b"\x00" in data:
        enc16 = _bomless_utf16(data)
        if enc16 is None:
            raise ExtractionError(_BINARY_ERROR, "binary")
        return _checked(data.decode(enc16, errors="replace")), enc16

    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass

    # TCVN3 bytes are Latin-1 code points; check them before a statistical guess, which
    # would happily call them cp1258 or cp1252.
    latin1 = data.decode("latin-1")
    if _is_tcvn3_document(latin1):
        return _checked(latin1), "tcvn3"

    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ExtractionError(_BINARY_ERROR, "binary")
    text, enc = str(best), best.encoding
    # Vietnamese tie-break: Windows-1258 prints tone marks as combining characters, which
    # statistical detectors sometimes rank below a Central-European code page.
    if enc != "cp1258":
        try:
            alt = data.decode("cp1258")
        except UnicodeDecodeError:
            alt = ""
        if alt and _vietnamese_score(alt) > _vietnamese_score(text) + 0.05:
            text, enc = alt, "cp1258"
    return _checked(text), enc


def _bomless_utf16(data: bytes) -> str | None:
    sample = data[:8192]
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    zero_even = even.count(0) / len(even)
    zero_odd = odd.count(0) / len(odd)
    if zero_odd > 0.3 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def _checked(text: str) -> str:
    """Reject decoded "text" that is mostly control characters or replacement marks."""
    sample = text[:200_000]
    if not sample:
        return text
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd"
        or (unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\t\n\r\f\v")
    )
    if bad / len(sample) > 0.02:
        raise ExtractionError(_BINARY_ERROR, "binary")
    return text


_VN_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")


def _vietnamese_score(text: str) -> float:
    """Share of words that are valid Vietnamese syllables with Vietnamese-only letters."""
    words = _WORDS.findall(text[:100_000])
    if not words:
        return 0.0
    good = sum(
        1
        for w in words
        if _VN_ONLY.search(unicodedata.normalize("NFC", w)) and is_vietnamese_syllable(w)
    )
    return good / len(words)


# --------------------------------------------------------------------------- TCVN3 (ABC)

# TCVN 5712:1993 VN3 ("ABC", .VnTime fonts): lower-case letters with diacritics live at
# Latin-1 code points; upper-case letters with tone marks use separate fonts (.VnTimeH)
# with the same codes, so they come out in lower case (fixed per line below).
_TCVN3_SOURCE = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\u00adõøö÷ùúýûüþ¡¢§£¤¥¦"
_TCVN3_TARGET = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_TCVN3_TABLE = str.maketrans(_TCVN3_SOURCE, _TCVN3_TARGET)
# Latin-1 letters that Unicode Vietnamese uses itself; every other TCVN3 code point is a
# signal of TCVN3 (or of another Latin language, which the syllable check rules out).
_VN_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_TCVN3_SIGNAL = frozenset(set(_TCVN3_SOURCE) - _VN_LATIN1)
_TCVN3_SIGNAL_RE = re.compile("[" + re.escape("".join(sorted(_TCVN3_SIGNAL))) + "]")
_NON_LATIN1_VN = re.compile(r"[\u0100-\u1ef9]")
_WORDS = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’<>/\\|=+*&%$#@^~`_-]+")

_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def is_vietnamese_syllable(word: str) -> bool:
    """A plausible Vietnamese syllable: onset, one to three vowels, coda, at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


def _tcvn3_line(line: str) -> str | None:
    """The line converted from TCVN3, or None when it does not look like TCVN3."""
    if not _TCVN3_SIGNAL_RE.search(line) or _NON_LATIN1_VN.search(line):
        return None
    converted = line.translate(_TCVN3_TABLE)
    words = [w for w in _WORDS.findall(line) if _TCVN3_SIGNAL_RE.search(w)]
    if not words:
        return None
    good = sum(1 for w in words if is_vietnamese_syllable(w.translate(_TCVN3_TABLE)))
    if good / len(words) < 0.7:
        return None
    letters = [ch for ch in line if "A" <= ch <= "Z" or "a" <= ch <= "z"]
    if len(letters) >= 3 and all(ch.isupper() for ch in letters):
        converted = converted.upper()  # typed with an upper-case .VnTimeH font
    return converted


def _is_tcvn3_document(text: str) -> bool:
    sample = text[:200_000]
    words = _WORDS.findall(sample)
    signal_words = [w for w in words if _TCVN3_SIGNAL_RE.search(w)]
    if len(signal_words) < 3 or len(signal_words) < 0.1 * len(words):
        return False
    if len(_NON_LATIN1_VN.findall(sample)) > len(signal_words):
        return False
    good = sum(1 for w in signal_words if is_vietnamese_syllable(w.translate(_TCVN3_TABLE)))
    return good >= 0.8 * len(signal_words)


def fix_legacy_encoding(text: str) -> str:
    """Convert TCVN3 (ABC) lines to Unicode when the whole text looks like TCVN3."""
    if not _TCVN3_SIGNAL_RE.search(text[:200_000]) or not _is_tcvn3_document(text):
        return text
    out = []
    for line in text.split("\n"):
        converted = _tcvn3_line(line)
        out.append(line if converted is None else converted)
    return "\n".join(out)


# --------------------------------------------------------------------------- .docx

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CORRUPT_DOCX = (
    "Tệp .docx bị hỏng hoặc không phải tài liệu Word; hãy mở và lưu lại tệp rồi gửi lại."
)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_ZIP_MEMBERS:
                raise ExtractionError(
                    "Tệp .docx có cấu trúc bất thường (quá nhiều thành phần).", "zip_bomb"
                )
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > _MB and info.file_size > MAX_COMPRESSION_RATIO * max(
                    info.compress_size, 1
                ):
                    raise ExtractionError(
                        "Tệp .docx có dấu hiệu nén bất thường (zip bomb), không xử lý.",
                        "zip_bomb",
                    )
            if total > MAX_UNZIPPED_BYTES:
                raise ExtractionError(
                    f"Tệp .docx khi giải nén quá lớn ({human_size(total)}), không xử lý.",
                    "zip_bomb",
                )
            if "word/document.xml" not in names and "[Content_Types].xml" not in names:
                raise ExtractionError(_CORRUPT_DOCX, "corrupt")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and info.file_size:
                    with zf.open(info) as fh:
                        head = fh.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise ExtractionError(
                            "Tệp .docx chứa khai báo XML không được phép (DOCTYPE/ENTITY).",
                            "corrupt",
                        )
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        logger.info("bad docx zip: %s", exc)
        raise ExtractionError(_CORRUPT_DOCX, "corrupt") from None


def _docx_text(data: bytes, max_chars: int) -> str:
    _check_zip(data)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError) as exc:
            logger.info("docx not a Word document: %s", exc)
            raise ExtractionError(_CORRUPT_DOCX, "corrupt") from None
        lines: list[str] = []
        size = 0
        for line in _docx_blocks(document.element.body, document, 0):
            lines.append(line)
            size += len(line) + 1
            if size > max_chars * 2:
                raise ExtractionError(
                    f"Văn bản quá dài; giới hạn là {max_chars:,} ký tự.".replace(",", "."),
                    "too_long",
                )
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
    block of an official letter: issuer | national motto) become the cells' lines in turn."""
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
        if not cells:
            continue
        if all(len(c) == 1 for c in cells):
            yield " | ".join(c[0] for c in cells)
        else:
            for i, cell in enumerate(cells):
                if i:
                    yield ""
                yield from cell


# --------------------------------------------------------------------------- .pdf


def _pdf_text(data: bytes, max_chars: int) -> str:
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("Tệp không phải PDF hợp lệ (thiếu phần đầu %PDF).", "corrupt")
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                decrypted = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                logger.info("pdf encryption not supported: %s", exc)
                raise ExtractionError(
                    "PDF được mã hóa theo chuẩn chưa hỗ trợ; hãy gỡ mật khẩu/mã hóa rồi gửi lại.",
                    "encrypted",
                ) from None
            if not decrypted:
                raise ExtractionError(
                    "PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi gửi lại.", "encrypted"
                )
        n_pages = len(reader.pages)
        if n_pages > MAX_PDF_PAGES:
            raise ExtractionError(
                f"PDF có quá nhiều trang ({n_pages}); giới hạn là {MAX_PDF_PAGES} trang.",
                "too_long",
            )
        deadline = time.monotonic() + PDF_TIME_BUDGET_S
        pages: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text)
            size += len(text)
            if size > max_chars * 2:
                raise ExtractionError(
                    f"Văn bản quá dài; giới hạn là {max_chars:,} ký tự.".replace(",", "."),
                    "too_long",
                )
            if time.monotonic() > deadline:
                raise ExtractionError(
                    "Đọc tệp PDF quá thời gian cho phép; hãy tách tệp nhỏ hơn hoặc gửi bản .docx.",
                    "timeout",
                )
    except ExtractionError:
        raise
    except FileNotDecryptedError:
        raise ExtractionError(
            "PDF được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu rồi gửi lại.", "encrypted"
        ) from None
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        logger.info("pdf extraction failed: %r", exc)
        raise ExtractionError(
            "Tệp PDF bị hỏng hoặc không đọc được; hãy xuất lại PDF hoặc gửi bản .docx.",
            "corrupt",
        ) from None

    joined = "\f".join(pages)
    letters = sum(1 for ch in joined if ch.isalpha())
    if letters < 20:
        raise ExtractionError(
            "PDF không có lớp văn bản (bản scan?); hãy gửi bản .docx hoặc PDF đã nhận dạng "
            "chữ (OCR).",
            "no_text_layer",
        )
    readable = sum(1 for ch in joined if ch.isalpha() and unicodedata.category(ch) != "Co")
    if readable < 0.5 * letters:
        raise ExtractionError(
            "PDF có lớp văn bản nhưng phông chữ không có bảng mã Unicode nên không đọc được; "
            "hãy gửi bản .docx.",
            "no_text_layer",
        )
    return joined


# --------------------------------------------------------------------------- .doc


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _doc_text(data: bytes, max_chars: int) -> str:
    exe = _soffice()
    if exe is None:
        raise ExtractionError(
            "Không đọc được tệp .doc (Word 97-2003) vì máy chủ chưa cài LibreOffice; hãy mở "
            "tệp bằng Word và lưu thành .docx rồi gửi lại (hoặc nhờ quản trị cài LibreOffice).",
            "needs_libreoffice",
        )
    with tempfile.TemporaryDirectory(prefix="chinam-doc-") as tmp:
        tmpdir = Path(tmp)
        src = tmpdir / "input.doc"
        src.write_bytes(data)
        outdir = tmpdir / "out"
        outdir.mkdir()
        profile = (tmpdir / "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "docx",
            "--outdir",
            str(outdir),
            str(src),
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                cwd=tmp,
                start_new_session=True,  # soffice forks soffice.bin: kill the whole group
            )
        except OSError as exc:
            logger.warning("cannot start %s: %s", exe, exc)
            raise ExtractionError(
                "Không chạy được LibreOffice để chuyển tệp .doc; hãy lưu tệp thành .docx rồi "
                "gửi lại.",
                "conversion_failed",
            ) from None
        try:
            _out, err = proc.communicate(timeout=SOFFICE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ExtractionError(
                "Chuyển đổi tệp .doc quá thời gian cho phép; hãy lưu tệp thành .docx rồi gửi lại.",
                "timeout",
            ) from None
        converted = outdir / "input.docx"
        if proc.returncode != 0 or not converted.is_file():
            logger.info("soffice failed (%s): %s", proc.returncode, err[-2000:])
            raise ExtractionError(
                "LibreOffice không chuyển đổi được tệp .doc này (tệp hỏng hoặc có mật khẩu?); "
                "hãy lưu tệp thành .docx rồi gửi lại.",
                "conversion_failed",
            )
        return _docx_text(converted.read_bytes(), max_chars)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        logger.warning("soffice process %s did not exit after SIGKILL", proc.pid)
