"""Building the search snapshot from the database and keeping its files on disk."""

from retrieval.indexing.builder import IndexBuilder

__all__ = ["IndexBuilder"]
