"""A stand-in for a running bot process: its own retriever, refreshed by the corpus revision.

Reads settings from the environment (CHINAM_DATABASE_URL, CHINAM_DATA_DIR,
CHINAM_REFRESH_SECONDS), prints "ready", then answers one question per stdin line with one
JSON line: {"status", "cited": [document ids], "revision"}.
"""

from __future__ import annotations

import json
import sys

from retrieval.answers import answer_to_dict
from retrieval.service import Runtime, Settings


def main() -> int:
    runtime = Runtime(Settings(), load_model=False)
    runtime.catch_up()
    runtime.start()
    answerer = runtime.answerer
    print("ready", flush=True)
    try:
        for line in sys.stdin:
            answer = answer_to_dict(answerer.answer(line.strip(), channel="test"))
            cited = sorted({g["citation"]["document_id"] for g in answer["groups"]})
            print(json.dumps({"status": answer["status"], "cited": cited,
                              "revision": runtime.index_state().revision}), flush=True)
    finally:
        runtime.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
