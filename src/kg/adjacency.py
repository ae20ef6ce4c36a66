"""The relation graph's statements as compressed rows of numpy arrays (docs/engine-notes.md §4.7).

A networkx MultiDiGraph holds a dict per node, per neighbour and per statement: at a million triples
that was 158 MB of the 740 MB a restarted server held. The projection (kg.graphview) keeps its
statements here instead, in both directions, about 20 bytes a statement, and builds networkx graphs only
for the measures that need one (analytics), on first use.

`Adjacency` is one direction: for node u, rows `offsets[u]:offsets[u + 1]` of `neighbours` and `keys`
hold its statements sorted by neighbour, then in the order given (the projection gives property IRI
order), so iterating them is deterministic and equal to what the dict-of-dicts iterated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Adjacency:
    """Statements of one direction grouped by node: neighbour and key (property number) per row."""

    offsets: npt.NDArray[np.int64]
    neighbours: IntArray
    keys: IntArray

    @classmethod
    def build(cls, nodes: int, sources: IntArray, targets: IntArray, keys: IntArray) -> Adjacency:
        """Rows grouped by source, then sorted by target; statements of one (source, target) pair keep
        their given order (stable sort)."""
        order = np.lexsort((targets, sources))  # stable: the last key sorts first
        counts = np.bincount(sources, minlength=nodes)
        offsets = np.zeros(nodes + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(offsets, targets[order].astype(np.int32), keys[order].astype(np.int32))

    def __len__(self) -> int:
        return len(self.neighbours)

    def grouped(self, u: int) -> Iterator[tuple[int, tuple[int, ...]]]:
        """(neighbour, its keys) for each distinct neighbour of `u`, in neighbour order."""
        low, high = int(self.offsets[u]), int(self.offsets[u + 1])
        if low == high:
            return
        nodes = self.neighbours[low:high].tolist()
        keys = self.keys[low:high].tolist()
        start = 0
        for i in range(1, len(nodes) + 1):
            if i == len(nodes) or nodes[i] != nodes[start]:
                yield nodes[start], tuple(keys[start:i])
                start = i

    def pairs(self, u: int) -> Iterator[tuple[int, int]]:
        """(neighbour, key) of each statement of `u`, in row order."""
        low, high = int(self.offsets[u]), int(self.offsets[u + 1])
        yield from zip(self.neighbours[low:high].tolist(), self.keys[low:high].tolist(), strict=True)

    def keys_between(self, u: int, v: int) -> list[int]:
        """Keys of the statements u → v (row order)."""
        low, high = int(self.offsets[u]), int(self.offsets[u + 1])
        row = self.neighbours[low:high]
        first, last = np.searchsorted(row, v, side="left"), np.searchsorted(row, v, side="right")
        found: list[int] = self.keys[low + int(first):low + int(last)].tolist()
        return found

    def distinct_neighbours(self) -> npt.NDArray[np.int64]:
        """How many distinct neighbours each node has."""
        nodes = len(self.offsets) - 1
        if not len(self.neighbours):
            return np.zeros(nodes, dtype=np.int64)
        sources = np.repeat(np.arange(nodes, dtype=np.int64), np.diff(self.offsets))
        # Rows are sorted by neighbour within a node: a new pair starts where either changes.
        new = np.ones(len(self.neighbours), dtype=bool)
        new[1:] = (sources[1:] != sources[:-1]) | (self.neighbours[1:] != self.neighbours[:-1])
        return np.bincount(sources[new], minlength=nodes)

    def edges(self) -> Iterator[tuple[int, int, int]]:
        """(source, neighbour, key) of every row, in row order."""
        nodes = len(self.offsets) - 1
        sources = np.repeat(np.arange(nodes, dtype=np.int64), np.diff(self.offsets))
        yield from zip(sources.tolist(), self.neighbours.tolist(), self.keys.tolist(), strict=True)
