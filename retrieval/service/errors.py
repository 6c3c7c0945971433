"""Why an operation of the seam was refused. Each entry point words these its own way
(the admin app as HTTP problems, the bot in its own texts); ``message`` is a Vietnamese
sentence fit to show as is."""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, message: str, *, document_id: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.document_id = document_id

    def __str__(self) -> str:
        return self.message


class DocumentNotFound(ServiceError):
    """No stored document has this id (or it was deleted meanwhile)."""


class Conflict(ServiceError):
    """The change contradicts the corpus as it stands (a cycle, a document gone meanwhile)."""


class OlderVersion(Conflict):
    """The upload's content is a kept older version of a stored document: nothing stored.

    Making it current again is a restore (``version``), never a silent rollback."""

    def __init__(self, message: str, *, document_id: int | None, version: int) -> None:
        super().__init__(message, document_id=document_id)
        self.version = version


class UploadError(ServiceError):
    """An upload that is not stored."""


class UnsupportedType(UploadError):
    """A file type that cannot be read (by its name, or found out while reading)."""

    def __init__(self, message: str, *, name: str) -> None:
        super().__init__(message)
        self.name = name


class TooLarge(UploadError):
    def __init__(self, message: str, *, size: int | None, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class Unreadable(UploadError):
    """The file was read but holds no usable text (empty, corrupt, scanned, no passages)."""


class UploadBusy(UploadError):
    """Too many uploads are being read at once; the same upload may be sent again later."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
