"""Byte counts as people read them, in one spelling for every front end."""

from __future__ import annotations


def human_size(n: int) -> str:
    """1536 -> "1,5 KB", 20971520 -> "20 MB" (Vietnamese decimal comma)."""
    value, unit = (n / 1_048_576, "MB") if n >= 1_048_576 else (n / 1024, "KB")
    text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',')} {unit}"
