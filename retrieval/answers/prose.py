"""Optional prose from an OpenAI-compatible chat endpoint, checked against the shown quotes.

Off by default: it runs only when ``llm_base_url`` and ``llm_model`` are set. The model sees
the quotes the answer shows, numbered like the answer's document groups ([1], [2] …), and may
only restate them. Its text is accepted only when

- every sentence carries at least one citation [n],
- every cited n is a group the answer shows,
- every number in a sentence (dates, percentages, document numbers) occurs in the sources that
  sentence cites;

otherwise the answer keeps its quotes and no prose (the status :meth:`ProseWriter.write`
returns with it says why).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from retrieval.answers.model import DocumentGroup

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
MAX_SOURCE_CHARS = 6000

SYSTEM_PROMPT = (
    "Bạn là trợ lý trả lời câu hỏi của cán bộ, giáo viên về văn bản chỉ đạo. "
    "Chỉ được diễn đạt lại nội dung có trong các trích dẫn đánh số bên dưới; không thêm thông "
    "tin, con số, ngày tháng hay văn bản nào khác. Mỗi câu phải kết thúc bằng số của trích dẫn "
    "làm căn cứ, dạng [1] hoặc [1][2]. Trả lời bằng tiếng Việt, ngắn gọn, tối đa 5 câu. Nếu "
    "các trích dẫn không đủ để trả lời, hãy nói rõ điều đó và vẫn ghi số trích dẫn."
)

_CITE = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[^\[\s])|\n+")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Source:
    """One numbered source: a document group of the answer."""

    number: int
    citation: str
    quotes: tuple[str, ...]

    def text(self) -> str:
        return f"{self.citation}\n" + "\n".join(self.quotes)


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_tokens: int = 600


def sources_of(groups: Sequence[DocumentGroup]) -> list[Source]:
    """An answer's document groups as numbered sources, numbered as the answer shows them."""
    out = []
    for n, group in enumerate(groups, start=1):
        quotes = tuple(q.text for q in group.quotes)
        out.append(Source(n, group.citation.line(), quotes))
    return out


def check_prose(text: str, sources: Sequence[Source]) -> str | None:
    """The prose if every sentence cites shown sources and invents no numbers, else None."""
    text = text.strip()
    if not text:
        return None
    by_number = {s.number: s for s in sources}
    for n_group in _CITE.findall(text):
        for n in re.split(r"\s*[,;]\s*", n_group):
            if int(n) not in by_number:
                return None
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not re.search(r"\w", _CITE.sub("", sentence)):
            continue
        cited = {int(n) for g in _CITE.findall(sentence) for n in re.split(r"\s*[,;]\s*", g)}
        if not cited:
            return None
        allowed = set()
        for n in cited:
            allowed |= {x.lstrip("0") or "0" for x in _NUMBER.findall(by_number[n].text())}
        claimed = {x.lstrip("0") or "0" for x in _NUMBER.findall(_CITE.sub("", sentence))}
        if not claimed <= allowed:
            return None
    return text


def build_messages(question: str, sources: Sequence[Source]) -> list[dict[str, str]]:
    blocks = []
    used = 0
    for s in sources:
        block = f"[{s.number}] {s.text()}"
        if used + len(block) > MAX_SOURCE_CHARS:
            block = block[: max(0, MAX_SOURCE_CHARS - used)]
        used += len(block)
        blocks.append(block)
    user = "Trích dẫn:\n\n" + "\n\n".join(blocks) + f"\n\nCâu hỏi: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


class ProseWriter:
    """Calls ``{base_url}/chat/completions`` and keeps only prose that checks out."""

    def __init__(self, config: LLMConfig, *, client: httpx.Client | None = None) -> None:
        self.config = config
        self._client = client

    @classmethod
    def from_settings(cls, settings: Any) -> ProseWriter | None:
        base = getattr(settings, "llm_base_url", None)
        model = getattr(settings, "llm_model", None)
        if not base or not model:
            return None
        key: Any = getattr(settings, "llm_api_key", None)
        secret = key.get_secret_value() if hasattr(key, "get_secret_value") else key
        timeout = float(settings.llm_timeout or DEFAULT_TIMEOUT)
        return cls(LLMConfig(base_url=str(base), model=str(model), api_key=secret or None,
                             timeout=timeout))

    def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        url = self.config.base_url.rstrip("/") + "/chat/completions"
        headers = {"Content-Type": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        if self._client is not None:
            response = self._client.post(url, json=payload, headers=headers,
                                         timeout=self.config.timeout)
        else:
            with httpx.Client(timeout=self.config.timeout) as client:
                response = client.post(url, json=payload, headers=headers)
        response.raise_for_status()
        data = response.json()
        if not isinstance(data, dict):
            raise ValueError("unexpected response")
        return data

    def write(self, question: str, sources: Sequence[Source]) -> tuple[str | None, str]:
        """(checked prose for ``question`` from ``sources``, "ok"), or (None, why not:
        "no_sources", "error" or "rejected")."""
        if not sources:
            return None, "no_sources"
        payload = {
            "model": self.config.model,
            "messages": build_messages(question, sources),
            "temperature": 0,
            "max_tokens": self.config.max_tokens,
        }
        try:
            data = self._post(payload)
            content = data["choices"][0]["message"]["content"]
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            log.warning("Language model unavailable, answering with quotes only: %s", exc)
            return None, "error"
        prose = check_prose(str(content or ""), sources)
        if prose is None:
            log.info("Language model prose rejected (citations or numbers do not check out)")
            return None, "rejected"
        return prose, "ok"
