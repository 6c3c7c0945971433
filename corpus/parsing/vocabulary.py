"""Words and names of the administrative-document form (thể thức, NĐ 30/2020/NĐ-CP).

Keys written without diacritics are compared with :func:`corpus.parsing.lines.ascii_key`.
"""

from __future__ import annotations

import re

# The type of a document whose type nothing tells.
UNKNOWN_TYPE = "Văn bản"

# Issuer implied by a part of the ký hiệu (compared without diacritics, upper case).
SYMBOL_ISSUERS: dict[str, str] = {
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "VPQH": "Văn phòng Quốc hội",
    "BGDDT": "Bộ Giáo dục và Đào tạo",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BLDTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "TLD": "Tổng Liên đoàn Lao động Việt Nam",
    "VPTW": "Văn phòng Trung ương Đảng",
}
# Party documents numbered ".../TW" come from one of these; the text says which.
PARTY_CENTRAL_ISSUERS = ("Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương")
PARTY_CENTRAL_DEFAULT = "Ban Chấp hành Trung ương"

# Readable spelling of names printed in capitals (key: no diacritics, upper case).
KNOWN_NAMES: dict[str, str] = {
    "QUOC HOI": "Quốc hội",
    "CHINH PHU": "Chính phủ",
    "THU TUONG CHINH PHU": "Thủ tướng Chính phủ",
    "THU TUONG": "Thủ tướng Chính phủ",
    "BO CHINH TRI": "Bộ Chính trị",
    "BAN BI THU": "Ban Bí thư",
    "BAN CHAP HANH TRUNG UONG": "Ban Chấp hành Trung ương",
    "BAN CHAP HANH TRUNG UONG DANG": "Ban Chấp hành Trung ương Đảng",
    "UY BAN THUONG VU QUOC HOI": "Ủy ban Thường vụ Quốc hội",
    "VAN PHONG QUOC HOI": "Văn phòng Quốc hội",
    "VAN PHONG CHINH PHU": "Văn phòng Chính phủ",
    "VAN PHONG TRUNG UONG DANG": "Văn phòng Trung ương Đảng",
    "BO GIAO DUC VA DAO TAO": "Bộ Giáo dục và Đào tạo",
    "BO GD&DT": "Bộ Giáo dục và Đào tạo",
    "BO GDDT": "Bộ Giáo dục và Đào tạo",
    "BO NOI VU": "Bộ Nội vụ",
    "TONG LIEN DOAN LAO DONG VIET NAM": "Tổng Liên đoàn Lao động Việt Nam",
    "CONG DOAN GIAO DUC VIET NAM": "Công đoàn Giáo dục Việt Nam",
}

# Words kept in capitals when a name printed in capitals is rewritten in normal case.
ABBREVIATIONS = frozenset(
    {
        "UBND",
        "HĐND",
        "GD&ĐT",
        "GDĐT",
        "SGDĐT",
        "THPT",
        "THCS",
        "TH",
        "MN",
        "LĐLĐ",
        "CĐ",
        "MTTQ",
        "TP",
        "TP.",
        "TP.HCM",
        "HCM",
        "TW",
        "TƯ",
        "CNTT",
        "BCH",
        "BGH",
        "GDNN",
        "GDTX",
        "KT-XH",
        "VN",
        "PTDTBT",
        "PTDTNT",
    }
)
# Provinces and centrally-run cities (the 63 before the 2025 merger, whose names stay in use).
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình",
    "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn",
    "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng",
    "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế",
    "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
# The commonest family names, to undo OCR's misread diacritics on a signer's name
# ("Nguyên Sinh Hùng" under a signature -> "Nguyễn Sinh Hùng").
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai", "Đào", "Doãn", "Đoàn", "Tạ",
    "Hà", "Cao", "Lương", "Trịnh", "Tô", "Chu", "Châu", "Thái", "Tống", "Lưu", "Kiều", "Quách",
)
# Capitalised proper names restored after lower-casing a capitals line.
PROPER_NAMES = (
    "Việt Nam",
    "Quốc hội",
    "Chính phủ",
    "Thủ tướng Chính phủ",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ban Chấp hành Trung ương",
    "Trung ương",
    "Nhà nước",
    "Công đoàn Việt Nam",
    "Mặt trận Tổ quốc Việt Nam",
    "Hồ Chí Minh",
    "Hà Nội",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    *PROVINCES,
)
TITLE_PROPER_NAMES = ("Quốc hội", "Chính phủ", "Ủy ban nhân dân", "Bí thư", "Hội đồng nhân dân")
ALIASES: dict[str, str] = {
    "Thủ tướng": "Thủ tướng Chính phủ",
    "Bộ GD&ĐT": "Bộ Giáo dục và Đào tạo",
    "Bộ GDĐT": "Bộ Giáo dục và Đào tạo",
}

# Head words of organisation names: after them the field name is capitalised
# ("SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "Sở Giáo dục và Đào tạo").
FIELD_HEADS = (
    "so",
    "bo",
    "phong",
    "cuc",
    "vu",
    "ban",
    "tong cuc",
    "van phong",
    "vien",
    "lien doan",
)
# First words of an organisation's name in a header (key: no diacritics, lower case). An
# issuer line starting otherwise continues the name above it, wrapped in a narrow cell
# ("BỘ LAO ĐỘNG - THƯƠNG" / "BINH VÀ XÃ HỘI", "CÔNG ĐOÀN NGÀNH GIÁO DỤC" / "LONG AN").
ORG_HEADS = (
    "uy ban", "ubnd", "hoi dong", "hdnd", "so", "bo", "phong", "cuc", "tong cuc", "chi cuc",
    "vu", "vien", "van phong", "ban", "bch", "truong", "trung tam", "dai hoc", "hoc vien",
    "cong doan", "cd", "lien doan", "ldld", "tong lien doan", "lien hiep", "hiep hoi", "hoi",
    "doan", "thanh doan", "tinh doan", "huyen doan", "chi doan", "dang", "dang bo", "dang uy",
    "chi bo", "tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy", "thu tuong", "chinh phu",
    "toa an", "kiem toan", "thanh tra", "ngan hang", "kho bac", "bao hiem", "tap doan",
    "tong cong ty", "cong ty", "mat tran", "benh vien", "nha", "pgd", "sgd", "pgd&dt",
    "sgd&dt", "bo chinh tri",
)
SCHOOL_ABBREVIATIONS = frozenset({"THPT", "THCS", "TH", "MN", "PTDTBT", "PTDTNT"})
PLACE_HEADS = ("tinh uy", "thanh uy", "huyen uy", "quan uy", "thi uy", "dang uy")
ADMIN_UNITS = ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "quan", "xa", "phuong")
SCHOOL_LEVELS = ("tieu hoc", "mam non", "mau giao", "trung hoc co so", "trung hoc pho thong")

# Ranks that end a signer block printed on one line ("TM. CHÍNH PHỦ THỦ TƯỚNG").
RANKS = (
    "THU TUONG",
    "GIAM DOC",
    "CHU TICH",
    "BO TRUONG",
    "THU TRUONG",
    "HIEU TRUONG",
    "TRUONG BAN",
    "TRUONG PHONG",
    "CHANH VAN PHONG",
    "BI THU",
    "CUC TRUONG",
    "VU TRUONG",
    "VIEN TRUONG",
    "TONG GIAM DOC",
    "TONG CUC TRUONG",
    "TRUONG KHOA",
    "CHU NHIEM",
)
# Signing authority: ký thay, thay mặt, quyền, thừa lệnh, thừa ủy quyền (Party: "T/M", "K/T").
AUTHORITY_PREFIX = re.compile(r"^(KT|TM|Q|TL|TUQ|T/M|K/T)(?:\.\s*|\s+)", re.IGNORECASE)

LAW_TYPES = ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")
