"""Inverted index from grams (n-grams, words, syllable pairs) to the sorted ids of the keys holding them."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

_EMPTY = array("i")
# Below this size ratio a C-level set intersection beats one bisection per candidate.
_SET_RATIO = 16


class Postings:
    """gram -> sorted array of key ids; built once, then read-only (safe to share between threads)."""

    def __init__(self) -> None:
        self._building: dict[str, list[int]] | None = {}
        self._lists: dict[str, array[int]] = {}

    def add(self, key_id: int, grams: Iterable[str]) -> None:
        """Record that key `key_id` holds `grams`; ids must be added in increasing order."""
        building = self._building
        assert building is not None, "postings are frozen"
        for gram in grams:
            ids = building.get(gram)
            if ids is None:
                building[gram] = [key_id]
            elif ids[-1] != key_id:
                ids.append(key_id)

    def freeze(self) -> Postings:
        """Turn the lists into compact int arrays (4 bytes an entry); no more adds."""
        assert self._building is not None
        self._lists = {gram: array("i", ids) for gram, ids in self._building.items()}
        self._building = None
        return self

    def get(self, gram: str) -> array[int]:
        """The sorted key ids holding `gram` (empty when none)."""
        return self._lists.get(gram, _EMPTY)

    def __len__(self) -> int:
        return len(self._lists)

    def entries(self) -> int:
        """Total number of (gram, key) entries."""
        return sum(len(ids) for ids in self._lists.values())

    def intersect(self, grams: Iterable[str]) -> list[int]:
        """Ids of the keys holding every one of `grams`, ascending (all keys never: grams must be given)."""
        lists = sorted((self.get(g) for g in set(grams)), key=len)
        return intersect(lists) if lists else []

    def union(self, grams: Iterable[str]) -> set[int]:
        """Ids of the keys holding any of `grams`."""
        found: set[int] = set()
        for gram in set(grams):
            found.update(self.get(gram))
        return found


def _contains(ids: Sequence[int], key_id: int) -> bool:
    index = bisect_left(ids, key_id)
    return index < len(ids) and ids[index] == key_id


def intersect(lists: Sequence[Sequence[int]]) -> list[int]:
    """Intersection of sorted id lists, given shortest first."""
    result = list(lists[0])
    for other in lists[1:]:
        if not result:
            break
        if len(other) <= _SET_RATIO * len(result):
            keep = set(result).intersection(other)
            result = [key_id for key_id in result if key_id in keep]
        else:
            result = [key_id for key_id in result if _contains(other, key_id)]
    return result
