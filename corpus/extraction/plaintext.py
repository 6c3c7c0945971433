"""Decoding .txt/.md bytes: BOMs, UTF-8, BOM-less UTF-16, TCVN3, then a statistical guess."""

from __future__ import annotations

import codecs
import unicodedata

from corpus.extraction.errors import ExtractionError
from corpus.extraction.syllables import vietnamese_score
from corpus.extraction.tcvn3 import is_tcvn3_document

_UTF32_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_BINARY_ERROR = (
    "Tệp không phải văn bản thuần (có vẻ là tệp nhị phân); hãy gửi tệp .txt, .docx hoặc .pdf."
)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a .txt/.md file, or :class:`ExtractionError` ("binary")."""
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
    if is_tcvn3_document(latin1):
        return _checked(latin1), "tcvn3"
    return _guessed(data)


def _guessed(data: bytes) -> tuple[str, str]:
    """charset-normalizer's best guess, with a Vietnamese tie-break."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ExtractionError(_BINARY_ERROR, "binary")
    text, enc = str(best), best.encoding
    # Windows-1258 prints tone marks as combining characters, which statistical detectors
    # sometimes rank below a Central-European code page.
    if enc != "cp1258":
        try:
            alt = data.decode("cp1258")
        except UnicodeDecodeError:
            alt = ""
        if alt and vietnamese_score(alt) > vietnamese_score(text) + 0.05:
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
