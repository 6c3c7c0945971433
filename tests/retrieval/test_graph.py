"""The directive graph over the bundled samples: implementers, chains, document cards."""

from __future__ import annotations

from corpus.docnumbers import numbers_in_question
from corpus.ingest import ingest_text
from corpus.store import CorpusStore
from retrieval.answers.graph import STATED, DirectiveGraph, compatible, node_of_document
from retrieval.query import parse_query

KH37 = """TỈNH ỦY LONG AN
Số 37-KH/TU
Long An, ngày 29 tháng 10 năm 2021

KẾ HOẠCH
thực hiện Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị về đổi mới tổ chức và hoạt \
động của Công đoàn Việt Nam trong tình hình mới

Căn cứ Nghị quyết số 02-NQ/TW ngày 12/6/2021 của Bộ Chính trị về đổi mới tổ chức và hoạt động \
của Công đoàn Việt Nam trong tình hình mới, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch như sau:

1. Các cấp ủy, tổ chức đảng tổ chức quán triệt Nghị quyết đến cán bộ, đảng viên.
"""


def _seed_id(store: CorpusStore) -> int:
    docs, _ = store.list_documents(limit=50)
    doc_id = next(d.id for d in docs if d.source_name.startswith("seed-000"))
    assert doc_id is not None
    return doc_id


def test_chain_through_a_plan_that_is_only_referenced(seeded_store: CorpusStore) -> None:
    graph = DirectiveGraph(seeded_store)
    (target,) = graph.targets(parse_query("Văn bản nào triển khai Nghị quyết 02-NQ/TW?"))
    assert not target.in_corpus and target.issuer == "Bộ Chính trị"
    assert target.date_text == "12/06/2021"
    chains = graph.implementers(target)
    seed = _seed_id(seeded_store)
    assert {c.implementer.document_id for c in chains} == {seed}
    direct = [c for c in chains if c.depth == 1]
    assert direct and direct[0].relations == ("can_cu",)
    through = [c for c in chains if [n.number for n in c.nodes[:2]] == ["02-NQ/TW", "37-KH/TU"]]
    assert through, [c.text() for c in chains]
    kh37 = through[0].nodes[1]
    assert kh37.document_id is None and kh37.issuer == "Tỉnh ủy Long An"
    assert kh37.date_text == "29/10/2021"
    assert through[0].relations[0] == STATED  # read in the dispatch: "… về việc thực hiện NQ 02"
    assert "Kế hoạch 37-KH/TU của Tỉnh ủy Long An" in through[0].text()
    # the diacritic-free, abbreviated question names the same document
    assert graph.targets(parse_query("van ban nao trien khai nq 02"))[0].key == target.key


def test_chain_through_a_stored_plan(seeded_store: CorpusStore) -> None:
    out = ingest_text(seeded_store, KH37, source_name="kh-37-tu.txt")
    assert out.document_id is not None
    graph = DirectiveGraph(seeded_store)
    (target,) = graph.targets(parse_query("NQ 02-NQ/TW được triển khai bằng văn bản nào?"))
    chains = graph.implementers(target)
    seed = _seed_id(seeded_store)
    paths = {tuple(n.document_id for n in c.nodes) for c in chains}
    assert (None, out.document_id) in paths
    assert (None, out.document_id, seed) in paths


def test_resolution_71_and_the_cards(seeded_store: CorpusStore) -> None:
    graph = DirectiveGraph(seeded_store)
    (nq71,) = graph.targets(parse_query("văn bản nào triển khai nghị quyết 71"))
    assert nq71.in_corpus
    chains = graph.implementers(nq71)
    assert [c.implementer.number for c in chains] == ["999-CV/BTGDVTU"]
    assert chains[0].relations == ("subject",)  # "V/v quán triệt … triển khai Nghị quyết 71"
    assert nq71.document_id is not None
    nq71_doc = seeded_store.get_document(nq71.document_id)
    assert nq71_doc is not None
    card = graph.implementers(node_of_document(nq71_doc))  # what a document's card lists
    assert [c.implementer.number for c in card] == ["999-CV/BTGDVTU"]
    seed_chains = graph.implements(_seed_id(seeded_store))
    texts = [c.text() for c in seed_chains]
    assert any(t.startswith("Nghị quyết 02-NQ/TW của Bộ Chính trị ← Kế hoạch 37-KH/TU")
               for t in texts), texts
    seed_doc = seeded_store.get_document(_seed_id(seeded_store))
    assert seed_doc is not None and not graph.implementers(node_of_document(seed_doc))


def test_what_a_document_implements_is_said_once(seeded_store: CorpusStore) -> None:
    """The Long An dispatch cites NQ 02, KH 37 and CV 11276; the chain through all of them
    already says that it implements each, so the shortcuts are not listed again."""
    chains = DirectiveGraph(seeded_store).implements(_seed_id(seeded_store))
    longest = max(chains, key=lambda c: c.depth)
    assert [n.number for n in longest.nodes[:3]] == ["02-NQ/TW", "37-KH/TU", "11276/UBND-VHXXH"]
    within = {n.key for n in longest.nodes}
    shortcuts = [c.text() for c in chains
                 if c is not longest and {n.key for n in c.nodes} <= within]
    assert not shortcuts


def test_question_forms_and_number_compatibility() -> None:
    assert parse_query("Văn bản nào triển khai Nghị quyết 02-NQ/TW?").intent == "implementing"
    assert parse_query("van ban nao trien khai nq 02").intent == "implementing"
    assert parse_query("Kế hoạch 37-KH/TU được triển khai bằng văn bản nào?").intent == "implementing"
    assert parse_query("Các đơn vị phải làm gì để thực hiện Nghị quyết 02?").intent != "implementing"
    assert parse_query("Văn bản nào triển khai nghị quyết?").intent != "implementing"  # names no document
    (nq02,) = numbers_in_question("Nghị quyết 02-NQ/TW")
    assert compatible(nq02, "Nghị quyết 02-NQ/TW")
    assert not compatible(nq02, "Nghị quyết 02/2025/NQ-CP")
    (bare,) = numbers_in_question("nq 02")
    assert compatible(bare, "Nghị quyết 02/2025/NQ-CP")
