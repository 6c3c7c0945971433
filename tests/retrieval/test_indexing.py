"""The index builder's snapshot: what it precomputes so that searching needs no database."""

import shutil
from pathlib import Path

import pytest

from corpus.hashing import sha256_text
from corpus.ingest import ingest_text
from corpus.store import CorpusStore, ReferenceLink
from corpus.text import clean_text
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder
from retrieval.indexing.builder import number_documents


def test_number_documents_reach_the_named_and_the_citing_documents() -> None:
    links = [
        ReferenceLink(document_id=10, target_id=1, match_key="NQ:2"),  # cites 1, resolved
        ReferenceLink(document_id=11, target_id=None, match_key="KH:37"),  # cites an absent plan
        ReferenceLink(document_id=12, target_id=1, match_key=None),  # resolved by id only
    ]
    reached = number_documents({1: "NQ:2", 2: "CV:5208", 3: None}, links)
    assert reached["NQ:2"] == {1, 10, 12}
    assert reached["CV:5208"] == {2}
    assert reached["KH:37"] == {11}
    assert None not in reached


class _Unreachable:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the searcher touched the store ({name})")


def test_the_searcher_answers_without_the_store(seeded_store: CorpusStore) -> None:
    builder = IndexBuilder(seeded_store, encoder=HashEncoder(32))
    builder.refresh()
    searcher = builder.searcher
    expected = searcher.search(searcher.parse("cac don vi phai lam gi theo nq 02"), k=5)
    builder.store = _Unreachable()  # type: ignore[assignment]
    again = searcher.search(searcher.parse("cac don vi phai lam gi theo nq 02"), k=5)
    assert expected and again == expected
    assert any(h.number_match for h in again)


def test_a_refresh_replaces_the_snapshot_whole(seeded_store: CorpusStore) -> None:
    builder = IndexBuilder(seeded_store, encoder=HashEncoder(32))
    builder.refresh()
    before = builder.searcher
    assert not builder.refresh()
    assert builder.searcher is before
    assert builder.refresh(force=True)
    assert builder.searcher is not before and len(builder.searcher) == len(before)


QUESTIONS = ("cac don vi phai lam gi theo nq 02", "kiểm kê thiết bị thư viện")
EXTRA = """UBND TỈNH LONG AN
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 4321/SGDĐT-VP
V/v kiểm kê thiết bị thư viện năm 2026
Long An, ngày 05 tháng 11 năm 2026
Kính gửi: Các trường trung học phổ thông.
1. Các trường kiểm kê thiết bị thư viện, sách giáo khoa và báo cáo về Sở trước ngày 15/12/2026.
2. Thư viện trường lập biên bản kiểm kê, đề xuất thanh lý thiết bị hư hỏng.
Nơi nhận:
- Như trên;
GIÁM ĐỐC
"""


def _bm25_dir(index_dir: Path) -> Path:
    found = sorted(p.parent for p in index_dir.rglob("rows.npz"))
    assert len(found) == 1, found
    return found[0]


def _ranking(builder: IndexBuilder) -> list[list[int]]:
    searcher = builder.searcher
    return [[h.passage_id for h in searcher.search(searcher.parse(q), k=10)] for q in QUESTIONS]


@pytest.mark.parametrize("stale", ["smaller", "bigger"])
def test_a_stale_bm25_directory_beside_a_valid_manifest_is_rebuilt(
    seeded_store: CorpusStore, tmp_path: Path, stale: str
) -> None:
    index_dir = tmp_path / "index"
    if stale == "smaller":  # BM25 files of an earlier revision, with fewer passages
        IndexBuilder(seeded_store, index_dir=index_dir).refresh()
        shutil.copytree(_bm25_dir(index_dir), tmp_path / "stale")
        assert ingest_text(seeded_store, EXTRA, source_name="cv-4321.txt").ok
    else:  # BM25 files of a bigger corpus
        other = tmp_path / "other"
        IndexBuilder(seeded_store, index_dir=other).refresh()
        assert ingest_text(seeded_store, EXTRA, source_name="cv-4321.txt").ok
        IndexBuilder(seeded_store, index_dir=other).refresh()
        shutil.copytree(_bm25_dir(other), tmp_path / "stale")
        doc = seeded_store.find_by_sha(sha256_text(clean_text(EXTRA)))
        assert doc is not None and doc.id is not None
        seeded_store.delete_document(doc.id)
    IndexBuilder(seeded_store, index_dir=index_dir).refresh()  # a valid manifest, then ...
    current = _bm25_dir(index_dir)
    shutil.rmtree(current)
    shutil.copytree(tmp_path / "stale", current)  # ... its BM25 files swapped behind its back

    restarted = IndexBuilder(seeded_store, index_dir=index_dir)
    restarted.refresh()
    fresh = IndexBuilder(seeded_store)
    fresh.refresh()
    assert _ranking(restarted) == _ranking(fresh)
    assert all(_ranking(fresh))
    state, reason = restarted.files_state
    assert state == "index_rebuilt_from_database"
    assert reason and "bm25" in reason.lower()
    again = IndexBuilder(seeded_store, index_dir=index_dir)  # the rebuilt files are trusted
    again.refresh()
    assert again.files_state == ("ok", None)
    assert _ranking(again) == _ranking(fresh)
