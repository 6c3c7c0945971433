"""The incremental refresh: an upload, a deletion and an edit each reach the snapshot, reading
only the passages that changed, and leave it ranking as a build from scratch would."""

import json
from pathlib import Path

import numpy as np
import pytest

from corpus.editing import update_metadata
from corpus.hashing import sha256_text
from corpus.ingest import ingest_text
from corpus.store import CorpusStore, PassageRecord
from corpus.text import clean_text
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.indexing import builder as builder_module
from tests.retrieval.test_indexing import EXTRA

QUESTIONS = (
    "cac don vi phai lam gi theo nq 02",
    "kiểm kê thiết bị thư viện",
    "Công đoàn cơ sở có quyền và trách nhiệm gì?",
    "nhiệm vụ năm học 2026-2027",
)


class _Reads:
    """Counts the passages the builder reads from the store."""

    def __init__(self, store: CorpusStore) -> None:
        self.passages = 0
        self._read = store.passages_for_index

        def read(ids: object = None) -> list[PassageRecord]:
            found = self._read(ids)  # type: ignore[arg-type]
            self.passages += len(found)
            return found

        store.passages_for_index = read  # type: ignore[method-assign]


def _same_as_fresh(builder: IndexBuilder, store: CorpusStore) -> None:
    fresh = IndexBuilder(store, encoder=HashEncoder(32))
    fresh.refresh()
    ours, theirs = builder.searcher, fresh.searcher
    assert sorted(r.id for r in ours.records) == sorted(r.id for r in theirs.records)
    for q in QUESTIONS:
        tokens = ours.analyzer.query_tokens(q)
        by_id = dict(zip((r.id for r in ours.records), ours.lexical.scores(tokens), strict=True))
        expected = dict(zip((r.id for r in theirs.records), theirs.lexical.scores(tokens),
                            strict=True))
        np.testing.assert_allclose([by_id[i] for i in sorted(by_id)],
                                   [expected[i] for i in sorted(expected)], rtol=1e-5, atol=1e-6)
        got = [h.passage_id for h in ours.search(ours.parse(q), k=10)]
        assert got == [h.passage_id for h in theirs.search(theirs.parse(q), k=10)], q


def _extra_id(store: CorpusStore) -> int:
    doc = store.find_by_sha(sha256_text(clean_text(EXTRA)))
    assert doc is not None and doc.id is not None
    return doc.id


def test_an_upload_a_deletion_and_an_edit_are_each_searchable(
    seeded_store: CorpusStore,
) -> None:
    builder = IndexBuilder(seeded_store, encoder=HashEncoder(32))
    builder.refresh()
    big = builder.searcher.lexical.segments[0]
    reads = _Reads(seeded_store)

    assert ingest_text(seeded_store, EXTRA, source_name="cv-4321.txt").ok
    assert builder.refresh()
    new = seeded_store.passages_of(_extra_id(seeded_store))
    assert reads.passages == len(new)  # the new document's passages, not the corpus
    hits = builder.searcher.search(builder.searcher.parse("kiểm kê thiết bị thư viện"), k=3)
    assert hits and hits[0].document_id == _extra_id(seeded_store)
    assert builder.searcher.lexical.segments[0] is big  # the large segment is kept
    _same_as_fresh(builder, seeded_store)

    first = builder.searcher.records[0]
    assert update_metadata(seeded_store, first.document_id, {"subject": "kiểm định chất lượng thư viện số"},
                           actor="t")
    reads.passages = 0
    assert builder.refresh()
    edited = seeded_store.passages_of(first.document_id)
    assert reads.passages == len(edited)
    held = {r.id: r.content_hash for r in builder.searcher.records}
    assert all(held[p.id] == p.content_hash for p in edited)
    _same_as_fresh(builder, seeded_store)

    seeded_store.delete_document(_extra_id(seeded_store))
    reads.passages = 0
    assert builder.refresh()
    assert reads.passages == 0
    assert not {p.id for p in new} & {r.id for r in builder.searcher.records}
    hits = builder.searcher.search(builder.searcher.parse("kiểm kê thiết bị thư viện"), k=3)
    assert all(h.passage_id not in {p.id for p in new} for h in hits)
    _same_as_fresh(builder, seeded_store)


def test_segments_merge_past_the_threshold_and_rank_the_same(
    seeded_store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builder_module, "MERGE_MIN_ROWS", 0)
    monkeypatch.setattr(builder_module, "MERGE_SHARE", 0.0)
    builder = IndexBuilder(seeded_store, encoder=HashEncoder(32))
    builder.refresh()
    assert ingest_text(seeded_store, EXTRA, source_name="cv-4321.txt").ok
    builder.refresh()
    assert len(builder.searcher.lexical.segments) == 1
    assert builder.searcher.lexical.delta_rows == 0
    _same_as_fresh(builder, seeded_store)


def test_a_restart_picks_up_changes_made_while_down_from_its_files(
    seeded_store: CorpusStore, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    first = IndexBuilder(seeded_store, encoder=HashEncoder(32), index_dir=index_dir)
    first.refresh()
    dense_entry = json.loads((index_dir / "manifest.json").read_text())["files"]["dense"]
    assert ingest_text(seeded_store, EXTRA, source_name="cv-4321.txt").ok
    first.refresh()  # saved with a small segment beside the large one
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert len(manifest["segments"]) == 2
    assert manifest["files"]["dense"] == dense_entry  # a few new vectors: FAISS file kept
    victim = first.searcher.records[0].document_id
    seeded_store.delete_document(victim)  # while no process runs
    reads = _Reads(seeded_store)
    restarted = IndexBuilder(seeded_store, encoder=HashEncoder(32), index_dir=index_dir)
    restarted.refresh()
    assert restarted.files_state == ("ok", None)
    assert len(restarted.searcher.lexical.segments) == 2
    assert reads.passages == seeded_store.count_passages()  # one read of the texts, no more
    assert victim not in {r.document_id for r in restarted.searcher.records}
    _same_as_fresh(restarted, seeded_store)
