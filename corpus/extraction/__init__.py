"""Text out of uploaded files: .txt/.md, .docx, .pdf (text layer, or OCR for scanned pages)
and .doc (via LibreOffice).

Everything a user can send ends either in an :class:`Extracted` (text cleaned with
:func:`corpus.text.clean_text`) or in an :class:`ExtractionError` whose message is one
Vietnamese sentence that can be shown to the user as is. No traceback ever reaches the user:
library errors on broken files are caught at this boundary and logged.

Modules: ``dispatch`` (:func:`extract_text`), ``plaintext`` (encodings), ``tcvn3`` (the legacy
TCVN3/ABC font encoding), ``syllables``, ``zipguard``, ``docx_reader``, ``pdf_reader``,
``ocr`` (scanned pages), ``libreoffice`` (.doc), ``memory`` (handing freed memory back),
``errors``.
"""

from corpus.extraction.dispatch import SUPPORTED_SUFFIXES, Extracted, extract_text
from corpus.extraction.errors import ExtractionError

__all__ = ["SUPPORTED_SUFFIXES", "Extracted", "ExtractionError", "extract_text"]
