"""Structure-aware chunking of a document text into passages.

Lines are read as paragraphs and classified as headings (Phần, Chương, Mục, Điều, A., I.,
1., 1.1., a)) or content. Headings build a section tree; each subtree small enough for a
512-token embedding model becomes one passage, larger ones are split at their children and,
for a single overlong paragraph, at sentence boundaries. Every passage keeps its section path
and its character offsets in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_CHARS = 1800
TARGET_CHARS = 1100
MIN_CHARS = 300
# Units at these levels (Phần, Chương, A., Mục, I., Điều) are cited on their own, never merged.
_STANDALONE_LEVEL = 3
HEADING_MAX_CHARS = 90

_HEADINGS: list[tuple[int, re.Pattern[str], str]] = [
    (0, re.compile(r"^(?:PHẦN|Phần)\s+(thứ\s+\w+|THỨ\s+\w+|[IVXLC]+|\d+)\b"), "Phần {}"),
    (1, re.compile(r"^(?:CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\b"), "Chương {}"),
    (1, re.compile(r"^([A-ZĐ])\.\s+\S"), "{}"),
    (2, re.compile(r"^(?:MỤC|Mục)\s+(\d+|[IVXLC]+)\b"), "Mục {}"),
    (2, re.compile(r"^([IVXLC]{1,6})\.\s+\S"), "{}"),
    (3, re.compile(r"^Điều\s+(\d+[a-zđ]?)\s*[.:]"), "Điều {}"),
    (4, re.compile(r"^(\d{1,3})\.\s+\S"), "{}"),
    (5, re.compile(r"^(\d{1,3}\.\d{1,3}(?:\.\d{1,3})?)\.?\s+\S"), "{}"),
    (6, re.compile(r"^([a-zđ])\)\s*\S"), "{}"),
]
_STOP = re.compile(r"^Nơi nhận\s*:?", re.IGNORECASE)
_SENTENCE_SPLIT = re.compile(r"(?<=[.;:!?…])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9\-+•])")


@dataclass
class Chunk:
    text: str
    start: int
    end: int
    section: str = ""
    heading: str = ""
    headings: list[str] = field(default_factory=list)


@dataclass
class _Block:
    start: int
    end: int


@dataclass
class _Node:
    level: int
    label: str
    heading: str
    blocks: list[_Block] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def span(self) -> tuple[int, int]:
        first = self.blocks[0] if self.blocks else None
        start = first.start if first else self.children[0].span()[0]
        end = self.children[-1].span()[1] if self.children else self.blocks[-1].end
        return start, end

    def size(self) -> int:
        start, end = self.span()
        return end - start


def classify(line: str) -> tuple[int, str] | None:
    """(level, label) when ``line`` is a heading or numbered item, else None."""
    for level, pattern, label in _HEADINGS:
        m = pattern.match(line)
        if m:
            return level, label.format(m.group(1))
    return None


def _lines(text: str, start: int, end: int) -> list[_Block]:
    blocks = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            blocks.append(_Block(s, e))
    return blocks


def _tree(text: str, blocks: list[_Block]) -> _Node:
    root = _Node(-1, "", "")
    stack = [root]
    for block in blocks:
        kind = classify(text[block.start : block.end])
        if kind is None:
            stack[-1].blocks.append(block)  # the top of the stack never has children yet
            continue
        level, label = kind
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        heading = text[block.start : block.end]
        node = _Node(level, label, heading, [block])
        stack[-1].children.append(node)
        stack.append(node)
    return root


def chunk_text(
    text: str,
    *,
    start: int = 0,
    end: int | None = None,
    max_chars: int = MAX_CHARS,
    target_chars: int = TARGET_CHARS,
) -> list[Chunk]:
    """Passages of ``text[start:end]``, each at most ``max_chars`` unless one sentence is longer."""
    end = len(text) if end is None else end
    blocks = _lines(text, start, end)
    for i, block in enumerate(blocks):
        if i > 0 and _STOP.match(text[block.start : block.end]) and block.start > len(text) * 0.5:
            blocks = blocks[:i]
            break
    if not blocks:
        return []
    root = _tree(text, blocks)
    out: list[Chunk] = []
    _pack(text, root, [], [], out, max_chars, target_chars)
    return out


def _emit(
    text: str, s: int, e: int, labels: list[str], heads: list[str], out: list[Chunk]
) -> None:
    labels = [label for label in labels if label]
    heads = [h for h in heads if h]
    out.append(
        Chunk(
            text=text[s:e],
            start=s,
            end=e,
            section=" > ".join(labels),
            heading=heads[-1] if heads else "",
            headings=heads,
        )
    )


def _short(heading: str) -> str:
    if len(heading) <= HEADING_MAX_CHARS:
        return heading
    cut = heading[:HEADING_MAX_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _pack(
    text: str,
    node: _Node,
    labels: list[str],
    heads: list[str],
    out: list[Chunk],
    max_chars: int,
    target_chars: int,
) -> None:
    labels = [*labels, node.label]
    heads = [*heads, _short(node.heading)] if node.heading else heads
    if node.level >= 0 and node.size() <= max_chars:
        s, e = node.span()
        _emit(text, s, e, labels, heads, out)
        return
    # Own blocks (heading + intro) first, then children packed greedily.
    units: list[tuple[int, int, _Node | None]] = [(b.start, b.end, None) for b in node.blocks]
    units += [(*child.span(), child) for child in node.children]
    group: list[tuple[int, int, _Node | None]] = []

    def flush() -> None:
        if not group:
            return
        if (
            node.children
            and all(child is None for _, _, child in group)
            and group[-1][1] - group[0][0] < 120
        ):
            group.clear()  # a bare title: its children carry it in their headings
            return
        g_labels = labels
        g_heads = heads
        if len(group) == 1 and group[0][2] is not None:
            only = group[0][2]
            g_labels = [*labels, only.label]
            g_heads = [*heads, _short(only.heading)] if only.heading else heads
        _emit(text, group[0][0], group[-1][1], g_labels, g_heads, out)
        group.clear()

    for unit in units:
        s, e, child = unit
        if e - s > max_chars:
            flush()
            if child is not None:
                _pack(text, child, labels, heads, out, max_chars, target_chars)
            else:
                for ss, ee in _split_sentences(text, s, e, max_chars):
                    _emit(text, ss, ee, labels, heads, out)
            continue
        standalone = child is not None and child.level <= _STANDALONE_LEVEL
        if group and (
            standalone
            or (group[-1][2] is not None and group[-1][2].level <= _STANDALONE_LEVEL)
            or e - group[0][0] > max_chars
            or (e - group[0][0] > target_chars and group[-1][1] - group[0][0] >= MIN_CHARS)
        ):
            flush()
        group.append(unit)
    flush()


def _split_sentences(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Pack whole sentences of ``text[start:end]`` into spans of at most ``max_chars``."""
    bounds = [start]
    for m in _SENTENCE_SPLIT.finditer(text, start, end):
        bounds.append(m.end())
    bounds.append(end)
    spans: list[tuple[int, int]] = []
    cur = start
    for i in range(1, len(bounds)):
        if bounds[i] - cur > max_chars and bounds[i - 1] > cur:
            spans.append((cur, bounds[i - 1]))
            cur = bounds[i - 1]
        while bounds[i] - cur > max_chars:
            cut = text.rfind(" ", cur, cur + max_chars)
            cut = cut if cut > cur else cur + max_chars
            spans.append((cur, cut))
            cur = cut
    if cur < end:
        spans.append((cur, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
