"""Index builder and searcher with the hashing encoder (quality is measured with the real model elsewhere)."""

from pathlib import Path

import numpy as np
import pytest

from corpus.ingest import ingest_text
from corpus.store import CorpusStore
from retrieval.encoder import HashEncoder
from retrieval.indexing import IndexBuilder


class CountingEncoder(HashEncoder):
    def __init__(self) -> None:
        super().__init__(dim=32)
        self.passages_encoded = 0

    def encode_passages(self, texts, *, show_progress=False):  # type: ignore[no-untyped-def]
        self.passages_encoded += len(texts)
        return super().encode_passages(texts)


def _doc_of(retriever: IndexBuilder, store: CorpusStore, question: str) -> str:
    hits = retriever.searcher.search(retriever.searcher.parse(question), k=3)
    assert hits, question
    doc = store.get_document(hits[0].document_id)
    assert doc is not None
    return doc.source_name


def test_number_and_diacritic_free_questions_reach_the_seed(seeded_store: CorpusStore) -> None:
    retriever = IndexBuilder(seeded_store, encoder=HashEncoder())
    retriever.refresh()
    assert retriever.mode == "hybrid"
    for q in ("Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
              "cac don vi phai lam gi theo nq 02", "NQ 02-NQ/TW triển khai thế nào"):
        assert _doc_of(retriever, seeded_store, q).startswith("seed-000"), q


def test_lexical_only_without_encoder(seeded_store: CorpusStore) -> None:
    retriever = IndexBuilder(seeded_store, encoder=None)
    retriever.refresh()
    assert retriever.mode == "lexical"
    assert _doc_of(retriever, seeded_store, "cv 5208 nhiệm vụ giáo dục phổ thông").startswith("cong-van-5208")


def test_refresh_is_incremental_and_never_reembeds(seeded_store: CorpusStore, tmp_path: Path) -> None:
    enc = CountingEncoder()
    retriever = IndexBuilder(seeded_store, encoder=enc, index_dir=tmp_path / "index")
    assert retriever.refresh()
    first = enc.passages_encoded
    assert first == seeded_store.count_passages()
    assert not retriever.refresh()  # same revision: nothing to do
    out = ingest_text(seeded_store, "Thông báo số 12/TB-SGDĐT\nV/v lịch nghỉ Tết\n\nCác trường cho học sinh nghỉ Tết từ ngày 20/01.", source_name="tb.txt")
    assert retriever.refresh()
    assert enc.passages_encoded == first + len(seeded_store.passages_of(out.document_id or 0))
    hits = retriever.searcher.search(retriever.searcher.parse("lịch nghỉ Tết của học sinh"), k=20)
    assert any(h.document_id == out.document_id and h.lexical_rank == 1 for h in hits)
    seeded_store.delete_document(out.document_id or 0)
    retriever.refresh()
    assert all(h.document_id != out.document_id for h in retriever.searcher.search(retriever.searcher.parse("lịch nghỉ Tết"), k=20))

    # A new process reuses the persisted indexes and the embedding cache: nothing re-embedded.
    enc2 = CountingEncoder()
    again = IndexBuilder(seeded_store, encoder=enc2, index_dir=tmp_path / "index")
    again.refresh()
    assert enc2.passages_encoded == 0 and len(again) == len(retriever)


def test_model_change_rebuilds_dense_index(seeded_store: CorpusStore, tmp_path: Path) -> None:
    IndexBuilder(seeded_store, encoder=HashEncoder(32), index_dir=tmp_path / "i").refresh()
    other = CountingEncoder.__new__(CountingEncoder)
    HashEncoder.__init__(other, dim=48)
    other.passages_encoded = 0
    r = IndexBuilder(seeded_store, encoder=other, index_dir=tmp_path / "i")
    r.refresh()
    assert other.passages_encoded == seeded_store.count_passages()
    q = other.encode_queries(["công đoàn"])[0]
    assert q.shape == (48,) and np.isclose(np.linalg.norm(q), 1.0)


def test_damaged_index_files_are_rebuilt(seeded_store: CorpusStore, tmp_path: Path) -> None:
    index = tmp_path / "index"
    IndexBuilder(seeded_store, encoder=HashEncoder(), index_dir=index).refresh()
    (index / "dense.faiss").write_bytes(b"garbage")
    r = IndexBuilder(seeded_store, encoder=HashEncoder(), index_dir=index)
    r.refresh()
    assert len(r) == seeded_store.count_passages() and r.searcher.search(r.searcher.parse("công đoàn"), k=1)


def test_superseded_documents_rank_below(seeded_store: CorpusStore) -> None:
    retriever = IndexBuilder(seeded_store, encoder=None)
    retriever.refresh()
    top = retriever.searcher.search(retriever.searcher.parse("nhiệm vụ giáo dục phổ thông năm học 2026-2027"), k=1)[0]
    seeded_store.supersede(top.document_id, None)
    retriever.refresh()
    assert retriever.searcher.search(retriever.searcher.parse("nhiệm vụ giáo dục phổ thông năm học 2026-2027"), k=1)[0].document_id != top.document_id


class LabelledEncoder(CountingEncoder):
    """Same dimension, different model id: what two backends of one model look like."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    @property
    def model_id(self) -> str:
        return f"e5|{self.label}|abc"


def test_switching_backend_never_mixes_vectors(seeded_store: CorpusStore, tmp_path: Path) -> None:
    index = tmp_path / "index"
    torch_enc = LabelledEncoder("torch")
    IndexBuilder(seeded_store, encoder=torch_enc, index_dir=index).refresh()
    int8 = LabelledEncoder("onnx-int8-avx512_vnni")
    r = IndexBuilder(seeded_store, encoder=int8, index_dir=index)
    r.refresh()
    # Every passage is embedded again by the new backend; none of the torch vectors is reused.
    assert int8.passages_encoded == seeded_store.count_passages()
    assert r.searcher.search(r.searcher.parse("công đoàn"), k=1)
    # Back to torch: its own stored vectors come back, nothing is embedded.
    again = LabelledEncoder("torch")
    IndexBuilder(seeded_store, encoder=again, index_dir=index).refresh()
    assert again.passages_encoded == 0
    manifest = (index / "manifest.json").read_text()
    assert "e5|torch|abc" in manifest


def test_approximate_index_above_the_threshold(seeded_store: CorpusStore, tmp_path: Path) -> None:
    index = tmp_path / "index"
    exact = IndexBuilder(seeded_store, encoder=CountingEncoder())
    exact.refresh()
    enc = CountingEncoder()
    r = IndexBuilder(seeded_store, encoder=enc, index_dir=index, approximate_above=10, nprobe=1000)
    r.refresh()
    assert r.searcher.dense is not None and r.searcher.dense.approximate
    question = "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?"
    # nprobe above the number of lists: the approximate index must rank exactly as exact search.
    assert [h.passage_id for h in r.searcher.search(r.searcher.parse(question))] == [h.passage_id for h in exact.searcher.search(exact.searcher.parse(question))]
    again = CountingEncoder()
    restarted = IndexBuilder(seeded_store, encoder=again, index_dir=index, approximate_above=10)
    restarted.refresh()
    assert again.passages_encoded == 0
    assert restarted.searcher.dense is not None and restarted.searcher.dense.approximate
    assert len(restarted.searcher.dense) == seeded_store.count_passages()


def test_lexical_only_process_keeps_the_dense_index(
    seeded_store: CorpusStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    IndexBuilder(seeded_store, encoder=CountingEncoder(), index_dir=index).refresh()
    IndexBuilder(seeded_store, encoder=None, index_dir=index).refresh()  # e.g. started without a model
    out = ingest_text(seeded_store, "Thông báo số 13/TB-SGDĐT\nV/v lịch thi\n\nLịch thi học kỳ một.", source_name="t.txt")
    IndexBuilder(seeded_store, encoder=None, index_dir=index).refresh()

    def no_rebuild(self: IndexBuilder, dim: int) -> None:
        raise AssertionError("the dense index was rebuilt instead of loaded")

    monkeypatch.setattr(IndexBuilder, "_new_dense", no_rebuild)
    enc = CountingEncoder()
    r = IndexBuilder(seeded_store, encoder=enc, index_dir=index)
    r.refresh()
    # Loaded from disk and brought up to date: only the new document's passages were embedded.
    assert enc.passages_encoded == len(seeded_store.passages_of(out.document_id or 0))
    assert r.searcher.dense is not None and len(r.searcher.dense) == seeded_store.count_passages()


def test_a_thread_prefers_the_documents_it_was_answered_from(seeded_store: CorpusStore) -> None:
    retriever = IndexBuilder(seeded_store, encoder=None)
    retriever.refresh()
    searcher = retriever.searcher
    query = searcher.parse("công đoàn có quyền và trách nhiệm gì")
    alone = searcher.search(query, k=3)[0].document_id
    docs, _ = seeded_store.list_documents(limit=50)
    seed = next(d.id for d in docs if d.source_name.startswith("seed-000"))
    assert seed is not None and alone != seed
    assert searcher.search(query, k=3, prefer={seed})[0].document_id == seed
