"""A topic encoder and the notices it is meant for (ingested by the ``topic_store`` fixture)."""

from collections.abc import Sequence

import numpy as np

from corpus.text import fold


class TopicEncoder:
    """Words of a small vocabulary are directions; everything else is ignored. Lets a test say
    exactly which passages are semantically close without any real model."""

    VOCAB = ("phép", "lương", "ngày", "chế", "độ", "thai", "sản", "khen", "thưởng", "kỷ", "luật")

    @property
    def model_id(self) -> str:
        return "topic-test"

    @property
    def dim(self) -> int:
        return len(self.VOCAB) + 1

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        vec[-1] = 0.05  # never the zero vector
        for word in fold(text).split():
            word = word.strip(".,?")
            if word in self.VOCAB:
                vec[self.VOCAB.index(word)] += 1.0
        return vec / np.linalg.norm(vec)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts])

    def encode_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return np.stack([self._one(t) for t in texts])


DOCS = {
    "a.txt": "Thông báo số 1/TB-A\nV/v nghỉ phép\n\nGiáo viên nghỉ phép được hưởng lương theo chế độ.",
    # Shares the answer's topic (lương, chế độ) but none of the question's words.
    "b.txt": "Thông báo số 2/TB-B\nV/v tiền lương\n\nTiền lương và chế độ ngày làm thêm trả đủ.",
    "c.txt": "Thông báo số 3/TB-C\nV/v khen thưởng\n\nKhen thưởng cuối năm học cho tập thể.",
    "d.txt": "Thông báo số 4/TB-D\nV/v kỷ luật\n\nXử lý kỷ luật theo quy chế của trường.",
    "e.txt": "Thông báo số 5/TB-E\nV/v thai sản\n\nChế độ thai sản cho nữ công chức.",
    "f.txt": "Thông báo số 6/TB-F\nV/v lịch học\n\nLịch học kỳ hai bắt đầu từ tháng một.",
}
