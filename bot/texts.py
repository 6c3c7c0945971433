"""Fixed texts the bot sends (HTML). Texts built from data live in bot/format.py."""

from __future__ import annotations

from retrieval.service import ACCEPTED_TYPES_TEXT as FILE_TYPES

# (command, description) as registered with set_my_commands.
PRIVATE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Giới thiệu và ví dụ câu hỏi"),
    ("help", "Hướng dẫn sử dụng"),
    ("vanban", "Danh sách văn bản mới nhất (có thể kèm từ khóa)"),
    ("xem", "Xem thông tin văn bản theo số hiệu, ví dụ /xem 02-NQ/TW"),
    ("theodoi", "Nhận thông báo khi có văn bản mới theo chủ đề hoặc cơ quan"),
    ("huytheodoi", "Hủy theo dõi"),
    ("phanhoi", "Gửi góp ý cho nhóm phát triển"),
    ("hoi", "Đặt câu hỏi về văn bản chỉ đạo"),
)
GROUP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("hoi", "Hỏi bot về văn bản chỉ đạo, ví dụ /hoi NQ 02 yêu cầu gì"),
    ("vanban", "Danh sách văn bản mới nhất"),
    ("xem", "Xem thông tin văn bản theo số hiệu"),
    ("theodoi", "Nhóm nhận thông báo văn bản mới theo chủ đề"),
    ("huytheodoi", "Hủy theo dõi của nhóm"),
    ("help", "Hướng dẫn sử dụng"),
)

EXAMPLES = (
    "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
    "Văn bản nào triển khai Nghị quyết 02-NQ/TW?",
    "cong doan co so co quyen gi",
)

START = (
    "Xin chào! Mình là <b>Chỉ Nam</b> 🧭 — trợ lý tra cứu văn bản chỉ đạo "
    "(nghị quyết, công văn, kế hoạch, quyết định…) dành cho cán bộ, giáo viên, nhân viên "
    "nhà trường.\n\n"
    "Bạn cứ gõ câu hỏi, có dấu hay không dấu đều được. Mình trả lời bằng "
    "<b>trích dẫn nguyên văn</b> kèm số hiệu, ngày và cơ quan ban hành để bạn kiểm tra.\n\n"
    "<b>Ví dụ:</b>\n"
    + "\n".join(f"• <i>{q}</i>" for q in EXAMPLES)
    + "\n\nGõ /help để xem các lệnh."
)

HELP = (
    "<b>Cách dùng Chỉ Nam</b>\n\n"
    "• Gõ câu hỏi trực tiếp (trong nhóm: nhắc tên bot, trả lời tin nhắn của bot, "
    "hoặc dùng /hoi &lt;câu hỏi&gt;).\n"
    "• /vanban [từ khóa] — danh sách văn bản mới nhất\n"
    "• /xem &lt;số hiệu&gt; — thông tin văn bản, văn bản liên quan, tải toàn văn\n"
    "• /theodoi [chủ đề hoặc cơ quan] — nhận thông báo khi có văn bản mới "
    "(để trống để theo dõi tất cả)\n"
    "• /huytheodoi [chủ đề] — hủy theo dõi (để trống để hủy tất cả)\n"
    "• /phanhoi &lt;nội dung&gt; — góp ý cho nhóm phát triển\n\n"
    "Dưới mỗi câu trả lời có nút 📄 xem toàn văn, 👍/👎 để đánh giá và "
    "➕ để xem thêm kết quả."
)
HELP_ADMIN = (
    f"\n\n<b>Dành cho quản trị viên:</b> gửi tệp {FILE_TYPES} cho bot để nạp vào kho; "
    "bot sẽ báo thông tin đã nhận dạng để bạn xác nhận hoặc sửa loại và số hiệu."
)

NOT_ALLOWED = (
    "Xin lỗi, bot này hiện chỉ phục vụ những người dùng đã được đăng ký. 🙏\n"
    "Mã người dùng của bạn là <code>{user_id}</code> — hãy gửi mã này cho quản trị viên "
    "của đơn vị để được thêm vào danh sách."
)
NOT_ALLOWED_SHORT = "Xin lỗi, bạn chưa được cấp quyền dùng bot này."
RATE_LIMITED = (
    "Bạn đang hỏi hơi nhanh 🙂 Vui lòng đợi khoảng {seconds} giây rồi hỏi tiếp nhé."
)
SOMETHING_WRONG = (
    "Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu của bạn. 😔 Bạn vui lòng thử lại sau ít phút; "
    "nếu vẫn lỗi, hãy báo cho quản trị viên."
)
SOMETHING_WRONG_SHORT = "Đã có lỗi xảy ra, vui lòng thử lại."
EXPIRED_BUTTON = "Nút này không còn dùng được nữa."

ASK_USAGE = "Bạn hãy gõ câu hỏi sau lệnh, ví dụ: <code>/hoi {example}</code>"
MENTION_EMPTY = "Bạn muốn hỏi gì? Hãy gõ câu hỏi ngay sau khi nhắc tên mình nhé."
TEXT_ONLY = "Mình chỉ đọc được câu hỏi dạng chữ. Bạn hãy gõ câu hỏi nhé."
UNKNOWN_COMMAND = (
    "Mình không có lệnh <code>/{command}</code>. Các lệnh dùng được: "
    "/hoi, /vanban, /xem, /theodoi, /huytheodoi, /phanhoi, /help.\n"
    "Hoặc bạn cứ gõ câu hỏi bình thường."
)

FEEDBACK_THANKS_UP = "Cảm ơn bạn! 👍 Đã ghi nhận."
FEEDBACK_THANKS_DOWN = "Cảm ơn bạn đã góp ý! Bạn có thể gửi /phanhoi <nội dung> để nói rõ hơn."
FEEDBACK_USAGE = "Bạn hãy gõ góp ý sau lệnh, ví dụ: <code>/phanhoi Câu trả lời thiếu hạn nộp</code>"
FEEDBACK_STORED = "Cảm ơn bạn! Góp ý đã được ghi lại để nhóm phát triển xem xét. 🙏"
SMALL_TALK = (
    "Chào bạn 👋 Mình là Chỉ Nam, trợ lý tra cứu văn bản chỉ đạo. Bạn cứ hỏi, ví dụ: "
    "<i>“Các đơn vị phải làm gì để thực hiện Nghị quyết 02?”</i> hoặc gõ /vanban để xem kho."
)
NO_MORE = "Không còn kết quả nào khác."

XEM_USAGE = (
    "Bạn hãy gõ số hiệu sau lệnh, ví dụ: <code>/xem 02-NQ/TW</code> hoặc <code>/xem 5208</code>"
    " (theo mã bản ghi: <code>/xem #12</code>)"
)
XEM_NOT_FOUND = (
    "Không tìm thấy văn bản số “{number}” trong kho. Bạn có thể xem danh sách bằng /vanban."
)
XEM_BY_ID = "Nếu bạn muốn mở văn bản theo mã bản ghi, gõ <code>/xem #{number}</code>."
XEM_MANY = "Có {count} văn bản khớp “{number}”, bạn chọn văn bản cần xem:"
DOC_GONE = "Văn bản này không còn trong kho."

SUBSCRIBED = "✅ Đã theo dõi {topic}. Khi có văn bản mới phù hợp, mình sẽ gửi ngay cho bạn."
ALREADY_SUBSCRIBED = "Bạn đã theo dõi {topic} từ trước rồi."
SUBSCRIPTIONS = "<b>Đang theo dõi:</b> {topics}\nGõ /huytheodoi [chủ đề] để hủy."
NO_SUBSCRIPTIONS = "Bạn chưa theo dõi chủ đề nào. Gõ /theodoi [chủ đề] để bắt đầu."
UNSUBSCRIBED = "Đã hủy {count} mục theo dõi."
NOT_SUBSCRIBED = "Không có mục theo dõi nào khớp “{topic}”."
ALL_TOPICS = "tất cả văn bản mới"

UPLOAD_ADMIN_ONLY = (
    "Chỉ quản trị viên mới gửi được văn bản để nạp vào kho. Nếu bạn muốn hỏi về văn bản, "
    "hãy gõ câu hỏi nhé."
)
UPLOAD_BAD_TYPE = "Mình chỉ nạp được tệp " + FILE_TYPES + " (tệp bạn gửi: {name})."
UPLOAD_TOO_BIG = "Tệp quá lớn ({size}, tối đa {limit})."
UPLOAD_OLDER = "⚠️ {reason}"
UPLOAD_FAILED = "❌ Không nạp được <b>{name}</b>: {reason}"
UPLOAD_CONFIRMED = "Đã xác nhận thông tin văn bản."
UPLOAD_PICK_TYPE = "Chọn loại đúng cho văn bản #{doc_id}:"
NUMBER_PROMPT = (
    "✏️ Nhập số hiệu đúng cho văn bản #{doc_id} (ví dụ 37-KH/TU hoặc 5208/BGDĐT-GDPT) "
    "bằng cách trả lời tin nhắn này."
)
NUMBER_INVALID = "Mình không đọc được số hiệu “{number}”. Bạn thử lại theo dạng 37-KH/TU nhé."
ADMIN_ONLY = "Chỉ quản trị viên mới làm được việc này."
QUESTION_TOO_LONG = (
    "Câu hỏi dài quá ({length} ký tự); mình chỉ tìm cho câu hỏi tối đa {limit} ký tự. "
    "Bạn hãy hỏi ngắn gọn hơn, nêu số hiệu văn bản hoặc vài từ khóa chính nhé."
)
