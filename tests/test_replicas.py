"""A leader and replicas over one on-disk store (kg.store.replicas): every write is seen by every replica
from its next request, reads in flight keep their state, and old checkpoints are removed after the grace."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import KGError
from kg.store import GraphStore, QueryRequest
from kg.store.replicas import Follower, Publisher, read_published, replicas_dir, wait_for_published
from kg.terms import iri, literal

GRAPH = "https://example.org/replicas"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


def count(store: GraphStore) -> int:
    rows = store.select_values(COUNT)
    return int(rows[0][0] or 0)


@pytest.fixture()
def leader(tmp_path: Path) -> Iterator[tuple[GraphStore, Publisher, Settings]]:
    settings = Settings(data_dir=tmp_path / "store", query_workers=1, query_timeout=10.0, warm_up=False,
                        bundled_data_dir=tmp_path / "none")
    store = GraphStore.open(settings)
    publisher = Publisher(store, replicas_dir(settings.data_dir), grace=0.5)
    yield store, publisher, settings
    store.close()


def add(store: GraphStore, n: int) -> None:
    store.add_triples([(iri(f"https://example.org/s{n}"), iri("https://example.org/p"), literal(str(n)))],
                      graph=GRAPH)


def test_a_write_of_the_leader_is_seen_by_a_replica_on_its_next_refresh(
        leader: tuple[GraphStore, Publisher, Settings]) -> None:
    store, publisher, settings = leader
    current = wait_for_published(publisher.root, timeout=5)
    replica = GraphStore.open_replica(settings, current.path)
    follower = Follower(replica, publisher.root, current)
    try:
        assert count(replica) == 0 and not follower.refresh()
        generation = replica.generation
        add(store, 1)
        assert count(replica) == 0  # not before it looks
        assert follower.refresh()
        assert count(replica) == 1 and replica.generation == generation + 1
        # Client queries run in the replica's workers, which follow the switch too.
        answer = replica.run(QueryRequest(COUNT))
        assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == "1"
        add(store, 2)
        add(store, 3)
        assert follower.refresh() and count(replica) == 3
        assert replica.run(QueryRequest(COUNT)).body != answer.body
    finally:
        replica.close()


Leader = tuple[GraphStore, Publisher, Settings]


def test_a_replica_refuses_writes_with_one_clear_error(leader: Leader) -> None:
    _, publisher, settings = leader
    current = wait_for_published(publisher.root, timeout=5)
    replica = GraphStore.open_replica(settings, current.path)
    with pytest.raises(KGError, match="read-only"):
        add(replica, 9)


def test_replaced_checkpoints_are_removed_after_the_grace(leader: Leader) -> None:
    store, publisher, _ = leader
    first = read_published(publisher.root)
    assert first is not None and first.path.is_dir()
    add(store, 1)
    second = read_published(publisher.root)
    assert second is not None and second.serial > first.serial
    assert first.path.is_dir()  # within the grace a replica may still read it
    time.sleep(0.6)
    add(store, 2)
    assert not first.path.exists() and second.path.is_dir()


def test_a_replica_waits_for_the_leader_and_then_says_why(tmp_path: Path) -> None:
    with pytest.raises(KGError, match="published no store state"):
        wait_for_published(tmp_path / "nothing", timeout=0.3)
