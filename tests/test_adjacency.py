"""kg.adjacency against networkx: the compressed rows answer what the MultiDiGraph they replace answered,
in the same order (the projection's iteration order is part of its answers)."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.adjacency import Adjacency

statements = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(0, 4)), max_size=60)


def _both(edges: list[tuple[int, int, int]], nodes: int = 8) -> tuple[nx.MultiDiGraph, Adjacency, Adjacency]:
    # The projection's order: sorted, distinct statements, added to networkx in that order.
    ordered = sorted(set(edges))
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(nodes))
    graph.add_edges_from(ordered)
    table = np.asarray(ordered, dtype=np.int32).reshape(-1, 3)
    out = Adjacency.build(nodes, table[:, 0], table[:, 1], table[:, 2])
    into = Adjacency.build(nodes, table[:, 1], table[:, 0], table[:, 2])
    return graph, out, into


@settings(max_examples=200, deadline=None)
@given(statements)
def test_rows_answer_as_networkx_did(edges: list[tuple[int, int, int]]) -> None:
    graph, out, into = _both(edges)
    for u in range(8):
        assert list(out.grouped(u)) == [(v, tuple(keys)) for v, keys in graph._succ[u].items()]
        assert list(into.grouped(u)) == [(v, tuple(keys)) for v, keys in graph._pred[u].items()]
        assert list(out.pairs(u)) == [(v, k) for v, keys in graph._succ[u].items() for k in keys]
        assert list(into.pairs(u)) == [(v, k) for v, keys in graph._pred[u].items() for k in keys]
        for v in range(8):
            assert out.keys_between(u, v) == list(graph._succ[u].get(v, ()))
    degree = (out.distinct_neighbours() + into.distinct_neighbours()).tolist()
    assert degree == [len(graph._succ[u]) + len(graph._pred[u]) for u in range(8)]
    assert sorted(out.edges()) == sorted(graph.edges(keys=True))
    assert len(out) == graph.number_of_edges()


def test_no_statements() -> None:
    _, out, into = _both([], nodes=3)
    assert [list(out.grouped(u)) for u in range(3)] == [[], [], []]
    assert out.distinct_neighbours().tolist() == [0, 0, 0] and into.keys_between(1, 2) == []
