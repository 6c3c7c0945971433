"""Zip-bomb and XML-entity guards for .docx containers, checked before any part is parsed.

Sizes are those declared in the zip central directory; zipfile never inflates a member past
its declared size (a member that inflates to more fails its CRC and is refused as corrupt),
so checking the declarations bounds memory. Each XML part is capped on its own
(:data:`MAX_XML_PART_BYTES`): parsing XML costs about ten times its size in memory and a
second of CPU per ~30 MB, so a document.xml of 190 MB (a 20 MB .docx, ratio 10, under the
ratio guard) is refused before anything is inflated.
"""

from __future__ import annotations

import io
import logging
import zipfile

from corpus.extraction.errors import CORRUPT_DOCX, ExtractionError
from corpus.sizes import human_size

logger = logging.getLogger(__name__)

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5_000
MAX_COMPRESSION_RATIO = 400  # only for members larger than 1 MiB
MAX_XML_PART_BYTES = 32 * 1024 * 1024
_MB = 1024 * 1024


def check_zip(data: bytes) -> None:
    """Raise :class:`ExtractionError` unless ``data`` is a sane Word zip container."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_sizes(infos)
            names = {info.filename for info in infos}
            if "word/document.xml" not in names and "[Content_Types].xml" not in names:
                raise ExtractionError(CORRUPT_DOCX, "corrupt")
            _check_xml_declarations(zf, infos)
    except ExtractionError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        logger.info("bad docx zip: %s", exc)
        raise ExtractionError(CORRUPT_DOCX, "corrupt") from None


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ExtractionError(
            "Tệp .docx có cấu trúc bất thường (quá nhiều thành phần).", "zip_bomb"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART_BYTES:
            raise ExtractionError(
                f"Tệp .docx có phần nội dung quá lớn ({human_size(info.file_size)} khi giải "
                f"nén; giới hạn {human_size(MAX_XML_PART_BYTES)}); hãy tách văn bản thành "
                "nhiều tệp nhỏ hơn.",
                "too_large",
            )
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


def _check_xml_declarations(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """No DOCTYPE or ENTITY declarations (billion laughs, external entities)."""
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and info.file_size:
            with zf.open(info) as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ExtractionError(
                    "Tệp .docx chứa khai báo XML không được phép (DOCTYPE/ENTITY).",
                    "corrupt",
                )
