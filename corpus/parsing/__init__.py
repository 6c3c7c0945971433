"""Metadata of a Vietnamese administrative document, read from its printed layout.

The layout (thể thức) follows Nghị định 30/2020/NĐ-CP, Phụ lục I: cơ quan chủ quản and cơ
quan ban hành in capitals at the top left, the national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA
VIỆT NAM / Độc lập - Tự do - Hạnh phúc", or "ĐẢNG CỘNG SẢN VIỆT NAM" for Party documents) at
the top right, "Số: …/…", "Địa danh, ngày … tháng … năm …", the type name in capitals with
its trích yếu (or "V/v …" under the number of a công văn), "Kính gửi: …", the body, and at
the end the signer block (quyền hạn "KT."/"TM."…, chức vụ, họ tên) and "Nơi nhận: …".

Text extracted from .docx/.pdf flattens the two header columns in either order, so the
parser looks at each header line for what it is rather than where it is. Documents without a
printed header (most of ``shared/corpus-samples``) fall back on the dataset's ``# title:``
line, then on the file name. :func:`parse_document` never raises.

Modules: ``document`` (the entry, :func:`parse_document`), ``header`` (the header block),
``recipients`` ("Kính gửi", "Nơi nhận"), ``signature`` (the signer block), ``issuer``,
``title`` (type and title), ``hints`` (dataset lines, file names), ``dates``, ``names``
(names printed in capitals), ``lines`` (line helpers), ``vocabulary`` (tables).
"""

from corpus.parsing.document import ParsedDocument, parse_document

__all__ = ["ParsedDocument", "parse_document"]
