"""Inverted index from integer gram codes to the sorted ids of the keys holding them, in numpy arrays.

Grams are packed into one uint64 each (see `gram_codes`), so a whole index is built by a few numpy
sorts instead of one Python dict operation per (gram, key) pair, and it is stored as two arrays
(compressed sparse rows): the sorted distinct codes, and the key ids of every code one after another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from kg.lookup.normalise import is_cjk

IdArray = npt.NDArray[np.int32]
CodeArray = npt.NDArray[np.uint64]
EMPTY: IdArray = np.zeros(0, dtype=np.int32)
#: Bits of one code point in a packed gram (Unicode needs 21).
CHAR_BITS = 21
#: Separator between the keys of a joined text; normalised labels never hold it (\s becomes " ").
SEPARATOR = "\n"
#: Above one id in this many keys, a union is marked in a mask instead of sorted (np.unique).
_MASK_RATIO = 16


def gram_codes(text: str) -> list[int]:
    """Packed grams of normalised text: CJK unigrams and bigrams, trigrams inside non-CJK runs.

    A unigram is its code point, a bigram `c1 << 21 | c2`, a trigram `c1 << 42 | c2 << 21 | c3`:
    the three ranges never overlap. `joined_gram_codes` computes the same grams for many texts at once.
    """
    codes: list[int] = []
    cjk = [is_cjk(c) for c in text]
    points = [ord(c) for c in text]
    for i, point in enumerate(points):
        if cjk[i]:
            codes.append(point)
            if i + 1 < len(text) and cjk[i + 1]:
                codes.append(point << CHAR_BITS | points[i + 1])
        elif i + 2 < len(text) and not cjk[i + 1] and not cjk[i + 2]:
            codes.append(point << 2 * CHAR_BITS | points[i + 1] << CHAR_BITS | points[i + 2])
    return codes


def code_points(joined: str) -> npt.NDArray[np.uint64]:
    """The code points of a text as an array."""
    return np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def cjk_mask(points: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
    """Which code points are CJK ideographs (the ranges of `normalise.is_cjk`)."""
    return (((points >= 0x4E00) & (points <= 0x9FFF)) | ((points >= 0x3400) & (points <= 0x4DBF))
            | ((points >= 0xF900) & (points <= 0xFAFF)) | ((points >= 0x20000) & (points <= 0x2FFFF)))


def key_of_position(lengths: Sequence[int]) -> IdArray:
    """For a text joined from texts of `lengths` with one separator after each: the text of each place."""
    return np.repeat(np.arange(len(lengths), dtype=np.int32), np.asarray(lengths, dtype=np.int64) + 1)


def joined_gram_codes(joined: str, lengths: Sequence[int]) -> tuple[CodeArray, IdArray]:
    """The grams of `gram_codes` for every text of a joined text, as (codes, ids of their texts)."""
    points = code_points(joined)
    owner = key_of_position(lengths)
    if len(points) == 0:
        return np.zeros(0, dtype=np.uint64), EMPTY
    cjk = cjk_mask(points)
    other = ~cjk & (points != ord(SEPARATOR))
    shift = np.uint64(CHAR_BITS)
    pairs = cjk[:-1] & cjk[1:]
    triples = other[:-2] & other[1:-1] & other[2:]
    parts = (
        (points[cjk], owner[cjk]),
        ((points[:-1][pairs] << shift) | points[1:][pairs], owner[:-1][pairs]),
        ((points[:-2][triples] << (shift + shift)) | (points[1:-1][triples] << shift)
         | points[2:][triples], owner[:-2][triples]),
    )
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


class Postings:
    """gram code -> sorted array of key ids; immutable once built (safe to share between threads)."""

    def __init__(self, codes: CodeArray, key_ids: IdArray) -> None:
        # A stable sort by code keeps the key ids ascending within a code (they come in key order).
        order = np.argsort(codes, kind="stable")
        codes, key_ids = codes[order], key_ids[order]
        fresh = np.ones(len(codes), dtype=bool)
        fresh[1:] = (codes[1:] != codes[:-1]) | (key_ids[1:] != key_ids[:-1])
        codes, key_ids = codes[fresh], key_ids[fresh]
        starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1]))) if len(codes) else EMPTY
        self.codes: CodeArray = codes[starts]
        self.offsets = np.append(starts, len(codes)).astype(np.int64)
        self.ids: IdArray = key_ids.astype(np.int32)

    def __len__(self) -> int:
        return len(self.codes)

    def entries(self) -> int:
        """Total number of (gram, key) entries."""
        return len(self.ids)

    def slots(self, codes: Iterable[int]) -> list[int]:
        """Positions of `codes` among the indexed codes, -1 for a code no key holds."""
        wanted = np.fromiter(codes, dtype=np.uint64)
        found = np.searchsorted(self.codes, wanted)
        inside = found < len(self.codes)
        hit = np.zeros(len(wanted), dtype=bool)
        hit[inside] = self.codes[found[inside]] == wanted[inside]
        return [int(f) if h else -1 for f, h in zip(found, hit, strict=True)]

    def at(self, slot: int) -> IdArray:
        """The key ids of the code at position `slot`."""
        return self.ids[self.offsets[slot]:self.offsets[slot + 1]]

    def get(self, code: int) -> IdArray:
        """The sorted key ids holding gram `code` (empty when none)."""
        slot = self.slots([code])[0]
        return self.at(slot) if slot >= 0 else EMPTY

    def intersect(self, codes: Iterable[int]) -> IdArray:
        """Ids of the keys holding every one of `codes`, ascending (codes must be given)."""
        slots = self.slots(set(codes))
        if not slots or min(slots) < 0:
            return EMPTY
        return intersect([self.at(s) for s in slots])

    def union_slots(self, slots: Sequence[int] | npt.NDArray[np.int64], universe: int) -> IdArray:
        """Ids (below `universe`) of the keys holding any of the codes at `slots`, ascending."""
        slots = np.asarray(slots, dtype=np.int64)
        if len(slots) == 0:
            return EMPTY
        if len(slots) == 1:
            return self.at(int(slots[0]))
        starts, ends = self.offsets[slots], self.offsets[slots + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        # Positions of every entry of every slot, without a Python loop over the slots.
        shifts = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        ids = self.ids[np.arange(total, dtype=np.int64) + shifts]
        if total * _MASK_RATIO < universe:
            return np.unique(ids)
        # Many ids: marking them in a mask of all keys is cheaper than sorting them.
        mask = np.zeros(universe, dtype=bool)
        mask[ids] = True
        return np.flatnonzero(mask).astype(np.int32)


def intersect(lists: Sequence[IdArray]) -> IdArray:
    """Intersection of sorted arrays of distinct ids: each id of the shortest is looked up by bisection."""
    ordered = sorted(lists, key=len)
    result = ordered[0]
    for other in ordered[1:]:
        if len(result) == 0:
            break
        found = np.minimum(np.searchsorted(other, result), len(other) - 1)
        result = result[other[found] == result]
    return result


def union(lists: Sequence[IdArray]) -> IdArray:
    """Union of id arrays, sorted."""
    lists = [ids for ids in lists if len(ids)]
    if not lists:
        return EMPTY
    return lists[0] if len(lists) == 1 else np.unique(np.concatenate(lists))
