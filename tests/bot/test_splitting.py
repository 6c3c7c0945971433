"""The HTML splitter: every piece within the limit, tags balanced, no text lost."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.splitting import Block, pack, split_html, utf16_len, visible_text
from tests.bot.bot_harness import assert_telegram_html


def words(text: str) -> list[str]:
    return html.unescape(visible_text(text)).split()


def piece_words(pieces: list[str]) -> list[str]:
    return [w for piece in pieces for w in words(piece)]


def letters(words_: list[str]) -> str:
    return "".join(words_)


def test_short_fragment_is_left_alone() -> None:
    assert split_html("<b>Chào</b> bạn", 100) == ["<b>Chào</b> bạn"]


def test_long_blockquote_is_closed_and_reopened() -> None:
    quote = "<blockquote>" + " ".join(f"từ{i}" for i in range(400)) + "</blockquote>"
    pieces = split_html(quote, 300)
    assert len(pieces) > 1
    for piece in pieces:
        assert utf16_len(piece) <= 300
        assert piece.startswith("<blockquote>") and piece.endswith("</blockquote>")
        assert_telegram_html(piece)
    assert piece_words(pieces) == words(quote)


def test_nested_tags_and_links_survive_a_split() -> None:
    text = (
        '<b>Tiêu đề</b>\n<blockquote>Đoạn <i>nghiêng ' + "rất dài " * 60
        + '</i> và <a href="https://example.org/?a=1&amp;b=2">liên kết</a></blockquote>'
    )
    pieces = split_html(text, 200)
    for piece in pieces:
        assert utf16_len(piece) <= 200
        assert_telegram_html(piece)
    assert piece_words(pieces) == words(text)
    assert any('<a href="https://example.org/?a=1&amp;b=2">' in p for p in pieces)


def test_entities_are_never_cut() -> None:
    text = "&amp;" * 300
    for piece in split_html(text, 101):
        assert utf16_len(piece) <= 101
        assert re.fullmatch(r"(&amp;)+", piece)


def test_emoji_count_double_toward_the_limit() -> None:
    text = "😀 " * 3000
    for piece in split_html(text, 4096):
        assert utf16_len(piece) <= 4096
        assert len(piece) <= 4096


def test_pack_keeps_blocks_whole_and_repeats_the_lead() -> None:
    blocks = [Block("<b>[1] Công văn</b>\n<blockquote>" + "a " * 900 + "</blockquote>")]
    blocks += [Block("<blockquote>" + "b " * 900 + "</blockquote>", lead="<b>[1]</b> (tiếp)")]
    blocks += [Block("<blockquote>" + "c " * 900 + "</blockquote>", lead="<b>[1]</b> (tiếp)")]
    messages = pack(blocks, 4096)
    assert len(messages) == 2
    assert messages[0].count("<blockquote>") == 2
    assert messages[1].startswith("<b>[1]</b> (tiếp)\n<blockquote>c")
    for message in messages:
        assert_telegram_html(message)


TAGS = st.sampled_from(["b", "i", "u", "s", "code", "blockquote"])
TEXT = st.text(
    alphabet=st.sampled_from(list("abc đơn vị Nghị quyết\n.,;😀<>&")), min_size=0, max_size=300
)


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.booleans()):
            tag = draw(TAGS)
            if tag == "blockquote" and depth > 0:
                tag = "i"
            parts.append(f"<{tag}>{draw(fragments(depth + 1))}</{tag}>")
        else:
            parts.append(html.escape(draw(TEXT), quote=False))
    return "".join(parts)


@settings(max_examples=150, deadline=None)
@given(fragments(), st.integers(min_value=60, max_value=600))
def test_split_property(fragment: str, limit: int) -> None:
    pieces = split_html(fragment, limit)
    for piece in pieces:
        assert utf16_len(piece) <= limit
        assert_telegram_html(piece)
    # nothing lost or added; only whitespace may go where a piece ends
    assert letters(piece_words(pieces)) == letters(words(fragment))
