"""The FAISS wrapper: exact while small, IVF-Flat above its threshold, same behaviour either way."""

from pathlib import Path

import numpy as np
import pytest

from retrieval.dense import DenseIndex


def _unit(n: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_below_the_threshold() -> None:
    index = DenseIndex(16, approximate_above=1000)
    vecs = _unit(300, 16, 0)
    index.add(np.arange(300), vecs)
    assert not index.approximate and len(index) == 300
    ids, scores = index.search(vecs[7], 3)
    assert ids[0] == 7 and scores[0] == pytest.approx(1.0, abs=1e-5)


def test_switches_to_ivf_and_keeps_every_operation(tmp_path: Path) -> None:
    dim = 16
    index = DenseIndex(dim, approximate_above=500, nprobe=64)
    first, second = _unit(400, dim, 1), _unit(400, dim, 2)
    index.add(np.arange(400), first)
    assert not index.approximate
    index.add(np.arange(400, 800), second)  # crosses 500: trained on all 800, moved into IVF
    assert index.approximate and len(index) == 800
    assert sorted(index.ids().tolist()) == list(range(800))
    everything = np.concatenate([first, second])
    # Each stored vector finds itself first (nprobe covers every list here).
    for i in (3, 399, 400, 777):
        ids, _ = index.search(everything[i], 5)
        assert ids[0] == i
    assert index.vectors([777, 3]) == pytest.approx(everything[[777, 3]], abs=1e-6)
    index.remove(np.array([3, 777]))
    assert len(index) == 798 and 3 not in index.ids()
    with pytest.raises(KeyError):
        index.vectors([3])
    assert index.search(everything[3], 5)[0][0] != 3
    index.add(np.array([5000]), everything[[3]])  # small additions go straight into the lists
    assert index.search(everything[3], 1)[0][0] == 5000

    index.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss", dim, approximate_above=500, nprobe=64)
    assert loaded.approximate and sorted(loaded.ids().tolist()) == sorted(index.ids().tolist())
    assert loaded.search(everything[400], 1)[0][0] == 400
    assert loaded.vectors([400]) == pytest.approx(everything[[400]], abs=1e-6)

    # Fourfold growth since training: retrained with more lists, every vector carried over.
    lists = loaded._index.nlist
    more = _unit(2500, dim, 9)
    loaded.add(np.arange(10_000, 12_500), more)
    assert loaded._index.nlist > lists and len(loaded) == 799 + 2500
    assert loaded.search(more[123], 1)[0][0] == 10_123
    assert loaded.search(everything[400], 1)[0][0] == 400
    assert loaded.vectors([5000]) == pytest.approx(everything[[3]], abs=1e-6)


def test_ivf_recall_against_exact() -> None:
    """With the default nprobe, IVF finds nearly what exact search finds on clustered data."""
    dim, n = 32, 6000
    rng = np.random.default_rng(3)
    centres = _unit(60, dim, 4)
    data = centres[rng.integers(0, 60, n)] + 0.35 * rng.standard_normal((n, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    exact = DenseIndex(dim, approximate_above=10 * n)
    approx = DenseIndex(dim, approximate_above=n // 2)
    for index in (exact, approx):
        index.add(np.arange(n), data)
    assert approx.approximate and not exact.approximate
    queries = data[rng.integers(0, n, 50)] + 0.1 * rng.standard_normal((50, dim)).astype(np.float32)
    found = [
        len(set(exact.search(q, 10)[0].tolist()) & set(approx.search(q, 10)[0].tolist())) / 10
        for q in queries / np.linalg.norm(queries, axis=1, keepdims=True)
    ]
    assert np.mean(found) >= 0.9


def test_load_refuses_another_dimension(tmp_path: Path) -> None:
    index = DenseIndex(8)
    index.add(np.arange(3), _unit(3, 8, 5))
    index.save(tmp_path / "d.faiss")
    with pytest.raises(ValueError):
        DenseIndex.load(tmp_path / "d.faiss", 16)


def test_searches_during_a_refresh_see_consistent_ids() -> None:
    """The refresh removes and re-adds vectors in place while questions are searched. Without
    the index's lock, FAISS returned ids paired with another passage's score (hundreds of
    wrong hits in this very loop)."""
    import threading

    dim, n = 64, 20000
    vecs = _unit(n, dim, 6)
    index = DenseIndex(dim)
    index.add(np.arange(n), vecs)
    rng = np.random.default_rng(7)
    wrong: list[int] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            q = vecs[rng.integers(0, n)]
            ids, scores = index.search(q, 10)
            wrong.extend(int(i) for i, s in zip(ids, scores, strict=True) if abs(vecs[i] @ q - s) > 1e-3)

    thread = threading.Thread(target=ask)
    thread.start()
    try:
        for _ in range(30):
            drop = rng.choice(n, 2000, replace=False)
            index.remove(drop)
            index.add(drop, vecs[drop])
    finally:
        stop.set()
        thread.join()
    assert wrong == []
    assert len(index) == n


def test_questions_are_answered_while_ivf_trains(monkeypatch: pytest.MonkeyPatch) -> None:
    """Training at the switch takes seconds on a real corpus; searches must not wait for it."""
    import threading

    dim = 16
    index = DenseIndex(dim, approximate_above=500)
    vecs = _unit(900, dim, 10)
    index.add(np.arange(400), vecs[:400])
    training, release = threading.Event(), threading.Event()
    train = DenseIndex._train_ivf

    def slow_train(self: DenseIndex, ids: np.ndarray, vectors: np.ndarray) -> object:
        training.set()
        assert release.wait(10)
        return train(self, ids, vectors)

    monkeypatch.setattr(DenseIndex, "_train_ivf", slow_train)
    writer = threading.Thread(target=index.add, args=(np.arange(400, 900), vecs[400:]))
    writer.start()
    try:
        assert training.wait(10)
        done = threading.Event()
        searcher = threading.Thread(target=lambda: (index.search(vecs[7], 3), done.set()))
        searcher.start()
        assert done.wait(5), "a search waited for the training"
        assert not index.approximate  # still the old exact index, still answering
        assert index.search(vecs[7], 1)[0][0] == 7
    finally:
        release.set()
        writer.join()
    assert index.approximate and len(index) == 900


def test_deletions_well_below_the_threshold_bring_back_exact_search() -> None:
    dim = 16
    index = DenseIndex(dim, approximate_above=500, nprobe=64)
    vecs = _unit(800, dim, 4)
    index.add(np.arange(800), vecs)
    assert index.approximate
    index.remove(np.arange(350))  # 450 left: under the threshold, not yet well under it
    assert index.approximate and len(index) == 450
    index.remove(np.arange(350, 420))  # 380 left, below 0.8 x 500
    assert not index.approximate and len(index) == 380
    assert sorted(index.ids().tolist()) == list(range(420, 800))
    ids, scores = index.search(vecs[555], 1)
    assert ids[0] == 555 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert index.vectors([799]) == pytest.approx(vecs[[799]], abs=1e-6)
    index.add(np.arange(800, 1000), _unit(200, dim, 5))  # 580: above the threshold again
    assert index.approximate and len(index) == 580


def test_an_ivf_index_loaded_under_a_higher_threshold_is_exact(tmp_path: Path) -> None:
    dim = 16
    index = DenseIndex(dim, approximate_above=500, nprobe=64)
    vecs = _unit(800, dim, 6)
    index.add(np.arange(800), vecs)
    index.save(tmp_path / "dense.faiss")
    loaded = DenseIndex.load(tmp_path / "dense.faiss", dim, approximate_above=5000)
    assert not loaded.approximate and len(loaded) == 800
    assert loaded.search(vecs[42], 1)[0][0] == 42
