"""Compact columns for the lookup index: many strings in one buffer, and strings found by digest.

A Python str costs 50–80 bytes before its text, a dict entry about 100 more: at a million triples the
index's lists and dicts of strings (keys, IRIs, labels, key → id, number forms, acronyms) were most of
the 400 MB it held. These hold the same in a few flat buffers and numpy arrays, which also pickle and
load as a handful of objects (docs/engine-notes.md §4.7).
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Iterable, Sequence
from typing import TypeVar, overload

import numpy as np
import numpy.typing as npt

T = TypeVar("T")


class MadeOnAccess(Sequence[T]):
    """A read-only sequence whose items are made when asked for (`_item`), from columns."""

    __slots__ = ()

    def _item(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self._item(j) for j in range(*i.indices(len(self)))]
        i = operator.index(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._item(i)


class StringColumn(MadeOnAccess[str]):
    """Read-only strings stored as one UTF-8 buffer and their end offsets; `column[i]` decodes one."""

    __slots__ = ("_data", "_ends")

    def __init__(self, strings: Iterable[str]) -> None:
        encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
        self._data = b"".join(encoded)
        self._ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))

    def __len__(self) -> int:
        return len(self._ends)

    def _item(self, i: int) -> str:
        start = int(self._ends[i - 1]) if i else 0
        return self._data[start:int(self._ends[i])].decode("utf-8", "surrogatepass")

    def __getstate__(self) -> tuple[bytes, npt.NDArray[np.int64]]:
        return self._data, self._ends

    def __setstate__(self, state: tuple[bytes, npt.NDArray[np.int64]]) -> None:
        self._data, self._ends = state


def digest(text: str) -> int:
    """A 64-bit digest of `text`, the same in every process (Python's `hash` of a str is not)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little")


class DigestIndex:
    """From strings to ids (one string may have many ids), by sorted 64-bit digests.

    `find` returns the ids filed under strings with the query's digest: the ids of the string itself
    and, with odds of about n / 2**64, of another string. Callers that must be exact check what they
    get (`LookupIndex` does).
    """

    __slots__ = ("_digests", "_ids")

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        texts, ids = [], []
        for text, i in pairs:
            texts.append(text)
            ids.append(i)
        digests = np.fromiter(map(digest, texts), dtype=np.uint64, count=len(texts))
        order = np.lexsort((np.asarray(ids, dtype=np.int64), digests))
        self._digests = digests[order]
        self._ids = np.asarray(ids, dtype=np.int32)[order]

    def __len__(self) -> int:
        """Distinct strings filed."""
        if not len(self._digests):
            return 0
        return int(np.count_nonzero(np.diff(self._digests)) + 1)

    def find(self, text: str) -> npt.NDArray[np.int32]:
        """Ids filed under `text`'s digest, ascending."""
        key = np.uint64(digest(text))
        low = int(np.searchsorted(self._digests, key, side="left"))
        high = int(np.searchsorted(self._digests, key, side="right"))
        return self._ids[low:high]

    def __getstate__(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]:
        return self._digests, self._ids

    def __setstate__(self, state: tuple[npt.NDArray[np.uint64], npt.NDArray[np.int32]]) -> None:
        self._digests, self._ids = state

