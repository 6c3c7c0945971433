"""Small documents for reliability tests: a dispatch whose topic words appear nowhere else."""

from __future__ import annotations

DISPATCH = """UBND TỈNH LONG AN
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: {number}/SGDĐT-VP
V/v tổ chức hội thi {topic} năm học 2026-2027
Long An, ngày 05 tháng 9 năm 2026
Kính gửi: Các trường trung học phổ thông.
1. Các trường tổ chức hội thi {topic} cấp trường trước ngày 30/10/2026.
2. Hiệu trưởng chịu trách nhiệm báo cáo kết quả hội thi {topic} về Sở.
Nơi nhận:
- Như trên;
GIÁM ĐỐC
Nguyễn Văn A
"""

TOPICS = (
    "sao biển bạc", "cánh diều vàng", "hạc giấy đỏ", "trống đồng xanh", "hoa sen trắng",
    "mây ngũ sắc", "ngựa gióng sắt", "rồng tre", "cá chép hồng", "sóc nâu nhỏ",
    "gấu trúc tím", "ong mật vàng", "bướm tím", "sếu đầu đỏ", "chim lạc bay", "kỳ lân xanh",
)


def dispatch(number: str | int, topic: str) -> bytes:
    return DISPATCH.format(number=number, topic=topic).encode("utf-8")


def question(topic: str) -> str:
    return f"Hội thi {topic} tổ chức trước ngày nào?"
