"""A stand-in for one bot or admin replica, driven over stdin/stdout (one JSON object a line).

Each replica holds its own store (engine), its own retriever (HashEncoder, its own index
directory) and an IndexRefresher, exactly as `chinam serve` and `chinam bot` do. Requests:

  {"op": "open", "url": U, "data_dir": D, "refresh": S}   connect (closing any previous store)
  {"op": "ingest", "paths": [...]}                        -> {"outcomes": [{source, status, ...}]}
  {"op": "refresh"}                                       -> {"changed", "revision"}
  {"op": "wait_revision", "at_least": N, "seconds": S}    -> {"revision"} (the loop's refresh)
  {"op": "ask", "question": Q}                            -> {"status", "cited", "revision"}
  {"op": "indexed_documents"}                             -> {"documents", "passages", "dense"}
  {"op": "delete", "id": I}                               -> {"deleted"}
  {"op": "logged_errors"}                                 -> {"errors": [...]} (e.g. refreshes)
  {"op": "close"}

Every reply carries "error" (a one-line summary plus the traceback tail) when the request
raised, so the test sees the failure instead of a dead pipe.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from corpus.db import make_engine
from corpus.ingest import ingest_paths
from corpus.store import CorpusStore
from retrieval.answers import Answerer
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.service import IndexRefresher


class _Errors(logging.Handler):
    """Collects every ERROR logged in the process (a failed background refresh, say)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f": {type(exc).__name__}: {exc}"
        self.messages.append(text[:500])


ERRORS = _Errors()


class Replica:
    def __init__(self) -> None:
        self.store: CorpusStore | None = None
        self.retriever: IndexBuilder | None = None
        self.loop: IndexRefresher | None = None

    def open(self, url: str, data_dir: str, refresh: float) -> dict[str, Any]:
        self.close()
        self.store = CorpusStore(make_engine(url))
        self.retriever = IndexBuilder(
            self.store, encoder=HashEncoder(32), index_dir=Path(data_dir) / "index"
        )
        self.loop = IndexRefresher(self.retriever, refresh)
        self.loop.start()
        return {"revision": self.store.revision()}

    def close(self) -> dict[str, Any]:
        if self.loop is not None:
            self.loop.stop()
        if self.store is not None:
            self.store.engine.dispose()
        self.store = self.retriever = self.loop = None
        return {}

    def handle(self, req: dict[str, Any]) -> dict[str, Any]:
        op = req["op"]
        if op == "open":
            return self.open(req["url"], req["data_dir"], float(req.get("refresh", 0.3)))
        if op == "close":
            return self.close()
        if op == "logged_errors":
            errors, ERRORS.messages = ERRORS.messages, []
            return {"errors": errors}
        store, retriever = self.store, self.retriever
        assert store is not None and retriever is not None, "open first"
        if op == "ingest":
            outcomes = ingest_paths(store, req["paths"])
            return {"outcomes": [
                {"source": o.source, "status": o.status, "id": o.document_id, "message": o.message}
                for o in outcomes
            ]}
        if op == "refresh":
            return {"changed": retriever.refresh(), "revision": retriever.revision}
        if op == "wait_revision":
            deadline = time.monotonic() + float(req["seconds"])
            while retriever.revision < int(req["at_least"]) and time.monotonic() < deadline:
                time.sleep(0.05)
            return {"revision": retriever.revision}
        if op == "ask":
            answer = Answerer(store, retriever).answer(req["question"], channel="test")
            cited = sorted({g.citation.document_id for g in answer.groups})
            return {"status": answer.status, "cited": cited, "revision": retriever.revision}
        if op == "indexed_documents":
            state = retriever.searcher
            dense = sorted(int(i) for i in state.dense.ids()) if state.dense is not None else []
            return {
                "documents": sorted({r.document_id for r in state.records}),
                "passages": sorted(r.id for r in state.records),
                "dense": dense,
                "revision": state.revision,
            }
        if op == "delete":
            return {"deleted": store.delete_document(int(req["id"]), actor="test")}
        raise ValueError(f"unknown op {op!r}")


def main() -> int:
    logging.getLogger().addHandler(ERRORS)
    replica = Replica()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = replica.handle(json.loads(line))
        except Exception as exc:
            tail = "".join(traceback.format_exception(exc)[-3:])
            reply = {"error": f"{type(exc).__name__}: {exc}"[:500], "traceback": tail[-1500:]}
        print(json.dumps(reply), flush=True)
    replica.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
