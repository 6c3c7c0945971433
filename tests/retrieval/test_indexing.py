"""The index builder's snapshot: what it precomputes so that searching needs no database."""

from corpus.store import CorpusStore, ReferenceLink
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
