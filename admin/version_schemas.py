"""API bodies of a document's versions, their differences and parsed uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from admin.schemas import UploadForm
from corpus.diffing import VersionDiff


class VersionPublic(BaseModel):
    """One stored version of a document."""

    version: int = Field(description="số phiên bản (1, 2, …)")
    stored_at: datetime = Field(description="lúc phiên bản này trở thành bản hiện hành")
    stored_by: str | None = Field(description="người tải lên / khôi phục phiên bản này")
    sha256: str = Field(description="mã băm nội dung văn bản")
    chars: int = Field(description="độ dài văn bản (ký tự)")
    source_name: str = Field(description="tên tệp")
    current: bool = Field(description="đang là phiên bản hiện hành")
    has_file: bool = Field(default=False, description="tệp gốc được lưu, tải về được")


class VersionList(BaseModel):
    document_id: int
    items: list[VersionPublic] = Field(description="cũ nhất trước, bản hiện hành cuối cùng")


class FieldChangePublic(BaseModel):
    name: str = Field(description="tên trường (number, issuer, …)")
    label: str = Field(description="tên trường bằng tiếng Việt")
    before: str | None
    after: str | None


class LineChangePublic(BaseModel):
    kind: Literal["deadline", "duty", "other"] = Field(
        description="deadline: có thời hạn/ngày; duty: giao việc; other: dòng khác"
    )
    before: str | None = Field(description="dòng cũ (null: dòng được thêm)")
    after: str | None = Field(description="dòng mới (null: dòng bị bỏ)")
    summary: str = Field(description="thay đổi, viết gọn")


class VersionDiffPublic(BaseModel):
    document_id: int
    old: int = Field(description="phiên bản cũ hơn")
    new: int = Field(description="phiên bản mới hơn")
    summary: list[str] = Field(description="các thay đổi chính, thời hạn và nhiệm vụ trước")
    fields: list[FieldChangePublic]
    lines: list[LineChangePublic] = Field(
        description="các dòng đổi: thời hạn, rồi nhiệm vụ, rồi các dòng khác"
    )

    @classmethod
    def of(cls, doc_id: int, old: int, new: int, diff: VersionDiff) -> VersionDiffPublic:
        return cls(
            document_id=doc_id, old=old, new=new, summary=diff.summary(limit=20),
            fields=[FieldChangePublic(name=f.name, label=f.label, before=f.before,
                                      after=f.after) for f in diff.fields],
            lines=[LineChangePublic(kind=c.kind, before=c.before, after=c.after,
                                    summary=c.summary()) for c in diff.lines],
        )


class PreviewPublic(BaseModel):
    """A parsed upload, not stored yet: publish it with POST /uploads/publish."""

    model_config = ConfigDict(from_attributes=True)

    key: str = Field(description="mã tệp đã tải lên, dùng khi đăng")
    name: str = Field(description="tên tệp")
    fields: dict[str, str] = Field(description="các trường đọc được (có thể sửa khi đăng)")
    cites: list[str] = Field(description="các văn bản được dẫn")
    warnings: list[str] = Field(description="những điều cần kiểm tra trước khi đăng")
    review: bool = Field(description="nội dung có vẻ không phải văn bản hành chính")
    effect: str = Field(description="việc đăng sẽ làm gì")
    existing_id: int | None = Field(description="văn bản đã có liên quan (nếu có)")


class PublishForm(UploadForm):
    """A parsed upload to store, with the fields as confirmed (those sent win)."""

    key: str = Field(pattern=r"^[0-9a-f]{64}$", description="mã tệp do /uploads/preview trả về")
    name: str = Field(min_length=1, max_length=200, description="tên tệp")
