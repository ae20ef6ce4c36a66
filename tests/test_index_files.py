"""Indexes kept beside the on-disk store (kg.store.index_files): a restart loads the ones of the same
state instead of rebuilding them, a write makes them stale, and a bad file is rebuilt, never trusted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import kg.graphview
import kg.lookup.service
import kg.provenance
from kg.config import Settings
from kg.services import Services
from kg.store import GraphStore
from kg.store.index_files import state_dir
from kg.terms import iri, literal


@contextmanager
def opened(tmp_path: Path) -> Iterator[Services]:
    """The services over the store at tmp_path/store, released afterwards so that the next open of the
    same store in this process gets RocksDB's lock (as a restart would)."""
    services = Services.open(settings_at(tmp_path))
    try:
        yield services
    finally:
        services.close()
        assert isinstance(services.store, GraphStore)
        services.store.release()


def settings_at(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "store", query_workers=1, query_timeout=10.0, warm_up=False)


def build_all(services: Services) -> tuple[object, ...]:
    hits = services.lookup.search("科创办", limit=5)
    statements = services.provenance.statements()
    projection = services.graph_view.projection()
    return ([h.entity.iri for h in hits.hits], len(statements), sorted(projection.iris),
            projection.graph.number_of_edges())


def forbid_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("rebuilt an index that was on disk")

    monkeypatch.setattr(kg.lookup.service, "entity_records", refuse)
    monkeypatch.setattr(kg.provenance.Provenance, "_build", refuse)
    monkeypatch.setattr(kg.graphview, "_read_facts", refuse)


def test_a_restart_loads_the_indexes_of_the_same_state(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with opened(tmp_path) as services:
        built = build_all(services)
        state = services.store.state_id
    assert state is not None
    files = {p.name for p in state_dir(tmp_path / ".store.indexes", state).iterdir()}
    assert files == {"lookup.pickle", "evidence.pickle", "relations.pickle"}
    forbid_builds(monkeypatch)
    with opened(tmp_path) as services:
        assert services.store.state_id == state
        assert build_all(services) == built
        # The loaded relation graph reads labels from the store again (its reader is not pickled).
        projection = services.graph_view.projection()
        office = projection.node(projection.index["https://w3id.org/innokg/id/shanghai-stc-office"])
        assert office.label_zh and office.label_en


def test_a_write_makes_the_kept_indexes_stale(tmp_path: Path) -> None:
    with opened(tmp_path) as services:
        build_all(services)
        before = services.store.state_id
        services.store.add_triples([(iri("https://example.org/new-body"),
                                     iri("http://www.w3.org/2004/02/skos/core#prefLabel"),
                                     literal("新设机构甲", lang="zh"))], graph="https://example.org/g")
        after = services.store.state_id
        assert after not in (None, before)
        assert [h.entity.iri for h in services.lookup.search("新设机构甲", limit=3).hits][:1] == [
            "https://example.org/new-body"]
    with opened(tmp_path) as services:
        assert services.store.state_id == after
        assert [h.entity.iri for h in services.lookup.search("新设机构甲", limit=3).hits][:1] == [
            "https://example.org/new-body"]
    assert before is not None and not state_dir(tmp_path / ".store.indexes", before).exists()


def test_an_unreadable_file_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    with opened(tmp_path) as services:
        built = build_all(services)
        state = services.store.state_id
    assert state is not None
    (state_dir(tmp_path / ".store.indexes", state) / "lookup.pickle").write_bytes(b"not a pickle")
    with opened(tmp_path) as services:
        assert build_all(services) == built


def test_a_write_cut_short_leaves_no_state_to_match(tmp_path: Path) -> None:
    with opened(tmp_path) as services:
        build_all(services)
        state = services.store.state_id
    (tmp_path / ".store.state").write_text("writing", encoding="ascii")  # as a crash mid-write leaves it
    with opened(tmp_path) as services:
        assert services.store.state_id not in (None, state, "writing")
        assert services.index_files is not None
        assert services.index_files.load("lookup", object) is None


def test_in_memory_stores_keep_nothing(tmp_path: Path) -> None:
    with Services.open(Settings(in_memory=True, warm_up=False, data_dir=tmp_path / "store")) as services:
        assert services.store.state_id is None and services.index_files is None


def test_answer_tags_survive_a_restart_and_change_with_a_write(tmp_path: Path) -> None:
    with opened(tmp_path) as services:
        tag = services.state_tag()
    with opened(tmp_path) as services:
        assert services.state_tag() == tag  # a client's ETag still validates after a restart
        services.store.add_triples([(iri("https://example.org/x"), iri("https://example.org/p"),
                                     literal("1"))], graph="https://example.org/g")
        assert services.state_tag() != tag


def test_files_written_by_other_code_are_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store.index_files

    with opened(tmp_path) as services:
        built = build_all(services)
    monkeypatch.setattr(kg.store.index_files, "code_version", lambda: "another-version")
    with opened(tmp_path) as services:
        assert services.index_files is not None
        assert services.index_files.load("lookup", object) is None  # an upgrade rebuilds
        assert build_all(services) == built
