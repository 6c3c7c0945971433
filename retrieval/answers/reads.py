"""The store reads of answer composition, kept for one corpus revision.

Every corpus write bumps the revision (:mod:`corpus.store`), so what was read at one revision
stays true until the index moves to the next one. :class:`RevisionReads` answers the reads the
composing functions make (passages, documents, references) from memory after their first use,
and the :class:`Answerer` replaces it whole when the store's revision moves on (read once per
question: a document deleted since the index snapshot was built is then never read, so never
cited): a question costs that one small round trip once the passages and documents it
reaches were read.

The objects handed out are shared between answers and threads: the composing functions only
read them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Protocol, TypeVar

from corpus.models import Document, Passage, Reference

T = TypeVar("T")
_ABSENT = object()

MAX_ENTRIES = 50_000  # per kind of read; the least recently used beyond it are read again


class StoreReads(Protocol):
    """The store queries answer composition makes (all read-only)."""

    def passages_by_ids(self, ids: Iterable[int]) -> dict[int, Passage]: ...

    def documents_by_ids(self, ids: Iterable[int]) -> dict[int, Document]: ...

    def get_document(self, doc_id: int) -> Document | None: ...

    def passages_of(self, doc_id: int) -> list[Passage]: ...

    def documents_by_match_keys(self, keys: Iterable[str]) -> list[Document]: ...

    def references_of(self, doc_id: int) -> list[Reference]: ...

    def cited_by(
        self, doc_ids: Iterable[int], match_keys: Iterable[str] = ()
    ) -> list[Reference]: ...


class _Lru:
    """A thread-safe mapping of at most ``size`` entries, least recently used evicted."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object:
        with self._lock:
            value = self._data.get(key, _ABSENT)
            if value is not _ABSENT:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


class RevisionReads:
    """:class:`StoreReads` over ``store``, remembered for corpus revision ``revision``."""

    def __init__(self, store: StoreReads, revision: int, *, size: int = MAX_ENTRIES) -> None:
        self.store = store
        self.revision = revision
        self._passages = _Lru(size)
        self._documents = _Lru(size)
        self._lists = _Lru(size)

    def _by_ids(self, cache: _Lru, ids: Iterable[int],
                load: Callable[[list[int]], dict[int, T]]) -> dict[int, T]:
        wanted = list(dict.fromkeys(ids))
        found: dict[int, T] = {}
        missing = []
        for i in wanted:
            value = cache.get(i)
            if value is _ABSENT:
                missing.append(i)
            elif value is not None:
                found[i] = value  # type: ignore[assignment]
        if missing:
            loaded = load(missing)
            for i in missing:
                cache.put(i, loaded.get(i))
            found.update(loaded)
        return {i: found[i] for i in sorted(found)}  # as the store's primary-key order

    def _list(self, key: Hashable, load: Callable[[], list[T]]) -> list[T]:
        value = self._lists.get(key)
        if value is _ABSENT:
            value = tuple(load())
            self._lists.put(key, value)
        return list(value)  # type: ignore[call-overload]

    def passages_by_ids(self, ids: Iterable[int]) -> dict[int, Passage]:
        return self._by_ids(self._passages, ids, self.store.passages_by_ids)

    def documents_by_ids(self, ids: Iterable[int]) -> dict[int, Document]:
        return self._by_ids(self._documents, ids, self.store.documents_by_ids)

    def get_document(self, doc_id: int) -> Document | None:
        return self.documents_by_ids([doc_id]).get(doc_id)

    def passages_of(self, doc_id: int) -> list[Passage]:
        return self._list(("passages_of", doc_id), lambda: self.store.passages_of(doc_id))

    def documents_by_match_keys(self, keys: Iterable[str]) -> list[Document]:
        wanted = frozenset(keys)
        if not wanted:
            return []
        return self._list(("match_keys", wanted),
                          lambda: self.store.documents_by_match_keys(wanted))

    def references_of(self, doc_id: int) -> list[Reference]:
        return self._list(("references_of", doc_id), lambda: self.store.references_of(doc_id))

    def cited_by(self, doc_ids: Iterable[int], match_keys: Iterable[str] = ()) -> list[Reference]:
        ids, keys = frozenset(doc_ids), frozenset(match_keys)
        if not ids and not keys:
            return []
        return self._list(("cited_by", ids, keys), lambda: self.store.cited_by(ids, keys))
