"""The retrieval layer: from a question to ranked passages, and from passages to an answer.

Public modules (import them directly; importing ``retrieval`` itself loads nothing):

- ``retrieval.query``: a question parsed once (``Query``);
- ``retrieval.searcher``: the pure in-memory searcher over one snapshot of the indexes;
- ``retrieval.indexing``: builds and refreshes that snapshot from the database, keeps its files;
- ``retrieval.encoder``: the embedding model behind one small protocol (and a hashing fake);
- ``retrieval.answers``: answers as plain data, quotes, duties, the directive graph;
- ``retrieval.service``: the application seam the bot, the admin app and the CLI share;
- ``retrieval.evaluate``: recall/MRR on a labelled question set.
"""

__all__ = ["answers", "encoder", "evaluate", "indexing", "query", "searcher", "service"]
