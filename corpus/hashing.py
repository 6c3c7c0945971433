"""Content hashes: one for a document's text, one for each embedded passage text."""

from __future__ import annotations

import hashlib


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_text(context: str, text: str) -> str:
    """The exact string a passage is embedded (and hashed) as: its context line, then its text."""
    return f"{context}\n{text}" if context else text


def content_hash(context: str, text: str) -> str:
    return sha256_text(embed_text(context, text))
