"""The corpus layer: documents, their text, metadata and passages, and all SQL.

Public modules (import them directly; importing ``corpus`` itself loads nothing):

- ``corpus.extraction``: text out of uploaded .txt/.md/.docx/.pdf/.doc files;
- ``corpus.text``: text normalisation (clean_text) and matching forms (fold, bare…);
- ``corpus.docnumbers``: document numbers and types in any spelling;
- ``corpus.parsing``: metadata read from a document's printed layout (thể thức);
- ``corpus.references``: documents a document cites;
- ``corpus.chunking``: passages of a document;
- ``corpus.labels``: how a document is named for people;
- ``corpus.ingest``: file or text -> stored document; ``corpus.eval_corpus``: JSONL
  evaluation corpora; ``corpus.versions``: a document's kept versions, restoring one;
- ``corpus.editing``: metadata edits after ingestion; ``corpus.diffing``: what changed
  between two versions; ``corpus.originals``: uploaded files kept under the data directory;
- ``corpus.models`` (tables), ``corpus.db`` (engines, schema migrations), ``corpus.store``
  (every query);
- ``corpus.hashing`` (content hashes), ``corpus.sizes`` (byte counts for people).
"""

__all__ = [
    "chunking",
    "db",
    "diffing",
    "docnumbers",
    "editing",
    "eval_corpus",
    "extraction",
    "hashing",
    "ingest",
    "labels",
    "models",
    "originals",
    "parsing",
    "references",
    "sizes",
    "store",
    "text",
    "versions",
]
