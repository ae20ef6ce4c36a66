"""Inverted index from integer gram codes to the sorted ids of the keys holding them, in numpy arrays.

Grams are packed into one uint64 each (see `gram_codes`), so a whole index is built by a few numpy
sorts instead of one Python dict operation per (gram, key) pair, and it is stored as two arrays
(compressed sparse rows): the sorted distinct codes, and the key ids of every code one after another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kg.lookup.normalise import is_cjk

IdArray = npt.NDArray[np.int32]
#: A test of code points, elementwise (one position of a run of characters).
Step = Callable[[npt.NDArray[np.unsignedinteger[Any]]], npt.NDArray[np.bool_]]
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
    return [code for code, _, _ in gram_spans(text)]


def gram_spans(text: str) -> list[tuple[int, int, int]]:
    """The grams of `gram_codes`, each as (code, start, end): where in `text` it lies."""
    spans: list[tuple[int, int, int]] = []
    cjk = [is_cjk(c) for c in text]
    points = [ord(c) for c in text]
    for i, point in enumerate(points):
        if cjk[i]:
            spans.append((point, i, i + 1))
            if i + 1 < len(text) and cjk[i + 1]:
                spans.append((point << CHAR_BITS | points[i + 1], i, i + 2))
        elif i + 2 < len(text) and not cjk[i + 1] and not cjk[i + 2]:
            spans.append((point << 2 * CHAR_BITS | points[i + 1] << CHAR_BITS | points[i + 2], i, i + 3))
    return spans


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
        self.sizes = np.diff(self.offsets)  # keys per gram
        self.ids: IdArray = key_ids.astype(np.int32)
        # Distinct grams are few (thousands, even at a million triples): a dict finds a query's
        # handful faster than a numpy search does.
        self._slot_of = {code: slot for slot, code in enumerate(self.codes.tolist())}

    def __len__(self) -> int:
        return len(self.codes)

    def entries(self) -> int:
        """Total number of (gram, key) entries."""
        return len(self.ids)

    def slots(self, codes: Iterable[int]) -> list[int]:
        """Positions of `codes` among the indexed codes, -1 for a code no key holds."""
        return [self._slot_of.get(code, -1) for code in codes]

    def at(self, slot: int) -> IdArray:
        """The key ids of the code at position `slot`."""
        return self.ids[self.offsets[slot]:self.offsets[slot + 1]]

    def intersect(self, codes: Iterable[int], *, most: int | None = None) -> IdArray:
        """Ids of the keys holding every one of `codes`, ascending (codes must be given). With
        `most`, only the `most` rarest codes are intersected (a superset, for a caller that checks
        the candidates anyway: once the rarest few are intersected, the others remove little)."""
        slots = self.slots(set(codes))
        if not slots or min(slots) < 0:
            return EMPTY
        lists = sorted((self.at(s) for s in slots), key=len)
        return intersect(lists[:most])

    def starting(self, base: int, bits: int) -> tuple[int, int]:
        """The slots [low, high) of the codes `base` plus something below 2**bits (the grams that
        start with given characters)."""
        low, high = np.searchsorted(self.codes, np.asarray([base, base + (1 << bits)], dtype=np.uint64))
        return int(low), int(high)

    def union_slots(self, slots: Sequence[int] | npt.NDArray[np.int64], universe: int) -> IdArray:
        """Ids (below `universe`) of the keys holding any of the codes at `slots`, ascending."""
        slots = np.asarray(slots, dtype=np.int64)
        if len(slots) == 0:
            return EMPTY
        if len(slots) == 1:
            return self.at(int(slots[0]))
        # Positions of every entry of every slot, without a Python loop over the slots.
        ids = self.ids[ranges(self.offsets[slots], self.offsets[slots + 1])]
        if len(ids) * _MASK_RATIO < universe:
            return np.unique(ids)
        # Many ids: marking them in a mask of all keys is cheaper than sorting them.
        mask = np.zeros(universe, dtype=bool)
        mask[ids] = True
        return np.flatnonzero(mask).astype(np.int32)


def ranges(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Every integer of the ranges [start, end), one range after another."""
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64)
    # A running sum of steps: 1 inside a range, a jump from one range's end to the next one's start.
    lengths = ends - starts
    steps = np.ones(int(lengths.sum()), dtype=np.int64)
    steps[0] = starts[0]
    steps[np.cumsum(lengths)[:-1]] = starts[1:] - ends[:-1] + 1
    return np.cumsum(steps)


def _equal_to(point: int) -> Step:
    wanted = np.uint32(point)
    return lambda points: points == wanted


def first_of_runs(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Sorted `values` without repeats (a cheaper np.unique for input already in order)."""
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    return values[first]


class JoinedTexts:
    """Many short texts as one array of code points, each text followed by a separator.

    Picking a few thousand texts to check is then one numpy gather, and the checks are numpy
    comparisons over the gathered code points, instead of a Python loop over the texts and a regex
    (which cost more than the search itself at a million triples).
    """

    def __init__(self, texts: Sequence[str]) -> None:
        points = np.frombuffer((SEPARATOR.join(texts) + SEPARATOR).encode("utf-32-le"), dtype=np.uint32)
        # The narrowest type that holds every code point: pinyin is ASCII, most Chinese is in the BMP.
        top = int(points.max()) if len(points) else 0
        narrow = np.uint8 if top < 1 << 8 else np.uint16 if top < 1 << 16 else np.uint32
        self.points: npt.NDArray[np.unsignedinteger[Any]] = points.astype(narrow)
        self.lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self.starts = np.cumsum(self.lengths + 1) - (self.lengths + 1)

    def __len__(self) -> int:
        return len(self.lengths)

    def pick(self, ids: IdArray) -> tuple[npt.NDArray[np.unsignedinteger[Any]], npt.NDArray[np.int64]]:
        """The code points of the texts of `ids`, joined (each followed by a separator), and where
        each text starts among them."""
        sizes = self.lengths[ids] + 1
        starts = self.starts[ids]
        return self.points[ranges(starts, starts + sizes)], np.cumsum(sizes) - sizes

    def holding(self, ids: IdArray, text: str) -> IdArray:
        """The ids among `ids` (ascending) whose text contains `text`."""
        return self.holding_run(ids, literal_steps(text))

    def holding_in_order(self, ids: IdArray, text: str) -> IdArray:
        """The ids among `ids` (ascending) whose text has the characters of `text` in that order,
        anything between them (an abbreviation). Per text, each character is the first of its kind
        after the previous one: a bisection per text and character, in numpy."""
        if not text:
            return ids
        points, starts = self.pick(ids)
        ends = np.append(starts[1:], len(points))
        at = np.flatnonzero(points == np.uint32(ord(text[0])))
        owners = np.searchsorted(starts, at, side="right") - 1
        first = np.ones(len(at), dtype=bool)
        first[1:] = owners[1:] != owners[:-1]
        at, owners = at[first], owners[first]
        for char in text[1:]:
            places = np.flatnonzero(points == np.uint32(ord(char)))
            following = np.searchsorted(places, at, side="right")
            found = places[np.minimum(following, len(places) - 1)] if len(places) else at
            inside = (following < len(places)) & (found < ends[owners])
            at, owners = found[inside], owners[inside]
        return ids[owners]

    def holding_run(self, ids: IdArray, steps: Sequence[Step]) -> IdArray:
        """The ids among `ids` (ascending) whose text has a run of `len(steps)` characters, the i-th
        passing `steps[i]` (no step may pass the separator). In numpy: one pass over all picked
        characters for the first step, then each step only where the run so far held."""
        if not steps:
            return ids
        points, starts = self.pick(ids)
        return ids[first_of_runs(np.searchsorted(starts, run_starts(points, steps), side="right") - 1)]


def run_starts(points: npt.NDArray[np.unsignedinteger[Any]], steps: Sequence[Step]) -> npt.NDArray[np.int64]:
    """Where in `points` a run of `len(steps)` characters starts whose i-th passes `steps[i]`,
    ascending. One pass over all points for the first step, then each step only where the run so
    far held."""
    if len(steps) > len(points):
        return np.zeros(0, dtype=np.int64)
    at = np.flatnonzero(steps[0](points[: len(points) - len(steps) + 1]))
    for offset, step in enumerate(steps[1:], start=1):
        at = at[step(points[at + offset])]
    return at


def literal_steps(text: str) -> list[Step]:
    """The steps of a run spelling `text`."""
    return [_equal_to(ord(c)) for c in text]


def member(values: IdArray, ids: IdArray) -> npt.NDArray[np.bool_]:
    """Which of `values` are in the sorted array `ids` (looked up by bisection)."""
    if len(ids) == 0:
        return np.zeros(len(values), dtype=bool)
    found: npt.NDArray[np.bool_] = ids[np.minimum(np.searchsorted(ids, values), len(ids) - 1)] == values
    return found


def intersect(lists: Sequence[IdArray]) -> IdArray:
    """Intersection of sorted arrays of distinct ids: each id of the shortest is looked up by bisection."""
    ordered = sorted(lists, key=len)
    result = ordered[0]
    for other in ordered[1:]:
        if len(result) == 0:
            break
        result = result[member(result, other)]
    return result


def union(lists: Sequence[IdArray]) -> IdArray:
    """Union of id arrays, sorted."""
    lists = [ids for ids in lists if len(ids)]
    if not lists:
        return EMPTY
    return lists[0] if len(lists) == 1 else np.unique(np.concatenate(lists))
