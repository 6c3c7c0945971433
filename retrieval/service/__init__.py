"""The seam between the entry points (bot, admin app, command line) and the layers below.

Settings; the :class:`Runtime` that wires them to a store, an index and an answerer and
keeps the index current; and the operations every entry point offers the same way: finding
a document and its card (:mod:`~retrieval.service.catalog`), uploading a file
(:mod:`~retrieval.service.uploads`) or parsing it for confirmation first
(:mod:`~retrieval.service.previews`), a document's versions
(:mod:`~retrieval.service.versions`), editing stored documents (:mod:`~retrieval.service.edits`),
with typed refusals (:mod:`~retrieval.service.errors`); the running `chinam serve` a
`chinam ask` may use (:mod:`~retrieval.service.local_server`).

Names load on first use: `chinam ask` reads its settings and finds a server without the
store, the index or the answerer being imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrieval.service import local_server
    from retrieval.service.catalog import (
        CardLink,
        DocumentCard,
        document_card,
        find_documents,
        get_document,
    )
    from retrieval.service.edits import delete_document, supersede_document, update_metadata
    from retrieval.service.errors import (
        Conflict,
        DocumentNotFound,
        OlderVersion,
        ServiceError,
        TooLarge,
        Unreadable,
        UnsupportedType,
        UploadBusy,
        UploadError,
    )
    from retrieval.service.previews import Preview, parse_upload, publish_upload
    from retrieval.service.refresher import IndexRefresher
    from retrieval.service.runtime import IndexState, NotLoaded, Runtime
    from retrieval.service.settings import Settings
    from retrieval.service.uploads import (
        ACCEPTED_SUFFIXES,
        ACCEPTED_TYPES_TEXT,
        Uploaded,
        check_upload,
        originals,
        printable_text,
        upload_file,
    )
    from retrieval.service.versions import (
        VersionContent,
        VersionInfo,
        compare_versions,
        document_versions,
        restore_version,
        version_content,
        version_file,
    )
    from retrieval.service.wiring import build_index, encoder_from, open_store

_MODULE_OF = {
    "CardLink": "catalog",
    "DocumentCard": "catalog",
    "document_card": "catalog",
    "find_documents": "catalog",
    "get_document": "catalog",
    "delete_document": "edits",
    "supersede_document": "edits",
    "update_metadata": "edits",
    "Conflict": "errors",
    "DocumentNotFound": "errors",
    "OlderVersion": "errors",
    "ServiceError": "errors",
    "TooLarge": "errors",
    "Unreadable": "errors",
    "UnsupportedType": "errors",
    "UploadBusy": "errors",
    "UploadError": "errors",
    "Preview": "previews",
    "parse_upload": "previews",
    "publish_upload": "previews",
    "IndexRefresher": "refresher",
    "IndexState": "runtime",
    "NotLoaded": "runtime",
    "Runtime": "runtime",
    "Settings": "settings",
    "ACCEPTED_SUFFIXES": "uploads",
    "ACCEPTED_TYPES_TEXT": "uploads",
    "Uploaded": "uploads",
    "check_upload": "uploads",
    "originals": "uploads",
    "printable_text": "uploads",
    "upload_file": "uploads",
    "VersionContent": "versions",
    "VersionInfo": "versions",
    "compare_versions": "versions",
    "version_content": "versions",
    "version_file": "versions",
    "document_versions": "versions",
    "restore_version": "versions",
    "build_index": "wiring",
    "encoder_from": "wiring",
    "open_store": "wiring",
}

__all__ = [
    "ACCEPTED_SUFFIXES",
    "ACCEPTED_TYPES_TEXT",
    "CardLink",
    "Conflict",
    "DocumentCard",
    "DocumentNotFound",
    "IndexRefresher",
    "IndexState",
    "NotLoaded",
    "OlderVersion",
    "Preview",
    "Runtime",
    "ServiceError",
    "Settings",
    "TooLarge",
    "Unreadable",
    "UnsupportedType",
    "UploadBusy",
    "UploadError",
    "Uploaded",
    "VersionContent",
    "VersionInfo",
    "build_index",
    "check_upload",
    "compare_versions",
    "delete_document",
    "document_card",
    "document_versions",
    "encoder_from",
    "find_documents",
    "get_document",
    "local_server",
    "open_store",
    "originals",
    "parse_upload",
    "printable_text",
    "publish_upload",
    "restore_version",
    "supersede_document",
    "update_metadata",
    "upload_file",
    "version_content",
    "version_file",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        if name == "local_server":
            return importlib.import_module("retrieval.service.local_server")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"retrieval.service.{module}"), name)
    globals()[name] = value
    return value
