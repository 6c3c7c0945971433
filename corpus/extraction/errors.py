"""The one error extraction raises, and the sentences several readers share."""

from __future__ import annotations

CORRUPT_DOCX = (
    "Tệp .docx bị hỏng hoặc không phải tài liệu Word; hãy mở và lưu lại tệp rồi gửi lại."
)


class ExtractionError(Exception):
    """A file that cannot be turned into text; ``str(e)`` is a Vietnamese sentence for users.

    ``code`` is a stable machine-readable reason (``empty``, ``too_large``, ``unsupported``,
    ``binary``, ``blank``, ``corrupt``, ``zip_bomb``, ``encrypted``, ``no_text_layer``,
    ``too_long``, ``timeout``, ``needs_libreoffice``, ``conversion_failed``, ``needs_ocr``,
    ``ocr_failed``).
    """

    def __init__(self, message: str, code: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


def too_long(max_chars: int) -> ExtractionError:
    """The error for a file whose text outgrows ``max_chars`` while it is being read."""
    return ExtractionError(
        f"Văn bản quá dài; giới hạn là {max_chars:,} ký tự.".replace(",", "."), "too_long"
    )
