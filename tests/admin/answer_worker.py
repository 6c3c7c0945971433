"""A stand-in for a running bot process: its own retriever, refreshed by the corpus revision.

Reads settings from the environment (CHINAM_DATABASE_URL, CHINAM_DATA_DIR,
CHINAM_REFRESH_SECONDS), prints "ready", then answers one question per stdin line with one
JSON line: {"status", "cited": [document ids], "revision"}.
"""

from __future__ import annotations

import json
import sys

from retrieval.answer import Answerer, answer_to_dict
from retrieval.runtime import RefreshLoop, build_retriever, open_store
from retrieval.service.settings import Settings


def main() -> int:
    settings = Settings()
    store = open_store(settings)
    retriever = build_retriever(settings, store, load_model=False)
    retriever.refresh()
    loop = RefreshLoop(retriever, settings.refresh_seconds)
    loop.start()
    answerer = Answerer(store, retriever)
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            answer = answer_to_dict(answerer.answer(line.strip(), channel="test"))
            cited = sorted({g["citation"]["document_id"] for g in answer["groups"]})
            print(json.dumps({"status": answer["status"], "cited": cited,
                              "revision": retriever.revision}), flush=True)
    finally:
        loop.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
